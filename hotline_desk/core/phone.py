"""Requester phone numbers: normalise what an operator types, then validate it (第十一条).

第十一条 requires the requester's contact details (联系方式) on every ticket, and
第十九条 lets the requester find a ticket again by ticket number plus phone number, so
the number must be stored in one canonical form whatever way it was typed.

Accepted input, the way operators type it:

* full-width digits and punctuation (``１３８``, ``（０５５１）``, ``＋８６``, ideographic
  spaces) -- folded with Unicode NFKC;
* spaces, hyphens (ASCII and the Unicode dashes), parentheses as separators;
* a leading country code ``+86`` / ``0086`` (then ``+86 551 6234 5678`` gets its trunk
  ``0`` back) or a bare ``86`` in front of an 11-digit mobile number;
* a landline extension written ``转123``, ``分机123``, ``ext 123``, ``x123``, ``#123`` or
  ``0551-62345678-123``.

Valid requester contacts are mainland mobile numbers (11 digits, ``1[3-9]x``) and
landlines (area code ``0xx``/``0xxx`` plus a 7–8 digit local number). Whether a mobile
number range is assigned and how long the local numbers of an area code are come from
Google's libphonenumber metadata (package ``phonenumberslite``): a Hefei number
(0551) has 8 digits, a Chuzhou one (0550) 7, and a digit too many or too few is caught
here rather than by the requester never being reached.

Not accepted, each with its own Chinese message: short service numbers (12345, 110,
95588, 10086 …) and 400/800 customer-service numbers, which reach a switchboard and
not the requester; foreign numbers (this desk records mainland contacts only — a
caller from abroad is asked for a mainland contact or recorded through the online
channels); two numbers in one field; anything that is not a phone number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType, shortnumberinfo

from hotline_desk.core.vocabulary import LabeledEnum

__all__ = [
    "Phone",
    "PhoneKind",
    "PhoneProblem",
    "check_phone",
    "phone_key",
]


class PhoneKind(LabeledEnum):
    MOBILE = ("mobile", "手机")
    LANDLINE = ("landline", "固定电话")


@dataclass(frozen=True, slots=True)
class Phone:
    """A valid requester phone number.

    ``number`` is the canonical digits-only form used for storage and look-up
    (``13812345678``, ``055162345678``: landlines keep their trunk ``0``);
    ``display`` is the form the desk shows (``0551-62345678转123``).
    """

    kind: PhoneKind
    number: str
    area_code: str = ""
    extension: str = ""

    @property
    def local_number(self) -> str:
        """The number without its area code (the whole number for a mobile)."""
        return self.number[len(self.area_code):]

    @property
    def display(self) -> str:
        if self.kind is PhoneKind.MOBILE:
            return self.number
        text = f"{self.area_code}-{self.local_number}"
        return f"{text}转{self.extension}" if self.extension else text

    @property
    def e164(self) -> str:
        """International form without the extension, e.g. ``+8655162345678``."""
        return "+86" + self.number.removeprefix("0")


@dataclass(frozen=True, slots=True)
class PhoneProblem:
    """Why a value is not a usable requester phone number.

    ``code`` is a stable English code (for tests and logs); ``message_zh`` is what the
    desk shows next to the field.
    """

    code: str
    message_zh: str


_EXAMPLES = "例如 13812345678 或 0551-62345678"

# Dashes NFKC leaves alone; full-width '－' and small '﹣' already fold to '-'.
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc"})
_EXTENSION = re.compile(
    r"^(?P<main>.*?)\s*(?:转|分机|ext\.?|x|#)\s*(?P<ext>[0-9]{1,6})\s*$", re.IGNORECASE
)
_DASH_EXTENSION = re.compile(r"^(?P<main>.*[0-9])\s*-\s*(?P<ext>[0-9]{1,6})\s*$")
_SEPARATORS = re.compile(r"[\s\-()]+")
_MULTIPLE = re.compile(r"[/／、,，;；]|或")
_DIGITS = re.compile(r"\+?[0-9]+")
_MOBILE_SHAPE = re.compile(r"1[3-9][0-9]{9}")
_LOCAL = re.compile(r"[2-9][0-9]{6,7}")
_SERVICE_400 = re.compile(r"[48]00[0-9]{7}")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip()


def check_phone(value: object) -> Phone | PhoneProblem:
    """Normalise and validate a requester phone number; never raises.

    Returns a :class:`Phone` or a :class:`PhoneProblem` with a Chinese message.
    """
    if value is None:
        return PhoneProblem("empty", "请填写诉求人联系电话")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # JSON clients sometimes send the number as a number
    if not isinstance(value, str):
        return PhoneProblem("not_text", f"联系电话格式不正确，请填写号码（{_EXAMPLES}）")
    text = _fold(value)
    if not text:
        return PhoneProblem("empty", "请填写诉求人联系电话")
    if _MULTIPLE.search(text):
        return PhoneProblem("multiple", "请只填写一个联系电话")

    main, extension = text, ""
    marked = _EXTENSION.match(text)
    if marked:
        main, extension = marked["main"], marked["ext"]
        if not main:
            return PhoneProblem("bad_format", f"联系电话格式不正确（{_EXAMPLES}）")
    result = _check_main(main, extension)
    if isinstance(result, PhoneProblem) and not extension:
        # "0551-62345678-123": a trailing hyphen group may be an extension.
        dashed = _DASH_EXTENSION.match(text)
        if dashed:
            alternative = _check_main(dashed["main"], dashed["ext"])
            if isinstance(alternative, Phone) and alternative.kind is PhoneKind.LANDLINE:
                return alternative
    return result


def phone_key(value: object) -> str | None:
    """The canonical digits of a valid phone number (for 第十九条 look-ups), else ``None``."""
    result = check_phone(value)
    return result.number if isinstance(result, Phone) else None


def _check_main(main: str, extension: str) -> Phone | PhoneProblem:
    compact = _SEPARATORS.sub("", main)
    if not _DIGITS.fullmatch(compact):
        return PhoneProblem(
            "bad_chars", f"联系电话只能包含数字、空格、连字符和括号（{_EXAMPLES}）"
        )
    digits = _strip_country_code(compact)
    if digits is None:
        return PhoneProblem(
            "foreign", "只能登记中国大陆的手机号码或固定电话，请询问诉求人大陆联系方式"
        )
    if extension and not digits.startswith("0"):
        return PhoneProblem("bad_extension", "只有固定电话可以带分机号")
    if _is_service_number(digits):
        return PhoneProblem(
            "service_number",
            f"{digits} 是服务号码（如12345、110、95588），不能作为诉求人联系电话",
        )
    if digits.startswith("1"):
        return _check_mobile(digits)
    if digits.startswith("0"):
        return _check_landline(digits, extension)
    if len(digits) in (7, 8):
        return PhoneProblem("missing_area_code", "固定电话请加区号，例如 0551-62345678")
    return PhoneProblem("bad_format", f"联系电话格式不正确（{_EXAMPLES}）")


def _strip_country_code(compact: str) -> str | None:
    """Digits without a +86/0086/86 prefix; ``None`` for a foreign number."""
    rest: str | None = None
    if compact.startswith("+"):
        if not compact.startswith("+86"):
            return None
        rest = compact[3:]
    elif compact.startswith("0086"):
        rest = compact[4:]
    elif compact.startswith("00"):
        return None
    elif compact.startswith("86") and _MOBILE_SHAPE.fullmatch(compact[2:]):
        return compact[2:]
    if rest is None:
        return compact
    if rest and rest[0] not in "01":
        return "0" + rest  # international form drops the trunk 0 of a landline
    return rest


def _is_service_number(digits: str) -> bool:
    if _SERVICE_400.fullmatch(digits):
        return True
    if len(digits) > 8:
        return False
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return False
    return bool(shortnumberinfo.is_valid_short_number(parsed))


def _parse_cn(digits: str) -> phonenumbers.PhoneNumber | None:
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_valid_number_for_region(parsed, "CN") else None


def _check_mobile(digits: str) -> Phone | PhoneProblem:
    if len(digits) != 11:
        return PhoneProblem("mobile_length", f"手机号码应为11位，现为{len(digits)}位")
    if not _MOBILE_SHAPE.fullmatch(digits):
        return PhoneProblem("mobile_prefix", "手机号码应以13–19开头")
    parsed = _parse_cn(digits)
    mobile_types = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if parsed is None or phonenumbers.number_type(parsed) not in mobile_types:
        return PhoneProblem(
            "mobile_unassigned", f"手机号段 {digits[:3]} 不存在，请与诉求人核对号码"
        )
    return Phone(PhoneKind.MOBILE, digits)


def _check_landline(digits: str, extension: str) -> Phone | PhoneProblem:
    parsed = _parse_cn(digits)
    landline_types = (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if parsed is not None and phonenumbers.number_type(parsed) in landline_types:
        area_length = phonenumbers.length_of_geographical_area_code(parsed)
        local = digits[area_length + 1:]
        # 0xx / 0xxx once the trunk 0 is counted; local subscriber numbers have 7-8
        # digits and begin with 2-9 (0 is the trunk prefix, 1 the special services).
        if area_length in (2, 3) and _LOCAL.fullmatch(local):
            return Phone(PhoneKind.LANDLINE, digits, digits[: area_length + 1], extension)
    for area_length in (3, 4):  # "0551-12345": the local 12345 behind an area code
        local = digits[area_length:]
        if 3 <= len(local) <= 8 and _is_service_number(local):
            return PhoneProblem(
                "service_number",
                f"{local} 是服务号码（如12345、110、95588），不能作为诉求人联系电话",
            )
    if len(digits) < 10:
        return PhoneProblem(
            "landline_length", "固定电话位数不足：区号后应为7–8位号码，例如 0551-62345678"
        )
    return PhoneProblem(
        "landline_invalid",
        "固定电话号码无效，请核对区号及号码位数（例如合肥 0551 后为8位号码）",
    )
