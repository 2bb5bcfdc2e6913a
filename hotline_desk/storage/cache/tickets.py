"""Local records: what this seat saved (tickets, refusals, handoffs, …) and recent
tickets pulled from the server.

:meth:`LocalTickets.save_local` is the desk's "save": the record, its outbox
operation and its provisional number commit in *one* ``BEGIN IMMEDIATE``
transaction, so after a crash either both exist or neither does. It returns at
once with the provisional number ("本地-20261129-0001": desk-local day, a per-day
counter that is never decremented, so a number is never reused in this cache) and
the operation id (UUIDv7), which the record keeps so a resend after a crash uses
the same id and the server de-duplicates it. When the server acknowledges, its
ticket number replaces the provisional one for display (``LocalRecord.number``);
the provisional number stays findable.

Record kinds follow the handling paths of 第十二条 plus the refusal record of
第十条 ("如实记录": a refusal is saved and synced like any ticket), the transfer to an
expert seat (第八条) and the abusive-call mark (第十三条). A mark is not a ticket: its
state is :attr:`MarkState.MARKED`, and like a transfer it never gets a number of its own
from the server (the provisional number is the only one, so it is not "provisional").
Every record of a call carries the call's id in its payload (``call_id``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import peewee
import uuid6

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.vocabulary import LabeledEnum, TicketState
from hotline_desk.storage.cache.db import CacheDatabase, as_aware, china_now
from hotline_desk.storage.cache.models import CHINA_TZ, CacheModels
from hotline_desk.storage.cache.outbox import OutboxStatus, enqueue

log = logging.getLogger(__name__)

LOCAL_NO_PREFIX = "本地"


class RecordKind(LabeledEnum):
    """What a desk save records (第八条, 第十条, 第十二条, 第十三条)."""

    TICKET = ("ticket", "工单")
    REFUSAL = ("refusal", "不予受理记录")
    EMERGENCY_HANDOFF = ("emergency_handoff", "紧急转接记录")
    KB_CLOSURE = ("kb_closure", "知识库即时办结")
    TRANSFER = ("transfer", "转办记录")
    ABUSIVE_CALL = ("abusive_call", "骚扰来电标记")


class MarkState(LabeledEnum):
    """The state of a record that is not a ticket: an abusive-call mark (第十三条)."""

    MARKED = ("marked", "已标记")


#: A local record's state: a ticket's, or a mark's.
RecordState = TicketState | MarkState

#: Kinds the server gives a public number of their own (a ticket record). The server's
#: answer to a mark names the *marked* ticket, if any, which is not the mark's number.
SERVER_NUMBERED: frozenset[RecordKind] = frozenset({
    RecordKind.TICKET, RecordKind.REFUSAL, RecordKind.EMERGENCY_HANDOFF,
    RecordKind.KB_CLOSURE,
})

#: The state a freshly saved record starts in (callers may pass another).
DEFAULT_STATE: dict[RecordKind, RecordState] = {
    RecordKind.TICKET: TicketState.PENDING_DISPATCH,
    RecordKind.REFUSAL: TicketState.REFUSED,
    RecordKind.EMERGENCY_HANDOFF: TicketState.EMERGENCY_HANDOFF,
    RecordKind.KB_CLOSURE: TicketState.ANSWERED_ON_SPOT,
    RecordKind.TRANSFER: TicketState.PENDING_DISPATCH,
    RecordKind.ABUSIVE_CALL: MarkState.MARKED,
}

#: ``sync_status`` of a record that came from the server rather than this desk.
FROM_SERVER = "server"


@dataclass(frozen=True, slots=True)
class SavedRecord:
    """What a save hands back at once."""

    record_id: int
    local_no: str
    op_id: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LocalRecord:
    id: int
    kind: RecordKind
    local_no: str | None
    server_no: str | None
    op_id: str | None
    state: RecordState
    sync_status: str
    payload: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    server_updated_at: datetime | None

    @property
    def number(self) -> str:
        """The number to show: the server's once acknowledged, else the provisional one."""
        return self.server_no or self.local_no or ""

    @property
    def is_provisional(self) -> bool:
        """The number shown will still change (a ticket record the server has not
        numbered yet); a mark's or a transfer's local number is its only number."""
        return self.server_no is None and self.kind in SERVER_NUMBERED

    @property
    def call_id(self) -> str | None:
        """The call the record was saved in (``None`` for records without one)."""
        value = self.payload.get("call_id")
        return value if isinstance(value, str) and value else None


@dataclass(frozen=True, slots=True)
class ServerTicket:
    """A ticket as the server's change feed reports it."""

    server_no: str
    state: str
    updated_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    kind: str = RecordKind.TICKET.value
    op_id: str | None = None  # the desk operation that created it, when the server knows


