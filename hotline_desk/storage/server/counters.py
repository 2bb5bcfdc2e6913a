"""Version counters of the change feeds (one row each in ``counters``).

:func:`bump` increments a counter *inside the caller's write transaction*. On
PostgreSQL the UPDATE takes the row lock, so every other writer of the same feed
waits until this transaction commits: versions are committed in order, and a desk
reading "changes after version N" can never see N+2 before N+1 (a database sequence
gives no such guarantee). On SQLite the transaction's ``BEGIN IMMEDIATE`` already
serialises all writers.
"""

from __future__ import annotations

import peewee

from hotline_desk.core.errors import StorageError
from hotline_desk.storage.server.models import Counter

KB_VERSION = "kb_version"
KB_PRUNED_VERSION = "kb_pruned_version"
SEATS_VERSION = "seats_version"


def bump(db: peewee.Database, name: str, by: int = 1) -> int:
    """Add ``by`` (≥ 1) to the counter and return its new value (the last version taken)."""
    if by < 1:
        raise ValueError("a counter only moves forward")
    updated = (Counter.update(value=Counter.value + by)
               .where(Counter.name == name).execute(db))
    if updated != 1:
        raise StorageError(f"counter {name!r} is missing: the schema is incomplete")
    return read(db, name)


def read(db: peewee.Database, name: str) -> int:
    row = Counter.select(Counter.value).where(Counter.name == name).tuples().get_or_none(db)
    if row is None:
        raise StorageError(f"counter {name!r} is missing: the schema is incomplete")
    return int(row[0])


def raise_to(db: peewee.Database, name: str, value: int) -> None:
    """Set the counter to ``value`` if that is higher (watermarks)."""
    (Counter.update(value=value)
     .where((Counter.name == name) & (Counter.value < value)).execute(db))
