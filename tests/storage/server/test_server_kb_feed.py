"""The knowledge-base change feed desks sync from (第二十九–三十一条: 实时更新, 共建共享),
on SQLite and PostgreSQL: versions in commit order, paging, removals, tombstones, resets."""

from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline_desk.core.protocol import (
    ConflictError,
    KBAction,
    KBChangeOp,
    KBCursor,
    KBEntryCreate,
    KBEntryEdit,
    KBTransitionRequest,
    NotFoundError,
    RefusedError,
    ResetRequiredError,
)
from hotline_desk.core.vocabulary import ReviewState, Role
from hotline_desk.storage.db import (
    close_database,
    open_database,
    read_transaction,
    write_transaction,
)
from hotline_desk.storage.server import kb_entries, kb_feed
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.models import KBEntryRow

TODAY = date(2026, 6, 1)
RETENTION = timedelta(days=1)


class Desk:
    """What a desk does with the feed: a replica of published entries and a cursor."""

    def __init__(self) -> None:
        self.cursor = "0"
        self.entries: dict[str, str] = {}
        self.resets = 0

    def sync(self, db, clock, page_size: int = 3, today: date = TODAY) -> None:
        for _ in range(10_000):  # a sync that never ends is a failure, not a hang
            try:
                with read_transaction(db):
                    page = kb_feed.changes(db, self.cursor, page_size, today=today, now=clock())
            except ResetRequiredError:
                self.resets += 1
                self.cursor, self.entries = "0", {}
                continue
            versions = [change.version for change in page.items]
            assert versions == sorted(set(versions)), "changes out of order"
            seen = KBCursor.decode(self.cursor)
            assert seen is not None and all(v > seen.version for v in versions)
            for change in page.items:
                if change.op is KBChangeOp.UPSERT:
                    assert change.entry is not None
                    assert change.entry.review_state is ReviewState.PUBLISHED
                    self.entries[change.id] = change.entry.answer
                else:
                    assert change.entry is None
                    self.entries.pop(change.id, None)
            reached = KBCursor.decode(page.next_cursor)
            assert reached is not None and reached.version >= seen.version
            self.cursor = page.next_cursor
            if not page.has_more:
                assert reached.version == page.current_version
                return
        pytest.fail("the desk never caught up with the feed")


def published(db, today: date = TODAY) -> dict[str, str]:
    with read_transaction(db):
        rows = list(KBEntryRow.select().execute(db))
    return {row.id: row.answer for row in rows if row.review_state == "published"
            and (row.valid_to is None or row.valid_to >= today)}


def _create(db, clock, actor, entry_id, **extra):
    with write_transaction(db):
        return kb_entries.create(db, KBEntryCreate(id=entry_id, title="标题", answer="答复",
                                                   **extra),
                                 actor=actor, now=clock(), retention=RETENTION)


def _step(db, clock, actor, entry_id, action):
    with write_transaction(db):
        version = kb_entries.get(db, entry_id, actor=actor).version
        return kb_entries.transition(db, entry_id, KBTransitionRequest(
            action=action, expected_version=version), actor=actor, now=clock(),
            retention=RETENTION)


@pytest.fixture
def admins(make_actor):
    return make_actor("editor", Role.ADMIN), make_actor("checker", Role.ADMIN)


def test_every_change_takes_the_next_version_and_desks_see_only_published(db, clock, admins):
    editor, checker = admins
    _create(db, clock, editor, "KB-1")
    _create(db, clock, editor, "KB-2")
    _step(db, clock, checker, "KB-1", KBAction.REVIEW)
    _step(db, clock, checker, "KB-1", KBAction.PUBLISH)
    with read_transaction(db):
        page = kb_feed.changes(db, "0", 100, today=TODAY, now=clock())
    assert [(c.version, c.op, c.id) for c in page.items] == [
        (2, KBChangeOp.REMOVE, "KB-2"),  # a draft is not read to callers
        (4, KBChangeOp.UPSERT, "KB-1"),  # each id once, at its latest change
    ]
    assert (page.current_version, page.next_cursor, page.has_more) == (4, "4", False)
    with read_transaction(db):
        tail = kb_feed.changes(db, "4", 100, today=TODAY, now=clock())
    assert tail.items == [] and tail.next_cursor == "4"


