"""The sync protocol shared by the server and the desk: versions, error codes, models.

Every HTTP response of the server carries :data:`PROTOCOL_VERSION` in the
:data:`PROTOCOL_HEADER` header (error bodies and the health answer also carry it as
the ``protocol`` field); the desk calls :func:`check_protocol_version` on it and
refuses to talk to a server of another protocol version. The API speaks English:
every error body has a machine :class:`ErrorCode` plus an English message; the
desk shows ``ErrorCode(code).label``, the Chinese text (:func:`message_zh_for`).

Also here, because both sides need them and they are pure rules:

* the review workflow of knowledge-base entries (第三十条: 多方校核) as a transition
  table (:data:`KB_TRANSITIONS`, :func:`next_review_state`), and which entries reach
  the desks (:func:`delivered_to_desks`);
* the seat-board rules: a seat counts offline after :data:`SEAT_OFFLINE_AFTER_SECONDS`
  of silence by the server clock (:func:`effective_seat_state`), and the opaque
  seat-board cursor (:class:`SeatCursor`);
* the account password policy (第三十五条: 账号安全).

Pure: no I/O; datetimes are passed in.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Final, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from hotline_desk.core.errors import (
    AuthError,
    DataFormatError,
    HotlineError,
    NetworkError,
    RuleViolation,
    StorageError,
)
from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.phone import Phone, check_phone
from hotline_desk.core.vocabulary import Area, LabeledEnum, ReviewState, Role, SeatState

# ---------------------------------------------------------------- versions

#: Version of the wire protocol. Bump on any incompatible change of a model below.
PROTOCOL_VERSION: Final = 1
#: Response header carrying :data:`PROTOCOL_VERSION` on every server response.
PROTOCOL_HEADER: Final = "X-Hotline-Protocol"
#: Path prefix of every endpoint of this protocol version.
API_PREFIX: Final = "/api/v1"

#: A seat that has sent no heartbeat for this long counts as offline (server clock).
SEAT_OFFLINE_AFTER_SECONDS: Final = 45

#: Largest integer accepted in ids, cursors and counters (fits every SQL BIGINT).
MAX_INT: Final = 2**53


def check_protocol_version(value: str | None) -> int:
    """Check the server's protocol header; returns the version or raises.

    Raises :class:`ProtocolMismatchError` (a :class:`NetworkError`) with a Chinese
    message when the header is missing or names another version.
    """
    text = (value or "").strip()
    if not text.isdigit():
        raise ProtocolMismatchError(
            f"response without a valid {PROTOCOL_HEADER} header: {value!r}",
            "服务器未返回协议版本，可能不是热线同步服务器，请检查服务器地址",
        )
    version = int(text)
    if version != PROTOCOL_VERSION:
        newer = version > PROTOCOL_VERSION
        raise ProtocolMismatchError(
            f"server speaks protocol {version}, this desk speaks {PROTOCOL_VERSION}",
            "服务器版本较新，请升级座席工作台" if newer
            else "服务器版本较旧，请联系管理员升级服务器",
        )
    return version


# ---------------------------------------------------------------- error codes


class ErrorCode(LabeledEnum):
    """Machine codes of API errors; ``.label`` is the Chinese text the desk shows."""

    BAD_CREDENTIALS = ("bad_credentials", "用户名或密码错误")
    ACCOUNT_DISABLED = ("account_disabled", "账号已停用，请联系管理员")
    LOGIN_THROTTLED = ("login_throttled", "登录失败次数过多，请稍后再试")
    PROGRESS_THROTTLED = ("progress_throttled", "查询失败次数过多，请稍后再试")
    TOKEN_INVALID = ("token_invalid", "登录已失效，请重新登录")
    FORBIDDEN = ("forbidden", "当前账号无权进行此操作")
    NOT_FOUND = ("not_found", "未找到相应记录")
    METHOD_NOT_ALLOWED = ("method_not_allowed", "不支持的请求方式")
    VALIDATION_ERROR = ("validation_error", "提交的内容不符合要求，请检查后重试")
    WEAK_PASSWORD = ("weak_password", "密码至少8位，且须同时包含字母和数字")
    WRONG_PASSWORD = ("wrong_password", "原密码不正确")
    SELF_LOCKOUT = ("self_lockout", "不能停用、降级自己的账号或吊销自己的全部登录")
    FOUR_EYES = ("four_eyes", "多方校核：审核人不能是条目的最后编辑人")
    RULE_VIOLATION = ("rule_violation", "不符合热线管理规定")
    INVALID_TRANSITION = ("invalid_transition", "当前状态下不能进行此操作")
    VERSION_CONFLICT = ("version_conflict", "记录已被他人修改，请刷新后重试")
    USERNAME_TAKEN = ("username_taken", "用户名已被使用")
    ENTRY_EXISTS = ("entry_exists", "知识库条目编号已存在")
    TRANSFER_TAKEN = ("transfer_taken", "该转接已被其他专家受理")
    KB_RESET_REQUIRED = ("kb_reset_required", "本地知识库需要重新完整同步")
    DATABASE_BUSY = ("database_busy", "服务器繁忙，请稍后重试")
    STORAGE_ERROR = ("storage_error", "服务器数据存储出错")
    INTERNAL_ERROR = ("internal_error", "服务器内部错误，请联系管理员")
    PROTOCOL_MISMATCH = ("protocol_mismatch", "工作台与服务器版本不一致")


_CODES: Final[dict[str, ErrorCode]] = {member.value: member for member in ErrorCode}


def message_zh_for(code: str) -> str:
    """The Chinese text for an error code from the server (unknown codes get a generic one)."""
    member = _CODES.get(code)
    return member.label if member else "服务器返回了无法识别的错误"


class CodedError(HotlineError):
    """A :class:`HotlineError` carrying an :class:`ErrorCode` (the API's error vocabulary).

    The concrete classes below also derive from the matching class of
    ``core.errors`` so that code catching e.g. :class:`AuthError` keeps working.
    """

    default_code: ClassVar[ErrorCode] = ErrorCode.INTERNAL_ERROR

    def __init__(
        self,
        message: str,
        message_zh: str | None = None,
        *,
        code: ErrorCode | None = None,
        retry_after: int | None = None,
        current_version: int | None = None,
    ) -> None:
        self.code: ErrorCode = code or self.default_code
        super().__init__(message, message_zh or self.code.label)
        self.retry_after = retry_after
        self.current_version = current_version


class NotFoundError(CodedError, StorageError):
    default_code = ErrorCode.NOT_FOUND


class ConflictError(CodedError, RuleViolation):
    """The record changed under the caller or the request collides with existing data."""

    default_code = ErrorCode.VERSION_CONFLICT


class RefusedError(CodedError, RuleViolation):
    """A request that breaks a rule (review workflow, password policy, …)."""

    default_code = ErrorCode.RULE_VIOLATION


class UnauthorizedError(CodedError, AuthError):
    """No valid session: bad credentials, expired/revoked token, disabled account."""

    default_code = ErrorCode.TOKEN_INVALID


class ForbiddenError(CodedError, AuthError):
    """Authenticated, but the role (or the owning unit) may not do this (第三十四条)."""

    default_code = ErrorCode.FORBIDDEN


class ThrottledError(CodedError, AuthError):
    """Too many failed logins (or failed progress look-ups, 第十九条) for the account or the
    client address; see ``retry_after``."""

    default_code = ErrorCode.LOGIN_THROTTLED


class ResetRequiredError(CodedError):
    """The desk's cursor is older than the retained history: it must resync from zero."""

    default_code = ErrorCode.KB_RESET_REQUIRED


class BusyError(CodedError, StorageError):
    """The database is locked or out of connections for now; retry later."""

    default_code = ErrorCode.DATABASE_BUSY


class ProtocolMismatchError(CodedError, NetworkError):
    default_code = ErrorCode.PROTOCOL_MISMATCH


def error_code_of(exc: BaseException) -> ErrorCode:
    """The API error code for any exception (uncoded core errors get a generic code)."""
    if isinstance(exc, CodedError):
        return exc.code
    if isinstance(exc, DataFormatError):
        return ErrorCode.VALIDATION_ERROR
    if isinstance(exc, RuleViolation):
        return ErrorCode.RULE_VIOLATION
    if isinstance(exc, AuthError):
        return ErrorCode.TOKEN_INVALID
    if isinstance(exc, StorageError):
        return ErrorCode.STORAGE_ERROR
    return ErrorCode.INTERNAL_ERROR


# ---------------------------------------------------------------- common field types

_CONTROL = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]")
#: Text without control characters (except tab/newline): databases refuse NUL bytes.
TEXT_PATTERN: Final = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"
_LINE_PATTERN: Final = r"^[^\x00-\x1F\x7F]*$"


