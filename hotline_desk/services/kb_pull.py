"""Pulling the knowledge base: changes since the desk's cursor (第三十一条 同步更新).

Each page of ``GET /kb/changes`` is applied to the cache *together with* the new
cursor, in one cache transaction: a crash between pages loses nothing and applies
nothing twice. The search index is then updated entry by entry (no rebuild).

The cursor is opaque to the desk (the server's ``KBCursor`` text); it is kept exactly as
received. A full resync — the server answers ``kb_reset_required`` (the cursor is older than
its kept deletion history), or the desk has no cursor (first start, a seeded or a
repaired cache) — reads the whole feed from 0 and replaces the cached knowledge base
and the cursor in one transaction, then swaps in a freshly built index.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.protocol import KBChangeOp, KBChangesPage, KBCursor, ResetRequiredError
from hotline_desk.services.api_client import ApiClient
from hotline_desk.services.knowledge import KnowledgeService
from hotline_desk.storage.cache import LocalCache

log = logging.getLogger(__name__)

KB_CURSOR = "kb"
#: The cursor that asks for everything (the server's cursors are otherwise opaque).
FULL_SYNC = "0"
PAGE_SIZE = 500
#: A feed that keeps saying "more" without moving its cursor is broken: stop after this.
MAX_PAGES = 10_000


@dataclass(frozen=True, slots=True)
class KBPullReport:
    upserted: int = 0
    removed: int = 0
    full_resync: bool = False
    cursor: str = "0"


def split_page(page: KBChangesPage) -> tuple[list[KBEntry], list[str]]:
    upserts: list[KBEntry] = []
    removed: list[str] = []
    for change in page.items:
        if change.op is KBChangeOp.UPSERT:
            if change.entry is None:
                raise DataFormatError(f"upsert of {change.id} without an entry",
                                      "服务器发送的知识库数据不完整")
            upserts.append(change.entry.to_entry())
        else:
            removed.append(change.id)
    return upserts, removed


def _apply_page(cache: LocalCache, upserts: Sequence[KBEntry], removed: Sequence[str],
                cursor: str) -> None:
    """One page and its cursor, in one transaction (runs on the cache worker)."""
    with cache.db.atomic():
        cache.kb.upsert(upserts)
        cache.kb.remove(removed)
        cache.refdata.set_cursor(KB_CURSOR, cursor)


def _replace_all(cache: LocalCache, entries: Sequence[KBEntry], cursor: str) -> None:
    """The whole knowledge base and its cursor, in one transaction (cache worker)."""
    with cache.db.atomic():
        cache.kb.replace_all(entries)
        cache.refdata.set_cursor(KB_CURSOR, cursor)


def _cursor(cache: LocalCache) -> str | None:
    """The stored cursor (opaque, as the server gave it), None when there is none."""
    value = cache.refdata.get_cursor(KB_CURSOR)
    if value is None or KBCursor.decode(value) is None:
        if value is not None:
            log.warning("knowledge-base cursor %r unreadable; resyncing", value)
        return None
    return value


class KBPuller:
    def __init__(self, api: ApiClient, cache: LocalCache, knowledge: KnowledgeService, *,
                 page_size: int = PAGE_SIZE) -> None:
        self._api = api
        self._cache = cache
        self._knowledge = knowledge
        self._page_size = page_size

    async def pull(self) -> KBPullReport:
        """Apply every change since the cursor (or resync from 0 when needed)."""
        cursor = await self._cache.run(_cursor, self._cache)
        if cursor is None:
            return await self.full_resync()
        upserted = removed = 0
        for _ in range(MAX_PAGES):
            try:
                page = await self._api.kb_changes(cursor, self._page_size)
            except ResetRequiredError:
                log.info("knowledge-base cursor %s too old: full resync", cursor)
                return await self.full_resync()
            upserts, gone = split_page(page)
            stuck = page.next_cursor == cursor
            if page.items or not stuck:
                await self._cache.run(_apply_page, self._cache, upserts, gone, page.next_cursor)
                await self._knowledge.apply_changes(upserts, gone)
            upserted += len(upserts)
            removed += len(gone)
            cursor = page.next_cursor
            if not page.has_more or stuck:
                break
        return KBPullReport(upserted=upserted, removed=removed, cursor=cursor)

    async def full_resync(self) -> KBPullReport:
        entries: dict[str, KBEntry] = {}
        cursor = FULL_SYNC
        for _ in range(MAX_PAGES):
            page = await self._api.kb_changes(cursor, self._page_size)
            upserts, gone = split_page(page)
            for entry in upserts:
                entries[entry.id] = entry
            for entry_id in gone:
                entries.pop(entry_id, None)
            stuck = page.next_cursor == cursor
            cursor = page.next_cursor
            if not page.has_more or stuck:
                break
        listed = list(entries.values())
        await self._cache.run(_replace_all, self._cache, listed, cursor)
        await self._knowledge.replace_all(listed)
        log.info("knowledge base resynced: %d entries, cursor %s", len(listed), cursor)
        return KBPullReport(upserted=len(listed), full_resync=True, cursor=cursor)
