"""The knowledge base on the desk: the in-memory search index the operator types into.

第十二条(一): consultations are answered at once from the knowledge base, so search
must work on every keystroke and with the network down. :meth:`KnowledgeService.search`
is synchronous and in memory (a few milliseconds: safe on the GUI thread).

Start-up (:meth:`KnowledgeService.ensure_ready`): the entries cached by the last sync
are loaded from the desk cache (on the cache worker) and indexed off the event loop
thread. When the cache is empty and the server cannot be reached (a new desk, no
network), the bundled seed knowledge base (``resources/kb/seed/*.jsonl``) is used and
written to the cache *without* a sync cursor, so the first successful pull replaces
it with the server's knowledge base as a whole (nothing seed-only survives).

The index itself is saved next to the cache (``storage.kb_index_files``: atomic
file, format header, fingerprint of the entries) and loaded at start-up instead of
rebuilt — building 100,000 entries takes seconds, loading far less. A saved index
built from other entries than the cache holds is stale and rebuilt (off the loop
thread).

After each pull the sync engine hands the changes in: :meth:`apply_changes` updates
the index entry by entry (no rebuild), yielding to the event loop every few
milliseconds so a large page never freezes the desk; :meth:`replace_all` swaps in a
new index built (and saved) off the loop thread; "index changed" listeners then
refresh the results shown. Index updates and searches both happen on the event loop
thread, so a search never sees half of one entry's update. Incremental changes make
the saved file stale; :meth:`close` (at quit) saves it again, off the loop thread,
after searching has stopped (serialising 100,000 entries takes most of a second).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

from hotline_desk import paths
from hotline_desk.core.errors import HotlineError
from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.kb.search import SearchHit, SearchIndex
from hotline_desk.services.api_client import ApiClient
from hotline_desk.services.clock import china_today
from hotline_desk.services.listeners import Listeners
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.kb_files import read_kb_file
from hotline_desk.storage.kb_index_files import INDEX_FILENAME, load_or_build, save_index

#: Longest stretch of index updates between two yields to the event loop (seconds).
UPDATE_SLICE_SECONDS = 0.008

log = logging.getLogger(__name__)


def seed_directory() -> Path:
    return paths.resource("kb", "seed")


def read_seed(directory: Path) -> list[KBEntry]:
    """Every entry of ``directory/*.jsonl`` (file-name order; later files win on an id)."""
    entries: dict[str, KBEntry] = {}
    for file in sorted(directory.glob("*.jsonl")) if directory.is_dir() else []:
        for entry in read_kb_file(file):
            entries[entry.id] = entry
    return list(entries.values())


async def _breathe(deadline: float) -> float:
    """Yield to the event loop (keystrokes, repaints) once a time slice is used up."""
    if time.perf_counter() < deadline:
        return deadline
    await asyncio.sleep(0)
    return time.perf_counter() + UPDATE_SLICE_SECONDS


class KnowledgeService:
    """The searchable knowledge base of this desk."""

    def __init__(self, cache: LocalCache, *, api: ApiClient | None = None,
                 seed_dir: Path | None = None, index_file: Path | None = None,
                 today: Callable[[], date] = china_today) -> None:
        self._cache = cache
        self._api = api
        self._seed_dir = seed_dir if seed_dir is not None else seed_directory()
        self.index_file = index_file if index_file is not None \
            else cache.path.parent / INDEX_FILENAME
        self._today = today
        self._index = SearchIndex.build([])
        self._listeners: Listeners[int] = Listeners()
        self.ready = False
        self.closing = False
        self.dirty = False  # the saved index lags behind incremental changes
        self.index_loaded = False  # the saved index was loaded (not rebuilt) at start-up
        self.source = "empty"  # "cache", "seed" or "empty"

    def add_listener(self, callback: Callable[[int], object]) -> Callable[[], None]:
        """``callback(entry_count)`` after the index changed (a pull, a resync)."""
        return self._listeners.add(callback)

    @property
    def index(self) -> SearchIndex:
        return self._index

    def __len__(self) -> int:
        return len(self._index)

    async def ensure_ready(self) -> None:
        """Load the cached entries and index them; seed when empty and offline."""
        if self.ready:
            return
        entries = await self._cache.run(self._cache.kb.entries)
        source = "cache"
        if not entries and await self._server_unreachable():
            entries = await asyncio.to_thread(read_seed, self._seed_dir)
            if entries:
                await self._cache.run(self._cache.kb.replace_all, entries)
                log.info("knowledge base seeded from %s (%d entries): server unreachable",
                         self._seed_dir, len(entries))
                source = "seed"
        if not entries:
            source = "empty"
        self._index, self.index_loaded = await asyncio.to_thread(
            load_or_build, self.index_file, entries)
        self.dirty = False
        self.source = source
        self.ready = True
        self._listeners.notify(len(self._index))

    async def _server_unreachable(self) -> bool:
        if self._api is None:
            return True
        try:
            await self._api.health()
        except HotlineError as exc:
            log.info("server unreachable at start-up: %s", exc.message)
            return True
        return False

    # ------------------------------------------------------------------- reading

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """The best entries for ``query`` searchable today (synchronous, in memory)."""
        if self.closing or not query or not query.strip():
            return []
        return self._index.search(query, self._today(), limit)

    def entry(self, entry_id: str) -> KBEntry | None:
        return self._index.get(entry_id)

    # ------------------------------------------------------------------- updates

    async def apply_changes(self, upserts: Sequence[KBEntry], removed: Iterable[str]) -> int:
        """Incremental update after a pull (on the event loop thread, in slices).

        Returns how many entries changed in the index."""
        changed = 0
        index = self._index
        deadline = time.perf_counter() + UPDATE_SLICE_SECONDS
        for entry in upserts:
            index.upsert(entry)
            changed += 1
            deadline = await _breathe(deadline)
        for entry_id in removed:
            changed += int(index.remove(entry_id))
            deadline = await _breathe(deadline)
        if changed:
            self.dirty = True
            self.source = "cache"
            self._listeners.notify(len(self._index))
        return changed

    async def replace_all(self, entries: Sequence[KBEntry]) -> None:
        """A full resync: a new index built and saved off the loop thread, then swapped in."""
        listed = list(entries)
        index = await asyncio.to_thread(self._build_and_save, listed)
        self._index = index
        self.dirty = False
        self.source = "cache"
        self.ready = True
        self._listeners.notify(len(index))

    def _build_and_save(self, entries: list[KBEntry]) -> SearchIndex:
        index = SearchIndex.build(entries)
        try:
            save_index(index, self.index_file)
        except HotlineError as exc:
            log.warning("search index not saved: %s", exc.message)
        return index

    async def close(self) -> None:
        """At quit: stop searching and save the index if incremental changes made the
        saved copy stale (off the loop thread; a failure is logged, never raised)."""
        self.closing = True
        if not self.dirty:
            return
        try:
            await asyncio.to_thread(save_index, self._index, self.index_file)
        except HotlineError as exc:
            log.warning("search index not saved at quit: %s", exc.message)
        else:
            self.dirty = False
