"""The centre's configured names (第三条)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.centre import (
    ANHUI_CITIES,
    SUB_CENTRES,
    CentreLevel,
    centre_name,
    city_centre,
    normalise_city,
    sub_centre,
)
from hotline_desk.core.errors import DataFormatError

ALL_FULL_NAMES = (
    {"安徽省12345政务服务便民热线"}
    | {f"{city}12345政务服务便民热线" for city in ANHUI_CITIES}
    | {f"安徽省12345政务服务便民热线{name}分中心" for name in SUB_CENTRES}
)


def test_sixteen_cities() -> None:
    """第三条 names the cities' centres; Anhui has exactly 16 prefecture-level cities."""
    assert len(ANHUI_CITIES) == 16
    assert len(set(ANHUI_CITIES)) == 16
    assert all(city.endswith("市") for city in ANHUI_CITIES)


@pytest.mark.parametrize("value", ["province", "PROVINCE", "省", "省级", "安徽省", " province ",
                                   "安徽省12345政务服务便民热线", "province:"])
def test_province_level_names(value: str) -> None:
    """第三条: 省本级使用“安徽省12345政务服务便民热线”的全称和“省12345热线”的简称."""
    name = centre_name(value)
    assert name.level is CentreLevel.PROVINCE
    assert name.full_name == "安徽省12345政务服务便民热线"
    assert name.short_name == "省12345热线"
    assert name.city is None and name.sub_centre is None


@pytest.mark.parametrize("city", ANHUI_CITIES)
def test_every_city_builds_full_and_short_name(city: str) -> None:
    """第三条: 各市使用“XX市12345政务服务便民热线”的全称和“XX市12345热线”的简称."""
    bare = city.removesuffix("市")
    for value in (city, bare, f"city:{bare}", f"city:{city}", f"安徽省{city}", f"  {bare} "):
        name = centre_name(value)
        assert name.level is CentreLevel.CITY
        assert name.city == city
        assert name.full_name == f"{city}12345政务服务便民热线"
        assert name.short_name == f"{city}12345热线"


@pytest.mark.parametrize("sub", SUB_CENTRES)
def test_every_sub_centre(sub: str) -> None:
    """第三条: 分中心使用“安徽省12345政务服务便民热线海关/税务/烟草/移民/邮政业分中心”."""
    for value in (sub, f"{sub}分中心", f"sub:{sub}"):
        name = centre_name(value)
        assert name.level is CentreLevel.SUB_CENTRE
        assert name.sub_centre == sub
        assert name.full_name == f"安徽省12345政务服务便民热线{sub}分中心"
        assert name.short_name == f"省12345热线{sub}分中心"


def test_postal_alias() -> None:
    """第三条 says 邮政业分中心; operators often just say 邮政."""
    assert centre_name("邮政").full_name == "安徽省12345政务服务便民热线邮政业分中心"


def test_the_five_sub_centres_of_article_3() -> None:
    """第三条: 海关/税务/烟草/移民/邮政业 — nothing more."""
    assert SUB_CENTRES == ("海关", "税务", "烟草", "移民", "邮政业")


@pytest.mark.parametrize("value", ["南京", "南京市", "city:南京", "city:", "sub:公安", "公安分中心",
                                   "", "   ", "county:肥西", "合肥市市"])
def test_unknown_values_are_refused_in_chinese(value: str) -> None:
    """第三条: the name is configured, never guessed — an unknown value is an error."""
    with pytest.raises(DataFormatError) as info:
        centre_name(value)
    assert info.value.message_zh
    assert info.value.problems and info.value.problems[0][1] == "centre"


def test_city_and_sub_centre_builders_validate() -> None:
    """第三条: only Anhui's 16 cities and the five sub-centres exist."""
    with pytest.raises(DataFormatError) as info:
        city_centre("苏州")
    assert "苏州" in info.value.message_zh
    with pytest.raises(DataFormatError) as info:
        sub_centre("教育")
    assert "教育" in info.value.message_zh


def test_normalise_city() -> None:
    """第三条: XX市 — the 市 is optional in configuration."""
    assert normalise_city("芜湖") == "芜湖市"
    assert normalise_city("芜湖市") == "芜湖市"
    assert normalise_city("安徽省马鞍山") == "马鞍山市"
    assert normalise_city("杭州") is None
    assert normalise_city("") is None


@pytest.mark.parametrize("value", ["province", "合肥", "sub:海关", "黄山市", "邮政业"])
def test_config_value_round_trips(value: str) -> None:
    """第三条: the canonical configuration value rebuilds the same names."""
    name = centre_name(value)
    assert centre_name(name.config_value) == name


@given(st.text(max_size=30))
def test_any_value_gives_a_regulation_name_or_a_chinese_error(value: str) -> None:
    """第三条: whatever is configured, the desk shows one of the names the article allows."""
    try:
        name = centre_name(value)
    except DataFormatError as exc:
        assert exc.message_zh
        return
    assert name.full_name in ALL_FULL_NAMES
