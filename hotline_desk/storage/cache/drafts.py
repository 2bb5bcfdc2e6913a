"""Ticket-form drafts: what the operator has typed but not saved yet.

The form saves its draft (upsert by draft key) as the operator types, so a crash,
a power cut or quitting keeps the requester's contact details and request text
(第十一条 requires them on every ticket; the caller should not have to repeat them).
A successful ``save_local(..., draft_key=...)`` deletes the draft in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hotline_desk.core.errors import DataFormatError
from hotline_desk.storage.cache.db import CacheDatabase, as_aware, china_now
from hotline_desk.storage.cache.tickets import dumps_payload


@dataclass(frozen=True, slots=True)
class Draft:
    key: str
    payload: dict[str, Any]
    updated_at: datetime


class Drafts:
    """Every method runs on the cache worker."""

    def __init__(self, db: CacheDatabase) -> None:
        self._db = db
        self._m = db.models

    def save_draft(self, key: str, payload: Mapping[str, Any],
                   now: datetime | None = None) -> Draft:
        self._db.check_thread()
        if not key or not key.strip():
            raise DataFormatError("draft key is empty", "草稿标识不能为空")
        body = dumps_payload(payload)
        moment = as_aware(now or china_now())
        d = self._m.Draft
        with self._db.atomic():
            (d.insert(key=key, payload=body, updated_at=moment)
             .on_conflict(conflict_target=[d.key],
                          update={d.payload: body, d.updated_at: moment})
             .execute())
        return Draft(key=key, payload=body, updated_at=moment)

    def load_drafts(self) -> list[Draft]:
        """Newest first."""
        self._db.check_thread()
        d = self._m.Draft
        return [Draft(r.key, r.payload, r.updated_at)
                for r in d.select().order_by(d.updated_at.desc(), d.key)]

    def load_draft(self, key: str) -> Draft | None:
        self._db.check_thread()
        row = self._m.Draft.get_or_none(self._m.Draft.key == key)
        return None if row is None else Draft(row.key, row.payload, row.updated_at)

    def delete_draft(self, key: str) -> bool:
        self._db.check_thread()
        with self._db.atomic():
            return bool(self._m.Draft.delete().where(self._m.Draft.key == key).execute())
