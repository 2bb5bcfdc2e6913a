"""Masking of personal data wherever it is not needed in full (第三十四条 数据脱敏).

One function per kind of data, plus :func:`mask_text` for free text (log lines,
exports) that finds phone and ID-card numbers inside it. Every function accepts
any string and never raises. The rules, chosen to reveal as little as a seat or a
handling unit still needs to recognise a record:

* phone: mobile ``138****5678`` (first 3, last 4); landline keeps its area code and
  last 4, ``0551-****5678``, and hides an extension entirely (``转***``). One ``*`` per
  hidden digit. A value that is not a valid number keeps at most its last 4 digits.
* ID card: 18-digit (last character may be ``X``) and legacy 15-digit numbers keep
  the first 6 (the issuing region) and last 4: ``340102********1234``.
* name: the surname stays, every other character becomes ``*``: ``张三`` → ``张*``,
  ``欧阳娜娜`` → ``欧阳**``. Compound surnames (:data:`COMPOUND_SURNAMES`) are kept
  whole only for names of three or more characters: a two-character name is always
  ``X*`` (``欧阳`` → ``欧*``) because ``钟离`` may as well be 钟 + 离, and hiding one
  character too many is the safe mistake. A one-character name is only a surname
  (callers often give just "姓张") and is returned unchanged. An honorific
  ``先生/女士/小姐`` is kept (``张先生`` stays as it is; ``张三先生`` → ``张*先生``).
  Names with ``·`` (``买买提·艾力``) or spaces keep the separators.
* address: the administrative levels down to street/town/township
  (省/市/区·县/街道·镇·乡) are kept and the rest becomes a fixed ``****``, whatever its
  length: ``合肥市蜀山区三里庵街道长江西路123号4栋502室`` → ``合肥市蜀山区三里庵街道****``.
  Level names are recognised by their suffix and a short name; housing estates
  (``幸福小区``) and roads never count as a level, so when in doubt more is masked.

Masking never reveals more when applied again: masked values come back unchanged.
"""

from __future__ import annotations

import re
import unicodedata

from hotline_desk.core.phone import Phone, PhoneKind, check_phone

__all__ = [
    "COMPOUND_SURNAMES",
    "mask_address",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "mask_text",
]

MASK = "*"
ADDRESS_MASK = "****"

#: Common Chinese compound surnames (复姓), from the 百家姓 list and current usage.
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    (
        "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "南宫", "独孤", "西门", "太史",
        "闻人", "赫连", "澹台", "宗政", "濮阳", "公冶", "太叔", "申屠", "仲孙", "钟离",
        "鲜于", "司空", "闾丘", "亓官", "司寇", "巫马", "公西", "颛孙", "漆雕", "乐正",
        "拓跋", "呼延", "东郭", "百里", "万俟", "第五", "左丘", "梁丘", "羊舌", "微生",
        "公羊", "谷梁", "南门", "子车", "壤驷", "公良", "段干",
    )
)

_HONORIFICS = ("先生", "女士", "小姐")
_NAME_SEPARATORS = frozenset("·•・.． \u3000")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _keep_last_digits(text: str, keep: int = 4) -> str:
    """Fallback for values we cannot parse: only the digits (and stars already there),
    all masked but the last ``keep`` when there are at least 8."""
    chars = [c for c in _fold(text) if c == MASK or (c.isascii() and c.isdigit())]
    if len(chars) < 8:
        return MASK * len(chars)
    return MASK * (len(chars) - keep) + "".join(chars[-keep:])


# ---------------------------------------------------------------- phone

_MASKED_MOBILE = re.compile(r"1[3-9][0-9]\*{4}[0-9]{4}")
_MASKED_LANDLINE = re.compile(r"0[0-9]{2,3}-\*{3,4}[0-9]{4}(?:转\*{1,6})?")


