"""The published knowledge base, as synced to this desk (第二十九–三十一条).

Entries are stored as columns plus JSON for the lists and the region, so the desk
can answer from the knowledge base with the network down (第十二条(一)). The saved
search index itself is written by ``storage/kb_index_files.py``; this module only
records where it is and which entries it was built from (path + fingerprint).

An entry is replaced only by the same or a newer version, so pages of the change
feed arriving out of order never roll an answer wording back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.vocabulary import Area, ReviewState
from hotline_desk.storage.cache.db import CacheDatabase, as_aware

DEFAULT_INDEX = "default"


@dataclass(frozen=True, slots=True)
class IndexMeta:
    """Where the saved search index lives and what it was built from."""

    path: str
    fingerprint: str
    entry_count: int
    built_at: datetime


def _columns(entry: KBEntry) -> dict[str, Any]:
    return {
        "id": entry.id, "title": entry.title, "answer": entry.answer,
        "questions": list(entry.questions), "keywords": list(entry.keywords),
        "policy_basis": entry.policy_basis,
        "category": entry.category.value if entry.category is not None else None,
        "owner_unit": entry.owner_unit,
        "region": {"province": entry.region.province, "city": entry.region.city,
                   "district": entry.region.district},
        "valid_from": entry.valid_from, "valid_to": entry.valid_to,
        "review_state": entry.review_state.value, "version": entry.version,
        "updated_at": as_aware(entry.updated_at) if entry.updated_at is not None else None,
    }


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _entry(row: Any) -> KBEntry:
    region = row.region or {}
    return KBEntry(
        id=row.id, title=row.title, answer=row.answer,
        questions=tuple(row.questions or ()), keywords=tuple(row.keywords or ()),
        policy_basis=row.policy_basis,
        category=Area(row.category) if row.category else None,
        owner_unit=row.owner_unit,
        region=Region(province=region.get("province", ""), city=region.get("city", ""),
                      district=region.get("district", "")),
        valid_from=_as_date(row.valid_from), valid_to=_as_date(row.valid_to),
        review_state=ReviewState(row.review_state), version=row.version,
        updated_at=row.updated_at,
    )


class KBCache:
    """Every method runs on the cache worker."""

    def __init__(self, db: CacheDatabase) -> None:
        self._db = db
        self._m = db.models

    def upsert(self, entries: Iterable[KBEntry]) -> int:
        """Store entries (same or newer version wins). Returns how many were written."""
        self._db.check_thread()
        k = self._m.KBEntryRow
        written = 0
        with self._db.atomic():
            for entry in entries:
                if not isinstance(entry, KBEntry):
                    raise DataFormatError(f"not a KBEntry: {entry!r}", "知识库条目格式不正确")
                stored = k.select(k.version).where(k.id == entry.id).scalar()
                if stored is not None and stored > entry.version:
                    continue
                k.replace(**_columns(entry)).execute()
                written += 1
        return written

    def replace_all(self, entries: Iterable[KBEntry]) -> int:
        """A full resync: the given entries become the whole cached knowledge base."""
        self._db.check_thread()
        k = self._m.KBEntryRow
        with self._db.atomic():
            k.delete().execute()
            rows = [_columns(e) for e in entries]
            for start in range(0, len(rows), 200):
                k.insert_many(rows[start:start + 200]).execute()
        return len(rows)

    def remove(self, entry_ids: Iterable[str]) -> int:
        self._db.check_thread()
        ids = list(entry_ids)
        k = self._m.KBEntryRow
        with self._db.atomic():
            return int(k.delete().where(k.id.in_(ids)).execute()) if ids else 0

    def get(self, entry_id: str) -> KBEntry | None:
        self._db.check_thread()
        row = self._m.KBEntryRow.get_or_none(self._m.KBEntryRow.id == entry_id)
        return None if row is None else _entry(row)

    def entries(self, searchable_on: date | None = None) -> list[KBEntry]:
        """Every cached entry, or only those searchable on a day (published and valid)."""
        self._db.check_thread()
        k = self._m.KBEntryRow
        found = [_entry(row) for row in k.select().order_by(k.id)]
        if searchable_on is not None:
            found = [e for e in found if e.is_searchable(searchable_on)]
        return found

    def count(self) -> int:
        self._db.check_thread()
        return int(self._m.KBEntryRow.select().count())

    def set_index_meta(self, meta: IndexMeta, name: str = DEFAULT_INDEX) -> None:
        self._db.check_thread()
        i = self._m.KBIndexMeta
        with self._db.atomic():
            i.replace(name=name, path=meta.path, fingerprint=meta.fingerprint,
                      entry_count=meta.entry_count, built_at=as_aware(meta.built_at)).execute()

    def index_meta(self, name: str = DEFAULT_INDEX) -> IndexMeta | None:
        self._db.check_thread()
        row = self._m.KBIndexMeta.get_or_none(self._m.KBIndexMeta.name == name)
        if row is None:
            return None
        return IndexMeta(path=row.path, fingerprint=row.fingerprint,
                         entry_count=row.entry_count, built_at=row.built_at)

    def clear_index_meta(self, name: str = DEFAULT_INDEX) -> None:
        self._db.check_thread()
        with self._db.atomic():
            self._m.KBIndexMeta.delete().where(self._m.KBIndexMeta.name == name).execute()
