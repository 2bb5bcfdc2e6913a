"""Opening the desk cache: pragmas, BEGIN IMMEDIATE, migrations, error translation.

The outbox must survive power loss because a saved ticket is the record 第十一条
requires (and a refusal is a record too, 第十条 "如实记录").
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import peewee
import pytest

from hotline_desk.core.errors import StorageError
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.db import (
    CACHE_FILENAME,
    CHINA_TZ,
    MIGRATIONS,
    Migration,
    cache_path,
    is_corruption,
    open_database,
    run_migrations,
    schema_version,
    translate_error,
)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[LocalCache]:
    opened = LocalCache.open(tmp_path)
    yield opened
    opened.close()


def test_pragmas_are_durable(cache: LocalCache) -> None:
    """WAL + synchronous=FULL + foreign keys + busy timeout on the worker's connection."""
    values = cache.call(lambda: {name: cache.db.pragma(name) for name in
                                 ("journal_mode", "synchronous", "foreign_keys",
                                  "busy_timeout", "page_size")})
    assert values == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                      "busy_timeout": 5000, "page_size": 4096}


def test_every_write_transaction_begins_immediate(cache: LocalCache) -> None:
    """A save takes the write lock up front: ``BEGIN IMMEDIATE``, never a deferred BEGIN."""
    statements: list[str] = []

    def traced_save() -> None:
        conn = cache.db.database.connection()
        conn.set_trace_callback(statements.append)
        try:
            cache.tickets.save_local("ticket", {"content": "路灯不亮"}, draft_key="d1")
            cache.drafts.save_draft("d2", {"content": "草稿"})
        finally:
            conn.set_trace_callback(None)

    cache.call(traced_save)
    begins = [s.strip().upper() for s in statements if s.strip().upper().startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN IMMEDIATE"]
    assert sum(s.strip().upper() == "COMMIT" for s in statements) == 2


def test_fresh_cache_runs_every_migration_once(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILENAME
    db = open_database(path)
    rows = db.database.execute_sql(
        "SELECT version, description FROM schema_version ORDER BY version").fetchall()
    assert [r[0] for r in rows] == [m.version for m in MIGRATIONS]
    assert run_migrations(db.database) == []  # nothing left to run
    db.close()
    again = open_database(path)
    assert schema_version(again.database) == MIGRATIONS[-1].version
    count = again.database.execute_sql("SELECT COUNT(*) FROM schema_version").fetchone()[0]
    assert count == len(MIGRATIONS)
    again.close()


def test_models_match_the_migrated_schema(tmp_path: Path) -> None:
    """The frozen migrations and the live models describe the same columns."""
    db = open_database(tmp_path / CACHE_FILENAME)
    for model in db.models.all():
        table = model._meta.table_name
        in_file = {c.name for c in db.database.get_columns(table)}
        in_model = {f.column_name for f in model._meta.sorted_fields}
        assert in_file == in_model, table
    db.close()


def _v1_rows(path: Path) -> None:
    """A version-1 cache with an unsent ticket, a draft and a counter, as v1 wrote them."""
    db = open_database(path, target_version=1)
    assert schema_version(db.database) == 1
    assert not db.database.table_exists("outbox_audit")
    op_id = "01932d1e-0000-7000-8000-000000000001"
    payload = json.dumps({"content": "噪音扰民", "phone": "139****1234"}, ensure_ascii=False)
    sql = db.database.execute_sql
    sql("INSERT INTO local_record (kind, local_no, op_id, state, sync_status, payload,"
        " created_at, updated_at) VALUES ('ticket', '本地-20261128-0007', ?, 'pending_dispatch',"
        " 'pending', ?, '2026-11-28T02:00:00.000000+00:00', '2026-11-28T02:00:00.000000+00:00')",
        (op_id, payload))
    sql("INSERT INTO outbox (op_id, record_id, kind, local_no, payload, created_at, status,"
        " attempts, next_attempt_at) VALUES (?, 1, 'ticket', '本地-20261128-0007', ?,"
        " '2026-11-28T02:00:00.000000+00:00', 'pending', 3, 0)", (op_id, payload))
    sql("INSERT INTO local_counter (day, last) VALUES ('20261128', 7)")
    sql("INSERT INTO draft (key, payload, updated_at) VALUES ('form', '{\"content\": \"半句\"}',"
        " '2026-11-28T02:01:00.000000+00:00')")
    db.close()


def test_upgrade_from_version_1_keeps_data(tmp_path: Path) -> None:
    """Upgrading a v1 file runs only the newer migrations and loses nothing."""
    _v1_rows(tmp_path / CACHE_FILENAME)
    cache = LocalCache.open(tmp_path)
    try:
        assert cache.call(lambda: schema_version(cache.db.database)) == MIGRATIONS[-1].version
        batch = cache.call(cache.outbox.next_batch, 10)
        assert [(i.op_id, i.local_no, i.attempts) for i in batch] == [
            ("01932d1e-0000-7000-8000-000000000001", "本地-20261128-0007", 3)]
        assert batch[0].payload == {"content": "噪音扰民", "phone": "139****1234"}
        record = cache.call(cache.tickets.find, "本地-20261128-0007")
        assert record is not None and record.server_updated_at is None  # new v2 column
        assert [d.key for d in cache.call(cache.drafts.load_drafts)] == ["form"]
        saved = cache.call(cache.tickets.save_local, "ticket", {"content": "新工单"},
                           now=datetime(2026, 11, 28, 15, 0, tzinfo=CHINA_TZ))
        assert saved.local_no == "本地-20261128-0008"  # the v1 counter carries on
        cache.call(cache.outbox.apply_results, [
            {"op_id": "01932d1e-0000-7000-8000-000000000001", "status": "rejected",
             "reason": "缺少诉求人联系方式"}])
        cache.call(cache.outbox.discard_rejected, "01932d1e-0000-7000-8000-000000000001")
        assert [a.action for a in cache.call(cache.outbox.audit_log)] == [
            "server_rejected", "discard"]  # the v2 audit table works on upgraded data
    finally:
        cache.close()


def test_a_newer_schema_is_refused_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILENAME
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version VALUES (99, 'from the future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError) as info:
        LocalCache.open(tmp_path)
    assert "更新版本" in info.value.message_zh


def test_a_failing_migration_leaves_the_version_unchanged(tmp_path: Path) -> None:
    def broken(database: peewee.SqliteDatabase) -> None:
        database.execute_sql("CREATE TABLE half_done (x INTEGER)")
        database.execute_sql("THIS IS NOT SQL")

    database = peewee.SqliteDatabase(str(tmp_path / "m.sqlite3"), lock_type="IMMEDIATE")
    migrations = (*MIGRATIONS, Migration(len(MIGRATIONS) + 1, "broken", broken))
    with pytest.raises(peewee.OperationalError):
        run_migrations(database, migrations)
    assert schema_version(database) == MIGRATIONS[-1].version
    assert not database.table_exists("half_done")  # rolled back with its version row
    database.close()


def test_migrations_must_be_numbered_in_order(tmp_path: Path) -> None:
    database = peewee.SqliteDatabase(str(tmp_path / "m.sqlite3"))
    gap = (MIGRATIONS[0], Migration(3, "gap", MIGRATIONS[1].apply))
    with pytest.raises(ValueError):
        run_migrations(database, gap)
    database.close()


def test_cache_path_uses_the_local_cache_dir(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE_DESK_CACHE", str(tmp_path / "seat"))
    assert cache_path() == tmp_path / "seat" / CACHE_FILENAME
    assert cache_path(tmp_path) == tmp_path / CACHE_FILENAME


def test_store_calls_off_the_worker_thread_are_refused(cache: LocalCache) -> None:
    """The GUI thread never touches SQLite: a direct call is a programming error."""
    with pytest.raises(RuntimeError, match="worker thread"):
        cache.outbox.depth()


def test_integrity_error_becomes_storage_error(cache: LocalCache) -> None:
    def duplicate() -> None:
        r = cache.db.models.LocalRecord
        row = {"kind": "ticket", "local_no": "本地-20261129-0001", "state": "refused",
               "sync_status": "pending", "payload": {}, "created_at": "x", "updated_at": "x"}
        with cache.db.atomic():
            r.insert(**row).execute()
            r.insert(**row).execute()

    with pytest.raises(StorageError) as info:
        cache.call(duplicate)
    assert "冲突" in info.value.message_zh
    assert isinstance(info.value.__cause__, peewee.IntegrityError)


def test_busy_database_becomes_storage_error(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILENAME
    open_database(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError) as info:
            other.execute("BEGIN IMMEDIATE")
        err = translate_error(info.value)
        assert isinstance(err, StorageError)
        assert "占用" in err.message_zh
    finally:
        other.close()
        holder.execute("ROLLBACK")
        holder.close()


def test_not_a_database_is_recognised_as_corruption(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(b"\x13" * 8192)
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError) as info:
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    conn.close()
    assert is_corruption(info.value)
    err = translate_error(info.value)
    assert isinstance(err, StorageError) and "损坏" in err.message_zh


def test_os_errors_become_storage_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(StorageError) as info:
        LocalCache.open(blocker / "cache")
    assert info.value.message_zh


def test_upgrade_to_version_3_lists_the_marks_already_saved(tmp_path: Path) -> None:
    """第十三条: marks saved before version 3 had only an outbox operation; the upgrade
    gives each a local record (kind, 已标记, its sync state, its number), linked to it."""
    path = tmp_path / CACHE_FILENAME
    db = open_database(path, target_version=2)
    sql = db.database.execute_sql
    rows = [("01932d1e-0000-7000-8000-00000000000a", "本地-20261128-0001", "sent",
             "'2026-11-28T03:00:00.000000+00:00'"),
            ("01932d1e-0000-7000-8000-00000000000b", "本地-20261128-0002", "pending", "NULL")]
    for op_id, local_no, status, sent_at in rows:
        payload = json.dumps({"phone": "13812345678", "note": f"辱骂 {local_no}"},
                             ensure_ascii=False)
        sql("INSERT INTO outbox (op_id, record_id, kind, local_no, payload, created_at, status,"
            " attempts, next_attempt_at, sent_at) VALUES (?, NULL, 'abusive_call', ?, ?,"
            f" '2026-11-28T02:00:00.000000+00:00', ?, 0, 0, {sent_at})",
            (op_id, local_no, payload, status))
    db.close()
    cache = LocalCache.open(tmp_path)
    try:
        marks = cache.call(cache.tickets.recent, 10, "abusive_call")
        assert sorted((m.local_no, m.sync_status, m.state.label, m.payload["note"])
                      for m in marks) == [
            ("本地-20261128-0001", "sent", "已标记", "辱骂 本地-20261128-0001"),
            ("本地-20261128-0002", "pending", "已标记", "辱骂 本地-20261128-0002")]
        linked = cache.call(lambda: cache.db.database.execute_sql(
            "SELECT COUNT(*) FROM outbox JOIN local_record ON local_record.id = "
            "outbox.record_id AND local_record.op_id = outbox.op_id").fetchone()[0])
        assert linked == 2
        # the pending one is still sent once; sending it updates its record
        (item,) = cache.call(cache.outbox.next_batch, 10)
        cache.call(cache.outbox.apply_results, [{"op_id": item.op_id, "status": "applied"}])
        record = cache.call(cache.tickets.by_op_id, item.op_id)
        assert record is not None and record.sync_status == "sent"
    finally:
        cache.close()
