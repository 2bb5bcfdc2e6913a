"""The desk's knowledge base (第十二条(一): answer at once from the knowledge base): the
saved index is loaded instead of rebuilt, kept fresh across incremental changes, and
index updates never hold the event loop for long."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from test_services_support import run

import hotline_desk.services.knowledge as knowledge_module
from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.services.knowledge import KnowledgeService, read_seed, seed_directory
from hotline_desk.storage.cache import LocalCache

NEW = KBEntry(id="KB-NEW-1", title="老旧小区加装电梯补贴申请", answer="按各区政策申请补贴。",
              keywords=("加装电梯",))


async def _ready(cache: LocalCache) -> KnowledgeService:
    knowledge = KnowledgeService(cache)  # no server: the seed
    await knowledge.ensure_ready()
    return knowledge


def test_saved_index_is_loaded_not_rebuilt_and_kept_fresh(cache: LocalCache) -> None:
    async def main() -> None:
        first = await _ready(cache)
        assert first.source == "seed" and not first.index_loaded
        assert first.index_file.exists()
        second = await _ready(cache)
        assert second.source == "cache" and second.index_loaded
        assert [h.id for h in second.search("公积金")] == [h.id for h in first.search("公积金")]

        await cache.run(cache.kb.upsert, [NEW])
        assert await second.apply_changes([NEW], []) == 1
        assert second.dirty and second.search("加装电梯")[0].id == NEW.id
        await second.close()
        assert not second.dirty and second.search("加装电梯") == []  # closed: no searching

        third = await _ready(cache)
        assert third.index_loaded  # the file saved at quit matches the cache
        assert third.search("加装电梯")[0].id == NEW.id

    run(main())


def test_a_stale_saved_index_is_rebuilt(cache: LocalCache) -> None:
    async def main() -> None:
        await _ready(cache)
        await cache.run(cache.kb.upsert, [NEW])  # changed behind the saved index's back
        again = await _ready(cache)
        assert not again.index_loaded
        assert again.search("加装电梯")[0].id == NEW.id

    run(main())


def test_updates_yield_to_the_event_loop(cache: LocalCache,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A big page of changes is applied in slices: the desk keeps handling events."""
    monkeypatch.setattr(knowledge_module, "UPDATE_SLICE_SECONDS", 0.0)
    seed = read_seed(seed_directory())

    async def main() -> None:
        knowledge = await _ready(cache)
        ticks = 0
        done = asyncio.Event()

        async def other_work() -> None:
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0)

        worker = asyncio.create_task(other_work())
        changed = [replace(e, version=e.version + 1, title=e.title + "（修订）")
                   for e in seed[:50]]
        assert await knowledge.apply_changes(changed, [seed[60].id]) == 51
        done.set()
        await worker
        assert ticks >= 40
        assert knowledge.entry(seed[60].id) is None
        assert knowledge.entry(seed[0].id).title.endswith("（修订）")  # type: ignore[union-attr]

    run(main())


def test_listeners_hear_of_index_changes(cache: LocalCache) -> None:
    async def main() -> None:
        knowledge = await _ready(cache)
        heard: list[int] = []
        remove = knowledge.add_listener(heard.append)
        await knowledge.apply_changes([NEW], [])
        await knowledge.apply_changes([], ["no-such-entry"])  # nothing changed: silent
        remove()
        await knowledge.apply_changes([], [NEW.id])
        assert heard == [len(knowledge) + 1]

    run(main())
