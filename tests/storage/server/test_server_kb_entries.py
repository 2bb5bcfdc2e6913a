"""Knowledge-base entry management (第二十九–三十条: 谁提供、谁维护、谁更新; 多方校核),
on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.protocol import (
    ConflictError,
    ErrorCode,
    ForbiddenError,
    KBAction,
    KBEntryCreate,
    KBEntryEdit,
    KBTransitionRequest,
    NotFoundError,
    RefusedError,
)
from hotline_desk.core.vocabulary import Area, ReviewState, Role
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import audit, kb_entries, kb_feed
from hotline_desk.storage.server.audit import Actor

GJJ = "合肥市住房公积金管理中心"
RSJ = "合肥市人力资源和社会保障局"


def _draft(entry_id="KB-GJJ-0001", **extra):
    fields = {"title": "合肥市住房公积金租房提取", "answer": "无房职工租房自住可以提取。",
              "keywords": ["公积金", "租房"], "category": Area.PUBLIC_SERVICE,
              "region": {"city": "合肥市"}, **extra}
    return KBEntryCreate(id=entry_id, **fields)


def _create(db, clock, actor, entry_id="KB-GJJ-0001", **extra):
    with write_transaction(db):
        return kb_entries.create(db, _draft(entry_id, **extra), actor=actor, now=clock())


def _step(db, clock, actor, entry_id, action, version):
    with write_transaction(db):
        return kb_entries.transition(db, entry_id, KBTransitionRequest(
            action=action, expected_version=version), actor=actor, now=clock())


def _publish(db, clock, editor: Actor, reviewer: Actor, entry_id="KB-GJJ-0001"):
    record = _create(db, clock, editor, entry_id)
    record = _step(db, clock, reviewer, entry_id, KBAction.REVIEW, record.version)
    return _step(db, clock, reviewer, entry_id, KBAction.PUBLISH, record.version)


def test_the_full_review_workflow_bumps_versions(db, clock, make_actor):
    """第三十条: draft → reviewed → published → retired → draft, version +1 each time."""
    admin = make_actor("boss", Role.ADMIN)
    handler = make_actor("gjj1", Role.UNIT_HANDLER, GJJ)
    created = _create(db, clock, handler)
    assert (created.review_state, created.version, created.owner_unit) == (
        ReviewState.DRAFT, 1, GJJ)
    seen = [created.feed_version]
    state_versions = []
    for action in (KBAction.REVIEW, KBAction.PUBLISH, KBAction.RETIRE, KBAction.REOPEN):
        record = _step(db, clock, admin, "KB-GJJ-0001", action, created.version)
        created = record
        seen.append(record.feed_version)
        state_versions.append((record.review_state, record.version))
    assert state_versions == [(ReviewState.REVIEWED, 2), (ReviewState.PUBLISHED, 3),
                              (ReviewState.RETIRED, 4), (ReviewState.DRAFT, 5)]
    assert seen == sorted(seen) and len(set(seen)) == 5
    with read_transaction(db):
        assert kb_feed.current_version(db) == seen[-1]
        actions = [r.action for r in audit.page(db, object_type="kb_entry").items]
    assert actions == ["kb.create", "kb.review", "kb.publish", "kb.retire", "kb.reopen"]


def test_the_last_editor_cannot_review(db, clock, make_actor):
    """多方校核 (第三十条): the reviewer must be another person than the last editor."""
    handler = make_actor("gjj1", Role.UNIT_HANDLER, GJJ)
    colleague = make_actor("gjj2", Role.UNIT_HANDLER, GJJ)
    record = _create(db, clock, handler)
    with pytest.raises(RefusedError) as caught:
        _step(db, clock, handler, "KB-GJJ-0001", KBAction.REVIEW, record.version)
    assert caught.value.code is ErrorCode.FOUR_EYES
    assert _step(db, clock, colleague, "KB-GJJ-0001", KBAction.REVIEW,
                 record.version).review_state is ReviewState.REVIEWED


def test_only_drafts_are_edited_and_stale_versions_refused(db, clock, make_actor):
    admin = make_actor("boss", Role.ADMIN)
    other_admin = make_actor("boss2", Role.ADMIN)
    record = _create(db, clock, admin)
    edit = KBEntryEdit(title="合肥公积金租房提取（修订）", answer="新的答复口径。",
                       expected_version=record.version, owner_unit=GJJ)
    with write_transaction(db):
        edited = kb_entries.edit(db, "KB-GJJ-0001", edit, actor=admin, now=clock())
    assert (edited.title, edited.version, edited.owner_unit) == (
        "合肥公积金租房提取（修订）", 2, GJJ)
    with pytest.raises(ConflictError) as stale, write_transaction(db):
        kb_entries.edit(db, "KB-GJJ-0001", edit, actor=admin, now=clock())
    assert stale.value.code is ErrorCode.VERSION_CONFLICT and stale.value.current_version == 2
    reviewed = _step(db, clock, other_admin, "KB-GJJ-0001", KBAction.REVIEW, 2)
    again = edit.model_copy(update={"expected_version": reviewed.version})
    with pytest.raises(RefusedError) as caught, write_transaction(db):
        kb_entries.edit(db, "KB-GJJ-0001", again, actor=admin, now=clock())
    assert caught.value.code is ErrorCode.INVALID_TRANSITION


def test_unit_handlers_work_only_on_their_own_units_entries(db, clock, make_actor):
    """谁提供、谁维护、谁更新 (第三十条)."""
    gjj = make_actor("gjj1", Role.UNIT_HANDLER, GJJ)
    rsj = make_actor("rsj1", Role.UNIT_HANDLER, RSJ)
    record = _create(db, clock, gjj, owner_unit="")
    assert record.owner_unit == GJJ
    with pytest.raises(ForbiddenError), write_transaction(db):
        kb_entries.create(db, _draft("KB-X-1", owner_unit=GJJ), actor=rsj, now=clock())
    for call in (
        lambda: kb_entries.get(db, "KB-GJJ-0001", actor=rsj),
        lambda: kb_entries.transition(db, "KB-GJJ-0001", KBTransitionRequest(
            action=KBAction.REVIEW, expected_version=1), actor=rsj, now=clock()),
        lambda: kb_entries.edit(db, "KB-GJJ-0001", KBEntryEdit(
            title="x", answer="y", expected_version=1), actor=rsj, now=clock()),
    ):
        with pytest.raises(ForbiddenError), write_transaction(db):
            call()
    with read_transaction(db):
        assert kb_entries.list_entries(db, actor=rsj).items == []
        assert [e.id for e in kb_entries.list_entries(db, actor=gjj).items] == ["KB-GJJ-0001"]
        with pytest.raises(ForbiddenError):
            kb_entries.list_entries(db, actor=rsj, owner_unit=GJJ)


def test_duplicate_ids_and_unknown_entries(db, clock, make_actor):
    admin = make_actor("boss", Role.ADMIN)
    _create(db, clock, admin)
    with pytest.raises(ConflictError) as caught:
        _create(db, clock, admin)
    assert caught.value.code is ErrorCode.ENTRY_EXISTS
    with pytest.raises(NotFoundError), read_transaction(db):
        kb_entries.get(db, "KB-NONE", actor=admin)
    with pytest.raises(NotFoundError), write_transaction(db):
        kb_entries.delete(db, "KB-NONE", 1, actor=admin, now=clock())


def test_a_refused_change_spends_no_kb_version(db, clock, make_actor):
    admin = make_actor("boss", Role.ADMIN)
    record = _create(db, clock, admin)
    with read_transaction(db):
        before = kb_feed.current_version(db)
    with pytest.raises(RefusedError):
        _step(db, clock, admin, record.id, KBAction.PUBLISH, record.version)
    with read_transaction(db):
        assert kb_feed.current_version(db) == before


def test_delete_leaves_a_tombstone_and_recreation_replaces_it(db, clock, make_actor):
    admin = make_actor("boss", Role.ADMIN)
    record = _create(db, clock, admin)
    with write_transaction(db):
        deleted_at = kb_entries.delete(db, record.id, record.version, actor=admin, now=clock())
    with read_transaction(db):
        page = kb_feed.changes(db, "0", 10, today=date(2026, 6, 1), now=clock())
    assert [(c.version, c.op.value, c.id) for c in page.items] == [
        (deleted_at, "remove", record.id)]
    again = _create(db, clock, admin)
    with read_transaction(db):
        page = kb_feed.changes(db, "0", 10, today=date(2026, 6, 1), now=clock())
    assert [(c.version, c.id) for c in page.items] == [(again.feed_version, record.id)]


def _file_entry(entry_id: str, answer: str = "答复口径。", state=ReviewState.PUBLISHED,
                version: int = 1) -> KBEntry:
    return KBEntry(id=entry_id, title=f"标题{entry_id}", answer=answer, keywords=("关键词",),
                   category=Area.SOCIAL, owner_unit=RSJ, region=Region(city="合肥市"),
                   valid_from=date(2025, 1, 1), review_state=state, version=version)


def test_import_creates_updates_and_skips_unchanged(db, clock):
    tool = Actor.system("cli:kb-import")
    entries = [_file_entry(f"KB-I-{n}", version=2) for n in range(5)]
    with write_transaction(db):
        first = kb_entries.import_entries(db, entries, actor=tool, now=clock())
    assert (first.created, first.updated, first.unchanged, first.kb_version) == (5, 0, 0, 5)
    with write_transaction(db):
        again = kb_entries.import_entries(db, entries, actor=tool, now=clock())
    assert (again.created, again.updated, again.unchanged, again.kb_version) == (0, 0, 5, 5)
    changed = [*entries[:4], _file_entry("KB-I-4", answer="改过的答复口径。"),
               _file_entry("KB-I-5")]
    with write_transaction(db):
        third = kb_entries.import_entries(db, changed, actor=tool, now=clock())
    assert (third.created, third.updated, third.unchanged, third.kb_version) == (1, 1, 4, 7)
    with read_transaction(db):
        exported = {e.id: e for e in kb_entries.export_entries(db)}
    assert exported["KB-I-4"].answer == "改过的答复口径。" and exported["KB-I-4"].version == 3
    assert sorted(exported) == [f"KB-I-{n}" for n in range(6)]


def test_an_import_is_all_or_nothing(db, clock):
    tool = Actor.system("cli:kb-import")
    with pytest.raises(ConflictError), write_transaction(db):
        kb_entries.import_entries(db, [_file_entry("KB-A"), _file_entry("KB-A")], actor=tool,
                                  now=clock())
    with read_transaction(db):
        assert kb_entries.export_entries(db) == [] and kb_feed.current_version(db) == 0


def test_export_gives_back_what_was_imported(db, clock):
    tool = Actor.system("cli:kb-import")
    entries = [_file_entry("KB-E-1"), _file_entry("KB-E-2", state=ReviewState.DRAFT)]
    with write_transaction(db):
        kb_entries.import_entries(db, entries, actor=tool, now=clock())
    with read_transaction(db):
        exported = kb_entries.export_entries(db)
    assert [e.id for e in exported] == ["KB-E-1", "KB-E-2"]
    for original, back in zip(entries, exported, strict=True):
        assert back.updated_at == clock()
        assert replace(back, updated_at=None) == original
