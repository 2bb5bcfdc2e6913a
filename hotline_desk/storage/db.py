"""The server database, opened from a URL: SQLite for one machine, PostgreSQL for many.

``open_database("sqlite:///path/server.db")`` or
``open_database("postgresql://user:pass@host:5432/name")`` returns a peewee
``Database``; nothing here is a module-level connection: callers (the app factory,
the CLI, tests) own the object and pass it to every repository function.

Both backends use a connection pool (peewee's ``playhouse.pool``), because the
server's endpoints run in a thread pool and each opens its connection and
transaction inside the endpoint (:func:`write_transaction`, :func:`read_transaction`).

SQLite: WAL journal, ``busy_timeout``, ``foreign_keys`` on, and every transaction
begins ``IMMEDIATE`` (a writer takes the write lock at ``BEGIN``, so two writers
never deadlock upgrading from a read lock); read-only transactions begin
``DEFERRED`` so readers never wait for the write lock (WAL gives them a snapshot).

PostgreSQL (psycopg2): write transactions run at READ COMMITTED and serialise
where it matters on a row lock (the counters of :mod:`.server.counters`) or an
advisory lock (:func:`advisory_lock`); read transactions run at REPEATABLE READ so
a multi-statement read sees one snapshot.

Peewee and driver errors are translated into ``core.errors`` classes by
:func:`translate_errors` (used by both transaction helpers).
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from enum import StrEnum
from pathlib import Path
from urllib.parse import unquote, urlsplit

import peewee
from playhouse.db_url import parse as parse_db_url
from playhouse.pool import MaxConnectionsExceeded, PooledPostgresqlDatabase, PooledSqliteDatabase

from hotline_desk.core.errors import HotlineError, StorageError
from hotline_desk.core.protocol import BusyError, ConflictError, ErrorCode

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000
DEFAULT_POOL_SIZE = 32
DEFAULT_POOL_WAIT_SECONDS = 30


class DatabaseKind(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


def sqlite_url(path: Path) -> str:
    """The URL of a SQLite database file (absolute path)."""
    return f"sqlite:///{path.resolve()}"


def describe_url(url: str) -> str:
    """The URL without its password, for logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()



def _switch_to_wal(path: Path, wait_seconds: float = SQLITE_BUSY_TIMEOUT_MS / 1000) -> None:
    """Put the file in WAL mode once, before the pool opens connections.

    Switching the journal mode takes an exclusive lock and SQLite answers "database
    is locked" at once, without its busy handler, when several processes (or pool
    connections) open a new file together; so retry here. WAL mode is persistent, so
    the pool's own ``journal_mode`` pragma is then a no-op.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            with closing(sqlite3.connect(str(path), timeout=wait_seconds)) as conn:
                conn.execute("PRAGMA journal_mode=wal").fetchone()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise StorageError(f"cannot open SQLite database {path}: {exc}",
                                   "数据库文件被占用，无法打开") from exc
            time.sleep(0.02)

def open_database(
    url: str,
    *,
    pool_size: int = DEFAULT_POOL_SIZE,
    pool_wait_seconds: int = DEFAULT_POOL_WAIT_SECONDS,
) -> peewee.Database:
    """Open (lazily: nothing connects yet) the database named by ``url``.

    Raises :class:`StorageError` with a Chinese message for a URL it cannot use.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme == "sqlite":
        path = unquote(url.split("://", 1)[1])
        path = path[1:] if path.startswith("/") else path  # sqlite:///rel, sqlite:////abs
        if not path or path == ":memory:" or path.startswith("file:"):
            raise StorageError(
                f"unsupported SQLite location in {url!r}: give a file path",
                "数据库地址须指向一个SQLite文件，例如 sqlite:///data/server.db",
            )
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        _switch_to_wal(Path(path).expanduser())
        return PooledSqliteDatabase(
            str(Path(path).expanduser()),
            pragmas=[
                # busy_timeout first: switching a new file to WAL takes an exclusive
                # lock, and several processes opening it at once must wait, not fail
                ("busy_timeout", SQLITE_BUSY_TIMEOUT_MS),
                ("journal_mode", "wal"),
                ("foreign_keys", 1),
                ("synchronous", "normal"),
            ],
            lock_type="IMMEDIATE",
            check_same_thread=False,
            max_connections=pool_size,
            timeout=pool_wait_seconds,
            stale_timeout=600,
        )
    if scheme in ("postgresql", "postgres"):
        params = parse_db_url(url, unquote_password=True, unquote_user=True)
        if not params.get("database"):
            raise StorageError(
                f"no database name in {describe_url(url)!r}",
                "PostgreSQL数据库地址缺少数据库名，例如 postgresql://用户@主机/库名",
            )
        database = params.pop("database")
        return PooledPostgresqlDatabase(
            database,
            max_connections=pool_size,
            timeout=pool_wait_seconds,
            stale_timeout=600,
            application_name="hotline-desk-server",
            **params,
        )
    raise StorageError(
        f"unsupported database URL {describe_url(url)!r}",
        "不支持的数据库地址：请使用 sqlite:///文件路径 或 postgresql://…",
    )


