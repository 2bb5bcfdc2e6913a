"""One ticket write: its transaction context, the change versions it takes, its refusals.

Every transaction that changes a ticket starts with :class:`TicketWrite`, which takes the
next ``ticket_version`` *first* (:func:`next_version`, the ``counters`` technique of the
KB feed in one ``UPDATE … RETURNING``): on PostgreSQL that row lock
serialises every ticket writer of every process until commit, so changes commit in
version order (the desks' feed never skips one), a number, a same-matter recount or an
op-id check made after it sees everything committed before, and no two writers can
deadlock on ticket rows (everybody takes the counter first). On SQLite ``BEGIN
IMMEDIATE`` already serialises writers.

:class:`OpRefused` carries a push operation's ``conflict``/``rejected`` outcome out of
its transaction (which then rolls back: nothing of a refused operation is kept).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

import peewee
from pydantic import BaseModel, ValidationError

from hotline_desk.core.errors import StorageError
from hotline_desk.core.protocol import ErrorCode, Problem, PushStatus
from hotline_desk.core.vocabulary import TicketState
from hotline_desk.core.workdays import WorkCalendar
from hotline_desk.storage.server import audit
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.models import Counter, Seat
from hotline_desk.storage.server.tickets_models import (
    TICKET_VERSION,
    TicketEventRow,
    TicketRow,
)

M = TypeVar("M", bound=BaseModel)


class OpRefused(Exception):
    """A push operation answered ``conflict`` or ``rejected`` (its transaction rolls back)."""

    def __init__(self, status: PushStatus, code: ErrorCode, message: str,
                 problems: Iterable[Problem] = (), *, state: TicketState | None = None,
                 version: int | None = None, server_no: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.problems = list(problems)
        self.state = state
        self.version = version
        self.server_no = server_no


def rejected(code: ErrorCode, message: str, problems: Iterable[Problem] = (),
             **extra: Any) -> OpRefused:
    return OpRefused(PushStatus.REJECTED, code, message, problems, **extra)


def rule_problems(messages: Iterable[str], field: str = "") -> list[Problem]:
    """Chinese messages of the core rules as problems of the payload."""
    return [Problem(location="payload", field=field, message=message) for message in messages]


def field_problems(problems: dict[str, str]) -> list[Problem]:
    return [Problem(location="payload", field=field, message=message)
            for field, message in problems.items()]


#: Chinese for pydantic's error types (the desk shows problem messages to the operator).
_PYDANTIC_ZH = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的字段（工作台与服务器版本可能不一致）",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "string_pattern_mismatch": "格式不正确或含有不允许的字符",
    "string_type": "应为文字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为是或否",
    "bool_type": "应为是或否",
    "less_than_equal": "数值过大",
    "greater_than_equal": "数值过小",
    "list_type": "应为列表",
    "too_long": "项目过多",
    "enum": "不是允许的取值",
    "literal_error": "不是允许的取值",
}


def parse(model: type[M], payload: dict[str, Any]) -> M:
    """The payload as ``model``; a ``rejected`` outcome listing every field problem (in
    Chinese, like the core rules' messages; the English one is in the reason message)."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        problems = [Problem(location="payload",
                            field=".".join(str(part) for part in error.get("loc", ())),
                            message=_PYDANTIC_ZH.get(error.get("type", ""), "格式不正确"))
                    for error in exc.errors()]
        english = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}"
                            for e in exc.errors()[:5])
        raise rejected(ErrorCode.VALIDATION_ERROR,
                       f"the operation's payload is invalid: {english}", problems) from None


class TicketWrite:
    """Context of one ticket write transaction (create inside ``write_transaction``)."""

    def __init__(self, db: peewee.Database, actor: Actor, now: datetime,
                 calendar: WorkCalendar, op_id: str | None = None,
                 seat_label: str | None = None) -> None:
        self.db = db
        self.actor = actor
        self.now = now
        self.calendar = calendar
        self.op_id = op_id
        self._seat_label = seat_label
        self._first = next_version(db)
        self._first_taken = False

    def take_version(self) -> int:
        """The next ticket change version (the first was taken when the write began)."""
        if not self._first_taken:
            self._first_taken = True
            return self._first
        return next_version(self.db)

    def seat_label(self) -> str:
        if self._seat_label is None:
            self._seat_label = seat_label_of(self.db, self.actor)
        return self._seat_label

    def _event(self, row: TicketRow, event: str, from_state: str | None, to_state: str,
               details: dict[str, Any] | None) -> dict[str, Any]:
        return {"ticket_id": row.id, "at": self.now, "event": event, "from_state": from_state,
                "to_state": to_state, "actor_id": self.actor.account_id,
                "actor_username": self.actor.username,
                "actor_role": self.actor.role.value if self.actor.role else None,
                "op_id": self.op_id, "details": details or {}}

    def add_event(self, row: TicketRow, event: str, from_state: str | None, to_state: str,
                  details: dict[str, Any] | None = None) -> None:
        TicketEventRow.insert(**self._event(row, event, from_state, to_state, details)).execute(
            self.db)

    def add_events(self, row: TicketRow,
                   events: list[tuple[str, str | None, str, dict[str, Any]]]) -> None:
        """Several events of one ticket in one statement."""
        TicketEventRow.insert_many(
            [self._event(row, *event) for event in events]).execute(self.db)

    def audit(self, action: str, object_id: str | None,
              details: dict[str, Any] | None = None) -> None:
        record = dict(details or {})
        if self.op_id:
            record["op_id"] = self.op_id
        audit.record(self.db, self.actor, action, "ticket", object_id, record, now=self.now)


def next_version(db: peewee.Database) -> int:
    """Take the next ticket change version in one statement (``UPDATE … RETURNING``),
    inside the caller's write transaction; on PostgreSQL its row lock is held to commit."""
    rows = (Counter.update(value=Counter.value + 1).where(Counter.name == TICKET_VERSION)
            .returning(Counter.value).tuples().execute(db))
    found = list(rows)
    if len(found) != 1:
        raise StorageError(f"counter {TICKET_VERSION!r} is missing: the schema is incomplete")
    return int(found[0][0])


def seat_label_of(db: peewee.Database, actor: Actor) -> str:
    """The seat label of the actor's last heartbeat ("" without one)."""
    if actor.account_id is None:
        return ""
    label = Seat.select(Seat.seat_label).where(Seat.account_id == actor.account_id).scalar(db)
    return str(label or "")


def load(db: peewee.Database, ticket_no: str) -> TicketRow | None:
    return TicketRow.select().where(TicketRow.ticket_no == ticket_no).get_or_none(db)


def load_or_reject(db: peewee.Database, ticket_no: str) -> TicketRow:
    row = load(db, ticket_no)
    if row is None:
        raise rejected(ErrorCode.NOT_FOUND, f"ticket {ticket_no} not found",
                       rule_problems(["没有该工单编号"], "ticket_no"))
    return row


def reload(db: peewee.Database, row_id: int) -> TicketRow:
    row: TicketRow = TicketRow.select().where(TicketRow.id == row_id).get(db)
    return row
