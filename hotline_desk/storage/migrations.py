"""Schema versions: a ``schema_version`` table and an ordered list of migrations.

Each migration is a numbered step (1, 2, 3 … without gaps) applied in its own
write transaction together with its ``schema_version`` row, so a crash leaves the
database at a whole version (DDL is transactional on SQLite and PostgreSQL).

Several server processes may start at once against one PostgreSQL database: every
step first takes a transaction-scoped advisory lock and re-reads the version, so
exactly one process applies each step and the others see it done. On SQLite the
``BEGIN IMMEDIATE`` of the write transaction does the same.

A database at a *newer* version than this code knows is refused (an older server
must not write into a schema it does not understand).

Why not ``playhouse.migrations``: it loads migration scripts from a directory of
files at run time (awkward inside a frozen bundle) and has no cross-process lock.
Its ``playhouse.migrate.SchemaMigrator`` helpers remain available to migration
steps that alter tables.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import peewee

from hotline_desk.core.errors import StorageError
from hotline_desk.storage.db import advisory_lock, read_transaction, write_transaction
from hotline_desk.storage.server import (
    schema_0001,
    schema_0002_tickets,
    schema_0003_ticket_calendar,
    schema_0004_reference_documents,
    schema_0005_call_ids,
    schema_0006_legal_deadline,
)

log = logging.getLogger(__name__)

VERSION_TABLE = "schema_version"
_LOCK_NAME = "hotline-desk:migrations"


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    apply: Callable[[peewee.Database], None]


#: The sync server's migrations, oldest first. Append; never edit a released step.
SERVER_MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "platform: accounts, sessions, audit, knowledge base, seats, transfers",
              schema_0001.apply),
    Migration(2, "tickets: tickets, events, units, push ledger, numbers, call marks",
              schema_0002_tickets.apply),
    Migration(3, "tickets: the calendar fingerprint of the stored deadlines",
              schema_0003_ticket_calendar.apply),
    Migration(4, "reference data: the published refusal scripts and emergency lines",
              schema_0004_reference_documents.apply),
    Migration(5, "calls: the call id of ticket records, call marks and transfers",
              schema_0005_call_ids.apply),
    Migration(6, "tickets: a legal completion deadline and its progress reports",
              schema_0006_legal_deadline.apply),
)


def latest_version(migrations: Sequence[Migration] = SERVER_MIGRATIONS) -> int:
    return migrations[-1].version if migrations else 0


def _check_order(migrations: Sequence[Migration]) -> None:
    expected = list(range(1, len(migrations) + 1))
    if [m.version for m in migrations] != expected:
        raise StorageError(f"migrations must be numbered 1..n without gaps: "
                           f"{[m.version for m in migrations]}")


def _ensure_version_table(db: peewee.Database) -> None:
    db.execute_sql(
        f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )


def _version_in_transaction(db: peewee.Database) -> int:
    if VERSION_TABLE not in db.get_tables():
        return 0
    row = db.execute_sql(f"SELECT MAX(version) FROM {VERSION_TABLE}").fetchone()
    return int(row[0] or 0)


def current_version(db: peewee.Database) -> int:
    """The schema version of the database (0 for an empty database)."""
    with read_transaction(db):
        return _version_in_transaction(db)


def _refuse_newer(version: int, latest: int) -> None:
    if version > latest:
        raise StorageError(
            f"database schema version {version} is newer than this server knows ({latest})",
            "数据库版本高于本服务器程序，请升级服务器程序",
        )


def migrate(
    db: peewee.Database,
    migrations: Sequence[Migration] = SERVER_MIGRATIONS,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[int]:
    """Apply every pending migration in order; returns the versions this call applied."""
    _check_order(migrations)
    latest = latest_version(migrations)
    applied: list[int] = []
    for migration in migrations:
        with write_transaction(db):
            advisory_lock(db, _LOCK_NAME)
            _ensure_version_table(db)
            version = _version_in_transaction(db)
            _refuse_newer(version, latest)
            if version >= migration.version:
                continue
            if version != migration.version - 1:
                raise StorageError(f"schema at {version}, cannot apply {migration.version}")
            log.info("applying migration %d: %s", migration.version, migration.name)
            migration.apply(db)
            stamp = now().astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            db.execute_sql(
                f"INSERT INTO {VERSION_TABLE} (version, name, applied_at) VALUES "
                + ("(?, ?, ?)" if db.param == "?" else "(%s, %s, %s)"),
                (migration.version, migration.name, stamp),
            )
            applied.append(migration.version)
    if not migrations:
        _refuse_newer(current_version(db), latest)
    return applied


def require_current(db: peewee.Database,
                    migrations: Sequence[Migration] = SERVER_MIGRATIONS) -> int:
    """Raise unless the database is exactly at the latest version; returns it."""
    version = current_version(db)
    latest = latest_version(migrations)
    _refuse_newer(version, latest)
    if version < latest:
        raise StorageError(
            f"database schema version {version} is older than {latest}: run migrations",
            "数据库尚未升级到当前版本",
        )
    return version
