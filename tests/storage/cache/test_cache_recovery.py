"""Start-up integrity check and salvage of a damaged cache, with real corruption.

Unsent work is a ticket (第十一条), a refusal record (第十条 "如实记录") or an emergency
handoff (第十二条(三)) that exists nowhere else: a damaged file is moved aside (never
deleted), and every unsent operation that can still be read is carried over.
Garbage bytes are written into real pages of a real cache file.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.db import CACHE_FILENAME, CHINA_TZ, PAGE_SIZE, open_database
from hotline_desk.storage.cache.recovery import RecoveryReport, check_file, read_rows, salvage
from hotline_desk.storage.cache.tickets import MarkState, RecordKind

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 29, 10, 0, tzinfo=CHINA_TZ)
TOTAL = 300
SENT = 40  # the first SENT operations were acknowledged before the damage


def _payload(i: int) -> dict[str, object]:
    return {"n": i, "phone": "138****0000", "content": f"第{i}号诉求：" + "小区路灯不亮，" * 40}


def _populate(folder: Path) -> dict[str, dict[str, object]]:
    """A real cache: TOTAL saves (the first SENT acknowledged), 3 drafts; closed cleanly."""
    cache = LocalCache.open(folder, synchronous="NORMAL")
    unsent: dict[str, dict[str, object]] = {}
    try:
        for i in range(TOTAL):
            saved = cache.call(cache.tickets.save_local, "ticket", _payload(i), now=NOW)
            assert saved.record_id == i + 1
            if i < SENT:
                cache.call(cache.outbox.apply_results, [
                    {"op_id": saved.op_id, "status": "applied", "server_no": f"HF{i}"}], NOW)
            else:
                unsent[saved.op_id] = {"local_no": saved.local_no, "payload": _payload(i),
                                       "rowid": i + 1}
        for key in ("a", "b", "c"):
            cache.call(cache.drafts.save_draft, key, {"content": f"草稿{key}"}, NOW)
    finally:
        cache.close()
    assert not (folder / f"{CACHE_FILENAME}-wal").exists()
    return unsent


def _leaf_pages(path: Path, table: str) -> list[int]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)  # never checkpoints
    try:
        return [r[0] for r in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
            (table,))]
    finally:
        conn.close()


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(8):
        byte = data[at + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    return (value << 8) | data[at + 8], at + 9


def _rowids_on_page(path: Path, pageno: int) -> set[int]:
    """Parse a table b-tree leaf page (SQLite file format §1.6) for its cells' rowids."""
    raw = path.read_bytes()[(pageno - 1) * PAGE_SIZE:pageno * PAGE_SIZE]
    assert raw[0] == 0x0D, "not a table leaf page"
    cells = int.from_bytes(raw[3:5], "big")
    rowids = set()
    for k in range(cells):
        pointer = int.from_bytes(raw[8 + 2 * k:10 + 2 * k], "big")
        _, after = _varint(raw, pointer)
        rowid, _ = _varint(raw, after)
        rowids.add(rowid)
    return rowids


def _garble(path: Path, pageno: int, length: int = PAGE_SIZE, seed: int = 12345) -> None:
    noise = random.Random(seed + pageno).randbytes(length)
    with path.open("r+b") as fh:
        fh.seek((pageno - 1) * PAGE_SIZE)
        fh.write(noise)


def _outbox(cache: LocalCache) -> dict[str, tuple[str | None, dict[str, object]]]:
    items = cache.call(cache.outbox.next_batch, 10_000, NOW)
    return {i.op_id: (i.local_no, i.payload) for i in items}


def test_a_healthy_file_is_just_opened(tmp_path: Path) -> None:
    _populate(tmp_path)
    path = tmp_path / CACHE_FILENAME
    assert check_file(path) is None
    assert check_file(path, "integrity_check") is None
    assert check_file(tmp_path / "missing.sqlite3") is None
    cache = LocalCache.open(tmp_path)
    try:
        report = cache.recovery_report
        assert not report.recovered and report.message_zh is None
        assert report.check_seconds > 0
        assert cache.call(cache.outbox.depth) == TOTAL - SENT
    finally:
        cache.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [CACHE_FILENAME]


def test_read_rows_reads_an_intact_table_completely(tmp_path: Path) -> None:
    _populate(tmp_path)
    conn = sqlite3.connect(tmp_path / CACHE_FILENAME)
    rows, skipped = read_rows(conn, "outbox")
    conn.close()
    assert skipped == 0 and [r["seq"] for r in rows] == list(range(1, TOTAL + 1))


