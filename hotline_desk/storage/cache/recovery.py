"""Start-up integrity check of the desk cache, and salvage of a damaged one.

At start-up :func:`open_checked` runs ``PRAGMA quick_check`` (cost measured in
``benchmarks/cache_save.py``; it reads every page once). A damaged file — a failed
check, "database disk image is malformed" or "file is not a database" — is:

1. moved aside, renamed with a time stamp (together with its ``-wal``/``-shm``),
   never deleted: it is evidence, and a technician may get more out of it;
2. replaced by a fresh, migrated cache;
3. salvaged into it: from a *copy* of the damaged file (the original is never
   written to), the outbox, the records of unsent operations, the drafts and the
   provisional-number counters are read row by row, skipping damaged pages. If the
   100-byte file header is destroyed, the copy gets a rebuilt header so the pages
   behind it can still be read. An unsent operation is rebuilt from whichever of its
   two copies survived (the outbox row or its local record).

Everything else (knowledge base, recent tickets, scripts, cursors) is left for the
next sync to fetch again. The returned :class:`RecoveryReport` says what happened,
with a Chinese message the desk shows the operator.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import sqlite3
import struct
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from hotline_desk.core.vocabulary import TicketState
from hotline_desk.storage.cache.db import (
    PAGE_SIZE,
    CacheDatabase,
    as_aware,
    china_now,
    is_corruption,
    open_database,
)
from hotline_desk.storage.cache.outbox import OutboxStatus, add_audit
from hotline_desk.storage.cache.tickets import (
    DEFAULT_STATE,
    RecordKind,
    bump_counter,
    parse_local_no,
)

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
_PAGE_SIZES = (PAGE_SIZE, 1024, 2048, 8192, 16384, 32768, 65536)
_UNSENT = (OutboxStatus.PENDING.value, OutboxStatus.REJECTED.value)


@dataclass
class RecoveryReport:
    """What the start-up check found and, if the file was damaged, what was saved."""

    path: Path
    check_seconds: float = 0.0
    problem: str | None = None  # English detail for the log; None: the file was fine
    moved_to: list[Path] = field(default_factory=list)
    salvaged_operations: int = 0
    salvaged_drafts: int = 0
    damaged_spots: int = 0  # stretches of unreadable rows that were skipped
    unusable_rows: int = 0  # rows read but not valid enough to restore
    salvage_error: str | None = None

    @property
    def recovered(self) -> bool:
        return self.problem is not None

    @property
    def message_zh(self) -> str | None:
        """What the desk tells the operator (None when nothing happened)."""
        if self.problem is None:
            return None
        kept = self.moved_to[0].name if self.moved_to else "（无）"
        parts = [
            "本地缓存文件已损坏，工作台已自动修复。",
            f"原文件已改名保存为“{kept}”，没有删除。",
            f"找回未同步的记录 {self.salvaged_operations} 条、草稿 {self.salvaged_drafts} 份，"
            "将继续自动上传；知识库、近期工单和参考资料将从服务器重新同步。",
        ]
        if self.salvage_error is not None or self.damaged_spots or self.unusable_rows:
            parts.append("部分损坏的数据无法读取，可能有记录未能找回，"
                         "请核对最近保存的工单，并联系技术人员检查原文件。")
        return "".join(parts)


# ------------------------------------------------------------------------ checking


def check_file(path: Path, pragma: str = "quick_check") -> str | None:
    """None if the file is missing or sound; otherwise what is wrong (English).

    Only corruption counts: a locked or unreadable file raises, because moving a
    healthy file aside would be wrong.
    """
    if not path.exists():
        return None
    # Read-only, so closing this connection never checkpoints a WAL into a file that
    # may be damaged: the evidence is moved aside exactly as it was found.
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        rows = conn.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.DatabaseError as exc:
        if is_corruption(exc):
            return f"{type(exc).__name__}: {exc}"
        raise
    finally:
        conn.close()
    if rows == [("ok",)]:
        return None
    return "; ".join(str(r[0]) for r in rows[:5])


def move_aside(path: Path, now: datetime) -> list[Path]:
    """Rename the damaged file (and its WAL/SHM) with a time stamp; returns new paths."""
    stamp = as_aware(now).strftime("%Y%m%dT%H%M%S")
    base = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while base.exists():
        n += 1
        base = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    moved: list[Path] = []
    for suffix in ("", "-wal", "-shm", "-journal"):
        source = path.with_name(path.name + suffix)
        if source.exists():
            target = base.with_name(base.name + suffix)
            source.rename(target)
            moved.append(target)
    log.error("damaged desk cache %s moved aside to %s", path, moved[0] if moved else None)
    return moved


# ---------------------------------------------------------------------- reading


def _sqlite_version_number() -> int:
    major, minor, patch = sqlite3.sqlite_version_info
    return major * 1_000_000 + minor * 1_000 + patch


def rebuild_header(path: Path, page_size: int, wal: bool) -> None:
    """Overwrite the first 100 bytes with a plausible header (on a *copy* only).

    The page size is a guess (the desk creates 4096-byte pages); the in-header size
    is made valid from the file length; the freelist is dropped (irrelevant for
    reading). The b-tree of page 1 (the schema) starts at byte 100 and is kept.
    """
    size = path.stat().st_size
    header = bytearray(100)
    header[0:16] = SQLITE_MAGIC
    struct.pack_into(">H", header, 16, 1 if page_size == 65536 else page_size)
    header[18] = header[19] = 2 if wal else 1
    header[20:24] = bytes((0, 64, 32, 32))
    struct.pack_into(">I", header, 24, 1)  # file change counter
    struct.pack_into(">I", header, 28, max(size // page_size, 1))
    struct.pack_into(">I", header, 40, 1)  # schema cookie
    struct.pack_into(">I", header, 44, 4)  # schema format
    struct.pack_into(">I", header, 56, 1)  # UTF-8
    struct.pack_into(">I", header, 92, 1)  # version-valid-for = change counter
    struct.pack_into(">I", header, 96, _sqlite_version_number())
    with path.open("r+b") as fh:
        fh.write(header)


def _tables(conn: sqlite3.Connection) -> set[str] | None:
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError:
        return None


@contextlib.contextmanager
def readable_copy(damaged: Path) -> Iterator[sqlite3.Connection | None]:
    """A connection to a temporary copy of ``damaged`` whose schema can be read."""
    with tempfile.TemporaryDirectory(prefix="hotline-salvage-") as tmp:
        copy = Path(tmp) / "salvage.sqlite3"
        shutil.copyfile(damaged, copy)
        wal = damaged.with_name(damaged.name + "-wal")
        has_wal = wal.exists()
        attempts: list[int | None] = [None, *_PAGE_SIZES]
        conn: sqlite3.Connection | None = None
        for page_size in attempts:
            # A failed attempt may have reset the WAL copy: start each from the original.
            copy.with_name(copy.name + "-shm").unlink(missing_ok=True)
            if has_wal:
                shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
            if page_size is not None:
                if copy.stat().st_size < page_size:
                    continue
                rebuild_header(copy, page_size, has_wal)
            candidate = sqlite3.connect(str(copy))
            found = _tables(candidate)
            if found and ({"outbox", "draft", "local_record"} & found):
                if page_size is not None:
                    log.warning("salvage: rebuilt the file header (page size %d)", page_size)
                conn = candidate
                break
            candidate.close()
        try:
            yield conn
        finally:
            if conn is not None:
                conn.close()


def _seek_ok(conn: sqlite3.Connection, table: str, start: int) -> bool:
    """Can the table b-tree be entered at ``rowid >= start``?"""
    try:
        conn.execute(f'SELECT rowid FROM "{table}" NOT INDEXED WHERE rowid >= ? '
                     'ORDER BY rowid LIMIT 1', (start,)).fetchall()
    except sqlite3.DatabaseError:
        return False
    return True


def _next_readable(conn: sqlite3.Connection, table: str, start: int) -> int | None:
    """Smallest rowid ≥ ``start`` (which fails) from which the table reads again."""
    step = 1
    while not _seek_ok(conn, table, start + step):
        step *= 2
        if step > 2**62:
            return None
    low, high = start + step // 2, start + step  # low fails (or is `start`), high works
    while high - low > 1:
        middle = (low + high) // 2
        if _seek_ok(conn, table, middle):
            high = middle
        else:
            low = middle
    return high


def read_rows(conn: sqlite3.Connection, table: str) -> tuple[list[dict[str, Any]], int]:
    """Every readable row of ``table`` in rowid order, and how many damaged stretches
    were skipped. Reads the table b-tree only (``NOT INDEXED``).

    A plain scan runs until it hits damage; then rows are read one at a time (the
    sqlite3 module reads one row ahead, so the row before the damage would otherwise
    be lost with it) until the damaged stretch is found and jumped over.
    """
    rows: list[dict[str, Any]] = []
    skipped = 0
    start = -(2**63)
    scan = (f'SELECT rowid AS "_salvage_rowid", * FROM "{table}" NOT INDEXED '
            'WHERE rowid >= ? ORDER BY rowid')
    while True:
        try:
            cursor = conn.execute(scan, (start,))
            names = [d[0] for d in cursor.description]
            for values in cursor:
                rows.append(dict(zip(names, values, strict=True)))
                start = values[0] + 1
            return rows, skipped
        except sqlite3.DatabaseError as exc:
            log.warning("salvage: %s damaged at or after rowid %s: %s", table, start, exc)
        while True:  # one row at a time up to the damage
            try:
                cursor = conn.execute(scan + " LIMIT 1", (start,))
                names = [d[0] for d in cursor.description]
                values = cursor.fetchone()
            except sqlite3.DatabaseError:
                skipped += 1
                resume = _next_readable(conn, table, start)
                if resume is None:
                    return rows, skipped
                start = resume
                break
            if values is None:
                return rows, skipped
            rows.append(dict(zip(names, values, strict=True)))
            start = values[0] + 1


# ---------------------------------------------------------------------- salvaging


@dataclass(frozen=True, slots=True)
class _Operation:
    op_id: str
    kind: str
    local_no: str | None
    status: str
    state: str
    payload: str
    created_at: str
    updated_at: str
    attempts: int
    reject_reason: str | None
    last_error: str | None


def _valid_json_object(text: Any) -> bool:
    if not isinstance(text, str):
        return False
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def _valid_time(text: Any) -> bool:
    if not isinstance(text, str):
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _operation(op: dict[str, Any] | None, rec: dict[str, Any] | None) -> _Operation | None:
    """Merge the outbox row and the record row of one unsent operation, validating."""
    source = op or rec
    if source is None:
        return None
    op_id = source.get("op_id")
    try:
        uuid.UUID(str(op_id))
    except ValueError:
        return None
    kind = (op or {}).get("kind") or (rec or {}).get("kind")
    if kind not in {k.value for k in RecordKind}:
        return None
    status = (op or {}).get("status") or (rec or {}).get("sync_status")
    if status not in _UNSENT:
        return None
    payload = (rec or {}).get("payload")
    if not _valid_json_object(payload):
        payload = (op or {}).get("payload")
    if not _valid_json_object(payload):
        return None
    created = (op or {}).get("created_at") or (rec or {}).get("created_at")
    if not _valid_time(created):
        return None
    state = (rec or {}).get("state")
    if state not in {s.value for s in TicketState}:
        state = DEFAULT_STATE[RecordKind(kind)].value
    updated = (rec or {}).get("updated_at")
    local_no = (op or {}).get("local_no") or (rec or {}).get("local_no")
    attempts = (op or {}).get("attempts")
    return _Operation(
        op_id=str(op_id), kind=kind, local_no=local_no if isinstance(local_no, str) else None,
        status=str(status), state=str(state), payload=str(payload), created_at=str(created),
        updated_at=str(updated) if _valid_time(updated) else str(created),
        attempts=attempts if isinstance(attempts, int) and attempts >= 0 else 0,
        reject_reason=(op or {}).get("reject_reason"), last_error=(op or {}).get("last_error"),
    )


def _restore(m: Any, operation: _Operation, source: str, now: datetime) -> None:
    record_id = m.LocalRecord.insert(
        kind=operation.kind, local_no=operation.local_no, op_id=operation.op_id,
        server_no=None, state=operation.state, sync_status=operation.status,
        payload=operation.payload, created_at=operation.created_at,
        updated_at=operation.updated_at,
    ).execute()
    m.Outbox.insert(
        op_id=operation.op_id, record=record_id, kind=operation.kind,
        local_no=operation.local_no, payload=operation.payload,
        created_at=operation.created_at, status=operation.status,
        attempts=operation.attempts, next_attempt_at=now.timestamp(),
        last_error=operation.last_error, reject_reason=operation.reject_reason,
    ).execute()
    add_audit(m, operation.op_id, "salvaged", f"from {source}", now)


def salvage(damaged: Path, target: CacheDatabase, report: RecoveryReport,
            now: datetime) -> None:
    """Copy what can be read of the unsent work in ``damaged`` into ``target``."""
    with readable_copy(damaged) as conn:
        if conn is None:
            report.salvage_error = "schema unreadable"
            return
        tables = _tables(conn) or set()
        data: dict[str, list[dict[str, Any]]] = {}
        for table in ("outbox", "local_record", "draft", "local_counter"):
            if table in tables:
                data[table], skipped = read_rows(conn, table)
                report.damaged_spots += skipped
            else:
                data[table] = []

    ops = {str(r.get("op_id")): r for r in data["outbox"] if r.get("op_id")}
    recs = {str(r.get("op_id")): r for r in data["local_record"] if r.get("op_id")}
    unsent_ids = [i for i, r in ops.items() if r.get("status") in _UNSENT]
    unsent_ids += [i for i, r in recs.items()
                   if r.get("sync_status") in _UNSENT and i not in ops]
    m = target.models
    with target.atomic():
        for op_id in unsent_ids:
            operation = _operation(ops.get(op_id), recs.get(op_id))
            if operation is None:
                report.unusable_rows += 1
                continue
            try:
                with target.atomic():  # savepoint: one bad row never loses the others
                    _restore(m, operation, damaged.name, now)
            except Exception as exc:
                log.warning("salvage: operation %s not restorable: %s", op_id, exc)
                report.unusable_rows += 1
                continue
            report.salvaged_operations += 1
        for row in data["draft"]:
            key, payload, updated = row.get("key"), row.get("payload"), row.get("updated_at")
            if not isinstance(key, str) or not _valid_json_object(payload) \
                    or not _valid_time(updated):
                report.unusable_rows += 1
                continue
            m.Draft.insert(key=key, payload=payload, updated_at=updated).execute()
            report.salvaged_drafts += 1
        # Provisional numbers must never be reused: carry every counter and every
        # number seen (sent or not) over to the fresh file.
        highest: dict[str, int] = {}
        for row in data["local_counter"]:
            day, last = row.get("day"), row.get("last")
            if isinstance(day, str) and isinstance(last, int):
                highest[day] = max(highest.get(day, 0), last)
        for row in (*data["outbox"], *data["local_record"]):
            parsed = parse_local_no(str(row.get("local_no") or ""))
            if parsed is not None:
                highest[parsed[0]] = max(highest.get(parsed[0], 0), parsed[1])
        for day, last in highest.items():
            bump_counter(m, day, last)


def open_checked(
    path: Path,
    *,
    synchronous: str = "FULL",
    now: datetime | None = None,
    pragma: str = "quick_check",
) -> tuple[CacheDatabase, RecoveryReport]:
    """Check, recover if needed, and open the cache at ``path`` (on the worker thread)."""
    moment = as_aware(now or china_now())
    report = RecoveryReport(path=path)
    started = time.perf_counter()
    report.problem = check_file(path, pragma)
    report.check_seconds = time.perf_counter() - started
    if report.problem is None:
        try:
            return open_database(path, synchronous=synchronous), report
        except Exception as exc:
            if not is_corruption(exc):
                raise
            report.problem = f"{type(exc).__name__}: {exc}"
    log.error("desk cache %s is damaged: %s", path, report.problem)
    report.moved_to = move_aside(path, moment)
    database = open_database(path, synchronous=synchronous)
    if report.moved_to:
        try:
            salvage(report.moved_to[0], database, report, moment)
        except Exception as exc:  # the desk must start; the file is kept for a technician
            log.exception("salvage of %s failed", report.moved_to[0])
            report.salvage_error = f"{type(exc).__name__}: {exc}"
    log.warning("desk cache recovered: %d operations and %d drafts salvaged, "
                "%d damaged spots skipped", report.salvaged_operations,
                report.salvaged_drafts, report.damaged_spots)
    return database, report
