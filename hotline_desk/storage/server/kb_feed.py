"""The knowledge-base change feed the desks sync from (第二十九–三十一条: 实时更新, 共建共享).

Every change of an entry (create, edit, review step, delete, import) takes the next
KB version from the ``kb_version`` counter *in the same transaction*
(:func:`next_versions`), and the entry row records it as ``feed_version``;
deletions leave a tombstone carrying the version of the deletion. The feed is
"entries and tombstones with a version after the cursor, in version order": each
id appears once, at its latest change.

The desks see only what they may read to callers: an entry that is not published,
or whose validity has ended, appears as a *removal* (``core.protocol.delivered_to_desks``).

Tombstones older than the retention are pruned during KB writes (:func:`prune`);
``kb_pruned_version`` remembers the newest pruned deletion. A desk whose cursor is
older than that may have missed a deletion and is told to reset
(:class:`~hotline_desk.core.protocol.ResetRequiredError`, HTTP 410): it drops its
copy and reads from cursor ``"0"``, which always works, however many pages it takes:
the cursors of a full sync carry the version at which it began as a *floor*
(:class:`~hotline_desk.core.protocol.KBCursor`), and deletions below the floor
cannot concern a desk that started empty after them. A cursor ahead of the server
(e.g. after a database restore) is told to reset too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import peewee

from hotline_desk.core.protocol import (
    KBChange,
    KBChangeOp,
    KBChangesPage,
    KBCursor,
    KBEntryData,
    RegionData,
    ResetRequiredError,
    delivered_to_desks,
)
from hotline_desk.core.vocabulary import Area, ReviewState
from hotline_desk.storage.server import counters
from hotline_desk.storage.server.models import KBEntryRow, KBTombstone


def next_versions(db: peewee.Database, count: int = 1) -> range:
    """Take ``count`` consecutive KB versions (inside the caller's write transaction)."""
    last = counters.bump(db, counters.KB_VERSION, count)
    return range(last - count + 1, last + 1)


def current_version(db: peewee.Database) -> int:
    return counters.read(db, counters.KB_VERSION)


def row_to_data(row: KBEntryRow) -> KBEntryData:
    return KBEntryData(
        id=row.id, title=row.title, answer=row.answer, questions=row.questions,
        keywords=row.keywords, policy_basis=row.policy_basis,
        category=Area(row.category) if row.category else None, owner_unit=row.owner_unit,
        region=RegionData(province=row.province, city=row.city, district=row.district),
        valid_from=row.valid_from, valid_to=row.valid_to,
        review_state=ReviewState(row.review_state), version=row.version,
        updated_at=row.updated_at,
    )


def changes(db: peewee.Database, since: str, limit: int, *, today: date,
            now: datetime) -> KBChangesPage:
    """Changes after the cursor ``since`` (inside a read transaction: one snapshot).

    ``since`` is a :class:`~hotline_desk.core.protocol.KBCursor`; ``"0"`` starts a
    full sync, whose cursors carry the version at its start as their floor, so the
    full sync survives tombstone pruning however many pages it takes.
    """
    current = current_version(db)
    pruned = counters.read(db, counters.KB_PRUNED_VERSION)
    cursor = KBCursor.decode(since)
    if cursor is None:
        raise ResetRequiredError(f"malformed cursor {since!r}", current_version=current)
    if cursor.version == 0 and cursor.floor == 0:
        cursor = KBCursor(version=0, floor=current)
    if cursor.needs_reset(current, pruned):
        raise ResetRequiredError(
            f"cursor {since!r} cannot be served (current {current}, pruned through {pruned})",
            current_version=current)
    after = cursor.version
    entries = list(
        KBEntryRow.select()
        .where((KBEntryRow.feed_version > after) & (KBEntryRow.feed_version <= current))
        .order_by(KBEntryRow.feed_version).limit(limit + 1).execute(db))
    tombstones = list(
        KBTombstone.select()
        .where((KBTombstone.feed_version > after) & (KBTombstone.feed_version <= current))
        .order_by(KBTombstone.feed_version).limit(limit + 1).execute(db))
    items: list[KBChange] = []
    for row in entries:
        data = row_to_data(row)
        if delivered_to_desks(data.review_state, data.valid_to, today):
            items.append(KBChange(version=row.feed_version, op=KBChangeOp.UPSERT, id=row.id,
                                  entry=data))
        else:
            items.append(KBChange(version=row.feed_version, op=KBChangeOp.REMOVE, id=row.id))
    items += [KBChange(version=row.feed_version, op=KBChangeOp.REMOVE, id=row.id)
              for row in tombstones]
    items.sort(key=lambda change: change.version)
    has_more = len(items) > limit
    items = items[:limit]
    reached = items[-1].version if has_more else current
    next_cursor = KBCursor(version=reached, floor=cursor.floor).encode()
    return KBChangesPage(items=items, next_cursor=next_cursor, has_more=has_more,
                         current_version=current, server_time=now)


def add_tombstone(db: peewee.Database, entry_id: str, version: int, *, now: datetime) -> None:
    KBTombstone.insert(id=entry_id, feed_version=version, deleted_at=now).execute(db)


def drop_tombstone(db: peewee.Database, entry_id: str) -> None:
    """An id that is created again no longer needs its tombstone (the new row supersedes)."""
    KBTombstone.delete().where(KBTombstone.id == entry_id).execute(db)


def prune(db: peewee.Database, *, now: datetime, retention: timedelta) -> int:
    """Delete tombstones older than ``retention``; raise the pruned watermark. Returns count."""
    cutoff = now - retention
    newest = (KBTombstone.select(peewee.fn.MAX(KBTombstone.feed_version))
              .where(KBTombstone.deleted_at < cutoff).scalar(db))
    if newest is None:
        return 0
    counters.raise_to(db, counters.KB_PRUNED_VERSION, int(newest))
    return int(KBTombstone.delete().where(KBTombstone.feed_version <= newest).execute(db))
