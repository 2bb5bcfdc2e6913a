"""Non-acceptance reasons and the scripts read to the caller (第十条).

第十条 lists what 12345 does not accept: (一) matters to be settled by litigation,
arbitration, discipline inspection/supervision, administrative reconsideration or
government information disclosure, or already in the petition channel; (二) matters
involving state secrets, trade secrets, personal privacy or against public order
and good morals; (三) anything else law says is not accepted. For each refusal the
operator tells the caller the basis, the desk records it truthfully, and where the
proper unit can be determined the caller is told its name and contact.

The scripts are data (``resources/scripts/non_acceptance.json``), versioned and
editable. :func:`parse_non_acceptance_reasons` validates a catalogue as a whole:

* every field present and of the right type, codes unique, the clause matching the
  ground (诉讼 -> 第十条(一), …);
* each of the eleven grounds of 第十条 has at least one reason (a centre cannot refuse
  what it has no script for);
* the script names at least one 《…》 document of the reason's basis (the caller is
  told the basis) and every referral number it lists (the caller is told the contact);
* referral numbers are dialable numbers (see
  :func:`hotline_desk.core.emergency_lines.is_dialable_number`).

Every problem is reported at once in a :class:`DataFormatError`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from hotline_desk.core.data_checks import Problem, raise_problems, text_field, version_field
from hotline_desk.core.emergency_lines import is_dialable_number
from hotline_desk.core.vocabulary import LabeledEnum

CLAUSE_1 = "第十条(一)"
CLAUSE_2 = "第十条(二)"
CLAUSE_3 = "第十条(三)"


class RefusalGround(LabeledEnum):
    """The eleven items of 第十条, each refused for its own reason."""

    LITIGATION = ("litigation", "诉讼")
    ARBITRATION = ("arbitration", "仲裁")
    DISCIPLINE = ("discipline", "纪检监察")
    RECONSIDERATION = ("reconsideration", "行政复议")
    INFORMATION_DISCLOSURE = ("information_disclosure", "政府信息公开")
    PETITION = ("petition", "已进入信访渠道")
    STATE_SECRET = ("state_secret", "国家秘密")
    TRADE_SECRET = ("trade_secret", "商业秘密")
    PRIVACY = ("privacy", "个人隐私")
    PUBLIC_ORDER = ("public_order", "违反社会公序良俗")
    OTHER = ("other", "法律法规规章规定不予受理的其他事项")

    @property
    def clause(self) -> str:
        return _GROUND_CLAUSE[self]


_GROUND_CLAUSE: dict[RefusalGround, str] = {
    RefusalGround.LITIGATION: CLAUSE_1,
    RefusalGround.ARBITRATION: CLAUSE_1,
    RefusalGround.DISCIPLINE: CLAUSE_1,
    RefusalGround.RECONSIDERATION: CLAUSE_1,
    RefusalGround.INFORMATION_DISCLOSURE: CLAUSE_1,
    RefusalGround.PETITION: CLAUSE_1,
    RefusalGround.STATE_SECRET: CLAUSE_2,
    RefusalGround.TRADE_SECRET: CLAUSE_2,
    RefusalGround.PRIVACY: CLAUSE_2,
    RefusalGround.PUBLIC_ORDER: CLAUSE_2,
    RefusalGround.OTHER: CLAUSE_3,
}


@dataclass(frozen=True, slots=True)
class Referral:
    """The unit the caller is sent to, and how to reach it."""

    unit: str
    contact: str = ""  # how to reach it, in words ("12368诉讼服务热线，或当地…")
    number: str | None = None  # a dialable number, only when one is known nationwide

    def as_text(self) -> str:
        return f"{self.unit}（{self.contact}）" if self.contact else self.unit


@dataclass(frozen=True, slots=True)
class RefusalReason:
    code: str
    name: str
    ground: RefusalGround
    clause: str  # "第十条(一)"
    basis: str  # the law or policy that routes the matter elsewhere
    script: str  # what the operator reads to the caller
    referrals: tuple[Referral, ...] = ()
    examples: tuple[str, ...] = ()  # how callers typically put it (for recognising the case)
    note: str = ""  # guidance for the operator, not read out

    def record_text(self) -> str:
        """The truthful record of the refusal for the ticket (第十条: 如实记录)."""
        told = "；".join(referral.as_text() for referral in self.referrals)
        referral_part = f"；已告知办理单位：{told}" if told else ""
        basis = self.basis.rstrip("。")
        return f"不予受理：{self.name}（{self.clause}）；依据：{basis}{referral_part}"


@dataclass(frozen=True, slots=True)
class RefusalCatalogue:
    version: int
    updated: date
    reasons: tuple[RefusalReason, ...]

    def get(self, code: str) -> RefusalReason:
        for reason in self.reasons:
            if reason.code == code:
                return reason
        raise KeyError(code)

    def for_ground(self, ground: RefusalGround) -> tuple[RefusalReason, ...]:
        return tuple(reason for reason in self.reasons if reason.ground is ground)

    def for_clause(self, clause: str) -> tuple[RefusalReason, ...]:
        return tuple(reason for reason in self.reasons if reason.clause == clause)


# ---------------------------------------------------------------- parsing

_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_TITLE_RE = re.compile(r"《[^《》]+》")
_TOP_FIELDS = frozenset({"version", "updated", "note", "reasons"})
_REASON_FIELDS = frozenset({"code", "name", "ground", "clause", "basis", "script",
                            "referrals", "examples", "note"})
_REFERRAL_FIELDS = frozenset({"unit", "contact", "number"})


def parse_non_acceptance_reasons(text: str) -> RefusalCatalogue:
    """Parse and validate the non-acceptance JSON; every problem is reported at once."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _raise([(f"第{exc.lineno}行", "", f"JSON格式错误：{exc.msg}（第{exc.colno}列）")])
    if not isinstance(data, dict):
        _raise([("文件", "", "顶层应为JSON对象")])

    problems: list[Problem] = []
    for key in sorted(set(data) - _TOP_FIELDS):
        problems.append(("文件", key, f"未知字段「{key}」"))
    version = _version(data, problems)
    updated = _updated(data, problems)
    reasons = _reasons(data.get("reasons"), problems)
    if problems:
        _raise(problems)
    assert version is not None and updated is not None
    return RefusalCatalogue(version, updated, tuple(reasons))


