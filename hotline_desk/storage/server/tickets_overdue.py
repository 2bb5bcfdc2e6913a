"""Overdue detection (第二十条(二) 逾期未办理（结）), run by the server's scheduler.

:func:`detect` flags every ticket that is still with its unit and past a deadline
(``tickets_deadlines.is_overdue``), recomputes its supervision (overdue tickets are
supervised), gives it a new change version (the desks' feed and the team lead's lists
show it) and audits it. Safe with several server processes: the candidates are read
again after the ticket write lock is taken (``tickets_txn.TicketWrite``) and each update
is conditional (``… WHERE overdue = FALSE``), so a ticket is flagged exactly once however
many schedulers run; a run that finds nothing takes no write lock at all. Reads compute
overdue themselves as well, so nothing waits for the next run.

The same for a progress report due under a legal deadline (第十七条(三): 从其规定，但应
动态反馈办理进展情况) and not made by its deadline (``tickets_deadlines.is_progress_overdue``):
the ticket is flagged ``progress_overdue`` — its own supervision ground (第二十条(二),
``core.supervision.SupervisionTrigger.PROGRESS_OVERDUE``), audited as
``ticket.progress_overdue`` — exactly once per missed report; the report (``report_progress``)
clears it. The completion overdue above uses the legal deadline, which is then the
ticket's completion deadline.
"""

from __future__ import annotations

from datetime import datetime

import peewee

from hotline_desk.core.protocol import HANDLING_STATES
from hotline_desk.core.vocabulary import TicketState
from hotline_desk.core.workdays import WorkCalendar
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import tickets_deadlines, tickets_supervision
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.tickets_models import TicketRow
from hotline_desk.storage.server.tickets_txn import TicketWrite

SCHEDULER = Actor.system("scheduler:overdue")
BATCH = 500


def _candidates(db: peewee.Database, now: datetime, limit: int) -> list[TicketRow]:
    handling = [state.value for state in HANDLING_STATES]
    past = (TicketRow.completion_deadline <= now) | (
        (TicketRow.state == TicketState.DISPATCHED.value) & TicketRow.contacted_at.is_null()
        & (TicketRow.first_contact_deadline <= now))
    return list(TicketRow.select()
                .where(~TicketRow.overdue & TicketRow.state.in_(handling) & past)
                .order_by(TicketRow.id).limit(limit).execute(db))


def _progress_candidates(db: peewee.Database, now: datetime, limit: int) -> list[TicketRow]:
    return list(TicketRow.select()
                .where(~TicketRow.progress_overdue & tickets_deadlines.progress_past(now))
                .order_by(TicketRow.id).limit(limit).execute(db))


def detect(db: peewee.Database, *, now: datetime, calendar: WorkCalendar,
           limit: int = BATCH) -> int:
    """Flag the tickets that became overdue, for completion or first contact and for a
    progress report (each counted once); returns how many flags this call set."""
    with read_transaction(db):
        if not _candidates(db, now, 1) and not _progress_candidates(db, now, 1):
            return 0
    flagged = 0
    with write_transaction(db):
        w = TicketWrite(db, SCHEDULER, now, calendar)
        for row in _candidates(db, now, limit):
            supervision = tickets_supervision.recompute(db, row, now, overdue=True,
                                                        count=False)
            updated = (TicketRow.update(overdue=True, overdue_since=now, updated_at=now,
                                        change_version=w.take_version(), **supervision)
                       .where((TicketRow.id == row.id) & ~TicketRow.overdue).execute(db))
            if updated:
                flagged += 1
                w.audit("ticket.overdue", row.ticket_no,
                        {"state": row.state,
                         "completion_due": row.completion_due.isoformat()
                         if row.completion_due else None})
        for row in _progress_candidates(db, now, limit):
            overdue = bool(row.overdue) or tickets_deadlines.is_overdue(row, now)
            supervision = tickets_supervision.recompute(db, row, now, overdue=overdue,
                                                        count=False, progress_overdue=True)
            updated = (TicketRow.update(progress_overdue=True, updated_at=now,
                                        change_version=w.take_version(), **supervision)
                       .where((TicketRow.id == row.id) & ~TicketRow.progress_overdue)
                       .execute(db))
            if updated:
                flagged += 1
                w.audit("ticket.progress_overdue", row.ticket_no,
                        {"state": row.state, "progress_due": row.progress_due.isoformat()
                         if row.progress_due else None})
    return flagged
