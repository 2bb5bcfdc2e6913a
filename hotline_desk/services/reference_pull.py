"""Pulling the reference data the centre publishes (第十条, 第十二条(三), 第三十一条).

The refusal scripts (第十条: the basis and the unit to turn to, read to the caller) and
the emergency and utility lines (第十二条(三): 110/119/120/122 and the city's water,
power, gas and heating numbers) ship with the installer; a centre publishes corrections
on the server (``PUT /api/v1/reference/{name}``). The sync engine runs this puller with
its other pulls: for each document it asks ``GET /reference/{name}?newer_than=<version
in use>`` and

* 204 (nothing newer, or nothing published) or 404 (nothing published, asked without
  a version): keeps what it has;
* a document: parses it with the core parser; a document that does not parse, or whose
  ``version`` is not the one announced or not newer than the one in use, is logged and
  ignored (the desk never loses working scripts to a bad download); otherwise it is
  stored in the cache's reference-data store and :meth:`ReferenceService.reload` swaps
  it in, so the refusal and emergency panels show it without a restart.

Offline, the request fails like every other pull (:class:`NetworkError`) and nothing
changes; the copy in the cache keeps serving offline starts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from hotline_desk.core.emergency_lines import EmergencyLineCatalogue, parse_emergency_lines
from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.protocol import NotFoundError, ReferenceDocumentOut, ReferenceName
from hotline_desk.core.refusals import RefusalCatalogue, parse_non_acceptance_reasons
from hotline_desk.services.api_client import ApiClient
from hotline_desk.services.reference import ReferenceService
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.refdata import EMERGENCY_LINES, REFUSAL_SCRIPTS

log = logging.getLogger(__name__)

Parser = Callable[[str], RefusalCatalogue | EmergencyLineCatalogue]

#: Each server document: the cache store's name for it and the core parser.
DOCUMENTS: dict[ReferenceName, tuple[str, Parser]] = {
    ReferenceName.NON_ACCEPTANCE: (REFUSAL_SCRIPTS, parse_non_acceptance_reasons),
    ReferenceName.EMERGENCY_LINES: (EMERGENCY_LINES, parse_emergency_lines),
}


@dataclass(frozen=True, slots=True)
class ReferencePullReport:
    stored: tuple[ReferenceName, ...] = ()  # newer documents now in the cache and in use
    kept: tuple[ReferenceName, ...] = ()  # nothing newer (or none published): kept as is
    ignored: tuple[ReferenceName, ...] = ()  # unreadable or not newer: logged, kept the old
    changed: frozenset[str] = frozenset()  # catalogues the reference service replaced


def _cached_version(cache: LocalCache, name: str) -> int:
    """The version of the cached document ``name`` (0 when none or unreadable)."""
    document = cache.refdata.document(name)
    if document is None:
        return 0
    try:
        return max(int(document.version), 0)
    except ValueError:
        return 0


class ReferencePuller:
    def __init__(self, api: ApiClient, cache: LocalCache, reference: ReferenceService) -> None:
        self._api = api
        self._cache = cache
        self._reference = reference

    async def _version_in_use(self, cache_name: str) -> int:
        in_use = self._reference.version_in_use(cache_name)
        if in_use is not None:
            return in_use
        # not loaded yet: at least what the cache holds (the bundled copy is judged later)
        return int(await self._cache.run(_cached_version, self._cache, cache_name))

    async def pull(self) -> ReferencePullReport:
        """Fetch every newer document; store and swap in the good ones."""
        stored: list[ReferenceName] = []
        kept: list[ReferenceName] = []
        ignored: list[ReferenceName] = []
        for name, (cache_name, parse) in DOCUMENTS.items():
            in_use = await self._version_in_use(cache_name)
            try:
                data = await self._api.request("GET", f"/reference/{name.value}",
                                               params={"newer_than": in_use})
            except NotFoundError:  # an older server: none published
                kept.append(name)
                continue
            if data is None:  # 204: nothing newer than the version in use, or none published
                kept.append(name)
                continue
            try:
                answer = self._api.parse(ReferenceDocumentOut, data)
                text = json.dumps(answer.document, ensure_ascii=False)
                version = parse(text).version
                if version != answer.version:
                    raise DataFormatError(
                        f"{name.value}: document version {version} but {answer.version} "
                        "announced", "服务器发送的参考资料版本号不一致")
            except DataFormatError as exc:
                log.warning("the server's %s document is ignored (the desk keeps version %d): "
                            "%s", name.value, in_use, exc.message)
                ignored.append(name)
                continue
            if version <= in_use:
                log.info("the server's %s version %d is not newer than %d: kept", name.value,
                         version, in_use)
                ignored.append(name)
                continue
            await self._cache.run(self._cache.refdata.put_document, cache_name, str(version),
                                  text)
            log.info("stored %s version %d from the server (was %d), published by %s",
                     name.value, version, in_use, answer.uploaded_by)
            stored.append(name)
        changed = await self._reference.reload() if stored else frozenset()
        return ReferencePullReport(tuple(stored), tuple(kept), tuple(ignored), changed)