def test_paging_walks_every_change_once(db, clock, admins):
    editor, _ = admins
    for n in range(7):
        _create(db, clock, editor, f"KB-{n}")
    desk_versions = []
    cursor = "0"
    while True:
        with read_transaction(db):
            page = kb_feed.changes(db, cursor, 3, today=TODAY, now=clock())
        desk_versions += [c.version for c in page.items]
        cursor = page.next_cursor
        if not page.has_more:
            break
    assert desk_versions == list(range(1, 8))


def test_expired_entries_reach_desks_as_removals(db, clock, admins):
    """An entry whose validity ended (valid_to before today) is not read to callers."""
    editor, checker = admins
    _create(db, clock, editor, "KB-OLD", valid_from=date(2024, 1, 1), valid_to=date(2026, 5, 31))
    _create(db, clock, editor, "KB-SOON", valid_from=date(2026, 7, 1))
    for entry in ("KB-OLD", "KB-SOON"):
        _step(db, clock, checker, entry, KBAction.REVIEW)
        _step(db, clock, checker, entry, KBAction.PUBLISH)
    with read_transaction(db):
        page = kb_feed.changes(db, "0", 100, today=TODAY, now=clock())
    ops = {c.id: c.op for c in page.items}
    assert ops == {"KB-OLD": KBChangeOp.REMOVE, "KB-SOON": KBChangeOp.UPSERT}


def test_old_cursors_must_reset_after_tombstones_are_pruned(db, clock, admins):
    editor, _ = admins
    desk = Desk()
    _create(db, clock, editor, "KB-A")
    _create(db, clock, editor, "KB-B")
    desk.sync(db, clock)
    stale_cursor = desk.cursor
    with write_transaction(db):
        kb_entries.delete(db, "KB-A", 1, actor=editor, now=clock(), retention=RETENTION)
    clock.advance(RETENTION.total_seconds() + 1)
    _create(db, clock, editor, "KB-C")  # a KB write prunes the expired tombstone
    with pytest.raises(ResetRequiredError) as caught, read_transaction(db):
        kb_feed.changes(db, stale_cursor, 10, today=TODAY, now=clock())
    assert caught.value.current_version == 4
    with read_transaction(db):  # cursor 0 always works
        assert {c.id for c in kb_feed.changes(db, "0", 10, today=TODAY, now=clock()).items} == {
            "KB-B", "KB-C"}


def test_a_full_sync_survives_pruning_however_many_pages_it_takes(db, clock, admins):
    """Regression: paging from "0" must not be sent back to "0" when its page cursors
    pass below the pruned watermark (the desk started empty, after those deletions)."""
    editor, _ = admins
    for n in range(6):
        _create(db, clock, editor, f"KB-{n}")
    with write_transaction(db):
        kb_entries.delete(db, "KB-5", 1, actor=editor, now=clock(), retention=RETENTION)
    clock.advance(RETENTION.total_seconds() + 1)
    _create(db, clock, editor, "KB-6")  # prunes KB-5's tombstone (version 7)
    desk = Desk()
    desk.sync(db, clock, page_size=1)
    assert desk.resets == 0
    assert KBCursor.decode(desk.cursor) == KBCursor(version=8, floor=0)
    stale = Desk()
    stale.cursor = "3"  # an old desk that may still hold KB-5
    stale.sync(db, clock, page_size=2)
    assert stale.resets == 1


