"""Knowledge-base entries: create, edit, review, publish, retire, delete, import, export.

第三十条: whoever provides an entry maintains it (谁提供、谁维护、谁更新): a unit
handler works only on entries of its own unit; admins on all. The review workflow
(``core.protocol.KB_TRANSITIONS``) is draft → reviewed → published → retired,
with 多方校核: the person who reviews an entry must not be its last editor.

Every change increments the entry's own ``version``, takes the next server-wide KB
version (:func:`kb_feed.next_versions`) in the same transaction, prunes expired
tombstones, and is audited. Writers take the KB counter first, so KB writers are
serialised and see each other's committed rows. Edits and transitions carry the
version the editor saw (``expected_version``): a stale one is refused
(``version_conflict``) instead of silently overwriting another person's work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee

from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.protocol import (
    KB_EDITABLE_STATES,
    ConflictError,
    ErrorCode,
    ForbiddenError,
    KBAction,
    KBEntryContent,
    KBEntryCreate,
    KBEntryData,
    KBEntryEdit,
    KBEntryList,
    KBEntryRecord,
    KBTransitionRequest,
    NotFoundError,
    RefusedError,
    next_review_state,
)
from hotline_desk.core.vocabulary import ReviewState, Role
from hotline_desk.storage.server import audit, kb_feed
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.models import KBEntryRow

DEFAULT_TOMBSTONE_RETENTION = timedelta(days=90)


def to_record(row: KBEntryRow) -> KBEntryRecord:
    data = kb_feed.row_to_data(row)
    return KBEntryRecord(**data.model_dump(), updated_by=row.updated_by,
                         feed_version=row.feed_version)


def _content_columns(content: KBEntryContent | KBEntryData, owner_unit: str) -> dict[str, object]:
    return {
        "title": content.title, "answer": content.answer,
        "questions": list(content.questions), "keywords": list(content.keywords),
        "policy_basis": content.policy_basis,
        "category": content.category.value if content.category else None,
        "owner_unit": owner_unit,
        "province": content.region.province, "city": content.region.city,
        "district": content.region.district,
        "valid_from": content.valid_from, "valid_to": content.valid_to,
    }


def _may_manage(actor: Actor, owner_unit: str) -> bool:
    if actor.role is Role.ADMIN:
        return True
    return actor.role is Role.UNIT_HANDLER and bool(actor.unit) and owner_unit == actor.unit


def _require_manage(actor: Actor, owner_unit: str, entry_id: str) -> None:
    if not _may_manage(actor, owner_unit):
        raise ForbiddenError(
            f"{actor.username} may not manage entry {entry_id} of unit {owner_unit!r}",
            "只能维护本单位提供的知识库条目（谁提供、谁维护、谁更新）")


def _owner_for(actor: Actor, requested: str) -> str:
    """The owning unit of a new/edited entry: a unit handler's own unit, always."""
    if actor.role is Role.UNIT_HANDLER:
        if requested and requested != actor.unit:
            raise ForbiddenError(f"unit handler of {actor.unit!r} cannot assign {requested!r}",
                                 "承办单位只能提交本单位的知识库条目")
        return actor.unit or ""
    return requested


def _get_row(db: peewee.Database, entry_id: str) -> KBEntryRow:
    row = KBEntryRow.select().where(KBEntryRow.id == entry_id).get_or_none(db)
    if row is None:
        raise NotFoundError(f"knowledge-base entry {entry_id!r} not found")
    return row


def _check_version(row: KBEntryRow, expected: int) -> None:
    if row.version != expected:
        raise ConflictError(
            f"entry {row.id} is at version {row.version}, not {expected}",
            current_version=row.version)


def _after_write(db: peewee.Database, *, now: datetime, retention: timedelta) -> None:
    kb_feed.prune(db, now=now, retention=retention)


