"""The ticket a seat operator fills in, and its validation (第十一条, 第十二条, 第二十四条).

第十一条: every accepted request records the requester's contact details, the content
of the request and its category. In practice a 12345 centre also records the type
(the five kinds of 第九条), the area, the channel (第二条), the source platform
(第九条(二)(三)) and the key/general priority (第二十四条).

Rules, and the choices made where the regulation is silent:

* requester name: optional — anonymous callers are allowed; when given, at most
  :data:`NAME_MAX` characters and no digits (a number in the name box is almost
  always a phone number typed in the wrong box).
* requester phone: required and a valid mainland mobile or landline number
  (:mod:`hotline_desk.core.phone`).
* content: required; at least :data:`CONTENT_MIN` characters after trimming (five
  characters is the shortest content that says what and where, e.g. "路灯不亮了") and
  at most :data:`CONTENT_MAX`.
* location: required for help (求助), complaint (投诉) and report (举报) requests —
  those are handled on site, so the handling unit must know where to go; optional
  for consultations and suggestions. At most :data:`LOCATION_MAX` characters.
* purpose :attr:`DraftPurpose.DISPATCH` (第十二条(二)(四)): a lead unit (牵头) and the
  handling requirements (明确具体办理要求) are required; co-handling units (协同) are
  optional, without duplicates and never the lead unit itself.
* purpose :attr:`DraftPurpose.ANSWER_ON_SPOT` (第十二条(一)): only a consultation can be
  answered on the spot; the knowledge-base entry that answered it is required and no
  handling unit may be named (the ticket is not dispatched).
* purpose :attr:`DraftPurpose.RECORD`: saved to be dispatched later (待转办); the
  units may still be empty, but any units given follow the rules above.
* source ticket number: required when the ticket came from another platform
  (国家级平台交办、同级平台转办、长三角联动), so that the result can be reported back.

:func:`validate_draft` reports *every* problem at once as ``{field: 中文提示}`` and
never raises, whatever the fields hold (``None``, numbers, unknown enum strings).
:func:`draft_from_form` builds a draft from the plain strings a form or JSON gives.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from hotline_desk.core.phone import Phone, check_phone
from hotline_desk.core.vocabulary import (
    Area,
    Channel,
    LabeledEnum,
    Priority,
    RequestType,
    Source,
)

__all__ = [
    "CONTENT_MAX",
    "CONTENT_MIN",
    "LOCATION_MAX",
    "NAME_MAX",
    "ON_SITE_TYPES",
    "DraftPurpose",
    "TicketDraft",
    "check_form",
    "clean_draft",
    "draft_from_form",
    "validate_draft",
]

NAME_MAX = 30
CONTENT_MIN = 5
CONTENT_MAX = 2000
LOCATION_MAX = 200
UNIT_MAX = 60
REQUIREMENTS_MAX = 500
REFERENCE_MAX = 64

#: Request types handled on site, for which a location is required.
ON_SITE_TYPES: frozenset[RequestType] = frozenset(
    {RequestType.HELP, RequestType.COMPLAINT, RequestType.REPORT}
)


class DraftPurpose(LabeledEnum):
    """What the operator is about to do with the draft (第十二条)."""

    DISPATCH = ("dispatch", "转办")
    ANSWER_ON_SPOT = ("answer_on_spot", "即时办结")
    RECORD = ("record", "暂存待转办")


@dataclass(frozen=True, slots=True)
class TicketDraft:
    """Every field a seat operator fills in for one request."""

    requester_phone: str = ""
    content: str = ""
    request_type: RequestType | None = None
    area: Area | None = None
    channel: Channel | None = None
    source: Source = Source.DIRECT
    priority: Priority = Priority.GENERAL
    requester_name: str = ""  # empty: anonymous
    location: str = ""
    lead_unit: str = ""
    co_units: tuple[str, ...] = ()
    handling_requirements: str = ""
    kb_entry_id: str = ""
    source_ticket_no: str = ""  # the upstream platform's number (第九条(二)(三))


_FIELD_LABELS: dict[str, str] = {
    "requester_name": "诉求人姓名",
    "requester_phone": "联系电话",
    "content": "诉求内容",
    "request_type": "诉求类型",
    "area": "诉求领域",
    "channel": "受理渠道",
    "source": "诉求来源",
    "priority": "工单类别",
    "location": "事发地点",
    "lead_unit": "承办（牵头）单位",
    "co_units": "协同单位",
    "handling_requirements": "办理要求",
    "kb_entry_id": "知识库条目",
    "source_ticket_no": "来源工单编号",
}

_ENUM_FIELDS: dict[str, type[LabeledEnum]] = {
    "request_type": RequestType,
    "area": Area,
    "channel": Channel,
    "source": Source,
    "priority": Priority,
}

_TEXT_FIELDS = (
    "requester_name",
    "requester_phone",
    "content",
    "location",
    "lead_unit",
    "handling_requirements",
    "kb_entry_id",
    "source_ticket_no",
)

_UNIT_SPLIT = re.compile(r"[、,，;；\n]+")

E = TypeVar("E", bound=LabeledEnum)


# ---------------------------------------------------------------- helpers


def _text(value: object) -> str | None:
    """Trimmed text, ``""`` for ``None``; ``None`` when the value is not text at all."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return None


