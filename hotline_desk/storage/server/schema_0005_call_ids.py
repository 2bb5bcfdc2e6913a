"""Migration 5: the call each record came from (``call_id``).

One call can end in several records — a ticket and a transfer to an expert seat, a
refusal followed by an emergency handoff, an abusive-call mark (第十条, 第十二条,
第十三条, 第八条). The desk gives every call an id when it starts (a UUIDv7, lower-case
text) and every record of the call carries it, so the server can link the records of
one call and the centre's figures can count calls rather than records (第二十七条,
第三十三条: ``storage.server.figures``).

A nullable column on each table that stores a call's records: ``tickets`` (tickets,
answers on the spot, refusals, emergency handoffs), ``call_marks`` and ``transfers``.
Existing rows and records from older desks get NULL (the figures count such a ticket
record as one call). Each index leads with ``call_id`` and carries the record's time,
so "the first record of each of these calls" is read from the index alone.
"""

from __future__ import annotations

import peewee

STATEMENTS = (
    "ALTER TABLE tickets ADD COLUMN call_id TEXT",
    "CREATE INDEX tickets_call ON tickets (call_id, received_at)",
    "ALTER TABLE call_marks ADD COLUMN call_id TEXT",
    "CREATE INDEX call_marks_call ON call_marks (call_id, marked_at)",
    "ALTER TABLE transfers ADD COLUMN call_id TEXT",
    "CREATE INDEX transfers_call ON transfers (call_id, created_at)",
)


def apply(db: peewee.Database) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
