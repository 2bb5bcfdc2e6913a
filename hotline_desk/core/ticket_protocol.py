"""The ticket half of the sync protocol: wire models, ticket numbers, matter keys, topics.

Import these names from :mod:`hotline_desk.core.protocol` (it re-exports this module at
its end, so there is one protocol import point). Pure: no I/O.

**Push** (``POST /api/v1/tickets/push``). A desk sends a batch of operations
(:class:`PushRequest`); each has a client-generated id (a UUIDv7 string, ``uuid6.uuid7()``),
a kind (:class:`PushOpKind`) and a payload (one model per kind, below). The server applies
each operation in its own transaction and answers each with a :class:`PushResult`:
``applied`` | ``duplicate`` (the id was applied before: the original result is repeated,
e.g. the same ticket number) | ``conflict`` (the ticket moved on: stale
``expected_state``/``expected_version``) | ``rejected`` (the payload breaks a rule: every
problem is listed). A rejected or conflicting operation changed nothing and may be fixed
and resent under the same id.

**Ticket numbers** (:func:`format_ticket_no`): the centre's prefix (configurable; by
default the initials of the city, ``合肥`` → ``HF``), the Asia/Shanghai date of receipt and
a per-day counter of at least six digits: ``HF20261129000123``.

**The same matter** (第二十条(六): 重复反映、集中反映). Two tickets are about the same
matter when they share a *matter key* or a *place key*:

* matter key (:func:`matter_key`): the knowledge-base entry that answers the matter
  (``kb:<entry id>``), else the operator's topic (``topic:<normalised topic>``);
* place key (:func:`place_key`): the same lead unit, the same request type and the same
  location (``place:<unit>|<type>|<normalised location>``) — a street lamp reported by
  five neighbours is one matter even when each operator wrote it differently.

Normalisation (:func:`normalise_key`) folds full-width characters (NFKC), lower-cases and
drops spaces and punctuation, so ``"长江西路 123号"`` and ``"长江西路123号。"`` match. The
*same requester* is the same canonical phone number (``core.phone.phone_key``).

**Topics** for the rising-topics figure (第三十三条 聚焦热点) come from
:func:`topic_for`: the operator's topic field, else the first keyword (or the title) of
the knowledge-base entry the ticket names, else its category (area · type).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, Final

from pydantic import AwareDatetime, Field

from hotline_desk.core.centre import CentreLevel, CentreName
from hotline_desk.core.masking import mask_name, mask_text
from hotline_desk.core.protocol import (
    KB_ID_PATTERN,
    MAX_INT,
    CallId,
    Count,
    ErrorCode,
    Line,
    Problem,
    Text,
    WireModel,
)
from hotline_desk.core.ticket_flow import Rating
from hotline_desk.core.vocabulary import (
    Area,
    Channel,
    LabeledEnum,
    Priority,
    RequestType,
    Role,
    Source,
    TicketState,
)

__all__ = [
    "DEFAULT_TICKET_PREFIX",
    "FINISHED_STATES",
    "HANDLING_STATES",
    "MAX_PUSH_OPS",
    "RISING_MIN_COUNT",
    "SATISFIED_RATINGS",
    "TICKET_NO_PATTERN",
    "TICKET_PREFIX_PATTERN",
    "UUID_PATTERN",
    "AbusiveCallPayload",
    "CallerHistory",
    "CallerHistoryRequest",
    "DayFigures",
    "DeadlinesOut",
    "EmergencyHandoffPayload",
    "ExtensionOut",
    "HandoffOut",
    "KBClosurePayload",
    "LegalDeadlineOut",
    "MatterCount",
    "ProgressAnswer",
    "ProgressQuery",
    "ProgressStep",
    "PushOp",
    "PushOpKind",
    "PushReason",
    "PushRequest",
    "PushResponse",
    "PushResult",
    "PushStatus",
    "RefusalOut",
    "RefusalPayload",
    "RisingTopic",
    "RisingTopics",
    "SupervisionOut",
    "SupervisionPayload",
    "TicketChangesPage",
    "TicketCreatePayload",
    "TicketEventOut",
    "TicketEventPayload",
    "TicketKind",
    "TicketList",
    "TicketOut",
    "UnitDayFigure",
    "UnitFigures",
    "default_ticket_prefix",
    "format_ticket_no",
    "matter_key",
    "normalise_key",
    "place_key",
    "progress_summary",
    "rising_ratio",
    "topic_for",
    "uuid_version",
]

# ---------------------------------------------------------------- ticket numbers

#: A public ticket number: prefix, YYYYMMDD, a counter of at least 6 digits.
TICKET_NO_PATTERN: Final = r"^[A-Z]{1,8}[0-9]{14,18}$"
TICKET_PREFIX_PATTERN: Final = r"^[A-Z]{1,8}$"
#: Prefix used when no centre is configured: 安徽 (AH).
DEFAULT_TICKET_PREFIX: Final = "AH"
_PREFIX_RE = re.compile(TICKET_PREFIX_PATTERN)


def format_ticket_no(prefix: str, day: date, counter: int) -> str:
    """``HF`` + ``20261129`` + ``000123``; the counter widens past 999,999 a day."""
    if not _PREFIX_RE.fullmatch(prefix):
        raise ValueError(f"ticket prefix must be 1-8 capital letters, got {prefix!r}")
    if counter < 1:
        raise ValueError("ticket counters start at 1")
    return f"{prefix}{day.strftime('%Y%m%d')}{counter:06d}"


def _initials(text: str) -> str:
    # imported here: pypinyin's phrase dictionary costs ~0.15 s, paid once, only by the
    # code that derives a ticket prefix (not by every importer of the protocol)
    from pypinyin import Style, lazy_pinyin

    letters = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER))
    return "".join(c for c in letters.upper() if "A" <= c <= "Z")


def default_ticket_prefix(centre: CentreName | None) -> str:
    """The pinyin initials of the centre's city (合肥 → ``HF``, 马鞍山 → ``MAS``); ``AH``
    (安徽) for the province level or an unconfigured centre; ``AH`` + the sub-centre's
    initials for a sub-centre (海关 → ``AHHG``). An admin may configure another prefix."""
    if centre is None or centre.level is CentreLevel.PROVINCE:
        return DEFAULT_TICKET_PREFIX
    if centre.level is CentreLevel.CITY and centre.city:
        prefix = _initials(centre.city.removesuffix("市"))
    elif centre.sub_centre:
        prefix = DEFAULT_TICKET_PREFIX + _initials(centre.sub_centre)
    else:
        return DEFAULT_TICKET_PREFIX
    return prefix[:8] if prefix else DEFAULT_TICKET_PREFIX


# ---------------------------------------------------------------- matters and topics

_DROP_CATEGORIES = ("P", "S", "Z", "C")


def normalise_key(text: str) -> str:
    """NFKC, lower case, without spaces, punctuation, symbols or control characters."""
    def fold(value: str) -> str:
        lowered = unicodedata.normalize("NFKC", value).lower()
        return "".join(c for c in lowered
                       if not unicodedata.category(c).startswith(_DROP_CATEGORIES))

    return fold(fold(text))  # dropping a character may let NFKC compose its neighbours


def matter_key(kb_entry_id: str | None, topic: str | None) -> str | None:
    """``kb:<entry id>`` or ``topic:<normalised topic>``; ``None`` when neither is known."""
    if kb_entry_id and kb_entry_id.strip():
        return f"kb:{kb_entry_id.strip()}"
    key = normalise_key(topic or "")
    return f"topic:{key}" if key else None


def place_key(lead_unit: str | None, request_type: RequestType | None,
              location: str | None) -> str | None:
    """``place:<lead unit>|<type>|<normalised location>``; ``None`` unless all three are known."""
    unit = normalise_key(lead_unit or "")
    where = normalise_key(location or "")
    if not unit or not where or request_type is None:
        return None
    return f"place:{unit}|{request_type.value}|{where}"


def topic_for(
    topic: str | None,
    kb_keywords: Sequence[str] = (),
    kb_title: str | None = None,
    area: Area | None = None,
    request_type: RequestType | None = None,
) -> str | None:
    """The topic a ticket is counted under in the rising-topics figure (see module doc)."""
    candidates: list[str | None] = [topic, *list(kb_keywords)[:1], kb_title]
    for candidate in candidates:
        if candidate and normalise_key(candidate):
            return candidate.strip()
    if area is not None and request_type is not None:
        return f"{area.label}·{request_type.label}"
    if area is not None:
        return area.label
    return None


#: Fewest tickets in the last 24 hours for a topic to count as rising.
RISING_MIN_COUNT: Final = 3


def rising_ratio(last_24h: int, previous_7d: int) -> float:
    """Last-24-hour count over the daily average of the 7 days before.

    A topic not seen in the previous week is treated as seen once in it (average 1/7),
    so a brand-new topic gets a finite, high ratio (``7 × count``) instead of infinity.
    """
    average = max(previous_7d / 7, 1 / 7)
    return last_24h / average


#: Ratings that count as satisfied for the satisfaction rate (第二十七条).
SATISFIED_RATINGS: Final = frozenset(
    {Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.BASICALLY_SATISFIED})

#: States in which a handling unit is working on the ticket (deadlines run, 第十五–十八条).
HANDLING_STATES: Final = frozenset({
    TicketState.DISPATCHED, TicketState.CONTACTED, TicketState.RETURN_REQUESTED,
    TicketState.EXTENSION_REQUESTED,
})
#: States after which nothing more is due from the unit.
FINISHED_STATES: Final = frozenset({
    TicketState.ANSWERED_ON_SPOT, TicketState.REFUSED, TicketState.EMERGENCY_HANDOFF,
    TicketState.COMPLETED, TicketState.RATED, TicketState.REVISITED,
})

SUMMARY_LENGTH: Final = 20
_DIGIT_RUN = re.compile(r"[0-9]{5,}")


def progress_summary(request_type: RequestType | None, topic: str | None,
                     requester_name: str | None = None,
                     length: int = SUMMARY_LENGTH) -> str:
    """What the progress query shows of the request (第十九条 with 第三十四条): its type
    and topic only, never the content (which may name people the masking cannot
    recognise); phone/ID numbers in the topic are masked (and any run of 5 or more digits,
    which ``mask_text`` leaves alone when it is not phone-shaped), the requester's name too.
    ``"投诉：路灯不亮"``."""
    text = " ".join(mask_text(unicodedata.normalize("NFKC", topic or "")).split())
    text = _DIGIT_RUN.sub(lambda found: "*" * len(found.group()), text)
    name = (requester_name or "").strip()
    if len(name) >= 2:
        text = text.replace(name, mask_name(name))
    if len(text) > length:
        text = text[:length] + "…"
    label = request_type.label if request_type is not None else "诉求"
    return f"{label}：{text}" if text else label


# ---------------------------------------------------------------- push

UUID_PATTERN: Final = (
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MAX_PUSH_OPS: Final = 200


def uuid_version(text: str) -> int | None:
    """The version digit of a UUID string (7 for a UUIDv7), ``None`` if not a UUID."""
    if re.fullmatch(UUID_PATTERN, text) is None:
        return None
    return int(text[14], 16)


class PushOpKind(LabeledEnum):
    """What a pushed operation does. Codes match the desk's local record kinds."""

    TICKET = ("ticket", "工单（转办或待转办）")
    KB_CLOSURE = ("kb_closure", "知识库即时办结")
    REFUSAL = ("refusal", "不予受理记录")
    EMERGENCY_HANDOFF = ("emergency_handoff", "紧急转接记录")
    ABUSIVE_CALL = ("abusive_call", "骚扰来电标记")
    TICKET_EVENT = ("ticket_event", "工单办理")
    SUPERVISION = ("supervision", "督办")
    EXPERT_TRANSFER = ("expert_transfer", "转专家座席")


