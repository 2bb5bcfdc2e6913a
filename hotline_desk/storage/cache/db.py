"""Opening the desk cache: file location, pragmas, schema migrations, error translation.

The cache is one SQLite file in the desk's *local* (never roaming) data folder
(:func:`hotline_desk.paths.local_cache_dir`). It holds what an operator saved but
the server has not acknowledged yet (the outbox), so it is opened for durability
first: WAL journal, ``synchronous=FULL`` (a commit survives power loss), foreign
keys on, a busy timeout, and every write transaction starts with ``BEGIN
IMMEDIATE`` so that a writer takes the write lock up front instead of failing
half-way with ``SQLITE_BUSY``.

The schema is versioned: ``schema_version`` has one row per applied migration;
:data:`MIGRATIONS` is an ordered tuple, each migration runs once, in its own
transaction. Migrations are frozen SQL (never the live models), so upgrading an
old file always does exactly what it did when the migration was written.

A :class:`CacheDatabase` must only be used on the thread that opened it (the
cache worker, see ``worker.py``); :meth:`CacheDatabase.check_thread` enforces it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import peewee
from playhouse.migrate import SqliteMigrator, migrate

from hotline_desk.core.errors import HotlineError, StorageError
from hotline_desk.paths import local_cache_dir
from hotline_desk.storage.cache.models import CHINA_TZ, CacheModels, build_models

log = logging.getLogger(__name__)

CACHE_FILENAME = "desk-cache.sqlite3"
PAGE_SIZE = 4096
BUSY_TIMEOUT_MS = 5000
SYNCHRONOUS_MODES = ("FULL", "NORMAL", "EXTRA")


def china_now() -> datetime:
    return datetime.now(CHINA_TZ)


def as_aware(moment: datetime) -> datetime:
    """A naive ``datetime`` is taken to be desk-local time (Asia/Shanghai)."""
    return moment.replace(tzinfo=CHINA_TZ) if moment.tzinfo is None else moment


def cache_path(directory: Path | None = None) -> Path:
    """The cache file inside ``directory`` (default: the platform's local cache dir)."""
    return (directory if directory is not None else local_cache_dir()) / CACHE_FILENAME


# --------------------------------------------------------------------------- errors

_ZH_CORRUPT = "本地缓存文件已损坏，请重新启动工作台以自动修复（未同步的记录会尽量找回）"
_ZH_BY_CODE: dict[int, str] = {
    sqlite3.SQLITE_BUSY: "本地缓存正被另一个程序占用，请稍后重试（是否同时打开了两个工作台？）",
    sqlite3.SQLITE_LOCKED: "本地缓存正被另一个程序占用，请稍后重试（是否同时打开了两个工作台？）",
    sqlite3.SQLITE_FULL: "磁盘空间已满，无法写入本地缓存，请清理磁盘后重试",
    sqlite3.SQLITE_READONLY: "本地缓存文件为只读，无法写入，请检查文件或目录权限",
    sqlite3.SQLITE_CORRUPT: _ZH_CORRUPT,
    sqlite3.SQLITE_NOTADB: _ZH_CORRUPT,
    sqlite3.SQLITE_CANTOPEN: "无法打开本地缓存文件，请检查目录是否存在及权限",
    sqlite3.SQLITE_IOERR: "读写本地缓存文件时磁盘出错，请检查磁盘",
    sqlite3.SQLITE_CONSTRAINT: "本地缓存数据冲突（编号重复或关联记录缺失）",
}
_ZH_DEFAULT = "本地缓存读写出错"


def _sqlite_code(exc: BaseException) -> int | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF  # primary result code
        current = current.__cause__ or current.__context__
    return None


def is_corruption(exc: BaseException) -> bool:
    """True for "database disk image is malformed" and "file is not a database"."""
    code = _sqlite_code(exc)
    if code is not None:
        return code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def translate_error(exc: BaseException) -> BaseException:
    """Turn a peewee/sqlite3/OS error into :class:`StorageError`; others pass through."""
    if isinstance(exc, HotlineError):
        return exc
    if isinstance(exc, peewee.PeeweeException | sqlite3.Error):
        code = _sqlite_code(exc)
        if code is None and isinstance(exc, peewee.IntegrityError):
            code = sqlite3.SQLITE_CONSTRAINT
        if code is None and is_corruption(exc):
            code = sqlite3.SQLITE_CORRUPT
        message_zh = _ZH_BY_CODE.get(code, _ZH_DEFAULT) if code is not None else _ZH_DEFAULT
        err = StorageError(f"desk cache error ({type(exc).__name__}): {exc}", message_zh)
        err.__cause__ = exc
        return err
    if isinstance(exc, OSError):
        err = StorageError(f"desk cache file error: {exc}",
                           "无法访问本地缓存文件夹，请检查磁盘和权限")
        err.__cause__ = exc
        return err
    return exc


# ----------------------------------------------------------------------- migrations


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    apply: Callable[[peewee.SqliteDatabase], None]


def _execute_script(database: peewee.SqliteDatabase, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            database.execute_sql(statement)


_V1_SQL = """
CREATE TABLE local_record (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    local_no TEXT UNIQUE,
    op_id TEXT UNIQUE,
    server_no TEXT UNIQUE,
    state TEXT NOT NULL,
    sync_status TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX local_record_updated_at ON local_record (updated_at);
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id TEXT NOT NULL UNIQUE,
    record_id INTEGER REFERENCES local_record (id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    local_no TEXT,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT,
    reject_reason TEXT,
    server_no TEXT,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, seq);
CREATE INDEX outbox_record_id ON outbox (record_id);
CREATE TABLE local_counter (
    day TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);
CREATE TABLE draft (
    key TEXT PRIMARY KEY,
    payload TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE sync_cursor (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE kb_entry (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    answer TEXT NOT NULL,
    questions TEXT NOT NULL,
    keywords TEXT NOT NULL,
    policy_basis TEXT NOT NULL,
    category TEXT,
    owner_unit TEXT NOT NULL,
    region TEXT NOT NULL,
    valid_from DATE,
    valid_to DATE,
    review_state TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TEXT
);
CREATE TABLE ref_document (
    name TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    body TEXT NOT NULL,
    fetched_at TEXT NOT NULL
)
"""

_V2_SQL = """
CREATE TABLE outbox_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX outbox_audit_op_id ON outbox_audit (op_id);
CREATE TABLE caller_history (
    caller_key TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE INDEX caller_history_seen_at ON caller_history (seen_at);
CREATE TABLE kb_index_meta (
    name TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    entry_count INTEGER NOT NULL,
    built_at TEXT NOT NULL
)
"""


def _migration_1(database: peewee.SqliteDatabase) -> None:
    """Base schema: local records, outbox, counters, drafts, cursors, KB, scripts/lines."""
    _execute_script(database, _V1_SQL)


def _migration_2(database: peewee.SqliteDatabase) -> None:
    """Outbox audit trail, recent caller history, saved-index metadata, and the server's
    update time on records (so an out-of-order pull never overwrites newer state)."""
    _execute_script(database, _V2_SQL)
    migrator = SqliteMigrator(database)
    migrate(migrator.add_column("local_record", "server_updated_at", peewee.TextField(null=True)))


# Marks saved before version 3 had an outbox operation but no local record, so they were
# missing from the desk's recent records. Frozen text: the kind, its state and the sync
# statuses are the values of that time (``abusive_call``, ``marked``, the outbox status).
_V3_SQL = """
INSERT INTO local_record (kind, local_no, op_id, server_no, state, sync_status, payload,
                          created_at, updated_at, server_updated_at)
SELECT 'abusive_call', o.local_no, o.op_id, NULL, 'marked', o.status, o.payload,
       o.created_at, COALESCE(o.sent_at, o.created_at), NULL
FROM outbox AS o
WHERE o.kind = 'abusive_call' AND o.record_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM local_record AS r WHERE r.op_id = o.op_id)
  AND (o.local_no IS NULL
       OR NOT EXISTS (SELECT 1 FROM local_record AS r WHERE r.local_no = o.local_no))
ORDER BY o.seq;
UPDATE outbox
SET record_id = (SELECT r.id FROM local_record AS r WHERE r.op_id = outbox.op_id)
WHERE kind = 'abusive_call' AND record_id IS NULL
"""


def _migration_3(database: peewee.SqliteDatabase) -> None:
    """Abusive-call marks become local records (第十三条): those already in the outbox
    get one, linked to their operation, so they show in the recent records."""
    _execute_script(database, _V3_SQL)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "base schema", _migration_1),
    Migration(2, "outbox audit, caller history, KB index metadata", _migration_2),
    Migration(3, "abusive-call marks as local records", _migration_3),
)


