"""Anhui's 16 cities and their districts and counties, as the search engine knows them.

An operator types "芜湖 公积金租房" or "蜀山区入学" (第十二条(一): answer from the
knowledge base at once): a place name in the query boosts entries of that region.
Names are recognised with or without their 市/区/县 suffix ("芜湖", "芜湖市",
"蜀山", "蜀山区"), except one-character stems (萧县, 和县, 寿县 …), which are only
recognised whole because a single character is too ambiguous.

Codes are positions in the tables below: city code 1..16 (0 = no city, i.e.
province-wide; ``UNKNOWN`` = a name that is not an Anhui city), district code
1..n (0 = none). Codes are stored in saved indexes: append, never reorder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# Prefecture-level cities and their county-level divisions (2024 administrative map).
CITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("合肥市", ("瑶海区", "庐阳区", "蜀山区", "包河区", "长丰县", "肥东县", "肥西县",
               "庐江县", "巢湖市")),
    ("淮北市", ("杜集区", "相山区", "烈山区", "濉溪县")),
    ("亳州市", ("谯城区", "涡阳县", "蒙城县", "利辛县")),
    ("宿州市", ("埇桥区", "砀山县", "萧县", "灵璧县", "泗县")),
    ("蚌埠市", ("龙子湖区", "蚌山区", "禹会区", "淮上区", "怀远县", "五河县", "固镇县")),
    ("阜阳市", ("颍州区", "颍东区", "颍泉区", "临泉县", "太和县", "阜南县", "颍上县",
               "界首市")),
    ("淮南市", ("大通区", "田家庵区", "谢家集区", "八公山区", "潘集区", "凤台县", "寿县")),
    ("滁州市", ("琅琊区", "南谯区", "来安县", "全椒县", "定远县", "凤阳县", "天长市",
               "明光市")),
    ("六安市", ("金安区", "裕安区", "叶集区", "霍邱县", "舒城县", "金寨县", "霍山县")),
    ("马鞍山市", ("花山区", "雨山区", "博望区", "当涂县", "含山县", "和县")),
    ("芜湖市", ("镜湖区", "鸠江区", "弋江区", "湾沚区", "繁昌区", "南陵县", "无为市")),
    ("宣城市", ("宣州区", "郎溪县", "泾县", "绩溪县", "旌德县", "宁国市", "广德市")),
    ("铜陵市", ("铜官区", "义安区", "郊区", "枞阳县")),
    ("池州市", ("贵池区", "东至县", "石台县", "青阳县")),
    ("安庆市", ("迎江区", "大观区", "宜秀区", "怀宁县", "太湖县", "宿松县", "望江县",
               "岳西县", "桐城市", "潜山市")),
    ("黄山市", ("屯溪区", "黄山区", "徽州区", "歙县", "休宁县", "黟县", "祁门县")),
)

PROVINCE = "安徽省"
UNKNOWN = 255
_SUFFIXES = ("市", "区", "县")
# Whole names that are ordinary words too; only recognised together with their city.
_AMBIGUOUS = frozenset({"郊区"})


@dataclass(frozen=True, slots=True)
class Place:
    """A recognised place: ``city`` code 1..16 and ``district`` code (0 = the whole city)."""

    city: int
    district: int
    name: str  # the canonical full name ("芜湖市", "蜀山区")


def _stem(name: str) -> str:
    return name[:-1] if name.endswith(_SUFFIXES) and len(name) > 2 else name


def city_name(code: int) -> str:
    return CITIES[code - 1][0] if 1 <= code <= len(CITIES) else ""


@cache
def _districts() -> tuple[tuple[int, str], ...]:
    """All districts in code order (district code = index + 1), with their city code."""
    return tuple(
        (city_code, district)
        for city_code, (_city, districts) in enumerate(CITIES, start=1)
        for district in districts
    )


def district_name(code: int) -> str:
    table = _districts()
    return table[code - 1][1] if 1 <= code <= len(table) else ""


@cache
def _aliases() -> dict[str, Place]:
    """Every spelling of every place; cities win over districts with the same stem (黄山)."""
    aliases: dict[str, Place] = {}
    for code, (district_city, district) in enumerate(_districts(), start=1):
        place = Place(district_city, code, district)
        if district not in _AMBIGUOUS:
            aliases[district] = place
        stem = _stem(district)
        if stem != district and len(stem) >= 2:
            aliases.setdefault(stem, place)
        city = city_name(district_city)
        aliases[city + district] = place
        aliases[_stem(city) + district] = place
    for code, (city, _districts_of_city) in enumerate(CITIES, start=1):
        place = Place(code, 0, city)
        aliases[city] = place
        aliases[_stem(city)] = place
    province = Place(0, 0, PROVINCE)
    for name in (PROVINCE, "安徽", "全省"):
        aliases[name] = province
    return aliases


@cache
def _leading_pattern() -> re.Pattern[str]:
    names = sorted(_aliases(), key=len, reverse=True)
    return re.compile("|".join(re.escape(name) for name in names))


@cache
def first_chars() -> frozenset[str]:
    """Characters a place name can start with (a cheap test before the pattern)."""
    return frozenset(name[0] for name in _aliases())


def lookup(name: str) -> Place | None:
    """The place spelt exactly ``name`` ("芜湖", "芜湖市", "蜀山区", "合肥市蜀山区")."""
    return _aliases().get(name.strip())


def leading_place(text: str) -> tuple[Place, int] | None:
    """A place name at the very start of ``text`` and its length, e.g. "芜湖公积金" → 芜湖, 2.

    Nested names are taken whole, the most specific place winning: "合肥市蜀山区…"
    gives 蜀山区 and 6, "安徽省合肥市…" gives 合肥市 and 6. ``city == 0`` is the
    province itself ("安徽省", "全省").
    """
    pattern, aliases = _leading_pattern(), _aliases()
    found = pattern.match(text)
    if found is None:
        return None
    place, end = aliases[found.group()], found.end()
    while place.district == 0:  # 安徽省 → 合肥市 → 蜀山区: keep the most specific
        following = pattern.match(text, end)
        if following is None:
            break
        inner = aliases[following.group()]
        nested = (place.city == 0 and inner.city != 0) or (
            place.city != 0 and inner.city == place.city and inner.district != 0
        )
        if not nested:
            break
        place, end = inner, following.end()
    return place, end


def trailing_place(text: str) -> tuple[Place, int] | None:
    """A place name ending ``text`` and where it starts: "yangquan登记合肥" → 合肥, 10.

    At least two characters must remain before it.
    """
    aliases = _aliases()
    for start in range(2, len(text) - 1):
        place = aliases.get(text[start:])
        if place is not None:
            return place, start
    return None


def city_code(name: str) -> int:
    """Code of an entry's ``region.city`` ("" → 0, province-wide; unknown → ``UNKNOWN``)."""
    if not name.strip():
        return 0
    place = lookup(name)
    return place.city if place is not None and place.district == 0 else UNKNOWN


def district_code(city: int, name: str) -> int:
    """Code of an entry's ``region.district`` within ``city`` (0 when empty or unknown)."""
    if not name.strip():
        return 0
    place = lookup(name)
    if place is None or place.district == 0 or (city and place.city != city):
        return 0
    return place.district