class TicketKind(LabeledEnum):
    """How a ticket record began (第十条、第十二条)."""

    TICKET = ("ticket", "工单")
    KB_CLOSURE = ("kb_closure", "知识库即时办结")
    REFUSAL = ("refusal", "不予受理记录")
    EMERGENCY_HANDOFF = ("emergency_handoff", "紧急转接记录")


class PushStatus(LabeledEnum):
    APPLIED = ("applied", "已同步")
    DUPLICATE = ("duplicate", "已同步（重复提交）")
    CONFLICT = ("conflict", "工单已被他人处理，请刷新后重试")
    REJECTED = ("rejected", "服务器拒绝，请修改后重试")


class PushOp(WireModel):
    """One operation of a push. ``payload`` is checked per kind (the models below); a bad
    payload rejects this operation only, never the batch."""

    op_id: Annotated[str, Field(pattern=UUID_PATTERN,
                                description="UUIDv7 chosen by the desk, kept across resends")]
    kind: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$",
                               description="one of: " + ", ".join(k.value for k in PushOpKind))]
    occurred_at: AwareDatetime | None = Field(
        default=None, description="when it happened by the desk's clock (the call's time); "
                                  "the server clamps it to the last 7 days and never later "
                                  "than its own clock")
    payload: dict[str, Any] = Field(default_factory=dict)


