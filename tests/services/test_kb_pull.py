"""Knowledge-base sync from a real server (第二十九–三十一条: entries sync from the server
to every desk, 同步更新): full resync, incremental pages with the cursor in the same
transaction, the index updated without a rebuild, "reset required", offline seeding."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from test_services_support import ServerProcess, desk_api, free_port, logged_in, run

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.protocol import KBCursor
from hotline_desk.services.api_client import ApiClient
from hotline_desk.services.clock import china_today
from hotline_desk.services.kb_pull import KB_CURSOR, KBPuller, _apply_page
from hotline_desk.services.knowledge import KnowledgeService, read_seed, seed_directory
from hotline_desk.storage.cache import LocalCache

NEW_ENTRY = {
    "id": "KB-TEST-0001",
    "title": "共享电单车违停投诉处理口径",
    "answer": "请告知具体位置，我们将转交城市管理部门处置。",
    "questions": ["电单车乱停放怎么投诉"],
    "keywords": ["共享电单车", "违停"],
    "category": "social",
    "owner_unit": "合肥市住房公积金管理中心",
}


async def _admin_publish(url: str, body: dict[str, Any]) -> int:
    """Create an entry (admin), review it (another account: 多方校核), publish it."""
    async with desk_api(url) as admin, desk_api(url) as unit:
        await logged_in(admin, "admin")
        await logged_in(unit, "unit_gjj")
        created = await admin.request("POST", "/kb/entries", json=body)
        reviewed = await unit.request("POST", f"/kb/entries/{body['id']}/transition",
                                      json={"action": "review",
                                            "expected_version": created["version"]})
        published = await admin.request("POST", f"/kb/entries/{body['id']}/transition",
                                        json={"action": "publish",
                                              "expected_version": reviewed["version"]})
        return int(published["version"])


async def _admin_retire(url: str, entry_id: str, version: int) -> None:
    async with desk_api(url) as admin:
        await logged_in(admin, "admin")
        await admin.request("POST", f"/kb/entries/{entry_id}/transition",
                            json={"action": "retire", "expected_version": version})


def test_full_then_incremental_pull_updates_cache_and_index(shared_server: ServerProcess,
                                                            cache: LocalCache) -> None:
    async def main() -> None:
        async with desk_api(shared_server.url) as api:
            await logged_in(api, "operator1")
            knowledge = KnowledgeService(cache, api=api)
            await knowledge.ensure_ready()
            assert knowledge.source == "empty"  # the server is reachable: no seed
            changed: list[int] = []
            knowledge.add_listener(changed.append)
            puller = KBPuller(api, cache, knowledge, page_size=100)
            first = await puller.pull()  # no cursor yet: full resync
            assert first.full_resync and first.upserted >= 400
            assert await cache.run(cache.kb.count) == first.upserted == len(knowledge)
            assert changed == [first.upserted]
            assert knowledge.search("公积金提取")
            assert all(h.id != NEW_ENTRY["id"] for h in knowledge.search("共享电单车违停"))

            version = await _admin_publish(shared_server.url, NEW_ENTRY)
            second = await puller.pull()
            assert not second.full_resync and second.upserted == 1 and second.removed == 0
            assert second.cursor == await cache.run(cache.refdata.get_cursor, KB_CURSOR)
            hits = knowledge.search("共享电单车违停")
            assert hits and hits[0].id == NEW_ENTRY["id"]
            assert knowledge.entry(NEW_ENTRY["id"]) is not None
            assert changed[-1] == first.upserted + 1

            await _admin_retire(shared_server.url, NEW_ENTRY["id"], version)
            third = await puller.pull()
            assert third.removed == 1
            assert all(h.id != NEW_ENTRY["id"] for h in knowledge.search("共享电单车违停"))
            assert await cache.run(cache.kb.get, NEW_ENTRY["id"]) is None
            assert (await puller.pull()).upserted == 0  # nothing new

    run(main())


def test_reset_required_triggers_a_full_resync(shared_server: ServerProcess,
                                               cache: LocalCache) -> None:
    """A cursor the server cannot serve (here: ahead of it) → 410 → resync from 0."""

    async def main() -> None:
        async with desk_api(shared_server.url) as api:
            await logged_in(api, "operator2")
            knowledge = KnowledgeService(cache, api=api)
            await knowledge.ensure_ready()
            stale = KBEntry(id="KB-ONLY-ON-THIS-DESK", title="本机残留条目", answer="旧口径")
            await cache.run(cache.kb.upsert, [stale])
            await cache.run(cache.refdata.set_cursor, KB_CURSOR, str(10**12))
            report = await KBPuller(api, cache, knowledge).pull()
            assert report.full_resync
            assert await cache.run(cache.kb.get, stale.id) is None
            cursor = await cache.run(cache.refdata.get_cursor, KB_CURSOR)
            decoded = KBCursor.decode(cursor or "")
            assert cursor == report.cursor and decoded is not None
            assert decoded.version < 10**12

    run(main())


def test_a_page_and_its_cursor_commit_together(cache: LocalCache) -> None:
    """If writing a page fails half-way, neither its entries nor the cursor are kept."""
    cache.call(cache.refdata.set_cursor, KB_CURSOR, "5")
    good = KBEntry(id="KB-A", title="甲", answer="甲的口径")
    with pytest.raises(DataFormatError):
        cache.call(_apply_page, cache, [good, "not an entry"], [], "9")  # type: ignore[list-item]
    assert cache.call(cache.kb.get, "KB-A") is None
    assert cache.call(cache.refdata.get_cursor, KB_CURSOR) == "5"
    cache.call(_apply_page, cache, [good], [], "9")
    assert cache.call(cache.kb.get, "KB-A") == good
    assert cache.call(cache.refdata.get_cursor, KB_CURSOR) == "9"


def test_offline_first_start_uses_the_seed_then_the_server_replaces_it(
        own_server: ServerProcess, cache: LocalCache) -> None:
    """第十二条(一): answering from the knowledge base works on a new desk with no network;
    the first pull then makes the server's knowledge base the whole of it."""
    seed = read_seed(seed_directory())
    assert len(seed) >= 300

    async def main() -> None:
        async with desk_api(f"http://127.0.0.1:{free_port()}") as offline:
            knowledge = KnowledgeService(cache, api=offline)
            await knowledge.ensure_ready()
            assert knowledge.source == "seed" and len(knowledge) == len(seed)
            assert await cache.run(cache.refdata.get_cursor, KB_CURSOR) is None
            assert knowledge.search("公积金")
        extra = KBEntry(id="KB-SEED-ONLY", title="只在种子里的条目", answer="口径")
        await cache.run(cache.kb.upsert, [extra])
        own_server.start()
        async with desk_api(own_server.url) as api:
            await logged_in(api, "operator1")
            report = await KBPuller(api, cache, knowledge).pull()
            assert report.full_resync
            assert await cache.run(cache.kb.get, extra.id) is None
            assert len(knowledge) == report.upserted == await cache.run(cache.kb.count)
            assert knowledge.source == "cache"

    run(main())


def test_search_is_synchronous_and_ignores_blank_queries(cache: LocalCache) -> None:
    async def main() -> KnowledgeService:
        knowledge = KnowledgeService(cache, api=None)  # no server configured: seed
        await knowledge.ensure_ready()
        return knowledge

    knowledge = run(main())
    assert knowledge.search("   ") == []
    hits = knowledge.search("gongjijin", limit=3)
    assert 1 <= len(hits) <= 3
    assert all(h.entry.is_searchable(china_today()) for h in hits)


def test_api_is_used_for_probe_only_when_cache_is_empty(cache: LocalCache) -> None:
    class Exploding(ApiClient):
        async def health(self) -> Any:
            raise AssertionError("must not probe the server when the cache has entries")

    cache.call(cache.kb.upsert, [KBEntry(id="KB-X", title="已缓存条目", answer="口径")])

    async def main() -> None:
        async with httpx.AsyncClient() as http:
            knowledge = KnowledgeService(cache, api=Exploding("http://127.0.0.1:9", http))
            await knowledge.ensure_ready()
            assert knowledge.source == "cache" and len(knowledge) == 1

    run(main())