def _enum(cls: type[E], value: object) -> E | None:
    """The member for a member, a code or a Chinese label; ``None`` otherwise."""
    if isinstance(value, cls):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return cls.from_label(value)
        except ValueError:
            return None
    return None


def _enum_problem(name: str, cls: type[LabeledEnum], value: object) -> str | None:
    label = _FIELD_LABELS[name]
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"请选择{label}"
    if _enum(cls, value) is None:
        choices = "、".join(member.label for member in cls)
        return f"{label}无效，应为：{choices}"
    return None


def _units(value: object) -> list[str] | None:
    """Co-handling units as trimmed names; ``None`` when not a list of text."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in _UNIT_SPLIT.split(value) if part.strip()]
    if isinstance(value, list | tuple):
        names: list[str] = []
        for item in value:
            if not isinstance(item, str):
                return None
            if item.strip():
                names.append(item.strip())
        return names
    return None


def _length_problem(name: str, text: str, limit: int) -> str | None:
    if len(text) > limit:
        return f"{_FIELD_LABELS[name]}不能超过{limit}个字（现为{len(text)}个字）"
    return None


# ---------------------------------------------------------------- validation


def validate_draft(draft: object, purpose: DraftPurpose | str) -> dict[str, str]:
    """Every problem of ``draft`` for ``purpose``, as ``{field: 中文提示}``; ``{}`` if none.

    Never raises. A field holding the wrong type gets a message like any other
    problem; ``purpose`` may be the enum, its code or its label.
    """
    problems: dict[str, str] = {}
    if not isinstance(draft, TicketDraft):
        return {"draft": "工单内容无法识别，请重新填写"}
    purpose_member = _enum(DraftPurpose, purpose)
    if purpose_member is None:
        return {"purpose": "办理方式无效，应为：转办、即时办结或暂存待转办"}

    texts: dict[str, str] = {}
    for name in _TEXT_FIELDS:
        text = _text(getattr(draft, name))
        if text is None:
            problems[name] = f"{_FIELD_LABELS[name]}应为文字"
        else:
            texts[name] = text

    _check_requester(texts, draft.requester_phone, problems)
    _check_content(texts, problems)
    for name, cls in _ENUM_FIELDS.items():
        message = _enum_problem(name, cls, getattr(draft, name))
        if message:
            problems[name] = message
    request_type = _enum(RequestType, draft.request_type)
    _check_location(texts, request_type, problems)
    source = _enum(Source, draft.source)
    if (
        source is not None
        and source is not Source.DIRECT
        and "source_ticket_no" in texts
        and not texts["source_ticket_no"]
    ):
        problems["source_ticket_no"] = f"{source.label}的工单请填写来源工单编号"
    if len(texts.get("source_ticket_no", "")) > REFERENCE_MAX:
        problems["source_ticket_no"] = f"来源工单编号不能超过{REFERENCE_MAX}个字符"
    co_units = _units(draft.co_units)
    if co_units is None:
        problems["co_units"] = "协同单位应为单位名称列表"
    else:
        _check_units(texts, co_units, purpose_member, problems)
    _check_purpose(texts, co_units, request_type, purpose_member, problems)
    return problems


def _check_requester(texts: dict[str, str], phone: object, problems: dict[str, str]) -> None:
    name = texts.get("requester_name")
    if name:
        message = _length_problem("requester_name", name, NAME_MAX)
        if message is None and any(c.isdigit() for c in name):
            message = "诉求人姓名中不应有数字，联系电话请填在电话栏"
        if message:
            problems["requester_name"] = message
    if "requester_phone" in problems:
        return
    checked = check_phone(phone)
    if not isinstance(checked, Phone):
        problems["requester_phone"] = checked.message_zh


def _check_content(texts: dict[str, str], problems: dict[str, str]) -> None:
    content = texts.get("content")
    if content is None:
        return
    if not content:
        problems["content"] = "请填写诉求内容"
    elif len(content) < CONTENT_MIN:
        problems["content"] = f"诉求内容过短，请至少写{CONTENT_MIN}个字，说明事项和地点"
    else:
        message = _length_problem("content", content, CONTENT_MAX)
        if message:
            problems["content"] = message


def _check_location(
    texts: dict[str, str], request_type: RequestType | None, problems: dict[str, str]
) -> None:
    location = texts.get("location")
    if location is None:
        return
    if not location and request_type is not None and request_type in ON_SITE_TYPES:
        problems["location"] = f"{request_type.label}类诉求需现场处置，请填写事发地点"
        return
    message = _length_problem("location", location, LOCATION_MAX)
    if message:
        problems["location"] = message


def _check_units(
    texts: dict[str, str],
    co_units: list[str],
    purpose: DraftPurpose,
    problems: dict[str, str],
) -> None:
    lead = texts.get("lead_unit")
    if lead:
        message = _length_problem("lead_unit", lead, UNIT_MAX)
        if message:
            problems["lead_unit"] = message
    if purpose is DraftPurpose.ANSWER_ON_SPOT:
        return  # no units at all; reported by _check_purpose
    duplicates = sorted({unit for unit in co_units if co_units.count(unit) > 1})
    if lead and lead in co_units:
        problems["co_units"] = f"协同单位不能与牵头单位相同（{lead}）"
    elif duplicates:
        problems["co_units"] = f"协同单位重复：{'、'.join(duplicates)}"
    elif co_units and lead == "":
        problems["co_units"] = "有协同单位时必须指定牵头单位（第十二条(四)）"
    elif any(len(unit) > UNIT_MAX for unit in co_units):
        problems["co_units"] = f"单位名称不能超过{UNIT_MAX}个字"


def _check_purpose(
    texts: dict[str, str],
    co_units: list[str] | None,
    request_type: RequestType | None,
    purpose: DraftPurpose,
    problems: dict[str, str],
) -> None:
    requirements = texts.get("handling_requirements")
    if requirements:
        message = _length_problem("handling_requirements", requirements, REQUIREMENTS_MAX)
        if message:
            problems["handling_requirements"] = message
    if purpose is DraftPurpose.DISPATCH:
        if texts.get("lead_unit") == "":
            problems["lead_unit"] = "转办工单请指定承办（牵头）单位"
        if requirements == "":
            problems["handling_requirements"] = "转办工单请写明具体办理要求（第十二条(二)）"
    elif purpose is DraftPurpose.ANSWER_ON_SPOT:
        if request_type is not None and request_type is not RequestType.CONSULTATION:
            problems["request_type"] = (
                f"只有咨询类诉求可以即时办结，{request_type.label}类诉求须转办"
            )
        if texts.get("kb_entry_id") == "":
            problems["kb_entry_id"] = "即时办结请选择答复所依据的知识库条目"
        if texts.get("lead_unit"):
            problems["lead_unit"] = "即时办结的工单不转办，请清空承办单位"
        if co_units:
            problems["co_units"] = "即时办结的工单不转办，请清空协同单位"


# ---------------------------------------------------------------- building from a form


def draft_from_form(data: Mapping[str, object]) -> tuple[TicketDraft, dict[str, str]]:
    """Build a draft from what a form or JSON gives; never raises.

    Text is trimmed; enum fields accept the code or the Chinese label; co-handling
    units may be a list or one string separated by ``、``/``,``/``;``/new lines.
    Returns the draft and the problems met while converting (an unknown enum string
    leaves the field empty and is reported here, not silently dropped). Unknown keys
    are ignored.
    """
    problems: dict[str, str] = {}
    if not isinstance(data, Mapping):
        return TicketDraft(), {"draft": "工单内容无法识别，请重新填写"}

    texts: dict[str, str] = {}
    for name in _TEXT_FIELDS:
        raw = data.get(name)
        if name == "requester_phone" and isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)  # JSON may carry the number as a number
        text = _text(raw)
        if text is None:
            problems[name] = f"{_FIELD_LABELS[name]}应为文字"
            text = ""
        texts[name] = text

    def member(name: str, cls: type[E]) -> E | None:
        raw = data.get(name)
        found = _enum(cls, raw)
        if found is None and raw is not None and raw != "":
            problems[name] = _enum_problem(name, cls, raw) or f"{_FIELD_LABELS[name]}无效"
        return found

    request_type = member("request_type", RequestType)
    area = member("area", Area)
    channel = member("channel", Channel)
    source = member("source", Source)
    priority = member("priority", Priority)
    co_units = _units(data.get("co_units"))
    if co_units is None:
        problems["co_units"] = "协同单位应为单位名称列表"
        co_units = []
    draft = TicketDraft(
        requester_phone=texts["requester_phone"],
        content=texts["content"],
        request_type=request_type,
        area=area,
        channel=channel,
        source=source if source is not None else Source.DIRECT,
        priority=priority if priority is not None else Priority.GENERAL,
        requester_name=texts["requester_name"],
        location=texts["location"],
        lead_unit=texts["lead_unit"],
        co_units=tuple(co_units),
        handling_requirements=texts["handling_requirements"],
        kb_entry_id=texts["kb_entry_id"],
        source_ticket_no=texts["source_ticket_no"],
    )
    return draft, problems


def check_form(
    data: Mapping[str, object], purpose: DraftPurpose | str
) -> tuple[TicketDraft, dict[str, str]]:
    """:func:`draft_from_form` then :func:`validate_draft`: the draft and every problem.

    A conversion problem (e.g. an unknown type string) wins over the validation
    message for the same field.
    """
    draft, problems = draft_from_form(data)
    merged = validate_draft(draft, purpose)
    merged.update(problems)
    return draft, merged


def clean_draft(draft: TicketDraft) -> TicketDraft:
    """A copy with text trimmed, the phone in display form and co-units de-duplicated.

    Meant for a draft that passed :func:`validate_draft`; a field it cannot clean is
    left as it is. The phone becomes ``13812345678`` / ``0551-62345678`` /
    ``0551-62345678转123``; :func:`hotline_desk.core.phone.phone_key` gives the digits.
    """
    def trimmed(value: str) -> str:
        return value.strip() if isinstance(value, str) else value

    phone = check_phone(draft.requester_phone)
    units = _units(draft.co_units)
    return replace(
        draft,
        requester_phone=phone.display if isinstance(phone, Phone) else draft.requester_phone,
        content=trimmed(draft.content),
        requester_name=trimmed(draft.requester_name),
        location=trimmed(draft.location),
        lead_unit=trimmed(draft.lead_unit),
        co_units=tuple(dict.fromkeys(units)) if units is not None else draft.co_units,
        handling_requirements=trimmed(draft.handling_requirements),
        kb_entry_id=trimmed(draft.kb_entry_id),
        source_ticket_no=trimmed(draft.source_ticket_no),
    )
