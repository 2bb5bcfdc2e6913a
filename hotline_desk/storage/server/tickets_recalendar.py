"""Open tickets follow a changed working-day calendar (第十七、十八、二十四条, 第二十条(二)).

Deadlines are stored on the ticket when it is dispatched (``tickets_deadlines``). For a
year ``chinesecalendar`` does not know yet they are counted on the statutory fallback
(暂定, provisional) until the admin installs the State Council's holiday file with
``hotline-desk calendar load``; a ticket dispatched before that keeps deadlines that count
a make-up working day (调休上班) as a day off, or a holiday as a working day, and overdue
detection (第二十条(二)) and the on-time rate (第二十四条, 第二十七条) use them. This module
recomputes them.

How a server learns about holiday files (``storage.server.tickets_calendar.CalendarSource``,
one per app, built on first use — by the start-up warm-up in practice): every
``calendar()`` call (each push that computes deadlines, and the overdue scheduler every
minute) compares the listing of ``<data dir>/calendar/holidays-*.json`` (names, sizes,
modification times) at most once every 60 seconds and rebuilds the calendar when it
changed. So a running process computes *new* deadlines with a newly installed file within
about a minute, without a restart; a newer ``chinesecalendar`` package needs a restart (its
data is read at import). Each process reads its own data directory: processes on several
machines need the file installed on each.

What notices that *stored* deadlines are stale: ``tickets.calendar_fingerprint``
(``tickets_deadlines.calendar_fingerprint``), the exact calendar data (per year: source and
a digest of its working days) the deadlines were counted on. :func:`recompute_open`
compares it with the current calendar for every ticket still with its unit
(``HANDLING_STATES``) and recomputes the deadlines of those that differ
(``tickets_deadlines.rebuild``: from the moment of dispatch and the request type, with every
granted extension (第十八条) replayed from its own inputs, so an extension is kept, then a
recorded legal deadline (第十七条(三)) from its own inputs — a period in working or natural
days is counted again on the new calendar, an absolute date stays — and the latest progress
report, so the legal deadline and the next progress report are kept too). For
each ticket whose deadlines actually move it writes the new columns, gives the ticket a new
change version (the desks pick it up from ``/tickets/changes``), re-evaluates overdue and
the supervision that depends on it, and records a ``deadlines_recomputed`` event in the
ticket's history (a Chinese note saying which deadline moved from what to what) and a
``ticket.deadlines_recomputed`` audit record. A ticket whose deadlines come out unchanged
only has its fingerprint updated (nothing a desk or team lead sees changed). Tickets in
any other state (closed, returned, not dispatched) are never touched.

A process whose calendar is *weaker* for a year than the one a ticket's deadlines were
counted on (it lacks a holiday file another process, or an earlier run, used) leaves that
ticket alone and logs a warning: otherwise two processes with different data directories
would move the deadlines back and forth.

When it runs: at server start (the app's lifespan calls :func:`at_start`), which with the
60-second pick-up above means "restart the server after ``calendar load``" —
``hotline-desk calendar load`` says so. The pass is cheap when nothing changed (one
``SELECT DISTINCT`` of the open tickets' fingerprints, served by an index), so the
scheduler could run it every minute too.

Several processes on one database: each batch runs in one write transaction that takes an
advisory lock (recompute passes one at a time) and then the ticket write lock
(``tickets_txn.TicketWrite``, which serialises every ticket writer), and only then reads
its candidates, so no desk's change is overwritten and a ticket another process already
recomputed is no longer a candidate. Batches keep the ticket write lock short.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

import peewee

from hotline_desk.core.errors import HotlineError
from hotline_desk.core.protocol import HANDLING_STATES
from hotline_desk.core.workdays import DaySource, WorkCalendar
from hotline_desk.storage.db import advisory_lock, read_transaction, write_transaction
from hotline_desk.storage.server import tickets_deadlines, tickets_supervision
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.tickets_models import TicketRow
from hotline_desk.storage.server.tickets_txn import TicketWrite

log = logging.getLogger(__name__)

SYSTEM = Actor.system("server:calendar")
EVENT = "deadlines_recomputed"
AUDIT_ACTION = f"ticket.{EVENT}"
BATCH = 200
_LOCK_NAME = "hotline-desk:recalendar"

#: What the event's note calls each deadline column.
_LABELS_ZH = (("first_contact_due", "首次联系时限（第十五条）"),
              ("return_due", "申请退回时限（第十六条）"),
              ("completion_due", "办结时限（第十七条）"),
              ("progress_due", "进展反馈时限（第十七条(三)）"))


class Verdict(Enum):
    CURRENT = "current"  # counted on exactly this calendar's data
    STALE = "stale"  # counted on other data (or not known): recompute
    WEAKER = "weaker"  # this calendar is less authoritative for a year: leave it


def verdict(calendar: WorkCalendar, fingerprint: str | None) -> Verdict:
    """How the deadlines counted on ``fingerprint`` stand against ``calendar``."""
    if fingerprint is None:
        return Verdict.STALE
    tokens = tickets_deadlines.fingerprint_tokens(fingerprint)
    if tokens is None:
        return Verdict.STALE
    stale = False
    for year, (source, token) in tokens.items():
        current = tickets_deadlines.year_token(calendar, year)
        if current == token:
            continue
        if calendar.source_for_year(year).rank > source.rank:
            return Verdict.WEAKER
        stale = True
    return Verdict.STALE if stale else Verdict.CURRENT


@dataclass
class RecalendarReport:
    """What one pass did."""

    moved: list[str] = field(default_factory=list)  # ticket numbers whose deadlines moved
    refreshed: int = 0  # deadlines unchanged: only the fingerprint was stored
    kept_weaker: int = 0  # left alone: this process's calendar is weaker for a year
    failed: list[str] = field(default_factory=list)  # could not be recomputed (logged)

    @property
    def changed_anything(self) -> bool:
        return bool(self.moved or self.refreshed)


@dataclass(frozen=True)
class _Plan:
    stale: list[str]  # stored fingerprints to recompute
    unknown: bool  # some open tickets have no fingerprint
    weaker: list[str]  # stored fingerprints this calendar must not overwrite

    @property
    def empty(self) -> bool:
        return not self.stale and not self.unknown


def _open() -> peewee.Expression:
    handling = [state.value for state in HANDLING_STATES]
    return TicketRow.state.in_(handling) & TicketRow.dispatched_at.is_null(False)


def _plan(db: peewee.Database, calendar: WorkCalendar) -> _Plan:
    stale: list[str] = []
    weaker: list[str] = []
    unknown = False
    query = (TicketRow.select(TicketRow.calendar_fingerprint).where(_open())
             .distinct().tuples())
    for (fingerprint,) in query.execute(db):
        if fingerprint is None:
            unknown = True
            continue
        try:
            found = verdict(calendar, fingerprint)
        except HotlineError as exc:  # a year this calendar cannot answer for
            log.warning("cannot check deadline calendar %s: %s", fingerprint, exc.message)
            continue
        if found is Verdict.STALE:
            stale.append(fingerprint)
        elif found is Verdict.WEAKER:
            weaker.append(fingerprint)
    return _Plan(stale, unknown, weaker)


def _candidates(db: peewee.Database, plan: _Plan, after_id: int, limit: int,
                ) -> list[TicketRow]:
    wanted = TicketRow.calendar_fingerprint.in_(plan.stale)
    if plan.unknown:
        wanted = wanted | TicketRow.calendar_fingerprint.is_null()
    return list(TicketRow.select().where(_open() & wanted & (TicketRow.id > after_id))
                .order_by(TicketRow.id).limit(limit).execute(db))


def _stored(name: str, value: Any) -> Any:
    """``value`` as the column ``name`` stores it (to compare old and new exactly)."""
    column: peewee.Field = getattr(TicketRow, name)
    return column.db_value(value)


def _day_text(value: Any) -> str:
    return value.isoformat() if value is not None else "无"


def _source_text(source: str | None, provisional: bool) -> str:
    if not source:
        return "无"
    label = DaySource(source).label
    return f"{label}（暂定）" if provisional else label


def _note_zh(before: dict[str, Any], after: dict[str, Any], overdue_before: bool,
             overdue_after: bool, legal: bool = False) -> str:
    parts = [f"{label} {_day_text(before[name])} → {_day_text(after[name])}"
             for name, label in _LABELS_ZH if before[name] != after[name]]
    old_source = _source_text(before["calendar_source"], bool(before["deadlines_provisional"]))
    new_source = _source_text(after["calendar_source"], bool(after["deadlines_provisional"]))
    if old_source != new_source:
        parts.append(f"依据 {old_source} → {new_source}")
    if before["extensions"]:
        parts.append(f"已批准的{len(before['extensions'])}次延期保留（第十八条）")
    if legal:
        parts.append("法定期限保留（第十七条(三)）")
    if overdue_after != overdue_before:
        parts.append("已逾期" if overdue_after else "不再逾期")
    return "节假日安排变化，办理时限按现行工作日历重新计算：" + "；".join(parts)


def _summary(values: dict[str, Any]) -> dict[str, Any]:
    """The deadlines for the event and the audit log (dates as text)."""
    return {"first_contact_due": _day_text(values["first_contact_due"]),
            "return_due": _day_text(values["return_due"]),
            "completion_due": _day_text(values["completion_due"]),
            "progress_due": _day_text(values["progress_due"]),
            "provisional": bool(values["deadlines_provisional"]),
            "calendar_source": values["calendar_source"],
            "extensions": len(values["extensions"] or [])}


def _recompute_one(w: TicketWrite, row: TicketRow, report: RecalendarReport,
                   unchanged: dict[str, list[int]]) -> None:
    """Recompute one ticket; an unchanged one is noted in ``unchanged`` (new fingerprint
    -> ids) for one update per fingerprint at the end of the batch."""
    try:
        deadlines = tickets_deadlines.rebuild(w.calendar, row)
        values = tickets_deadlines.columns(deadlines, w.calendar)
    except HotlineError as exc:
        log.warning("cannot recompute the deadlines of %s: %s", row.ticket_no, exc.message)
        report.failed.append(row.ticket_no)
        return
    if deadlines is None:  # a handling state without a dispatch: nothing to count from
        report.failed.append(row.ticket_no)
        return
    names = tickets_deadlines.DEADLINE_COLUMNS
    before = {name: getattr(row, name) for name in names}
    fingerprint_before = row.calendar_fingerprint
    if all(_stored(name, before[name]) == _stored(name, values[name]) for name in names):
        unchanged.setdefault(values["calendar_fingerprint"], []).append(row.id)
        report.refreshed += 1
        return
    for name, value in values.items():  # the row as it will be stored, to judge overdue
        setattr(row, name, value)
    overdue = tickets_deadlines.is_overdue(row, w.now)
    progress_overdue = tickets_deadlines.is_progress_overdue(row, w.now)
    supervision = tickets_supervision.recompute(w.db, row, w.now, overdue=overdue,
                                                count=False, progress_overdue=progress_overdue)
    overdue_before = bool(row.overdue)
    TicketRow.update(updated_at=w.now, change_version=w.take_version(), overdue=overdue,
                     overdue_since=(row.overdue_since or w.now) if overdue else None,
                     progress_overdue=progress_overdue,
                     **supervision, **values).where(TicketRow.id == row.id).execute(w.db)
    record = {"before": _summary(before), "after": _summary(values),
              "overdue": {"before": overdue_before, "after": overdue},
              "calendar": {"before": fingerprint_before,
                           "after": values["calendar_fingerprint"]}}
    note = _note_zh(before, values, overdue_before, overdue, legal=bool(row.legal_deadline))
    w.add_event(row, EVENT, row.state, row.state, {"note": note, **record})
    w.audit(AUDIT_ACTION, row.ticket_no, record)
    report.moved.append(row.ticket_no)


def _count(db: peewee.Database, fingerprints: list[str]) -> int:
    if not fingerprints:
        return 0
    return int(TicketRow.select().where(
        _open() & TicketRow.calendar_fingerprint.in_(fingerprints)).count(db))


def recompute_open(db: peewee.Database, calendar: WorkCalendar, *, now: datetime,
                   actor: Actor = SYSTEM, batch: int = BATCH) -> RecalendarReport:
    """Recompute the deadlines of every open ticket counted on other calendar data.

    Idempotent: a second pass with the same calendar finds nothing to do (and takes no
    write lock). Safe to run from several processes at once (see the module doc).
    """
    report = RecalendarReport()
    with read_transaction(db):
        plan = _plan(db, calendar)
        report.kept_weaker = _count(db, plan.weaker)
    after_id = 0
    while not plan.empty:
        with write_transaction(db):
            advisory_lock(db, _LOCK_NAME)
            w = TicketWrite(db, actor, now, calendar)  # the ticket write lock, before reading
            plan = _plan(db, calendar)
            rows = _candidates(db, plan, after_id, batch) if not plan.empty else []
            unchanged: dict[str, list[int]] = {}
            for row in rows:
                _recompute_one(w, row, report, unchanged)
            for fingerprint, ids in unchanged.items():
                TicketRow.update(calendar_fingerprint=fingerprint).where(
                    TicketRow.id.in_(ids)).execute(db)
        if len(rows) < batch:
            break
        after_id = rows[-1].id
    if report.kept_weaker:
        log.warning(
            "%d open ticket(s) have deadlines counted on holiday data this server process "
            "does not have (a holiday file missing from its <data dir>/calendar/?): left "
            "unchanged; install the same holiday files for every server process",
            report.kept_weaker)
    if report.changed_anything or report.failed:
        log.info("deadlines recomputed for a changed calendar: %d moved, %d unchanged, "
                 "%d failed", len(report.moved), report.refreshed, len(report.failed))
    return report


def at_start(db: peewee.Database, calendar: Callable[[], WorkCalendar],
             now: datetime) -> RecalendarReport | None:
    """The server's start-up step: :func:`recompute_open` with the app's calendar.

    A failure is logged, not raised: the server still starts (deadlines stay as they
    were until the next start), the desks are not kept waiting for it.
    """
    try:
        return recompute_open(db, calendar(), now=now)
    except HotlineError as exc:
        log.warning("recomputing open tickets' deadlines at start failed: %s", exc.message)
        return None