class PushRequest(WireModel):
    ops: Annotated[list[PushOp], Field(min_length=1, max_length=MAX_PUSH_OPS)]


class PushReason(WireModel):
    """Why an operation was not applied: machine code, English message, field problems
    (their messages are Chinese when they come from the ticket rules)."""

    code: ErrorCode
    message: str
    problems: list[Problem] = Field(default_factory=list)


class PushResult(WireModel):
    op_id: str
    status: PushStatus
    server_no: str | None = Field(default=None, description="the public ticket number")
    state: TicketState | None = None
    version: int | None = Field(default=None, description="the ticket's version after the op")
    transfer_id: int | None = None
    reason: PushReason | None = None


class PushResponse(WireModel):
    results: list[PushResult]
    server_time: datetime
    ticket_version: int = Field(description="the ticket change version after this push")


# -- payloads (one model per kind); strings are checked by the core rules, whose messages
# -- are Chinese; these models only bound sizes and refuse control characters.

Short = Annotated[Line, Field(max_length=200)]
LongText = Annotated[Text, Field(max_length=4000)]
UnitNames = list[Annotated[Line, Field(max_length=200)]] | Annotated[Line, Field(max_length=2000)]


class _DraftFields(WireModel):
    """The fields of ``core.ticket_draft.TicketDraft`` as text (codes or Chinese labels)."""

    requester_phone: Annotated[Line, Field(max_length=64)] = ""
    requester_name: Short = ""
    content: LongText = ""
    request_type: Annotated[Line, Field(max_length=20)] = ""
    area: Annotated[Line, Field(max_length=20)] = ""
    channel: Annotated[Line, Field(max_length=20)] = ""
    source: Annotated[Line, Field(max_length=20)] = ""
    priority: Annotated[Line, Field(max_length=20)] = ""
    location: Annotated[Line, Field(max_length=400)] = ""
    source_ticket_no: Short = ""
    topic: Annotated[Line, Field(max_length=40)] = Field(
        default="", description="the operator's short topic (rising topics, same matter)")
    call_id: CallId = None


