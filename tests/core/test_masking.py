"""Masking of personal data (第三十四条: 数据脱敏; 个人隐私 严格保密)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.masking import (
    ADDRESS_MASK,
    COMPOUND_SURNAMES,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text,
)
from hotline_desk.core.phone import Phone, check_phone

DIGIT = re.compile(r"[0-9]")

# ---------------------------------------------------------------- phone


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("１３８１２３４５６７８", "138****5678"),
        ("0551-62345678", "0551-****5678"),
        ("(0551)62345678", "0551-****5678"),
        ("0550-2345678", "0550-***5678"),
        ("010-62345678", "010-****5678"),
        ("0551-62345678转123", "0551-****5678转***"),
        # already masked: unchanged
        ("138****5678", "138****5678"),
        ("0551-****5678", "0551-****5678"),
        ("0551-****5678转***", "0551-****5678转***"),
        # not a valid number: at most the last 4 digits stay
        ("1381234567", "******4567"),
        ("12345", "*****"),
        ("", ""),
        ("无", ""),
    ],
)
def test_mask_phone(value: str, masked: str) -> None:
    """第三十四条: mobile 138****5678; landline keeps the area code and last 4."""
    assert mask_phone(value) == masked


@given(st.text())
def test_mask_phone_never_reveals_more(value: str) -> None:
    once = mask_phone(value)
    assert mask_phone(once) == once
    valid = check_phone(value)
    revealed = len(DIGIT.findall(once))
    if isinstance(valid, Phone):
        assert revealed == (7 if not valid.area_code else len(valid.area_code) + 4)
    else:
        assert revealed <= 4 or once == value.strip()  # unchanged only if already masked


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_masked_mobile_hides_the_middle_four(number: str) -> None:
    masked = mask_phone(number)
    if isinstance(check_phone(number), Phone):
        assert masked == number[:3] + "****" + number[7:]
    else:  # an unassigned range: only the last four digits remain
        assert masked == "*******" + number[7:]


# ---------------------------------------------------------------- ID card


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("340102199001011234", "340102********1234"),
        ("34010219900101123X", "340102********123X"),
        ("34010219900101123x", "340102********123X"),
        ("３４０１０２１９９００１０１１２３４", "340102********1234"),
        ("340102 19900101 1234", "340102********1234"),
        ("340102900101123", "340102*****1123"),
        ("340102********1234", "340102********1234"),
        ("34010219900101", "**********0101"),  # not an ID: only the last 4 stay
        ("1234", "****"),
        ("", ""),
    ],
)
def test_mask_id_number(value: str, masked: str) -> None:
    """第三十四条: keep the first 6 (issuing region) and the last 4."""
    assert mask_id_number(value) == masked


@given(st.from_regex(r"[1-9][0-9]{16}[0-9X]|[1-9][0-9]{14}", fullmatch=True))
def test_id_numbers_keep_exactly_ten_characters(number: str) -> None:
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:]
    assert set(masked[6:-4]) == {"*"}
    assert mask_id_number(masked) == masked


@given(st.text())
def test_mask_id_number_never_crashes_and_is_stable(value: str) -> None:
    once = mask_id_number(value)
    assert mask_id_number(once) == once
    assert sum(c != "*" for c in once) <= 10


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳娜", "欧阳*"),
        ("司马相如", "司马**"),
        ("诸葛亮", "诸葛*"),
        ("上官婉儿", "上官**"),
        ("欧阳", "欧*"),  # two characters: never reveal both (钟离 may be 钟 + 离)
        ("张", "张"),  # a surname alone is all there is
        ("张先生", "张先生"),
        ("欧阳女士", "欧阳女士"),
        ("张三先生", "张*先生"),
        ("买买提·艾力", "买**·**"),
        ("John Smith", "J*** *****"),
        ("  李四  ", "李*"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask_name(value: str, masked: str) -> None:
    """第三十四条: the surname stays, the given name is hidden."""
    assert mask_name(value) == masked


def test_the_required_compound_surnames_are_known() -> None:
    required = {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
                "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "南宫", "独孤", "西门"}
    assert required <= COMPOUND_SURNAMES
    assert all(len(name) == 2 for name in COMPOUND_SURNAMES)


@given(st.sampled_from(sorted(COMPOUND_SURNAMES)), st.text(min_size=1, max_size=3))
def test_compound_surname_kept_for_longer_names(surname: str, given_name: str) -> None:
    name = (surname + given_name).strip()
    masked = mask_name(surname + given_name)
    if len(name) >= 3 and not name.endswith(("先生", "女士", "小姐")):
        assert masked.startswith(surname)


@given(st.text())
def test_mask_name_never_reveals_more(value: str) -> None:
    once = mask_name(value)
    assert mask_name(once) == once
    stripped = value.strip()
    assert len(once) == len(stripped)
    # every character is either the original one or a star
    assert all(m in ("*", o) for m, o in zip(once, stripped, strict=True))
    honorific = next(
        (h for h in ("先生", "女士", "小姐") if stripped.endswith(h) and len(stripped) > 2), ""
    )
    kept = [c for c in once if c != "*" and c not in "·•・.． \u3000"]
    assert len(kept) <= 2 + len(honorific)  # the surname (and an honorific) at most


# ---------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("合肥市蜀山区三里庵街道长江西路123号4栋502室", "合肥市蜀山区三里庵街道****"),
        ("安徽省合肥市蜀山区三里庵街道长江西路123号", "安徽省合肥市蜀山区三里庵街道****"),
        ("合肥市蜀山区稻香村街道xx路1号", "合肥市蜀山区稻香村街道****"),
        ("安徽省六安市霍山县衡山镇黄栗树村3组", "安徽省六安市霍山县衡山镇****"),
        ("宿州市埇桥区大泽乡镇", "宿州市埇桥区大泽乡镇"),
        ("上海市浦东新区陆家嘴街道世纪大道1号", "上海市浦东新区陆家嘴街道****"),
        ("内蒙古自治区呼和浩特市新城区xx路", "内蒙古自治区呼和浩特市新城区****"),
        ("合肥市经济技术开发区莲花路", "合肥市经济技术开发区****"),
        ("铜陵市郊区大通镇和悦洲", "铜陵市郊区大通镇****"),
        ("合肥市巢湖市中庙街道", "合肥市巢湖市中庙街道"),
        # no street level: stop at the last level found
        ("合肥市蜀山区长江西路123号", "合肥市蜀山区****"),
        ("蜀山区长江西路123号", "蜀山区****"),
        # housing estates and communities are not districts
        ("合肥市幸福小区3栋", "合肥市****"),
        ("合肥市包河区滨湖世纪社区", "合肥市包河区****"),
        ("合肥市蜀山区乡村路12号", "合肥市蜀山区****"),
        ("长江西路123号", "****"),
        ("合肥市蜀山区三里庵街道****", "合肥市蜀山区三里庵街道****"),
        ("", ""),
    ],
)
def test_mask_address(value: str, masked: str) -> None:
    """第三十四条: keep 省/市/区县/街道镇乡, mask everything below street level."""
    assert mask_address(value) == masked


@given(st.text())
def test_mask_address_never_reveals_more(value: str) -> None:
    once = mask_address(value)
    assert mask_address(once) == once
    stripped = value.strip()
    if once != stripped:
        assert once.endswith(ADDRESS_MASK)
        kept = once[: -len(ADDRESS_MASK)]
        assert stripped.startswith(kept) and len(kept) < len(stripped)
        assert not DIGIT.search(kept)  # house numbers never survive


@given(st.sampled_from(["长江西路", "幸福小区", "3栋", "502室", "黄栗树村", "和平巷"]),
       st.from_regex(r"[0-9]{1,4}号", fullmatch=True))
def test_below_street_never_survives(place: str, number: str) -> None:
    masked = mask_address(f"合肥市蜀山区三里庵街道{place}{number}")
    assert masked == "合肥市蜀山区三里庵街道****"


# ---------------------------------------------------------------- free text


def test_mask_text_finds_numbers_in_a_log_line() -> None:
    """第三十四条: logs carry no full phone or ID numbers."""
    line = ("来电13812345678，身份证340102199001011234，座机(0551)62345678，"
            "另 0551-6234 5678转12；工单20240101000012345678；+86 138 1234 5678；"
            "１３８１２３４５６７８；旧证340102900101123")
    assert mask_text(line) == (
        "来电138****5678，身份证340102********1234，座机0551-****5678，"
        "另 0551-****5678转12；工单20240101000012345678；138****5678；"
        "138****5678；旧证340102*****1123"
    )


@pytest.mark.parametrize(
    "text",
    [
        "金额 1234567 元",  # 7 digits: not a phone
        "工单号 202401010001",  # 12 digits not starting with 0
        "2024-01-01 12:30:45",
        "订单 12345678901234567890",
        "",
    ],
)
def test_mask_text_leaves_other_numbers(text: str) -> None:
    assert mask_text(text) == text


_NUMBERS = st.one_of(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.from_regex(r"0551-[2-9][0-9]{7}", fullmatch=True),
    st.from_regex(r"[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])[0-9]{5}[0-9X]", fullmatch=True),
)


@given(st.lists(st.tuples(st.text(alphabet="ab，。 ：电话", max_size=4), _NUMBERS), max_size=6))
def test_mask_text_hides_every_embedded_number(parts: list[tuple[str, str]]) -> None:
    text = "".join(f"{words}，{number}" for words, number in parts)
    masked = mask_text(text)
    assert mask_text(masked) == masked
    for _, number in parts:
        assert number not in masked
        assert number.replace("-", "") not in masked
    assert len(masked) <= len(text)


@given(st.text())
def test_mask_text_never_crashes_and_is_idempotent(text: str) -> None:
    masked = mask_text(text)
    assert mask_text(masked) == masked
    for run in re.findall(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])", masked):
        raise AssertionError(f"mobile number left in {masked!r}: {run}")