def test_garbage_in_outbox_pages_is_salvaged_from_the_records(tmp_path: Path) -> None:
    """Two outbox leaf pages and the counter page destroyed: each unsent operation
    survives through its other copy (the local record); numbers are not reused."""
    unsent = _populate(tmp_path)
    path = tmp_path / CACHE_FILENAME
    leaves = _leaf_pages(path, "outbox")
    victims = [leaves[len(leaves) // 3], leaves[2 * len(leaves) // 3]]
    lost_rows = set().union(*(_rowids_on_page(path, p) for p in victims))
    assert lost_rows and max(lost_rows) > SENT
    for page in [*victims, *_leaf_pages(path, "local_counter")]:
        _garble(path, page)
    damaged = path.read_bytes()
    assert check_file(path) is not None

    cache = LocalCache.open(tmp_path, now=NOW)
    try:
        report = cache.recovery_report
        assert report.recovered and report.damaged_spots >= 2
        assert report.moved_to[0].name.startswith(f"{CACHE_FILENAME}.corrupt-20261129T")
        assert report.moved_to[0].read_bytes() == damaged  # kept untouched, never deleted
        assert report.salvaged_operations == TOTAL - SENT
        assert _outbox(cache) == {op: (v["local_no"], v["payload"]) for op, v in unsent.items()}
        assert [d.key for d in cache.call(cache.drafts.load_drafts)] == ["a", "b", "c"]
        assert report.message_zh is not None
        assert f"找回未同步的记录 {TOTAL - SENT} 条、草稿 3 份" in report.message_zh
        assert "没有删除" in report.message_zh
        nxt = cache.call(cache.tickets.save_local, "ticket", {}, now=NOW)
        assert nxt.local_no == f"本地-20261129-{TOTAL + 1:04d}"  # never reused
        audit = cache.call(cache.outbox.audit_log)
        assert len(audit) == TOTAL - SENT and {a.action for a in audit} == {"salvaged"}
    finally:
        cache.close()
    assert check_file(path) is None  # the fresh file is sound


def test_rows_on_destroyed_pages_of_both_copies_are_skipped(tmp_path: Path) -> None:
    """An outbox leaf and the record leaves holding the same operations are destroyed:
    exactly those operations are lost, every other one is read past the damage."""
    unsent = _populate(tmp_path)
    path = tmp_path / CACHE_FILENAME
    out_leaves = _leaf_pages(path, "outbox")
    out_victim = out_leaves[len(out_leaves) // 2]
    out_rows = _rowids_on_page(path, out_victim)
    rec_victims = [p for p in _leaf_pages(path, "local_record")
                   if _rowids_on_page(path, p) & out_rows]
    rec_rows = set().union(*(_rowids_on_page(path, p) for p in rec_victims))
    for page in [out_victim, *rec_victims]:
        _garble(path, page)
    lost = {op for op, v in unsent.items() if v["rowid"] in out_rows & rec_rows}
    assert lost  # the test really destroys something

    cache = LocalCache.open(tmp_path, now=NOW)
    try:
        report = cache.recovery_report
        assert report.recovered and report.damaged_spots >= 2
        survivors = _outbox(cache)
        assert set(survivors) == set(unsent) - lost
        assert all(survivors[op] == (unsent[op]["local_no"], unsent[op]["payload"])
                   for op in survivors)
        assert report.salvaged_operations == len(unsent) - len(lost)
        assert report.message_zh is not None and "可能有记录未能找回" in report.message_zh
    finally:
        cache.close()


def test_a_destroyed_header_is_detected_and_read_past(tmp_path: Path) -> None:
    """"file is not a database": the header is rebuilt on a copy and everything read."""
    unsent = _populate(tmp_path)
    path = tmp_path / CACHE_FILENAME
    _garble(path, 1, length=100)
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        conn.execute("SELECT COUNT(*) FROM outbox").fetchone()
    conn.close()
    assert "not a database" in (check_file(path) or "")

    cache = LocalCache.open(tmp_path, now=NOW)
    try:
        report = cache.recovery_report
        assert report.recovered and report.salvage_error is None
        assert report.salvaged_operations == len(unsent) and report.salvaged_drafts == 3
        assert _outbox(cache) == {op: (v["local_no"], v["payload"]) for op, v in unsent.items()}
    finally:
        cache.close()


def test_a_file_destroyed_beyond_reading_still_gives_a_working_desk(tmp_path: Path) -> None:
    _populate(tmp_path)
    path = tmp_path / CACHE_FILENAME
    _garble(path, 1)  # the header and the whole schema page
    cache = LocalCache.open(tmp_path, now=NOW)
    try:
        report = cache.recovery_report
        assert report.recovered and report.salvaged_operations == 0
        assert report.salvage_error is not None
        assert report.message_zh is not None and "无法读取" in report.message_zh
        assert report.moved_to and report.moved_to[0].exists()
        saved = cache.call(cache.tickets.save_local, "ticket", {"content": "照常受理"}, now=NOW)
        assert cache.call(cache.outbox.depth) == 1 and saved.local_no
    finally:
        cache.close()


def test_a_second_recovery_never_overwrites_the_first_kept_file(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILENAME
    kept: list[Path] = []
    for _ in range(2):
        path.write_bytes(b"not a cache at all" * 500)
        cache = LocalCache.open(tmp_path, now=NOW)
        kept += cache.recovery_report.moved_to
        cache.close()
    assert len(kept) == 2 and kept[0] != kept[1]
    assert all(p.read_bytes() == b"not a cache at all" * 500 for p in kept)


def test_unsent_work_still_in_the_wal_is_salvaged(tmp_path: Path) -> None:
    """The desk died with its last saves only in the WAL, and a page of the main file
    is damaged: the check does not checkpoint the WAL into the damaged file, the WAL is
    moved aside with it, and the salvage reads it (the newest saves survive)."""
    unsent = _populate(tmp_path)
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from hotline_desk.storage.cache import LocalCache
        cache = LocalCache.open(Path({str(tmp_path)!r}))
        for i in range(5):
            saved = cache.call(cache.tickets.save_local, "emergency_handoff", {{"wal": i}})
            print(saved.op_id, flush=True)
        os._exit(0)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    in_wal = result.stdout.split()
    path = tmp_path / CACHE_FILENAME
    wal = tmp_path / f"{CACHE_FILENAME}-wal"
    assert wal.stat().st_size > 0
    first_leaf = _leaf_pages(path, "outbox")[0]
    assert max(_rowids_on_page(path, first_leaf)) <= SENT  # only acknowledged rows there
    _garble(path, first_leaf)
    wal_bytes = wal.read_bytes()

    cache = LocalCache.open(tmp_path, now=NOW)
    try:
        report = cache.recovery_report
        (kept_wal,) = [p for p in report.moved_to if p.name.endswith("-wal")]
        assert kept_wal.read_bytes() == wal_bytes  # moved as found, not checkpointed
        survivors = _outbox(cache)
        assert set(survivors) == set(unsent) | set(in_wal)
        assert [survivors[op][1] for op in in_wal] == [{"wal": i} for i in range(5)]
        assert report.salvaged_operations == TOTAL - SENT + 5
    finally:
        cache.close()


def test_an_unsent_abusive_call_mark_is_salvaged_with_its_record(tmp_path: Path) -> None:
    """第十三条: a mark is unsent work like a ticket (it is a local record since cache
    version 3), so a salvage carries it over with its number and call id."""
    source = tmp_path / "old"
    cache = LocalCache.open(source, synchronous="NORMAL")
    try:
        payload = {"phone": "13812345678", "note": "辱骂话务员",
                   "call_id": "01a2263b-9d68-70ad-a746-cdd8296169ac"}
        saved = cache.call(cache.tickets.save_local, "abusive_call", payload, now=NOW)
    finally:
        cache.close()
    target = open_database(tmp_path / "new" / CACHE_FILENAME)
    try:
        report = RecoveryReport(path=source / CACHE_FILENAME)
        salvage(source / CACHE_FILENAME, target, report, NOW)
        assert report.salvaged_operations == 1 and report.unusable_rows == 0
        row = target.models.LocalRecord.get(target.models.LocalRecord.op_id == saved.op_id)
        assert (RecordKind(row.kind), MarkState(row.state), row.local_no, row.payload) == (
            RecordKind.ABUSIVE_CALL, MarkState.MARKED, saved.local_no, payload)
        item = target.models.Outbox.get(target.models.Outbox.op_id == saved.op_id)
        assert (item.status, item.record_id) == ("pending", row.id)
    finally:
        target.close()