class TicketCreatePayload(_DraftFields):
    """``ticket``: a ticket dispatched at once (``purpose: dispatch``) or recorded for
    dispatch later (``record``) — 第十一条、第十二条(二)(四)."""

    purpose: Annotated[Line, Field(max_length=20)] = "dispatch"
    lead_unit: Short = ""
    co_units: UnitNames = Field(default_factory=list)
    handling_requirements: LongText = ""
    kb_entry_id: Annotated[Line, Field(max_length=64)] = ""
    note: LongText = ""


class KBClosurePayload(_DraftFields):
    """``kb_closure``: a consultation answered on the spot from the knowledge base
    (第十二条(一)), recording the entry and the version that answered it."""

    kb_entry_id: Annotated[str, Field(pattern=KB_ID_PATTERN)]
    kb_entry_version: Annotated[int, Field(ge=1, le=MAX_INT)]
    note: LongText = ""


class RefusalPayload(WireModel):
    """``refusal``: a non-accepted request, recorded truthfully (第十条): the ground, the
    basis read to the caller, and the proper unit with its contact when known."""

    ground: Annotated[Line, Field(max_length=60)]
    reason: LongText = Field(description="the basis told to the caller")
    referral_unit: Short = ""
    referral_contact: Short = ""
    requester_phone: Annotated[Line, Field(max_length=64)] = ""
    requester_name: Short = ""
    content: LongText = ""
    channel: Annotated[Line, Field(max_length=20)] = ""
    note: LongText = ""
    call_id: CallId = None