def _check_migrations(migrations: tuple[Migration, ...]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migrations must be numbered 1..N in order, got {versions}")


_check_migrations(MIGRATIONS)

_SCHEMA_VERSION_DDL = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


def schema_version(database: peewee.SqliteDatabase) -> int:
    if not database.table_exists("schema_version"):
        return 0
    row = database.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def run_migrations(
    database: peewee.SqliteDatabase,
    migrations: tuple[Migration, ...] = MIGRATIONS,
    target: int | None = None,
) -> list[int]:
    """Apply every migration newer than the file's version (up to ``target``).

    Each migration and its ``schema_version`` row commit together; the version is
    re-read inside the write transaction, so two desks opening one file at once
    never run a migration twice. Returns the versions applied now.
    """
    _check_migrations(migrations)
    newest = migrations[-1].version if migrations else 0
    database.execute_sql(_SCHEMA_VERSION_DDL)
    current = schema_version(database)
    if current > newest:
        raise StorageError(
            f"cache schema version {current} is newer than this desk knows ({newest})",
            "本地缓存由更新版本的工作台创建，请升级工作台后再打开",
        )
    applied: list[int] = []
    for migration in migrations:
        if target is not None and migration.version > target:
            break
        with database.atomic():
            if migration.version <= schema_version(database):
                continue
            migration.apply(database)
            database.execute_sql(
                "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.description, datetime.now(UTC).isoformat()),
            )
        applied.append(migration.version)
        log.info("desk cache migrated to schema version %d (%s)",
                 migration.version, migration.description)
    return applied


# ------------------------------------------------------------------------- opening


@dataclass(eq=False)
class CacheDatabase:
    """An open cache: the peewee database, its models, the owning thread."""

    path: Path
    database: peewee.SqliteDatabase
    models: CacheModels
    synchronous: str
    thread_id: int = field(default_factory=threading.get_ident)

    def check_thread(self) -> None:
        """Cache work belongs on the worker thread (never the GUI thread)."""
        if threading.get_ident() != self.thread_id:
            raise RuntimeError(
                "desk cache used outside its worker thread; submit the call through "
                "CacheWorker.submit()/run() instead")

    def atomic(self) -> Any:
        """A write transaction (``BEGIN IMMEDIATE``; a savepoint when nested)."""
        self.check_thread()
        return self.database.atomic()

    def pragma(self, name: str) -> Any:
        self.check_thread()
        return self.database.pragma(name)

    def close(self) -> None:
        self.check_thread()
        if not self.database.is_closed():
            self.database.close()


def make_database(path: Path, synchronous: str = "FULL") -> peewee.SqliteDatabase:
    """The peewee database with the cache's pragmas (not yet connected)."""
    mode = synchronous.upper()
    if mode not in SYNCHRONOUS_MODES:
        raise ValueError(f"synchronous must be one of {SYNCHRONOUS_MODES}, got {synchronous!r}")
    return peewee.SqliteDatabase(
        str(path),
        pragmas=[
            ("page_size", PAGE_SIZE),  # only takes effect on a new, empty file
            ("journal_mode", "wal"),
            ("synchronous", mode),
            ("foreign_keys", 1),
            ("busy_timeout", BUSY_TIMEOUT_MS),
        ],
        timeout=BUSY_TIMEOUT_MS / 1000,
        lock_type="IMMEDIATE",
    )


def open_database(
    path: Path,
    *,
    synchronous: str = "FULL",
    migrations: tuple[Migration, ...] = MIGRATIONS,
    target_version: int | None = None,
) -> CacheDatabase:
    """Open (creating if needed) and migrate the cache at ``path`` on this thread."""
    path.parent.mkdir(parents=True, exist_ok=True)
    database = make_database(path, synchronous)
    try:
        database.connect()
        journal = str(database.pragma("journal_mode")).lower()
        if journal != "wal":
            log.warning("desk cache %s could not use WAL (journal_mode=%s)", path, journal)
        run_migrations(database, migrations, target_version)
    except BaseException:
        if not database.is_closed():
            database.close()
        raise
    return CacheDatabase(path=path, database=database, models=build_models(database),
                         synchronous=synchronous.upper())