def test_a_cursor_ahead_of_the_server_must_reset(db, clock):
    with pytest.raises(ResetRequiredError), read_transaction(db):
        kb_feed.changes(db, "5", 10, today=TODAY, now=clock())


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.integers(0, 5)),
        st.tuples(st.just("publish"), st.integers(0, 5)),
        st.tuples(st.just("retire"), st.integers(0, 5)),
        st.tuples(st.just("edit"), st.integers(0, 5)),
        st.tuples(st.just("delete"), st.integers(0, 5)),
        st.tuples(st.just("sync"), st.integers(1, 4)),
        st.tuples(st.just("wait"), st.integers(0, 2)),
    ),
    max_size=25,
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=OPS)
def test_a_syncing_desk_always_ends_with_the_published_set(db, clock, admins, ops):
    """Property: whatever the changes and whenever the desk syncs (any page size, with
    pruning and resets in between), after a final sync the desk holds exactly the
    published entries with their current answers."""
    editor, checker = admins
    prefix = uuid.uuid4().hex[:6]
    desk = Desk()
    for op, arg in ops:
        entry_id = f"KB-{prefix}-{arg}"
        try:
            if op == "create":
                _create(db, clock, editor, entry_id)
            elif op == "publish":
                _step(db, clock, checker, entry_id, KBAction.REVIEW)
                _step(db, clock, checker, entry_id, KBAction.PUBLISH)
            elif op == "retire":
                _step(db, clock, checker, entry_id, KBAction.RETIRE)
                _step(db, clock, checker, entry_id, KBAction.REOPEN)
            elif op == "edit":
                with write_transaction(db):
                    current = kb_entries.get(db, entry_id, actor=editor)
                    kb_entries.edit(db, entry_id, KBEntryEdit(
                        title="标题", answer=f"答复{current.version}",
                        expected_version=current.version), actor=editor, now=clock(),
                        retention=RETENTION)
            elif op == "delete":
                with write_transaction(db):
                    current = kb_entries.get(db, entry_id, actor=editor)
                    kb_entries.delete(db, entry_id, current.version, actor=editor,
                                      now=clock(), retention=RETENTION)
            elif op == "sync":
                desk.sync(db, clock, page_size=arg)
            else:
                clock.advance(arg * RETENTION.total_seconds())
        except (RefusedError, NotFoundError, ConflictError):
            pass
    desk.sync(db, clock, page_size=2)
    assert desk.entries == published(db)


def test_concurrent_writers_never_make_a_reader_skip_a_change(server_database_url, clock):
    """Versions come from a counter row updated inside each transaction, so they are
    committed in order: a desk polling while four "processes" write misses nothing."""
    setup = open_database(server_database_url)
    from datetime import UTC, datetime

    from hotline_desk.storage.server.models import Account
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with write_transaction(setup):
        ids = [Account.insert(username=f"w{n}", display_name="w", role="admin",
                              password_hash="x", created_at=now, updated_at=now).execute(setup)
               for n in range(8)]
    close_database(setup)
    writers_done = threading.Event()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        db = open_database(server_database_url)
        editor = Actor(account_id=int(ids[n]), username=f"w{n}", role=Role.ADMIN)
        checker = Actor(account_id=int(ids[n + 4]), username=f"w{n + 4}", role=Role.ADMIN)
        try:
            for k in range(8):
                entry_id = f"KB-W{n}-{k}"
                _create(db, clock, editor, entry_id)
                _step(db, clock, checker, entry_id, KBAction.REVIEW)
                _step(db, clock, checker, entry_id, KBAction.PUBLISH)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_database(db)

    desk = Desk()
    reader_db = open_database(server_database_url)
    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        desk.sync(reader_db, clock, page_size=5)
    for thread in threads:
        thread.join()
    writers_done.set()
    assert errors == []
    desk.sync(reader_db, clock, page_size=5)
    expected = published(reader_db)
    close_database(reader_db)
    assert len(expected) == 32
    assert desk.entries == expected