def database_kind(db: peewee.Database) -> DatabaseKind:
    if isinstance(db, peewee.PostgresqlDatabase):
        return DatabaseKind.POSTGRESQL
    if isinstance(db, peewee.SqliteDatabase):
        return DatabaseKind.SQLITE
    raise StorageError(f"unsupported database object {type(db).__name__}")


def close_database(db: peewee.Database) -> None:
    """Close every pooled connection (at shutdown)."""
    close_all = getattr(db, "close_all", None)
    if close_all is not None:
        close_all()
    elif not db.is_closed():
        db.close()


@contextmanager
def translate_errors() -> Iterator[None]:
    """Turn peewee/driver errors into ``core.errors`` (HotlineErrors pass through)."""
    try:
        yield
    except HotlineError:
        raise
    except MaxConnectionsExceeded as exc:
        raise BusyError(f"database connection pool exhausted: {exc}", retry_after=2) from exc
    except peewee.IntegrityError as exc:
        raise ConflictError(f"integrity error: {exc}", code=ErrorCode.VERSION_CONFLICT) from exc
    except peewee.OperationalError as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text or "could not serialize" in text:
            raise BusyError(f"database busy: {exc}", retry_after=1) from exc
        log.exception("database operational error")
        raise StorageError(f"database error: {exc}", "服务器数据库出错") from exc
    except peewee.PeeweeException as exc:
        log.exception("database error")
        raise StorageError(f"database error: {exc}", "服务器数据库出错") from exc


@contextmanager
def write_transaction(db: peewee.Database) -> Iterator[None]:
    """Connection + write transaction (``BEGIN IMMEDIATE`` on SQLite), errors translated."""
    with translate_errors(), db.connection_context(), db.atomic():
        yield


@contextmanager
def read_transaction(db: peewee.Database) -> Iterator[None]:
    """Connection + read-only snapshot transaction, errors translated."""
    with translate_errors(), db.connection_context():
        if database_kind(db) is DatabaseKind.SQLITE:
            ctx = db.atomic(lock_type="DEFERRED")
        else:
            ctx = db.atomic(isolation_level="REPEATABLE READ")
        with ctx:
            yield


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a PostgreSQL advisory lock."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def advisory_lock(db: peewee.Database, name: str) -> None:
    """Serialise transactions on ``name`` until the current transaction ends.

    PostgreSQL: ``pg_advisory_xact_lock``. SQLite needs nothing: every write
    transaction already holds the database's single write lock from ``BEGIN IMMEDIATE``.
    Must be called inside a write transaction.
    """
    if database_kind(db) is DatabaseKind.POSTGRESQL:
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (lock_key(name),))
