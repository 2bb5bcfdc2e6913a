"""The desk pulls the refusal scripts (第十条) and the emergency and utility lines
(第十二条(三)) the centre published, from a REAL server process, and uses them without a
restart (第三十一条: updated in real time). Nothing published, offline, or a bad document
from the server: the desk keeps what it has."""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any

import pytest
from test_services_support import ServerProcess, desk_api, free_port, logged_in, run

from hotline_desk import paths
from hotline_desk.core.errors import NetworkError
from hotline_desk.core.protocol import ReferenceName
from hotline_desk.services.knowledge import KnowledgeService
from hotline_desk.services.reference import ReferenceService
from hotline_desk.services.reference_pull import ReferencePuller
from hotline_desk.services.sync import SyncEngine
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.refdata import EMERGENCY_LINES, REFUSAL_SCRIPTS

LINES = ReferenceName.EMERGENCY_LINES
REFUSALS = ReferenceName.NON_ACCEPTANCE
GAS = "0551-63000004"  # test data: the bundled file knows no 合肥 gas number


def bundled(name: ReferenceName) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        paths.resource("scripts", f"{name.value}.json").read_text("utf-8"))
    return data


def lines_with_gas(version: int) -> dict[str, Any]:
    data = bundled(LINES)
    data["version"] = version
    data["cities"]["合肥市"]["gas"] = {"number": GAS, "unit": "测试燃气公司", "source": "测试数据"}
    return data


async def admin_publish(url: str, name: ReferenceName, document: dict[str, Any]) -> None:
    async with desk_api(url) as admin:
        await logged_in(admin, "admin")
        await admin.request("PUT", f"/reference/{name.value}", json=document)


def write_server_row(server: ServerProcess, name: ReferenceName, version: int,
                     document: dict[str, Any]) -> None:
    """Put a row straight into the server's database, as an older or broken server
    version might have left it (the API itself refuses such documents)."""
    conn = sqlite3.connect(server.database, timeout=10)
    try:
        with conn:
            conn.execute(
                "INSERT INTO reference_documents (name, version, body, uploaded_by, "
                "uploaded_at) VALUES (?, ?, ?, 'legacy', '2026-06-01 01:00:00.000000') "
                "ON CONFLICT (name) DO UPDATE SET version = excluded.version, "
                "body = excluded.body", (name.value, version, json.dumps(document)))
    finally:
        conn.close()


async def loaded(cache: LocalCache, api: Any = None) -> ReferenceService:
    reference = ReferenceService(cache, api)
    await reference.load()
    await reference.refresh_centre()
    return reference


def test_nothing_published_keeps_the_bundled_copies(own_server: ServerProcess,
                                                    cache: LocalCache) -> None:
    own_server.start()

    async def main() -> None:
        async with desk_api(own_server.url) as api:
            await logged_in(api)
            reference = await loaded(cache, api)
            heard: list[frozenset[str]] = []
            reference.add_listener(heard.append)
            report = await ReferencePuller(api, cache, reference).pull()
            assert report.kept == (REFUSALS, LINES) and not report.stored
            assert heard == []
            assert await cache.run(cache.refdata.document, EMERGENCY_LINES) is None
            assert reference.line_catalogue.version == bundled(LINES)["version"]
            assert reference.emergency_line("gas").needs_local_number  # 第十二条(三)

    run(main())


def test_published_lines_and_scripts_are_used_at_once_and_kept_offline(
        own_server: ServerProcess, cache: LocalCache) -> None:
    """第十二条(三): the 合肥 gas number the centre published is the one the operator
    dials after the next pull; 第十条: a corrected script likewise."""
    own_server.start()
    scripts = bundled(REFUSALS)
    scripts["version"] += 1
    scripts["reasons"][0]["script"] = "（中心修订）" + scripts["reasons"][0]["script"]

    async def main() -> None:
        async with desk_api(own_server.url) as api:
            await logged_in(api)
            reference = await loaded(cache, api)
            heard: list[frozenset[str]] = []
            reference.add_listener(heard.append)
            engine = SyncEngine(api, cache, KnowledgeService(cache, api=api),
                                pull_tickets=False, reference=reference)
            await admin_publish(own_server.url, LINES, lines_with_gas(2))
            await engine.pull_now()  # the sync engine's pull runs the reference puller
            report = engine.last_reference_pull
            assert report is not None and report.stored == (LINES,)
            assert report.kept == (REFUSALS,)
            assert heard == [frozenset({EMERGENCY_LINES})]
            gas = reference.emergency_line("gas")
            assert (gas.number, gas.unit, gas.needs_local_number) == (GAS, "测试燃气公司", False)
            stored = await cache.run(cache.refdata.document, EMERGENCY_LINES)
            assert stored is not None and stored.version == "2"

            again = await ReferencePuller(api, cache, reference).pull()  # 204: nothing newer
            assert not again.stored and not again.ignored and heard == [
                frozenset({EMERGENCY_LINES})]

            await admin_publish(own_server.url, REFUSALS, scripts)
            third = await ReferencePuller(api, cache, reference).pull()
            assert third.stored == (REFUSALS,) and third.changed == {REFUSAL_SCRIPTS}
            first = scripts["reasons"][0]["code"]
            assert reference.refusal_reason(first).script.startswith("（中心修订）")

        # offline: the pull fails like every other pull and nothing changes …
        async with desk_api(f"http://127.0.0.1:{free_port()}") as offline:
            offline.set_token("a-token-from-an-earlier-login")
            with pytest.raises(NetworkError):
                await ReferencePuller(offline, cache, reference).pull()
            assert reference.emergency_line("gas").number == GAS
            # … and an offline start uses the copy kept in the cache
            restarted = await loaded(cache, offline)
            assert restarted.emergency_line("gas").number == GAS
            assert restarted.refusal_reason(first).script.startswith("（中心修订）")

    run(main())


def test_a_bad_document_from_the_server_is_logged_and_ignored(
        own_server: ServerProcess, cache: LocalCache, caplog: pytest.LogCaptureFixture) -> None:
    """A document the core parser refuses, or whose version is not the one announced,
    never replaces the scripts and lines the operator works with."""
    own_server.start()
    broken = lines_with_gas(9)
    broken["lines"][0]["number"] = "一一零"

    async def main() -> None:
        async with desk_api(own_server.url) as api:
            await logged_in(api)
            reference = await loaded(cache, api)
            puller = ReferencePuller(api, cache, reference)
            await admin_publish(own_server.url, LINES, lines_with_gas(2))
            assert (await puller.pull()).stored == (LINES,)

            write_server_row(own_server, LINES, 9, broken)
            with caplog.at_level(logging.WARNING, "hotline_desk.services.reference_pull"):
                report = await puller.pull()
            assert report.ignored == (LINES,) and not report.stored
            assert "emergency_lines document is ignored" in caplog.text
            assert reference.line_catalogue.version == 2
            assert reference.emergency_line("police").number == "110"
            kept = await cache.run(cache.refdata.document, EMERGENCY_LINES)
            assert kept is not None and kept.version == "2"

            write_server_row(own_server, LINES, 12, lines_with_gas(3))  # says 12, holds 3
            assert (await puller.pull()).ignored == (LINES,)
            assert reference.line_catalogue.version == 2

    run(main())