class EmergencyHandoffPayload(WireModel):
    """``emergency_handoff``: handed to an emergency or utility line (第十二条(三))."""

    line: Annotated[Line, Field(max_length=32, description="emergency-line code, e.g. police")]
    number: Annotated[Line, Field(max_length=32, description="the number dialled, e.g. 110")]
    requester_phone: Annotated[Line, Field(max_length=64)] = ""
    content: LongText = ""
    location: Annotated[Line, Field(max_length=400)] = ""
    channel: Annotated[Line, Field(max_length=20)] = ""
    note: LongText = ""
    call_id: CallId = None


class AbusiveCallPayload(WireModel):
    """``abusive_call``: mark a call as abusive or harassing (第十三条), for the centre to
    pass on; every marking is audited."""

    phone: Annotated[Line, Field(max_length=64)] = ""
    note: Annotated[Text, Field(min_length=1, max_length=2000)]
    ticket_no: Annotated[str, Field(pattern=TICKET_NO_PATTERN)] | None = None
    call_id: CallId = None


class TicketEventPayload(WireModel):
    """``ticket_event``: one move of ``core.ticket_flow`` on an existing ticket, with its
    payload fields (``core.ticket_flow.transition_table()`` lists which are required).

    ``expected_state``/``expected_version``: what the desk saw; if the ticket has moved
    on since, the answer is ``conflict``. ``special_approval`` records that special
    circumstances were approved for a third extension (第十八条)."""

    ticket_no: Annotated[str, Field(pattern=TICKET_NO_PATTERN)]
    event: Annotated[Line, Field(max_length=40)]
    expected_state: TicketState | None = None
    expected_version: Annotated[int, Field(ge=1, le=MAX_INT)] | None = None
    kb_entry_id: Short | None = None
    ground: Short | None = None
    reason: LongText | None = None
    referral_unit: Short | None = None
    referral_contact: Short | None = None
    line: Short | None = None
    lead_unit: Short | None = None
    co_units: UnitNames | None = None
    handling_requirements: LongText | None = None
    unit_contact: Short | None = None
    policy_basis: LongText | None = None
    days: Annotated[int, Field(le=3650)] | Annotated[Line, Field(max_length=10)] | None = None
    law: Short | None = None  # set_legal_deadline (第十七条(三)): the law's name …
    law_article: Short | None = None  # … and the article
    legal_days: (Annotated[int, Field(le=3650)] | Annotated[Line, Field(max_length=10)]
                 | None) = None
    legal_day_kind: Short | None = None  # working_days | calendar_days (工作日 | 自然日)
    legal_due_date: Annotated[Line, Field(max_length=10)] | None = None  # YYYY-MM-DD
    progress: LongText | None = None  # report_progress
    reply: LongText | None = None
    approver: Short | None = None
    rating: Short | None = None
    revisit_result: LongText | None = None
    note: LongText | None = None
    special_approval: bool = False


