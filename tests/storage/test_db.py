"""storage.db: the server database from a URL, SQLite settings, transactions, errors.

第三十五条 (数据安全): the database must not lose or interleave writes; on SQLite every
write transaction begins IMMEDIATE, in WAL mode readers never wait for writers.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import peewee
import pytest

from hotline_desk.core.errors import StorageError
from hotline_desk.core.protocol import BusyError, ConflictError
from hotline_desk.storage.db import (
    DatabaseKind,
    close_database,
    database_kind,
    describe_url,
    open_database,
    read_transaction,
    sqlite_url,
    translate_errors,
    write_transaction,
)


def test_sqlite_urls_relative_and_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    relative = open_database("sqlite:///data/rel.db")
    absolute = open_database(f"sqlite:///{tmp_path / 'abs' / 'x.db'}")
    assert relative.database == "data/rel.db"
    assert absolute.database == str(tmp_path / "abs" / "x.db")
    assert (tmp_path / "data").is_dir() and (tmp_path / "abs").is_dir()
    assert database_kind(relative) is DatabaseKind.SQLITE
    assert sqlite_url(tmp_path / "a.db") == f"sqlite:///{tmp_path / 'a.db'}"


@pytest.mark.parametrize("url", [
    "sqlite:///:memory:", "sqlite://", "mysql://x@y/z", "file.db", "postgresql://user@host/",
])
def test_unusable_urls_are_refused_in_chinese(url: str):
    with pytest.raises(StorageError) as caught:
        open_database(url)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message_zh)


def test_postgresql_url_parts_and_password_hidden_in_logs():
    db = open_database("postgresql://hot%40user:s3cr%3Aet@db.example:6543/hotline?sslmode=require")
    assert database_kind(db) is DatabaseKind.POSTGRESQL
    assert db.database == "hotline"
    params = db.connect_params
    assert params["user"] == "hot@user" and params["password"] == "s3cr:et"
    assert params["host"] == "db.example" and params["port"] == 6543
    assert params["sslmode"] == "require"
    assert "s3cr" not in describe_url("postgresql://u:s3cret@h/db")
    assert describe_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sqlite_pragmas(tmp_path: Path):
    db = open_database(sqlite_url(tmp_path / "p.db"))
    with db.connection_context():
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
    close_database(db)


def test_sqlite_write_transaction_takes_the_write_lock_at_begin(tmp_path: Path):
    """BEGIN IMMEDIATE: even before the first write, no other writer can start."""
    path = tmp_path / "lock.db"
    db = open_database(sqlite_url(path))
    with write_transaction(db):
        db.execute_sql("CREATE TABLE t (x INTEGER)")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with write_transaction(db):
        db.execute_sql("SELECT 1")  # nothing written yet
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        # ...while a reader still reads (WAL snapshot), without waiting:
        assert other.execute("SELECT COUNT(*) FROM t").fetchone() == (0,)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()
    close_database(db)


def test_sqlite_read_transaction_does_not_block_writers(tmp_path: Path):
    db = open_database(sqlite_url(tmp_path / "r.db"))
    with write_transaction(db):
        db.execute_sql("CREATE TABLE t (x INTEGER)")
    written = threading.Event()

    def writer() -> None:
        with write_transaction(db):
            db.execute_sql("INSERT INTO t VALUES (1)")
        written.set()

    with read_transaction(db):
        assert db.execute_sql("SELECT COUNT(*) FROM t").fetchone()[0] == 0
        thread = threading.Thread(target=writer)
        thread.start()
        assert written.wait(10), "a writer waited for a reader"
        # the reader keeps its snapshot
        assert db.execute_sql("SELECT COUNT(*) FROM t").fetchone()[0] == 0
    thread.join()
    with read_transaction(db):
        assert db.execute_sql("SELECT COUNT(*) FROM t").fetchone()[0] == 1
    close_database(db)


def test_write_transaction_rolls_back_on_error(empty_database_url: str):
    db = open_database(empty_database_url)
    with write_transaction(db):
        db.execute_sql("CREATE TABLE t (x INTEGER PRIMARY KEY)")
    with pytest.raises(RuntimeError), write_transaction(db):
        db.execute_sql("INSERT INTO t VALUES (1)")
        raise RuntimeError("boom")
    with read_transaction(db):
        assert db.execute_sql("SELECT COUNT(*) FROM t").fetchone()[0] == 0
    close_database(db)


def test_integrity_errors_become_conflicts(empty_database_url: str):
    db = open_database(empty_database_url)
    with write_transaction(db):
        db.execute_sql("CREATE TABLE t (x INTEGER PRIMARY KEY)")
        db.execute_sql("INSERT INTO t VALUES (1)")
    with pytest.raises(ConflictError), write_transaction(db):
        db.execute_sql("INSERT INTO t VALUES (1)")
    close_database(db)


def test_locked_database_becomes_busy_error(tmp_path: Path):
    path = tmp_path / "busy.db"
    db = open_database(sqlite_url(path))
    with db.connection_context():
        db.execute_sql("PRAGMA busy_timeout = 0")
    holder = sqlite3.connect(path, timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with db.connection_context():
            db.execute_sql("PRAGMA busy_timeout = 0")
            with pytest.raises(BusyError) as caught, write_transaction(db):
                pass
        assert caught.value.retry_after
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        close_database(db)


def test_other_driver_errors_become_storage_errors():
    with pytest.raises(StorageError) as caught, translate_errors():
        raise peewee.ProgrammingError("syntax error at or near")
    assert caught.value.message_zh


def test_both_backends_open_and_answer(empty_database_url: str, backend: str):
    db = open_database(empty_database_url)
    assert database_kind(db).value == backend
    with read_transaction(db):
        assert db.execute_sql("SELECT 1").fetchone()[0] == 1
    close_database(db)