def _mask_valid_phone(phone: Phone) -> str:
    if phone.kind is PhoneKind.MOBILE:
        return phone.number[:3] + MASK * 4 + phone.number[-4:]
    local = phone.local_number
    masked = f"{phone.area_code}-{MASK * (len(local) - 4)}{local[-4:]}"
    if phone.extension:
        masked += "转" + MASK * len(phone.extension)
    return masked


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``; ``0551-62345678`` → ``0551-****5678``."""
    text = _fold(value).strip()
    if _MASKED_MOBILE.fullmatch(text) or _MASKED_LANDLINE.fullmatch(text):
        return text
    phone = check_phone(text)
    if isinstance(phone, Phone):
        return _mask_valid_phone(phone)
    return _keep_last_digits(text)


# ---------------------------------------------------------------- ID card

_ID_18 = re.compile(r"[0-9]{17}[0-9X]")
_ID_15 = re.compile(r"[0-9]{15}")
_MASKED_ID = re.compile(r"[0-9]{6}\*{5,8}[0-9]{3}[0-9X]")


def mask_id_number(value: str) -> str:
    """``340102199001011234`` → ``340102********1234`` (first 6, last 4 kept).

    The checksum is not verified: a mistyped number is personal data all the same.
    """
    text = re.sub(r"[\s\-]", "", _fold(value)).upper()
    if _MASKED_ID.fullmatch(text):
        return text
    if _ID_18.fullmatch(text) or _ID_15.fullmatch(text):
        return text[:6] + MASK * (len(text) - 10) + text[-4:]
    chars = [c for c in text if c == MASK or (c.isascii() and c.isalnum())]
    if len(chars) < 8:
        return MASK * len(chars)
    return MASK * (len(chars) - 4) + "".join(chars[-4:])


# ---------------------------------------------------------------- name


def _mask_given(text: str) -> str:
    return "".join(c if c in _NAME_SEPARATORS else MASK for c in text)


def mask_name(value: str) -> str:
    """``张三`` → ``张*``, ``欧阳娜娜`` → ``欧阳**``, ``张`` → ``张`` (see module doc)."""
    name = value.strip()
    if not name:
        return ""
    honorific = ""
    for suffix in _HONORIFICS:
        if name.endswith(suffix) and len(name) > len(suffix):
            name, honorific = name[: -len(suffix)], suffix
            break
    if honorific and (len(name) == 1 or name in COMPOUND_SURNAMES):
        return name + honorific  # "张先生", "欧阳女士": a surname is all there is
    if len(name) == 1:
        return name + honorific
    keep = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:keep] + _mask_given(name[keep:]) + honorific


# ---------------------------------------------------------------- address

# Each level: a short name followed by its suffix. Names may not contain digits or
# characters that mark a road, a building or a housing estate.
_NAME_CHARS = r"[^\s\d0-9*路街巷弄道号栋幢楼室层单元座村组院苑园府邸庭广场区县市镇乡省]"
_PROVINCE = re.compile(
    rf"(?:{_NAME_CHARS}{{2,3}}省|{_NAME_CHARS}{{2,8}}自治区|(?:香港|澳门)特别行政区)"
)
_CITY = re.compile(rf"{_NAME_CHARS}{{2,8}}(?:市|自治州|地区|盟)")
_DISTRICT = re.compile(
    rf"(?:{_NAME_CHARS}{{1,4}}(?:区|县|市|旗)"
    rf"|{_NAME_CHARS}{{2,10}}(?:开发区|新区|高新区|示范区))"
)
# Street/town names are more varied (稻香村街道, 花园街道, 大泽乡镇) but never numbered.
_STREET_CHARS = r"[^\s\d0-9*路巷弄号栋幢楼室层单元座区县市省]"
_STREET = re.compile(rf"{_STREET_CHARS}{{1,6}}(?:街道|镇|乡|苏木)")
_NOT_DISTRICT = ("小区", "社区", "校区", "园区", "景区", "片区", "街区", "厂区", "营区", "院区")


def _admin_prefix(text: str) -> int:
    """Length of the leading run of administrative levels in ``text``."""
    position = 0
    for level in (_PROVINCE, _CITY, _DISTRICT, _STREET):
        # A level may be absent (e.g. no province) but never appears out of order.
        match = level.match(text, position)
        if match is None:
            continue
        if level is _DISTRICT and match.group().endswith(_NOT_DISTRICT):
            break
        position = match.end()
    return position


def mask_address(value: str) -> str:
    """Keep 省/市/区县/街道镇乡 and replace the rest with ``****``."""
    text = value.strip()
    if not text:
        return ""
    kept = _admin_prefix(text)
    if kept == len(text):
        return text
    return text[:kept] + ADDRESS_MASK


# ---------------------------------------------------------------- free text

# Full-width digits and signs folded one character to one character, so that match
# positions in the folded copy are positions in the original text.
_FOLD_DIGITS = str.maketrans("０１２３４５６７８９＋－（）Ｘｘ", "0123456789+-()Xx")
_SEP = r"[ \-]?"
_TEXT_PATTERN = re.compile(
    r"(?<![0-9])(?:"
    # ID card: 6 region digits, birth date (18xx/19xx/20xx, or yymm for the
    # 15-digit form), sequence and check character.
    r"(?P<id18>[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])[0-9]{5}[0-9Xx])"
    r"|(?P<id15>[1-9][0-9]{7}(?:0[1-9]|1[0-2])[0-9]{5})"
    rf"|(?P<mobile>(?:\+86{_SEP}|0086{_SEP})?1[3-9][0-9]{_SEP}[0-9]{{4}}{_SEP}[0-9]{{4}})"
    rf"|(?P<landline>(?:\(0[0-9]{{2,3}}\)|0[0-9]{{2,3}}){_SEP}[0-9]{{3,4}}{_SEP}[0-9]{{4}})"
    r")(?![0-9])"
)


def mask_text(text: str) -> str:
    """Mask every phone number and ID-card number found in free text (for logs).

    Digit runs are matched whole (a 20-digit ticket number is not a phone number).
    An 18- or 15-digit run whose birth-date part looks like a date counts as an ID
    number; the checksum is not verified. Phone-shaped numbers (mobile, or landline
    with its area code, optionally with spaces or hyphens) are masked even when they
    are not valid numbers: a mistyped number is still personal data.
    """
    folded = text.translate(_FOLD_DIGITS)
    pieces: list[str] = []
    position = 0
    for match in _TEXT_PATTERN.finditer(folded):
        found = match.group()
        is_id = match["id18"] is not None or match["id15"] is not None
        pieces.append(text[position : match.start()])
        pieces.append(mask_id_number(found) if is_id else mask_phone(found))
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)
