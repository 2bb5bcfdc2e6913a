"""Refusal scripts (第十条), emergency lines (第十二条(三)) and the centre name (第三条):
bundled data, replaced by a newer cached version, and the centre name kept offline."""

from __future__ import annotations

import json

import pytest
from test_services_support import ServerProcess, desk_api, free_port, run

from hotline_desk import paths
from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.refusals import RefusalGround
from hotline_desk.services.reference import FALLBACK_CENTRE, ReferenceService, city_of
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.refdata import EMERGENCY_LINES, REFUSAL_SCRIPTS


def _bundled(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(paths.resource("scripts", name).read_text("utf-8"))
    return data


def test_bundled_scripts_and_lines_with_the_centre_from_the_server(
        shared_server: ServerProcess, cache: LocalCache) -> None:
    async def main() -> None:
        async with desk_api(shared_server.url) as api:
            reference = ReferenceService(cache, api)
            with pytest.raises(DataFormatError):
                reference.refusal_grounds()  # not loaded yet: a message, not a crash
            await reference.load()
            assert reference.centre_name() == FALLBACK_CENTRE
            assert await reference.refresh_centre() == "合肥市12345政务服务便民热线"
            reasons = reference.refusal_grounds()
            assert len(reasons) >= 11 and all(r.script and r.basis for r in reasons)
            first = reasons[0]
            assert reference.refusal_reason(first.code) == first
            assert reference.refusal_reason("privacy").ground is RefusalGround.PRIVACY
            with pytest.raises(DataFormatError) as unknown:
                reference.refusal_reason("no_such_reason")
            assert "第十条" in unknown.value.message_zh
            lines = {line.code: line for line in reference.emergency_lines()}
            assert [lines[c].number for c in ("police", "fire", "ambulance", "traffic")] == \
                ["110", "119", "120", "122"]
            assert all(line.city == "合肥市" for line in lines.values())
            assert reference.emergency_line("police").hotkey
        # Offline start: the centre name kept from the last answer.
        async with desk_api(f"http://127.0.0.1:{free_port()}") as offline:
            again = ReferenceService(cache, offline)
            await again.load()
            assert await again.refresh_centre() == "合肥市12345政务服务便民热线"

    run(main())


def test_a_newer_cached_catalogue_replaces_the_bundled_one(cache: LocalCache) -> None:
    refusals = _bundled("non_acceptance.json")
    newer = {**refusals, "version": int(refusals["version"]) + 1}  # type: ignore[call-overload]
    reasons = [dict(r) for r in newer["reasons"]]  # type: ignore[attr-defined]
    reasons[0]["script"] = "（新版话术）" + reasons[0]["script"]
    newer["reasons"] = reasons
    cache.call(cache.refdata.put_document, REFUSAL_SCRIPTS, str(newer["version"]),
               json.dumps(newer, ensure_ascii=False))
    lines = _bundled("emergency_lines.json")
    cache.call(cache.refdata.put_document, EMERGENCY_LINES, "0",
               json.dumps({**lines, "version": 0}, ensure_ascii=False))

    async def main() -> ReferenceService:
        reference = ReferenceService(cache)
        await reference.load()
        return reference

    reference = run(main())
    assert reference.refusal_catalogue.version == newer["version"]
    assert reference.refusal_grounds()[0].script.startswith("（新版话术）")
    assert reference.line_catalogue.version == lines["version"]  # older cached: bundled wins


def test_an_unreadable_cached_catalogue_is_ignored(cache: LocalCache) -> None:
    cache.call(cache.refdata.put_document, REFUSAL_SCRIPTS, "99",
               json.dumps({"version": 99, "reasons": "broken"}))

    async def main() -> ReferenceService:
        reference = ReferenceService(cache)
        await reference.load()
        return reference

    assert run(main()).refusal_catalogue.version == _bundled("non_acceptance.json")["version"]


def test_city_of_centre_names() -> None:
    assert city_of("合肥市12345政务服务便民热线") == "合肥市"
    assert city_of("马鞍山市12345政务服务便民热线") == "马鞍山市"
    assert city_of("安徽省12345政务服务便民热线") is None