def create(db: peewee.Database, data: KBEntryCreate, *, actor: Actor, now: datetime,
           retention: timedelta = DEFAULT_TOMBSTONE_RETENTION) -> KBEntryRecord:
    owner = _owner_for(actor, data.owner_unit)
    (version,) = kb_feed.next_versions(db)
    if KBEntryRow.select().where(KBEntryRow.id == data.id).exists(db):
        raise ConflictError(f"entry {data.id!r} exists", code=ErrorCode.ENTRY_EXISTS)
    kb_feed.drop_tombstone(db, data.id)
    KBEntryRow.insert(
        id=data.id, **_content_columns(data, owner), review_state=ReviewState.DRAFT.value,
        version=1, updated_at=now, updated_by=actor.username, edited_by=actor.username,
        feed_version=version,
    ).execute(db)
    audit.record(db, actor, "kb.create", "kb_entry", data.id,
                 {"owner_unit": owner, "kb_version": version}, now=now)
    _after_write(db, now=now, retention=retention)
    return to_record(_get_row(db, data.id))


def edit(db: peewee.Database, entry_id: str, data: KBEntryEdit, *, actor: Actor,
         now: datetime, retention: timedelta = DEFAULT_TOMBSTONE_RETENTION) -> KBEntryRecord:
    (version,) = kb_feed.next_versions(db)
    row = _get_row(db, entry_id)
    _require_manage(actor, row.owner_unit, entry_id)
    _check_version(row, data.expected_version)
    if ReviewState(row.review_state) not in KB_EDITABLE_STATES:
        raise RefusedError(
            f"entry {entry_id} is {row.review_state}; only drafts are edited",
            "只有草稿状态的条目可以修改；已发布的条目请先下线、重新编辑后再审核发布",
            code=ErrorCode.INVALID_TRANSITION)
    owner = _owner_for(actor, data.owner_unit) if actor.role is Role.UNIT_HANDLER else (
        data.owner_unit)
    KBEntryRow.update(
        **_content_columns(data, owner), version=row.version + 1, updated_at=now,
        updated_by=actor.username, edited_by=actor.username, feed_version=version,
    ).where(KBEntryRow.id == entry_id).execute(db)
    audit.record(db, actor, "kb.edit", "kb_entry", entry_id,
                 {"version": row.version + 1, "kb_version": version}, now=now)
    _after_write(db, now=now, retention=retention)
    return to_record(_get_row(db, entry_id))


def transition(db: peewee.Database, entry_id: str, request: KBTransitionRequest, *,
               actor: Actor, now: datetime,
               retention: timedelta = DEFAULT_TOMBSTONE_RETENTION) -> KBEntryRecord:
    (version,) = kb_feed.next_versions(db)
    row = _get_row(db, entry_id)
    _require_manage(actor, row.owner_unit, entry_id)
    _check_version(row, request.expected_version)
    state = ReviewState(row.review_state)
    new_state = next_review_state(state, request.action)
    if request.action is KBAction.REVIEW and row.edited_by == actor.username:
        raise RefusedError(
            f"{actor.username} edited entry {entry_id} last and cannot review it",
            "多方校核：审核人不能是条目的最后编辑人（第三十条）", code=ErrorCode.FOUR_EYES)
    KBEntryRow.update(
        review_state=new_state.value, version=row.version + 1, updated_at=now,
        updated_by=actor.username, feed_version=version,
    ).where(KBEntryRow.id == entry_id).execute(db)
    audit.record(db, actor, f"kb.{request.action.value}", "kb_entry", entry_id,
                 {"from": state.value, "to": new_state.value, "version": row.version + 1,
                  "kb_version": version}, now=now)
    _after_write(db, now=now, retention=retention)
    return to_record(_get_row(db, entry_id))


def delete(db: peewee.Database, entry_id: str, expected_version: int, *, actor: Actor,
           now: datetime, retention: timedelta = DEFAULT_TOMBSTONE_RETENTION) -> int:
    """Delete an entry, leaving a tombstone; returns the KB version of the deletion."""
    (version,) = kb_feed.next_versions(db)
    row = _get_row(db, entry_id)
    _require_manage(actor, row.owner_unit, entry_id)
    _check_version(row, expected_version)
    KBEntryRow.delete().where(KBEntryRow.id == entry_id).execute(db)
    kb_feed.add_tombstone(db, entry_id, version, now=now)
    audit.record(db, actor, "kb.delete", "kb_entry", entry_id,
                 {"version": row.version, "kb_version": version}, now=now)
    _after_write(db, now=now, retention=retention)
    return version


def get(db: peewee.Database, entry_id: str, *, actor: Actor) -> KBEntryRecord:
    row = _get_row(db, entry_id)
    _require_manage(actor, row.owner_unit, entry_id)
    return to_record(row)


