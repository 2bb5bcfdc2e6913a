"""Overdue detection (第二十条(二) 逾期未办理（结）), run by the server's scheduler.

:func:`detect` flags every ticket that is still with its unit and past a deadline
(``tickets_deadlines.is_overdue``), recomputes its supervision (overdue tickets are
supervised), gives it a new change version (the desks' feed and the team lead's lists
show it) and audits it. Safe with several server processes: the candidates are read
again after the ticket write lock is taken (``tickets_txn.TicketWrite``) and each update
is conditional (``… WHERE overdue = FALSE``), so a ticket is flagged exactly once however
many schedulers run; a run that finds nothing takes no write lock at all. Reads compute
overdue themselves as well, so nothing waits for the next run.
"""

from __future__ import annotations

from datetime import datetime

import peewee

from hotline_desk.core.protocol import HANDLING_STATES
from hotline_desk.core.vocabulary import TicketState
from hotline_desk.core.workdays import WorkCalendar
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import tickets_supervision
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


def detect(db: peewee.Database, *, now: datetime, calendar: WorkCalendar,
           limit: int = BATCH) -> int:
    """Flag the tickets that became overdue; returns how many this call flagged."""
    with read_transaction(db):
        if not _candidates(db, now, 1):
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
    return flagged