class SupervisionPayload(WireModel):
    """``supervision``: a team lead records grounds of 第二十条 the server cannot see for
    itself (leader's instruction, media exposure, …). Absent fields stay as they are."""

    ticket_no: Annotated[str, Field(pattern=TICKET_NO_PATTERN)]
    expected_version: Annotated[int, Field(ge=1, le=MAX_INT)] | None = None
    superior_assigned: bool | None = None
    leader_instructed: bool | None = None
    responsibility_unclear: bool | None = None
    emerging_issue: bool | None = None
    media_exposed: bool | None = None
    manually_flagged: bool | None = None
    flag_note: Annotated[Text, Field(max_length=500)] | None = None
    regions: list[Annotated[Line, Field(min_length=1, max_length=60)]] | None = Field(
        default=None, max_length=50, description="regions involved (第二十条(五))")


# ---------------------------------------------------------------- ticket views


class ExtensionOut(WireModel):
    applied_at: datetime
    days: int
    reason: str
    special_approval: bool
    previous_due: date
    new_due: date


class LegalDeadlineOut(WireModel):
    """A completion deadline set by law (第十七条(三)): its basis and its period as the law
    states it (``days`` in ``day_kind``, or the date ``until``); ``due`` is the completion
    due date it gives."""

    law: str
    article: str
    basis: str = Field(description="《法律法规名称》条款, as the desk shows it")
    days: int | None = None
    day_kind: str | None = None
    until: date | None = None
    term: str = Field(description="the period in Chinese: 20个工作日 / 30日 / 2027-03-31前")
    due: date
    recorded_at: datetime


class DeadlinesOut(WireModel):
    """The deadlines of a dispatched ticket (第十五–十八条); a due date's deadline is
    24:00 Asia/Shanghai of that day. ``provisional``: the calendar for some day counted is
    only the statutory fallback (暂定). With a legal deadline (``legal``, 第十七条(三)) the
    completion due date is the law's, and ``progress_report_due`` is when the unit must next
    report progress (``None``: no report is due); ``progress_reported_at`` is its latest
    report."""

    dispatched_at: datetime
    first_contact_due: date
    return_due: date
    completion_due: date
    completion_deadline: datetime
    completion_limit_days: int
    provisional: bool
    calendar_source: str
    extensions: list[ExtensionOut] = Field(default_factory=list)
    legal: LegalDeadlineOut | None = None
    progress_report_due: date | None = None
    progress_report_deadline: datetime | None = None
    progress_reported_at: datetime | None = None


class SupervisionOut(WireModel):
    code: str
    clause: str
    reason_zh: str


class RefusalOut(WireModel):
    ground: str
    clause: str
    reason: str
    referral_unit: str | None = None
    referral_contact: str | None = None


class HandoffOut(WireModel):
    line: str
    number: str


class TicketEventOut(WireModel):
    at: datetime
    event: str
    from_state: TicketState | None
    to_state: TicketState
    actor_username: str | None
    actor_role: Role | None
    note: str | None = None


