"""Requester phone numbers (第十一条: 规范记录诉求人联系方式; 第十九条: look-up by phone)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.phone import Phone, PhoneKind, PhoneProblem, check_phone, phone_key

FULL_WIDTH = str.maketrans("0123456789+-() ", "０１２３４５６７８９＋－（）\u3000")


def _ok(value: object) -> Phone:
    result = check_phone(value)
    assert isinstance(result, Phone), result
    return result


def _problem(value: object) -> PhoneProblem:
    result = check_phone(value)
    assert isinstance(result, PhoneProblem), result
    assert result.message_zh  # always a Chinese message for the desk
    return result


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "008613812345678",
        "8613812345678",
        "（+86）138 1234 5678",
        " 13812345678 ",
    ],
)
def test_mobile_typing_variants_normalise_to_one_number(typed: str) -> None:
    """第十九条: however it was typed, the number found the ticket again."""
    phone = _ok(typed)
    assert phone.kind is PhoneKind.MOBILE
    assert phone.number == "13812345678"
    assert phone.display == "13812345678"
    assert phone.e164 == "+8613812345678"
    assert phone.area_code == "" and phone.extension == ""


@pytest.mark.parametrize(
    ("typed", "number", "area", "extension", "display"),
    [
        ("0551-62345678", "055162345678", "0551", "", "0551-62345678"),
        ("(0551)62345678", "055162345678", "0551", "", "0551-62345678"),
        ("0551 6234 5678", "055162345678", "0551", "", "0551-62345678"),
        ("055162345678", "055162345678", "0551", "", "0551-62345678"),
        ("+86 551 6234 5678", "055162345678", "0551", "", "0551-62345678"),
        ("0086-551-62345678", "055162345678", "0551", "", "0551-62345678"),
        ("0550-2345678", "05502345678", "0550", "", "0550-2345678"),  # 滁州: 7 digits
        ("010-62345678", "01062345678", "010", "", "010-62345678"),
        ("021 6234 5678", "02162345678", "021", "", "021-62345678"),
        ("0551-62345678转123", "055162345678", "0551", "123", "0551-62345678转123"),
        ("0551-62345678 分机 88", "055162345678", "0551", "88", "0551-62345678转88"),
        ("0551-62345678 ext. 9", "055162345678", "0551", "9", "0551-62345678转9"),
        ("0551-62345678#301", "055162345678", "0551", "301", "0551-62345678转301"),
        ("0551-62345678-123", "055162345678", "0551", "123", "0551-62345678转123"),
        ("0551—62345678", "055162345678", "0551", "", "0551-62345678"),  # em dash
    ],
)
def test_landlines(typed: str, number: str, area: str, extension: str, display: str) -> None:
    """第十一条: a landline keeps its area code (0xx/0xxx) and any extension."""
    phone = _ok(typed)
    assert phone.kind is PhoneKind.LANDLINE
    assert (phone.number, phone.area_code, phone.extension) == (number, area, extension)
    assert phone.display == display
    assert phone.local_number == number[len(area):]


def test_full_width_input_is_folded() -> None:
    """Operators on a Chinese IME type full-width digits, brackets and spaces."""
    assert _ok("１３８ １２３４ ５６７８").number == "13812345678"
    assert _ok("（０５５１）６２３４５６７８").display == "0551-62345678"
    assert _ok("＋８６　１３８－１２３４－５６７８").number == "13812345678"
    assert _ok("０５５１－６２３４５６７８转１２３").extension == "123"


def test_json_number_is_accepted() -> None:
    assert _ok(13812345678).number == "13812345678"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "empty"),
        ("", "empty"),
        ("   ", "empty"),
        ("\u3000", "empty"),
        (True, "not_text"),
        (3.5, "not_text"),
        (["13812345678"], "not_text"),
        ("abc", "bad_chars"),
        ("1381234567a", "bad_chars"),
        ("13812345678/13912345678", "multiple"),
        ("13812345678、0551-62345678", "multiple"),
        ("13812345678或13912345678", "multiple"),
        ("+1 415 555 0100", "foreign"),
        ("+852 2123 4567", "foreign"),
        ("001-415-555-0100", "foreign"),
        ("1381234567", "mobile_length"),
        ("138123456789", "mobile_length"),
        ("12812345678", "mobile_prefix"),
        ("11012345678", "mobile_prefix"),
        ("17412345678", "mobile_unassigned"),
        ("62345678", "missing_area_code"),
        ("2345678", "missing_area_code"),
        ("0551-2345678", "landline_invalid"),  # 合肥 numbers have 8 digits
        ("0550-62345678", "landline_invalid"),  # 滁州 numbers have 7 digits
        ("0551-12345678", "landline_invalid"),  # local numbers never start with 1
        ("0551-02345678", "landline_invalid"),
        ("0551-623", "landline_length"),
        ("13812345678转1", "bad_extension"),
        ("转123", "bad_format"),
        ("99", "bad_format"),
    ],
)
def test_problems_have_codes_and_chinese_messages(value: object, code: str) -> None:
    assert _problem(value).code == code


@pytest.mark.parametrize(
    "number", ["12345", "110", "119", "120", "122", "95588", "10086", "0551-12345",
               "010-12345", "4001234567", "400-123-4567", "800-810-8888"],
)
def test_service_numbers_are_not_a_requester_contact(number: str) -> None:
    """第十一条: the contact must reach the requester, not a switchboard."""
    problem = _problem(number)
    assert problem.code == "service_number"
    assert "服务号码" in problem.message_zh


def test_phone_key_is_the_canonical_digits_or_none() -> None:
    """第十九条: ticket number + phone finds a ticket; equal keys for equal numbers."""
    assert phone_key("+86 138-1234-5678") == phone_key("１３８１２３４５６７８") == "13812345678"
    assert phone_key("0551-62345678转8") == "055162345678"
    assert phone_key("12345") is None
    assert phone_key(None) is None


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_any_mobile_shaped_number_is_accepted_or_refused_with_a_message(number: str) -> None:
    result = check_phone(number)
    if isinstance(result, Phone):
        assert result.kind is PhoneKind.MOBILE and result.number == number
        # the same number typed full-width and with separators gives the same result
        spaced = f"+86 {number[:3]} {number[3:7]} {number[7:]}".translate(FULL_WIDTH)
        assert check_phone(spaced) == result
    else:
        assert result.code == "mobile_unassigned"


@given(st.sampled_from(["0551", "0552", "0553", "0554", "0555", "0556", "0557", "0558",
                        "0559", "0550", "0561", "0562", "0563", "0564", "0566", "010",
                        "021", "025"]),
       st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True))
def test_landline_results_are_consistent(area: str, local: str) -> None:
    """Area code + 7–8 digit local: valid ones keep their parts, others get a message."""
    result = check_phone(f"{area}-{local}")
    if isinstance(result, Phone):
        assert (result.area_code, result.local_number) == (area, local)
        assert check_phone(f"({area}){local}".translate(FULL_WIDTH)) == result
        assert check_phone(result.display) == result
    else:
        assert result.code in {"landline_invalid", "service_number"}


@given(st.one_of(st.text(), st.none(), st.integers(), st.binary(), st.floats()))
def test_never_raises(value: object) -> None:
    """Bad input gets a Chinese message, never a crash."""
    result = check_phone(value)
    assert isinstance(result, Phone | PhoneProblem)
    if isinstance(result, Phone):
        assert result.number.isascii() and result.number.isdigit()
        assert check_phone(result.display) == result  # display form round-trips