def _stripped(value: str) -> str:
    return value.strip()


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Line = Annotated[str, Field(pattern=_LINE_PATTERN), AfterValidator(_stripped)]
"""One line of text (names, titles): no control characters, surrounding spaces trimmed."""

Text = Annotated[str, Field(pattern=TEXT_PATTERN)]
"""Multi-line text (answers, notes): no control characters other than tab and newlines."""

BigId = Annotated[int, Field(ge=1, le=MAX_INT)]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]

USERNAME_PATTERN: Final = r"^[a-z0-9][a-z0-9_.-]{2,31}$"
KB_ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
CALL_ID_PATTERN: Final = (
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _lower_or_none(value: str | None) -> str | None:
    return value.lower() if value else None


CallId = Annotated[
    str | None,
    Field(default=None, pattern=CALL_ID_PATTERN,
          description="the desk's id of the call (a UUIDv7 chosen when the call starts); "
                      "every record one call ends in carries it; absent from older desks"),
    AfterValidator(_lower_or_none),
]
"""The call a record belongs to (lower-case UUID text), or ``None``."""


def _phone_or_none(value: str | None) -> str | None:
    """Normalise a phone number with ``core.phone`` (canonical digits) or refuse it."""
    if value is None or not value.strip():
        return None
    result = check_phone(value)
    if not isinstance(result, Phone):
        raise ValueError(f"invalid phone number ({result.code})")
    return result.number


PhoneNumber = Annotated[
    str | None,
    Field(default=None, max_length=32, pattern=_LINE_PATTERN),
    AfterValidator(_phone_or_none),
]


class WireModel(BaseModel):
    """Base of every protocol model: unknown fields are refused, strings are kept exact."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- errors on the wire


class Problem(WireModel):
    """One problem in a refused payload or data file (location, field, message)."""

    location: str
    field: str
    message: str


class ErrorBody(WireModel):
    """The body of every error response."""

    code: ErrorCode
    message: str = Field(
        description="English message for logs; the desk shows the code's Chinese label")
    protocol: int = PROTOCOL_VERSION
    retry_after: int | None = Field(
        default=None, description="seconds, when throttled or busy")
    current_version: int | None = Field(
        default=None, description="the server's version, when a cursor is refused")
    problems: list[Problem] = Field(default_factory=list)


# ---------------------------------------------------------------- passwords


def password_problem(password: str) -> str | None:
    """The Chinese reason a password is refused (第三十五条 账号安全), or ``None``.

    At least 8 characters, at most 128, with at least one letter and one digit.
    """
    if len(password) < 8 or len(password) > 128:
        return "密码长度须为8至128位"
    if not re.search(r"[A-Za-z]", password) or not re.search(r"[0-9]", password):
        return "密码须同时包含字母和数字"
    if _CONTROL.search(password):
        return "密码不能包含控制字符"
    return None


# ---------------------------------------------------------------- health


class HealthOut(WireModel):
    status: Literal["ok"] = "ok"
    protocol: int = PROTOCOL_VERSION
    version: str = Field(description="server software version")
    schema_version: int = Field(description="database schema version (migrations applied)")
    database: Literal["sqlite", "postgresql"]
    server_time: datetime
    centre: str | None = Field(default=None, description="the centre's full name (第三条)")


# ---------------------------------------------------------------- accounts and sessions


class LoginRequest(WireModel):
    username: Annotated[str, Field(min_length=1, max_length=64, pattern=_LINE_PATTERN)]
    password: Annotated[str, Field(min_length=1, max_length=128)]


class AccountOut(WireModel):
    """An account as the API shows it. ``phone`` is masked unless ``phone_masked`` is false."""

    id: int
    username: str
    display_name: str
    role: Role
    unit: str | None = None
    phone: str | None = None
    phone_masked: bool = True
    disabled: bool = False
    created_at: datetime


class LoginResponse(WireModel):
    token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    server_time: datetime
    account: AccountOut


class AccountCreate(WireModel):
    """A new account.

    A unit handler must name its unit (第五条); others may (expert seats, 第八条).
    """

    username: Annotated[str, Field(pattern=USERNAME_PATTERN)]
    display_name: Annotated[Line, Field(min_length=1, max_length=40)]
    role: Role
    unit: Annotated[Line, Field(min_length=1, max_length=100)] | None = None
    phone: PhoneNumber = None
    password: Annotated[str, Field(min_length=8, max_length=128)]

    @model_validator(mode="after")
    def _unit_handler_has_unit(self) -> Self:
        if self.role is Role.UNIT_HANDLER and not self.unit:
            raise ValueError("a unit handler account needs a unit")
        return self


class AccountUpdate(WireModel):
    """Fields to change; absent fields stay. ``disabled: true`` also revokes every session."""

    display_name: Annotated[Line, Field(min_length=1, max_length=40)] | None = None
    role: Role | None = None
    unit: Annotated[Line, Field(max_length=100)] | None = None
    phone: PhoneNumber = None
    disabled: bool | None = None


class PasswordChange(WireModel):
    old_password: Annotated[str, Field(min_length=1, max_length=128)]
    new_password: Annotated[str, Field(min_length=8, max_length=128)]


class PasswordReset(WireModel):
    new_password: Annotated[str, Field(min_length=8, max_length=128)]


class AccountList(WireModel):
    items: list[AccountOut]


class RevokeResult(WireModel):
    revoked: int = Field(description="number of sessions ended")


# ---------------------------------------------------------------- audit


class AuditRecord(WireModel):
    id: int
    at: datetime
    actor_id: int | None
    actor_username: str | None
    actor_role: str | None
    action: str
    object_type: str
    object_id: str | None
    client_address: str | None
    details: dict[str, Any]


class AuditPage(WireModel):
    items: list[AuditRecord]
    next_after_id: int
    has_more: bool


# ---------------------------------------------------------------- knowledge base


class KBAction(LabeledEnum):
    """Review-workflow actions on a knowledge-base entry (第三十条: 多方校核)."""

    REVIEW = ("review", "审核通过")
    REJECT = ("reject", "退回修改")
    PUBLISH = ("publish", "发布")
    RETIRE = ("retire", "下线")
    REOPEN = ("reopen", "重新编辑")


#: (state, action) -> new state. Edits are allowed only in ``draft``; a published
#: answer wording changes by retire → reopen → edit → review → publish, so nothing
#: unreviewed is ever read to a caller.
KB_TRANSITIONS: Final[dict[tuple[ReviewState, KBAction], ReviewState]] = {
    (ReviewState.DRAFT, KBAction.REVIEW): ReviewState.REVIEWED,
    (ReviewState.REVIEWED, KBAction.REJECT): ReviewState.DRAFT,
    (ReviewState.REVIEWED, KBAction.PUBLISH): ReviewState.PUBLISHED,
    (ReviewState.PUBLISHED, KBAction.RETIRE): ReviewState.RETIRED,
    (ReviewState.RETIRED, KBAction.REOPEN): ReviewState.DRAFT,
}

#: States in which an entry's content may be edited.
KB_EDITABLE_STATES: Final = frozenset({ReviewState.DRAFT})


def next_review_state(state: ReviewState, action: KBAction) -> ReviewState:
    """The state after ``action``; raises :class:`RefusedError` (invalid_transition)."""
    try:
        return KB_TRANSITIONS[(state, action)]
    except KeyError:
        raise RefusedError(
            f"cannot {action.value} an entry in state {state.value}",
            f"条目当前为「{state.label}」状态，不能「{action.label}」",
            code=ErrorCode.INVALID_TRANSITION,
        ) from None


def delivered_to_desks(review_state: ReviewState, valid_to: date | None, today: date) -> bool:
    """Whether the desks receive an entry (as an upsert) rather than its removal.

    Only published entries reach the desks. An entry whose validity has ended by
    ``today`` (the server's date when the feed is read) is sent as a removal; one
    not valid *yet* is sent, because the desk's search filters by
    ``KBEntry.is_searchable(today)`` and so it is ready on its first day.
    """
    if review_state is not ReviewState.PUBLISHED:
        return False
    return valid_to is None or valid_to >= today


class RegionData(WireModel):
    province: Annotated[Line, Field(max_length=20)] = "安徽省"
    city: Annotated[Line, Field(max_length=20)] = ""
    district: Annotated[Line, Field(max_length=30)] = ""


class KBEntryContent(WireModel):
    """The editable content of a knowledge-base entry (第二十九–三十条)."""

    title: Annotated[Line, Field(min_length=1, max_length=200), AfterValidator(_not_blank)]
    answer: Annotated[Text, Field(min_length=1, max_length=5000), AfterValidator(_not_blank)]
    questions: Annotated[list[Annotated[Line, Field(min_length=1, max_length=200)]],
                         Field(max_length=50)] = Field(default_factory=list)
    keywords: Annotated[list[Annotated[Line, Field(min_length=1, max_length=40)]],
                        Field(max_length=50)] = Field(default_factory=list)
    policy_basis: Annotated[Text, Field(max_length=2000)] = ""
    category: Area | None = None
    owner_unit: Annotated[Line, Field(max_length=100)] = Field(
        default="", description="owning unit (谁提供谁维护); forced to the handler's unit")
    region: RegionData = Field(default_factory=RegionData)
    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _validity_ordered(self) -> Self:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class KBEntryCreate(KBEntryContent):
    """A new entry; it starts as a draft."""

    id: Annotated[str, Field(pattern=KB_ID_PATTERN)]


class KBEntryEdit(KBEntryContent):
    """New content for a draft entry; ``expected_version`` guards against lost updates."""

    expected_version: BigId


class KBTransitionRequest(WireModel):
    action: KBAction
    expected_version: BigId


class KBEntryData(WireModel):
    """A knowledge-base entry on the wire; the same fields as ``core.kb.entry.KBEntry``."""

    id: str
    title: str
    answer: str
    questions: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    policy_basis: str = ""
    category: Area | None = None
    owner_unit: str = ""
    region: RegionData = Field(default_factory=RegionData)
    valid_from: date | None = None
    valid_to: date | None = None
    review_state: ReviewState = ReviewState.PUBLISHED
    version: int = 1
    updated_at: datetime | None = None

    def to_entry(self) -> KBEntry:
        return KBEntry(
            id=self.id, title=self.title, answer=self.answer,
            questions=tuple(self.questions), keywords=tuple(self.keywords),
            policy_basis=self.policy_basis, category=self.category,
            owner_unit=self.owner_unit,
            region=Region(self.region.province, self.region.city, self.region.district),
            valid_from=self.valid_from, valid_to=self.valid_to,
            review_state=self.review_state, version=self.version, updated_at=self.updated_at,
        )

    @classmethod
    def from_entry(cls, entry: KBEntry) -> Self:
        return cls(
            id=entry.id, title=entry.title, answer=entry.answer,
            questions=list(entry.questions), keywords=list(entry.keywords),
            policy_basis=entry.policy_basis, category=entry.category,
            owner_unit=entry.owner_unit,
            region=RegionData(province=entry.region.province, city=entry.region.city,
                              district=entry.region.district),
            valid_from=entry.valid_from, valid_to=entry.valid_to,
            review_state=entry.review_state, version=entry.version, updated_at=entry.updated_at,
        )


class KBEntryRecord(KBEntryData):
    """An entry as the management endpoints show it (with who changed it last)."""

    updated_by: str | None = None
    feed_version: int = Field(description="the KB version at which the entry last changed")


class KBEntryList(WireModel):
    items: list[KBEntryRecord]
    next_after: str | None = Field(description="pass as `after` for the next page")
    has_more: bool


class KBChangeOp(StrEnum):
    UPSERT = "upsert"
    REMOVE = "remove"


class KBChange(WireModel):
    """One change of the desk-facing knowledge base, at KB version ``version``."""

    version: int
    op: KBChangeOp
    id: str
    entry: KBEntryData | None = Field(default=None, description="present for upserts")


KB_CURSOR_PATTERN: Final = r"^[0-9]{1,16}(\.[0-9]{1,16})?$"


class KBCursor(WireModel):
    """The desk's position in the knowledge-base feed, opaque to the desk.

    ``version``: the desk has applied every change up to this KB version.
    ``floor``: set while a desk is still on its first full sync: the KB version when
    that sync began. Deletions at or below the floor happened before the desk had
    anything, so their tombstones may be pruned without forcing the desk to reset.
    Encoded as ``"VERSION"`` or, during a full sync, ``"VERSION.FLOOR"``; ``"0"``
    starts from scratch.
    """

    version: Count = 0
    floor: Count = 0

    def encode(self) -> str:
        return f"{self.version}.{self.floor}" if self.floor > self.version else str(
            self.version)

    @classmethod
    def decode(cls, text: str) -> Self | None:
        """Parse a cursor; ``None`` when malformed."""
        if not re.fullmatch(KB_CURSOR_PATTERN, text.strip()):
            return None
        version, _, floor = text.strip().partition(".")
        if int(version) > MAX_INT or int(floor or 0) > MAX_INT:
            return None
        return cls(version=int(version), floor=int(floor or 0))

    def needs_reset(self, current: int, pruned: int) -> bool:
        """Whether this cursor cannot be served: ahead of the server, or older than the
        retained deletion history (a pruned tombstone above what the desk has seen)."""
        if self.version > current or self.floor > current:
            return True
        return pruned > max(self.version, self.floor)


class KBChangesPage(WireModel):
    """Changes after the desk's cursor, in version order (第三十一条 同步更新)."""

    items: list[KBChange]
    next_cursor: str = Field(description="pass as `since` next time")
    has_more: bool
    current_version: int
    server_time: datetime


# ---------------------------------------------------------------- seats


def effective_seat_state(
    reported: SeatState, last_seen: datetime, now: datetime,
    offline_after: timedelta = timedelta(seconds=SEAT_OFFLINE_AFTER_SECONDS),
) -> SeatState:
    """The state the board shows: the reported one, or offline after silence.

    Silence is measured by the server clock only (``last_seen`` is when the server
    received the last heartbeat, ``now`` the server's time); client clocks are not
    trusted. A seat exactly ``offline_after`` silent is still online.
    """
    if now - last_seen > offline_after:
        return SeatState.OFFLINE
    return reported


class SeatCursor(WireModel):
    """Opaque seat-board cursor: the seats version and the server time of the read.

    Both are needed: a seat going offline by silence changes no stored row, so
    "nothing changed" means the version is the same *and* no seat's silence crossed
    the offline threshold between ``as_of`` and now (see the server's seat board).
    """

    version: Count
    as_of_ms: Count

    def encode(self) -> str:
        return f"{self.version}-{self.as_of_ms}"

    @classmethod
    def decode(cls, text: str) -> Self | None:
        """Parse a cursor; ``None`` for anything malformed (the caller does a full read)."""
        version, sep, as_of = text.strip().partition("-")
        if not sep or not version.isdigit() or not as_of.isdigit():
            return None
        if int(version) > MAX_INT or int(as_of) > MAX_INT:
            return None
        return cls(version=int(version), as_of_ms=int(as_of))

    @property
    def as_of(self) -> datetime:
        return datetime.fromtimestamp(self.as_of_ms / 1000, tz=UTC)


def to_epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class SeatHeartbeat(WireModel):
    """What a desk reports every few seconds and on every state change."""

    state: SeatState
    reason: Annotated[Line, Field(max_length=40)] | None = Field(
        default=None, description="why the seat is not ready (示忙原因); required for not_ready")
    seat_label: Annotated[Line, Field(max_length=20)] = Field(default="", description="e.g. A-12")
    outbox_depth: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    app_version: Annotated[Line, Field(max_length=40)] = ""
    state_age_seconds: Annotated[float, Field(ge=0, le=86_400)] = Field(
        default=0.0,
        description="seconds since the desk entered `state`, measured with its monotonic "
                    "clock (durations are trusted, wall clocks are not)")

    @model_validator(mode="after")
    def _reason_only_when_not_ready(self) -> Self:
        if self.state is SeatState.NOT_READY and not self.reason:
            raise ValueError("a not_ready state needs a reason")
        if self.state is not SeatState.NOT_READY and self.reason:
            raise ValueError("a reason is only given for not_ready")
        return self


class HeartbeatAck(WireModel):
    server_time: datetime = Field(description="compare with the desk clock to see the skew")
    seats_version: int
    changed: bool = Field(description="whether this heartbeat changed the seat board")
    offline_after_seconds: int = SEAT_OFFLINE_AFTER_SECONDS


class SeatStatus(WireModel):
    """One seat on the board. Every field except ``last_seen_at`` is covered by the
    seats version (an "unchanged" answer means none of them changed);
    ``last_seen_at`` is informational, as of the full read that returned it."""

    account_id: int
    username: str
    display_name: str
    role: Role
    seat_label: str
    state: SeatState = Field(description="effective state: offline after silence")
    reported_state: SeatState
    reason: str | None
    state_since: datetime
    last_seen_at: datetime = Field(description="server time of the last heartbeat, as of "
                                               "this read (not versioned)")
    outbox_depth: int
    app_version: str
    call_started_at: datetime | None


class SeatBoard(WireModel):
    """The team lead's seat board. ``unchanged`` answers carry no seats (cheap path);
    ``delta`` answers (asked for with ``changes=only``) carry only the seats that changed
    since the cursor, to be applied with :func:`merge_board`."""

    unchanged: bool
    delta: bool = Field(default=False, description="`seats` lists only the seats changed "
                                                   "since `since`; merge them by account_id")
    version: int
    cursor: str = Field(description="pass as `since` on the next read")
    server_time: datetime
    offline_after_seconds: int = SEAT_OFFLINE_AFTER_SECONDS
    seats: list[SeatStatus] = Field(default_factory=list)


def board_order(seat: SeatStatus) -> tuple[str, int]:
    """The order of the seats on the board: by seat label, then account."""
    return seat.seat_label, seat.account_id


def merge_board(shown: SeatBoard, answer: SeatBoard) -> SeatBoard:
    """The board after ``answer`` to a read with ``shown.cursor``: ``answer`` itself when
    it is a full read, ``shown`` with the new cursor when unchanged, and ``shown`` with
    the changed seats replaced (or added) when it is a delta."""
    if not answer.unchanged and not answer.delta:
        return answer
    update: dict[str, object] = {"cursor": answer.cursor, "server_time": answer.server_time,
                                 "version": answer.version, "unchanged": answer.unchanged,
                                 "delta": False,
                                 "offline_after_seconds": answer.offline_after_seconds}
    if answer.delta:
        seats = {seat.account_id: seat for seat in shown.seats}
        seats.update((seat.account_id, seat) for seat in answer.seats)
        update["seats"] = sorted(seats.values(), key=board_order)
    return shown.model_copy(update=update)


# ---------------------------------------------------------------- transfers to expert seats


class TransferStatus(LabeledEnum):
    QUEUED = ("queued", "待受理")
    ACCEPTED = ("accepted", "专家处理中")
    COMPLETED = ("completed", "已完成")
    CANCELLED = ("cancelled", "已撤回")


class TransferReferenceKind(LabeledEnum):
    CALL = ("call", "来电")
    TICKET = ("ticket", "工单")


class TransferCreate(WireModel):
    """An operator hands a call or a ticket to the expert queue (第八条 专家座席)."""

    reference_kind: TransferReferenceKind
    reference: Annotated[Line, Field(min_length=1, max_length=64)]
    note: Annotated[Text, Field(min_length=1, max_length=2000), AfterValidator(_not_blank)]
    caller_name: Annotated[Line, Field(max_length=40)] | None = None
    caller_phone: PhoneNumber = None
    call_id: CallId = None


class TransferComplete(WireModel):
    notes: Annotated[Text, Field(min_length=1, max_length=4000), AfterValidator(_not_blank)]


class TransferOut(WireModel):
    """A transfer. Caller data is masked unless ``masked`` is false (the accepting expert)."""

    id: int
    reference_kind: TransferReferenceKind
    reference: str
    note: str
    caller_name: str | None
    caller_phone: str | None
    masked: bool
    status: TransferStatus
    created_by: str
    created_at: datetime
    accepted_by: str | None
    accepted_at: datetime | None
    completed_at: datetime | None
    completion_notes: str | None
    cancelled_at: datetime | None


class TransferList(WireModel):
    items: list[TransferOut]


# ---------------------------------------------------------------- reference data


class ReferenceName(LabeledEnum):
    """The reference documents a centre publishes to its desks (第十条, 第十二条(三)).

    Each is a versioned JSON document that the core parses and validates: the
    non-acceptance scripts (``core.refusals.parse_non_acceptance_reasons``) and the
    emergency and utility lines with the cities' own numbers
    (``core.emergency_lines.parse_emergency_lines``).
    """

    NON_ACCEPTANCE = ("non_acceptance", "不予受理告知口径")
    EMERGENCY_LINES = ("emergency_lines", "紧急及公共事业服务热线")


class ReferenceDocumentOut(WireModel):
    """A published reference document: the document itself (the JSON the core parses),
    its own ``version`` field, who published it and when (server clock)."""

    name: ReferenceName
    version: Annotated[int, Field(ge=1, le=MAX_INT)]
    document: dict[str, Any]
    uploaded_by: str
    uploaded_at: datetime


# ---------------------------------------------------------------- tickets (one import point)

from hotline_desk.core.ticket_protocol import *  # noqa: E402, F403