class TicketOut(WireModel):
    """A ticket. Personal data (name, phone, location, phone/ID numbers in the content) is
    masked unless ``masked`` is false (an audited full read, 第三十四条)."""

    ticket_no: str
    kind: TicketKind
    op_id: str | None = Field(default=None, description="the desk operation that created it")
    call_id: str | None = Field(default=None, description="the desk's id of the call it came "
                                                         "from (records of one call share it)")
    state: TicketState
    version: int
    change_version: int
    received_at: datetime
    created_at: datetime
    updated_at: datetime
    created_by: str | None
    seat_label: str
    masked: bool
    requester_name: str | None
    requester_phone: str | None
    content: str
    location: str | None
    request_type: RequestType | None
    area: Area | None
    channel: Channel | None
    source: Source | None
    priority: Priority | None
    topic: str | None
    lead_unit: str | None
    co_units: list[str]
    handling_requirements: str | None
    kb_entry_id: str | None
    kb_entry_version: int | None
    source_ticket_no: str | None
    refusal: RefusalOut | None = None
    handoff: HandoffOut | None = None
    deadlines: DeadlinesOut | None = None
    overdue: bool = Field(description="computed on read too, not only by the scheduler")
    progress_overdue: bool = Field(
        default=False, description="a progress report due under a legal deadline (第十七条(三)) "
        "was not made in time; computed on read too")
    supervised: bool
    supervision: list[SupervisionOut] = Field(default_factory=list)
    unit_contact: str | None = None
    reply: str | None = None
    approver: str | None = None
    rating: Rating | None = None
    events: list[TicketEventOut] = Field(
        default_factory=list, description="history, in the single-ticket read only")


class TicketChangesPage(WireModel):
    """Tickets changed after the cursor, in change order; each ticket once, at its latest
    change. Continue with ``next_cursor`` while ``has_more``."""

    items: list[TicketOut]
    next_cursor: int
    has_more: bool
    current_version: int
    server_time: datetime


class TicketList(WireModel):
    items: list[TicketOut]
    server_time: datetime


# ---------------------------------------------------------------- caller history


class CallerHistoryRequest(WireModel):
    phone: Annotated[Line, Field(min_length=1, max_length=64)]
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    unmasked: bool = Field(default=False, description="full personal data (audited)")


class MatterCount(WireModel):
    """How often this requester raised one matter before (第二十条(六))."""

    matter: str = Field(description="the matter or place key")
    label: str
    count: int
    ticket_nos: list[str]
    last_at: datetime


class CallerHistory(WireModel):
    phone_masked: str
    total: Count
    items: list[TicketOut] = Field(description="newest first")
    matters: list[MatterCount] = Field(description="most often raised first")
    repeat_threshold: int = Field(description="第二十条(六): supervised from this many reports")
    abusive_marks: Count = Field(default=0, description="calls of this number marked abusive "
                                                         "(第十三条)")
    masked: bool = True


# ---------------------------------------------------------------- progress query


class ProgressQuery(WireModel):
    """第十九条: the requester looks a ticket up by its number and their phone number."""

    ticket_no: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9]+$")]
    phone: Annotated[Line, Field(min_length=1, max_length=64)]


class ProgressStep(WireModel):
    at: datetime
    event: str
    label: str


class ProgressAnswer(WireModel):
    """State and progress only: no names, no phone, no content beyond a masked summary,
    no reply text (第三十四条: 不宜公开的办理结果不得向社会公开)."""

    ticket_no: str
    state: TicketState
    state_label: str
    received_on: date
    summary: str
    handling_unit: str | None
    completion_due: date | None
    overdue: bool
    steps: list[ProgressStep]
    server_time: datetime


# ---------------------------------------------------------------- figures


class UnitDayFigure(WireModel):
    """One unit's figures for one day (第二十七条): see ``GET /api/v1/figures/units``."""

    unit: str
    day: date
    completed: int
    completed_on_time: int
    overdue_unfinished: int
    on_time_rate: float | None
    rated: int
    satisfied: int
    satisfaction_rate: float | None


class UnitFigures(WireModel):
    start: date
    end: date
    items: list[UnitDayFigure]


class DayFigures(WireModel):
    day: date
    total: int
    per_kind: dict[str, int]
    per_type: dict[str, int]
    per_area: dict[str, int]
    per_hour: list[int] = Field(description="calls per hour 0-23 Asia/Shanghai: distinct call "
                                            "ids, each in the hour of its first record; a "
                                            "record without a call id counts as one call")


class RisingTopic(WireModel):
    topic: str
    last_24h: int
    previous_7d: int
    daily_average: float
    ratio: float


class RisingTopics(WireModel):
    at: datetime
    min_count: int
    items: list[RisingTopic]
