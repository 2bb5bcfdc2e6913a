"""Anhui's 16 cities and their districts and counties as the search knows them.

第三条: the centre is province level or one of the 16 cities; entries belong to a
city or district, and a place in the query lifts that region's entries.
"""

from __future__ import annotations

from hotline_desk.core.kb.search import regions

CITIES_16 = ("合肥", "淮北", "亳州", "宿州", "蚌埠", "阜阳", "淮南", "滁州", "六安", "马鞍山",
             "芜湖", "宣城", "铜陵", "池州", "安庆", "黄山")


def test_the_sixteen_cities() -> None:
    assert [name for name, _ in regions.CITIES] == [f"{c}市" for c in CITIES_16]
    for code, short in enumerate(CITIES_16, start=1):
        assert regions.city_code(f"{short}市") == code
        assert regions.city_code(short) == code
        assert regions.city_name(code) == f"{short}市"


def test_city_codes_of_entry_regions() -> None:
    assert regions.city_code("") == 0
    assert regions.city_code("南京市") == regions.UNKNOWN
    assert regions.city_code("蜀山区") == regions.UNKNOWN  # a district is not a city


def test_districts_belong_to_their_city() -> None:
    hefei = regions.city_code("合肥市")
    shushan = regions.district_code(hefei, "蜀山区")
    assert shushan and regions.district_name(shushan) == "蜀山区"
    assert regions.district_code(regions.city_code("芜湖市"), "蜀山区") == 0
    assert regions.district_code(hefei, "") == 0
    assert regions.lookup("长丰") == regions.lookup("长丰县")


def test_huangshan_the_city_wins_over_the_district() -> None:
    assert regions.lookup("黄山") == regions.Place(16, 0, "黄山市")
    assert regions.lookup("黄山区") is not None and regions.lookup("黄山区").district


def test_leading_and_trailing_places() -> None:
    assert regions.leading_place("芜湖公积金") == (regions.Place(11, 0, "芜湖市"), 2)
    place, end = regions.leading_place("安徽省合肥市蜀山区入学") or (None, 0)
    assert place is not None and place.name == "蜀山区" and end == 9
    assert regions.leading_place("公积金") is None
    assert regions.trailing_place("yangquan登记合肥") == (regions.Place(1, 0, "合肥市"), 10)
    assert regions.trailing_place("合肥") is None  # nothing would be left
