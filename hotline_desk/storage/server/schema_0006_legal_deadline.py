"""Migration 6: a completion deadline set by law and the progress reports it requires
(第十七条(三): 法律法规规章等另有规定的从其规定，但应动态反馈办理进展情况).

New columns of ``tickets`` (see ``storage.server.tickets_deadlines``):

* ``legal_deadline``: the law's period as the lead unit recorded it — law, article, days
  and how they are counted, or an absolute date, and when it was recorded (JSON). These
  are inputs: the deadlines are recomputed from them (after a holiday-calendar change,
  ``tickets_recalendar``). NULL: no legal deadline (the 第十七条 limits apply);
* ``progress_due`` / ``progress_deadline``: when the next progress report is due (the day
  and the instant 24:00 Asia/Shanghai it ends); NULL: none is due;
* ``progress_reported_at``: the latest progress report (an input: the next one is counted
  from it);
* ``progress_overdue``: stored by the overdue scheduler (``tickets_overdue``) like
  ``overdue``; reads compute it as well.

Existing rows get NULL / FALSE: no ticket had a legal deadline before this version. The
index serves the scheduler's question — the handling tickets whose progress report is past
due — like ``tickets_completion`` serves the completion one.
"""

from __future__ import annotations

import peewee

STATEMENTS = (
    "ALTER TABLE tickets ADD COLUMN legal_deadline TEXT",
    "ALTER TABLE tickets ADD COLUMN progress_due DATE",
    "ALTER TABLE tickets ADD COLUMN progress_deadline TIMESTAMP",
    "ALTER TABLE tickets ADD COLUMN progress_reported_at TIMESTAMP",
    "ALTER TABLE tickets ADD COLUMN progress_overdue BOOLEAN NOT NULL DEFAULT FALSE",
    "CREATE INDEX tickets_progress ON tickets (state, progress_deadline)",
)


def apply(db: peewee.Database) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
