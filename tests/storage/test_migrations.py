"""storage.migrations: the schema version table and ordered migrations, on both backends.

第三十五条 (数据安全): a schema change applies whole or not at all, exactly once even
when several server processes start at once, and an old server refuses a newer schema.
"""

from __future__ import annotations

import threading

import peewee
import pytest

from hotline_desk.core.errors import StorageError
from hotline_desk.storage.db import close_database, open_database, read_transaction
from hotline_desk.storage.migrations import (
    SERVER_MIGRATIONS,
    Migration,
    current_version,
    latest_version,
    migrate,
    require_current,
)
from hotline_desk.storage.server.models import ALL_MODELS


def test_migrate_applies_once_and_records_the_version(empty_database_url: str):
    db = open_database(empty_database_url)
    assert current_version(db) == 0
    assert migrate(db) == [m.version for m in SERVER_MIGRATIONS]
    assert migrate(db) == []
    assert current_version(db) == latest_version() == require_current(db)
    close_database(db)


def test_every_model_matches_the_migrated_schema(server_database_url: str):
    db = open_database(server_database_url)
    with read_transaction(db):
        tables = set(db.get_tables())
        for model in ALL_MODELS:
            table = model._meta.table_name
            assert table in tables
            columns = {column.name for column in db.get_columns(table)}
            fields = {field.column_name for field in model._meta.sorted_fields}
            assert fields == columns, table
    close_database(db)


def test_concurrent_starts_apply_each_migration_exactly_once(empty_database_url: str):
    """Four "server processes" (own connections) migrate the same database at once."""
    results: list[list[int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        db = open_database(empty_database_url)
        try:
            barrier.wait()
            results.append(migrate(db))
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_database(db)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(v for applied in results for v in applied) == [
        m.version for m in SERVER_MIGRATIONS]
    db = open_database(empty_database_url)
    assert current_version(db) == latest_version()
    close_database(db)


def test_a_newer_schema_is_refused(server_database_url: str):
    db = open_database(server_database_url)
    with db.connection_context(), db.atomic():
        db.execute_sql("INSERT INTO schema_version (version, name, applied_at) "
                       "VALUES (99, 'future', '2030-01-01 00:00:00.000000')")
    with pytest.raises(StorageError, match="newer"):
        migrate(db)
    with pytest.raises(StorageError, match="newer"):
        require_current(db)
    close_database(db)


def test_an_older_schema_is_reported(empty_database_url: str):
    db = open_database(empty_database_url)
    with pytest.raises(StorageError, match="older"):
        require_current(db)
    close_database(db)


def test_a_failing_migration_leaves_nothing_behind(empty_database_url: str):
    """DDL is transactional on both backends: the half-done step 2 disappears."""

    def broken(db: peewee.Database) -> None:
        db.execute_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("migration bug")

    db = open_database(empty_database_url)
    steps = (*SERVER_MIGRATIONS, Migration(len(SERVER_MIGRATIONS) + 1, "broken", broken))
    with pytest.raises(RuntimeError):
        migrate(db, steps)
    assert current_version(db) == latest_version()
    with read_transaction(db):
        assert "half_done" not in db.get_tables()
    close_database(db)


def test_migration_lists_must_be_numbered_without_gaps(empty_database_url: str):
    db = open_database(empty_database_url)
    gap = (SERVER_MIGRATIONS[0], Migration(3, "gap", lambda _db: None))
    with pytest.raises(StorageError):
        migrate(db, gap)
    close_database(db)
