"""Migration 4: the reference documents a centre publishes to its desks.

第十条 (the non-acceptance scripts, with the basis and the referral contacts) and
第十二条(三) (the emergency and utility lines with the city's own water, gas and heating
numbers) are data the centre maintains; 第三十一条 asks for it to be updated in real time
and shared. One row per document name (``non_acceptance``, ``emergency_lines``, see
``core.protocol.ReferenceName``): the JSON text exactly as published, the document's
own ``version`` field, who published it (the account, or a command-line tool's name)
and when (UTC). Publishing replaces the row; the audit log keeps the history.

No CHECK on ``name``: a later document kind must not need a table rebuild on SQLite;
the storage module accepts only the names it knows.
"""

from __future__ import annotations

import peewee

# TIMESTAMP on both backends: UTC, as ``storage.server.models.UtcDateTimeField`` writes it.
_TABLE = """
CREATE TABLE reference_documents (
    name TEXT PRIMARY KEY,
    version BIGINT NOT NULL CHECK (version >= 1),
    body TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_by_id BIGINT REFERENCES accounts (id),
    uploaded_at TIMESTAMP NOT NULL
)
"""


def apply(db: peewee.Database) -> None:
    db.execute_sql(_TABLE)