def _reasons(raw: Any, problems: list[Problem]) -> list[RefusalReason]:
    if not isinstance(raw, list) or not raw:
        problems.append(("文件", "reasons", "缺少不予受理事由列表 reasons（应为非空数组）"))
        return []
    reasons: list[RefusalReason] = []
    seen_codes: dict[str, str] = {}
    covered: set[RefusalGround] = set()
    all_parsed = True
    for index, item in enumerate(raw, start=1):
        loc = f"reasons第{index}项"
        if not isinstance(item, dict):
            problems.append((loc, "", "应为JSON对象"))
            all_parsed = False
            continue
        before = len(problems)
        for key in sorted(set(item) - _REASON_FIELDS):
            problems.append((loc, key, f"未知字段「{key}」"))
        code = _text(item, "code", loc, problems)
        if code is not None:
            if not _CODE_RE.fullmatch(code):
                problems.append((loc, "code", "代码应为小写英文字母、数字或下划线，以字母开头"))
            elif code in seen_codes:
                problems.append((loc, "code", f"代码「{code}」与{seen_codes[code]}重复"))
            else:
                seen_codes[code] = loc
        name = _text(item, "name", loc, problems)
        ground = _ground(item, loc, problems)
        clause = _text(item, "clause", loc, problems)
        if ground is not None and clause is not None and clause != ground.clause:
            problems.append((loc, "clause",
                             f"「{ground.label}」属于{ground.clause}，不是{clause}"))
        basis = _text(item, "basis", loc, problems)
        script = _text(item, "script", loc, problems)
        note = _text(item, "note", loc, problems, required=False) or ""
        examples = _examples(item, loc, problems)
        referrals = _referrals(item, loc, problems)
        if basis is not None and script is not None:
            titles = _TITLE_RE.findall(basis)
            if not titles:
                problems.append((loc, "basis", "依据应写明法律法规名称（用《》标出）"))
            elif not any(title in script for title in titles):
                problems.append((loc, "script",
                                 f"口径未告知依据：应提到{'或'.join(titles)}"))
            for referral in referrals:
                if referral.number and referral.number not in script:
                    problems.append((loc, "script",
                                     f"口径未告知{referral.unit}的联系电话{referral.number}"))
        if len(problems) == before:
            assert code and name and ground and clause and basis and script
            covered.add(ground)
            reasons.append(RefusalReason(code, name, ground, clause, basis, script,
                                         tuple(referrals), tuple(examples), note))
        else:
            all_parsed = False
    if all_parsed:  # a broken item would otherwise also be reported as a missing ground
        for ground in RefusalGround:
            if ground not in covered:
                problems.append(("文件", "reasons",
                                 f"缺少{ground.clause}「{ground.label}」的不予受理口径"))
    return reasons