def list_entries(
    db: peewee.Database, *, actor: Actor, review_state: ReviewState | None = None,
    owner_unit: str | None = None, after: str | None = None, limit: int = 100,
) -> KBEntryList:
    """Entries in id order, paged with ``after``; a unit handler sees only its unit's."""
    query = KBEntryRow.select()
    if actor.role is not Role.ADMIN:
        if owner_unit is not None and owner_unit != actor.unit:
            raise ForbiddenError("unit handlers list only their own unit's entries",
                                 "只能查看本单位的知识库条目")
        owner_unit = actor.unit or ""
    if owner_unit is not None:
        query = query.where(KBEntryRow.owner_unit == owner_unit)
    if review_state is not None:
        query = query.where(KBEntryRow.review_state == review_state.value)
    if after:
        query = query.where(KBEntryRow.id > after)
    rows = list(query.order_by(KBEntryRow.id).limit(limit + 1).execute(db))
    has_more = len(rows) > limit
    rows = rows[:limit]
    return KBEntryList(items=[to_record(row) for row in rows],
                       next_after=rows[-1].id if has_more else None, has_more=has_more)


# ---------------------------------------------------------------- files (CLI import/export)


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    kb_version: int


def _same(row: KBEntryRow, entry: KBEntry) -> bool:
    current = kb_feed.row_to_data(row)
    incoming = KBEntryData.from_entry(entry)
    ignore = {"version", "updated_at"}
    return current.model_dump(exclude=ignore) == incoming.model_dump(exclude=ignore)


def import_entries(db: peewee.Database, entries: list[KBEntry], *, actor: Actor,
                   now: datetime,
                   retention: timedelta = DEFAULT_TOMBSTONE_RETENTION) -> ImportResult:
    """Apply validated entries (an admin's file) inside the caller's transaction.

    New ids are created, changed entries updated (their version goes up by at least
    one), identical ones left alone; entries absent from the file are not touched.
    Review states are taken from the file: the file is an admin's, already reviewed.
    Each created or changed entry takes its own KB version.
    """
    ids = [entry.id for entry in entries]
    if len(set(ids)) != len(ids):
        raise ConflictError("duplicate ids in the import", code=ErrorCode.ENTRY_EXISTS)
    existing: dict[str, KBEntryRow] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for row in KBEntryRow.select().where(KBEntryRow.id.in_(chunk)).execute(db):
            existing[row.id] = row
    changed = [entry for entry in entries
               if entry.id not in existing or not _same(existing[entry.id], entry)]
    if not changed:
        return ImportResult(created=0, updated=0, unchanged=len(entries),
                            kb_version=kb_feed.current_version(db))
    versions = kb_feed.next_versions(db, len(changed))
    created = updated = 0
    for entry, version in zip(changed, versions, strict=True):
        data = KBEntryData.from_entry(entry)
        columns = _content_columns(data, data.owner_unit)
        row = existing.get(entry.id)
        if row is None:
            kb_feed.drop_tombstone(db, entry.id)
            KBEntryRow.insert(
                id=entry.id, **columns, review_state=entry.review_state.value,
                version=max(1, entry.version), updated_at=entry.updated_at or now,
                updated_by=actor.username, edited_by=actor.username, feed_version=version,
            ).execute(db)
            created += 1
        else:
            KBEntryRow.update(
                **columns, review_state=entry.review_state.value,
                version=max(row.version + 1, entry.version), updated_at=entry.updated_at or now,
                updated_by=actor.username, edited_by=actor.username, feed_version=version,
            ).where(KBEntryRow.id == entry.id).execute(db)
            updated += 1
    audit.record(db, actor, "kb.import", "kb_entry", None,
                 {"created": created, "updated": updated,
                  "unchanged": len(entries) - len(changed),
                  "kb_versions": [versions.start, versions.stop - 1]}, now=now)
    _after_write(db, now=now, retention=retention)
    return ImportResult(created=created, updated=updated,
                        unchanged=len(entries) - len(changed), kb_version=versions.stop - 1)


def export_entries(db: peewee.Database) -> list[KBEntry]:
    """Every entry (any review state), in id order, as core entries."""
    return [kb_feed.row_to_data(row).to_entry()
            for row in KBEntryRow.select().order_by(KBEntryRow.id).execute(db)]