def dumps_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(payload, Mapping):
        raise DataFormatError(f"payload must be a mapping, got {type(payload).__name__}",
                              "记录内容格式不正确")
    try:
        json.dumps(payload, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise DataFormatError(f"payload is not JSON-serialisable: {exc}",
                              "记录内容包含无法保存的数据，请检查后重试") from exc
    return dict(payload)


def _kind(value: str) -> RecordKind:
    try:
        return RecordKind.from_label(value)
    except ValueError as exc:
        raise DataFormatError(f"unknown record kind {value!r}",
                              f"未知的记录类型：{value}") from exc


def _state(value: str) -> RecordState:
    try:
        return TicketState.from_label(value)
    except ValueError:
        pass
    try:
        return MarkState.from_label(value)
    except ValueError as exc:
        raise DataFormatError(f"unknown ticket state {value!r}",
                              f"未知的工单状态：{value}") from exc


def local_day(moment: datetime) -> str:
    return as_aware(moment).astimezone(CHINA_TZ).strftime("%Y%m%d")


def format_local_no(day: str, counter: int) -> str:
    return f"{LOCAL_NO_PREFIX}-{day}-{counter:04d}"


def parse_local_no(text: str) -> tuple[str, int] | None:
    """``("20261129", 1)`` for "本地-20261129-0001"; None if it is not one."""
    parts = text.split("-")
    if len(parts) != 3 or parts[0] != LOCAL_NO_PREFIX:
        return None
    day, counter = parts[1], parts[2]
    if len(day) != 8 or not day.isdigit() or not counter.isdigit():
        return None
    return day, int(counter)


def allocate_local_no(models: CacheModels, moment: datetime) -> str:
    """Next provisional number for the desk-local day (inside the save's transaction)."""
    day = local_day(moment)
    counter = models.LocalCounter
    (counter.insert(day=day, last=1)
     .on_conflict(conflict_target=[counter.day], update={counter.last: counter.last + 1})
     .execute())
    last = counter.select(counter.last).where(counter.day == day).scalar()
    return format_local_no(day, int(last))


def bump_counter(models: CacheModels, day: str, at_least: int) -> None:
    """Make sure the day's counter is ≥ ``at_least`` (used when salvaging)."""
    counter = models.LocalCounter
    (counter.insert(day=day, last=at_least)
     .on_conflict(conflict_target=[counter.day],
                  update={counter.last: peewee.fn.MAX(counter.last, at_least)})
     .execute())


def _record(row: Any) -> LocalRecord:
    return LocalRecord(
        id=row.id, kind=RecordKind(row.kind), local_no=row.local_no, server_no=row.server_no,
        op_id=row.op_id, state=_state(row.state), sync_status=row.sync_status,
        payload=row.payload, created_at=row.created_at, updated_at=row.updated_at,
        server_updated_at=row.server_updated_at,
    )


# ---------------------------------------------- helpers the outbox calls in its txn


def set_sync_status(models: CacheModels, record_id: int, status: str, now: datetime) -> None:
    r = models.LocalRecord
    r.update(sync_status=status, updated_at=now).where(r.id == record_id).execute()


def replace_payload(models: CacheModels, record_id: int, payload: dict[str, Any],
                    now: datetime) -> None:
    r = models.LocalRecord
    r.update(payload=payload, updated_at=now).where(r.id == record_id).execute()


def attach_server_number(models: CacheModels, record_id: int, server_no: str | None,
                         now: datetime) -> None:
    """The server acknowledged the record: its number replaces the provisional one.

    If the change feed already delivered the same ticket as a separate row (pull
    before acknowledgement), that row's server state is merged into the local record
    and the duplicate row is removed. A record the server does not number itself (a
    mark, a transfer) keeps no number from the answer: for a mark it is the marked
    ticket's.
    """
    r = models.LocalRecord
    kind = r.select(r.kind).where(r.id == record_id).scalar()
    if kind is not None and RecordKind(kind) not in SERVER_NUMBERED:
        server_no = None
    if server_no:
        pulled = r.get_or_none((r.server_no == server_no) & (r.id != record_id))
        if pulled is not None:
            (r.update(state=pulled.state, payload=pulled.payload,
                      server_updated_at=pulled.server_updated_at)
             .where(r.id == record_id).execute())
            r.delete().where(r.id == pulled.id).execute()
    (r.update(server_no=server_no, sync_status=OutboxStatus.SENT, updated_at=now)
     .where(r.id == record_id).execute())


# ----------------------------------------------------------------------- the store


class LocalTickets:
    """Local records. Every method runs on the cache worker."""

    def __init__(self, db: CacheDatabase) -> None:
        self._db = db
        self._m = db.models

    def save_local(
        self,
        record_kind: str,
        payload: Mapping[str, Any],
        *,
        now: datetime | None = None,
        state: str | None = None,
        draft_key: str | None = None,
    ) -> SavedRecord:
        """Save a record and its outbox operation atomically; return its provisional number.

        ``draft_key``: the form draft this save came from; it is deleted in the same
        transaction, so a crash leaves either the draft or the saved record, never
        neither and never both.
        """
        self._db.check_thread()
        kind = _kind(record_kind)
        body = dumps_payload(payload)
        ticket_state = _state(state) if state is not None else DEFAULT_STATE[kind]
        moment = as_aware(now or china_now())
        op_id = str(uuid6.uuid7())
        with self._db.atomic():
            local_no = allocate_local_no(self._m, moment)
            record_id = self._m.LocalRecord.insert(
                kind=kind.value, local_no=local_no, op_id=op_id, server_no=None,
                state=ticket_state.value, sync_status=OutboxStatus.PENDING.value,
                payload=body, created_at=moment, updated_at=moment,
            ).execute()
            enqueue(self._m, op_id=op_id, kind=kind.value, record_id=record_id,
                    local_no=local_no, payload=body, now=moment)
            if draft_key is not None:
                self._m.Draft.delete().where(self._m.Draft.key == draft_key).execute()
        return SavedRecord(record_id=int(record_id), local_no=local_no, op_id=op_id,
                           created_at=moment)

    def get(self, record_id: int) -> LocalRecord | None:
        self._db.check_thread()
        row = self._m.LocalRecord.get_or_none(self._m.LocalRecord.id == record_id)
        return None if row is None else _record(row)

    def find(self, number: str) -> LocalRecord | None:
        """By server number or provisional number (the latter keeps working after ack)."""
        self._db.check_thread()
        r = self._m.LocalRecord
        text = number.strip()
        row = r.get_or_none((r.server_no == text) | (r.local_no == text))
        return None if row is None else _record(row)

    def by_op_id(self, op_id: str) -> LocalRecord | None:
        self._db.check_thread()
        row = self._m.LocalRecord.get_or_none(self._m.LocalRecord.op_id == op_id)
        return None if row is None else _record(row)

    def recent(self, limit: int = 50, kind: str | None = None) -> list[LocalRecord]:
        """Most recently changed first."""
        self._db.check_thread()
        r = self._m.LocalRecord
        query = r.select().order_by(r.updated_at.desc(), r.id.desc()).limit(max(limit, 0))
        if kind is not None:
            query = query.where(r.kind == _kind(kind).value)
        return [_record(row) for row in query]

    def count(self) -> int:
        self._db.check_thread()
        return int(self._m.LocalRecord.select().count())

    def upsert_from_server(self, tickets: Iterable[ServerTicket],
                           now: datetime | None = None) -> int:
        """Apply the server's ticket feed; an older update never overwrites a newer one.

        Returns how many rows changed.
        """
        self._db.check_thread()
        moment = as_aware(now or china_now())
        r = self._m.LocalRecord
        changed = 0
        with self._db.atomic():
            for ticket in tickets:
                state = _state(ticket.state)
                kind = _kind(ticket.kind)
                body = dumps_payload(ticket.payload)
                updated = as_aware(ticket.updated_at)
                row = None
                if ticket.op_id:
                    row = r.get_or_none(r.op_id == ticket.op_id)
                if row is None:
                    row = r.get_or_none(r.server_no == ticket.server_no)
                if row is None:
                    r.insert(kind=kind.value, local_no=None, op_id=ticket.op_id,
                             server_no=ticket.server_no, state=state.value,
                             sync_status=FROM_SERVER, payload=body, created_at=updated,
                             updated_at=moment, server_updated_at=updated).execute()
                    changed += 1
                    continue
                if row.server_updated_at is not None and row.server_updated_at >= updated:
                    continue
                if row.server_no is None and row.op_id is not None:
                    # The feed knows our operation before the push acknowledgement did.
                    attach_server_number(self._m, row.id, ticket.server_no, moment)
                    self._mark_outbox_sent(row.op_id, ticket.server_no, moment)
                (r.update(state=state.value, payload=body, server_no=ticket.server_no,
                          server_updated_at=updated, updated_at=moment)
                 .where(r.id == row.id).execute())
                changed += 1
        return changed

    def _mark_outbox_sent(self, op_id: str, server_no: str, now: datetime) -> None:
        o = self._m.Outbox
        (o.update(status=OutboxStatus.SENT, server_no=server_no, sent_at=now)
         .where((o.op_id == op_id) & (o.status != OutboxStatus.SENT)).execute())

    def prune(self, older_than: datetime) -> int:
        """Drop server-known records untouched since ``older_than``.

        Records whose operation is not yet acknowledged (pending, rejected) are never
        pruned: they are the only copy.
        """
        self._db.check_thread()
        r, o = self._m.LocalRecord, self._m.Outbox
        unsent = o.select(o.record).where(
            o.status.in_([OutboxStatus.PENDING, OutboxStatus.REJECTED])
            & o.record.is_null(False))
        with self._db.atomic():
            return int(r.delete().where(
                (r.updated_at < as_aware(older_than))
                & r.sync_status.in_([OutboxStatus.SENT.value, FROM_SERVER,
                                     OutboxStatus.DISCARDED.value])
                & r.id.not_in(unsent)).execute())