def _ground(item: dict[str, Any], loc: str, problems: list[Problem]) -> RefusalGround | None:
    raw = _text(item, "ground", loc, problems)
    if raw is None:
        return None
    try:
        return RefusalGround.from_label(raw)
    except ValueError:
        codes = "、".join(f"{g.value}（{g.label}）" for g in RefusalGround)
        problems.append((loc, "ground", f"未知的第十条事项「{raw}」，可选：{codes}"))
        return None


def _examples(item: dict[str, Any], loc: str, problems: list[Problem]) -> list[str]:
    raw = item.get("examples", [])
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        problems.append((loc, "examples", "examples 应为非空文本组成的数组"))
        return []
    return [x.strip() for x in raw]


def _referrals(item: dict[str, Any], loc: str, problems: list[Problem]) -> list[Referral]:
    raw = item.get("referrals", [])
    if not isinstance(raw, list):
        problems.append((loc, "referrals", "referrals 应为数组"))
        return []
    result: list[Referral] = []
    for index, entry in enumerate(raw, start=1):
        ref_loc = f"{loc}.referrals第{index}项"
        if not isinstance(entry, dict):
            problems.append((ref_loc, "", "应为JSON对象（unit、contact、number）"))
            continue
        before = len(problems)
        for key in sorted(set(entry) - _REFERRAL_FIELDS):
            problems.append((ref_loc, key, f"未知字段「{key}」"))
        unit = _text(entry, "unit", ref_loc, problems)
        contact = _text(entry, "contact", ref_loc, problems, required=False) or ""
        number = entry.get("number")
        if number is not None and not (isinstance(number, str) and is_dialable_number(number)):
            problems.append((ref_loc, "number",
                             f"号码「{number}」格式不正确；不知道号码时写 null，不要臆造"))
        if len(problems) == before:
            assert unit is not None
            result.append(Referral(unit, contact, number))
    return result


# ---------------------------------------------------------------- field helpers
def _raise(problems: list[Problem]) -> NoReturn:
    raise_problems(problems, "non-acceptance reasons data", "不予受理口径数据有误")


_text = text_field
_version = version_field








def _updated(data: dict[str, Any], problems: list[Problem]) -> date | None:
    value = data.get("updated")
    if not isinstance(value, str) or not value.strip():
        problems.append(("文件", "updated", "缺少更新日期 updated（如 2026-06-01）"))
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append(("文件", "updated", f"日期「{value}」格式不正确，应为 YYYY-MM-DD"))
        return None
