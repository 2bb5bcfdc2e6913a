"""The centre's configured name (第三条).

第三条 fixes the names: the province level uses the full name
"安徽省12345政务服务便民热线" and the short name "省12345热线"; each city uses
"XX市12345政务服务便民热线" and "XX市12345热线"; a sub-centre uses and hangs the sign
"安徽省12345政务服务便民热线海关/税务/烟草/移民/邮政业分中心". The name is configured,
never hard-coded: :func:`centre_name` builds it from one configuration value.

Accepted configuration values (surrounding whitespace ignored):

* province level: ``"province"``, ``"省"``, ``"省级"``, ``"安徽省"``;
* a city: ``"city:合肥"``, ``"合肥"`` or ``"合肥市"`` (one of Anhui's 16 cities);
* a sub-centre: ``"sub:海关"``, ``"海关"``, ``"海关分中心"`` (海关 税务 烟草 移民 邮政业;
  ``"邮政"`` is accepted for 邮政业).

The regulation gives sub-centres no short name. Where a short name is needed (a
narrow title bar), this module uses "省12345热线" followed by the sub-centre name,
e.g. "省12345热线海关分中心", following the province short name the sub-centres
belong to; this is the module's choice, not the regulation's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hotline_desk.core.errors import DataFormatError

PROVINCE = "安徽省"
HOTLINE_FULL = "12345政务服务便民热线"
HOTLINE_SHORT = "12345热线"

#: Anhui's 16 prefecture-level cities, in the order the province lists them.
ANHUI_CITIES: tuple[str, ...] = (
    "合肥市", "淮北市", "亳州市", "宿州市", "蚌埠市", "阜阳市", "淮南市", "滁州市",
    "六安市", "马鞍山市", "芜湖市", "宣城市", "铜陵市", "池州市", "安庆市", "黄山市",
)

#: The sub-centres of 第三条, as their names appear before "分中心".
SUB_CENTRES: tuple[str, ...] = ("海关", "税务", "烟草", "移民", "邮政业")

_PROVINCE_VALUES = frozenset({"province", "省", "省级", "省本级", PROVINCE})
_SUB_ALIASES = {"邮政": "邮政业"}


class CentreLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    SUB_CENTRE = "sub_centre"


@dataclass(frozen=True, slots=True)
class CentreName:
    """A centre's level and its two names (第三条)."""

    level: CentreLevel
    full_name: str
    short_name: str
    city: str | None = None  # "合肥市" for a city centre
    sub_centre: str | None = None  # "海关" for a sub-centre

    @property
    def config_value(self) -> str:
        """The canonical configuration value that builds this name again."""
        if self.level is CentreLevel.CITY:
            return f"city:{self.city}"
        if self.level is CentreLevel.SUB_CENTRE:
            return f"sub:{self.sub_centre}"
        return "province"


def normalise_city(name: str) -> str | None:
    """``"合肥"``/``"合肥市"`` -> ``"合肥市"``; ``None`` if it is not one of the 16 cities."""
    text = name.strip()
    if not text:
        return None
    if text.startswith(PROVINCE) and len(text) > len(PROVINCE):
        text = text[len(PROVINCE):]
    candidate = text if text.endswith("市") else text + "市"
    return candidate if candidate in ANHUI_CITIES else None


def _normalise_sub_centre(name: str) -> str | None:
    text = name.strip()
    text = text.removesuffix("分中心")
    text = _SUB_ALIASES.get(text, text)
    return text if text in SUB_CENTRES else None


def province_centre() -> CentreName:
    return CentreName(
        level=CentreLevel.PROVINCE,
        full_name=PROVINCE + HOTLINE_FULL,
        short_name="省" + HOTLINE_SHORT,
    )


def city_centre(city: str) -> CentreName:
    """The name of a city centre; raises :class:`DataFormatError` for a city outside Anhui."""
    canonical = normalise_city(city)
    if canonical is None:
        raise _config_error(city, f"「{city.strip()}」不是安徽省的设区市，"
                                  f"可选：{'、'.join(ANHUI_CITIES)}")
    return CentreName(
        level=CentreLevel.CITY,
        full_name=canonical + HOTLINE_FULL,
        short_name=canonical + HOTLINE_SHORT,
        city=canonical,
    )


def sub_centre(name: str) -> CentreName:
    """The name of a sub-centre (海关 税务 烟草 移民 邮政业)."""
    canonical = _normalise_sub_centre(name)
    if canonical is None:
        raise _config_error(name, f"「{name.strip()}」不是第三条规定的分中心，"
                                  f"可选：{'、'.join(SUB_CENTRES)}")
    suffix = f"{canonical}分中心"
    return CentreName(
        level=CentreLevel.SUB_CENTRE,
        full_name=PROVINCE + HOTLINE_FULL + suffix,
        short_name="省" + HOTLINE_SHORT + suffix,
        sub_centre=canonical,
    )


def centre_name(config: str) -> CentreName:
    """Build the centre's names from one configuration value (see the module docstring).

    Raises :class:`DataFormatError` with a Chinese message for an empty or unknown
    value; never guesses.
    """
    text = config.strip()
    if not text:
        raise _config_error(
            config, "未配置热线名称：请填写 province、城市名（如合肥市）或分中心名（如海关）")
    prefix, sep, rest = text.partition(":")
    if sep:
        kind = prefix.strip().lower()
        if kind == "city":
            return city_centre(rest)
        if kind in ("sub", "sub_centre"):
            return sub_centre(rest)
        if kind == "province" and not rest.strip():
            return province_centre()
        raise _config_error(config, f"无法识别的热线名称配置「{text}」，前缀应为 city: 或 sub:")
    if text.lower() in _PROVINCE_VALUES or text == PROVINCE + HOTLINE_FULL:
        return province_centre()
    if normalise_city(text) is not None:
        return city_centre(text)
    if _normalise_sub_centre(text) is not None:
        return sub_centre(text)
    raise _config_error(
        config,
        f"无法识别的热线名称配置「{text}」：应为 province、安徽省16个设区市之一"
        f"或分中心（{'、'.join(SUB_CENTRES)}）",
    )


def _config_error(value: str, message_zh: str) -> DataFormatError:
    return DataFormatError(
        f"invalid centre configuration {value!r}",
        message_zh,
        problems=[("配置", "centre", message_zh)],
    )
