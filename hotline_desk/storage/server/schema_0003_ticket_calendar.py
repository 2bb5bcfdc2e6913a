"""Migration 3: which calendar data a ticket's stored deadlines were counted on.

``tickets.calendar_fingerprint`` (see ``storage.server.tickets_deadlines``): one token
``YEAR:SOURCE:HASH`` per year the deadlines were counted over, so that a server can tell
the open tickets whose deadlines another calendar produced (a holiday file installed for a
year chinesecalendar does not know yet, 第十七条) and recompute exactly those
(``storage.server.tickets_recalendar``). Existing rows get NULL ("not known"): the first
recompute pass checks every open ticket once.

The index serves that pass's question — the distinct fingerprints of the tickets in a
handling state — without reading the tickets themselves.
"""

from __future__ import annotations

import peewee

STATEMENTS = (
    "ALTER TABLE tickets ADD COLUMN calendar_fingerprint TEXT",
    "CREATE INDEX tickets_calendar ON tickets (state, calendar_fingerprint)",
)


def apply(db: peewee.Database) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
