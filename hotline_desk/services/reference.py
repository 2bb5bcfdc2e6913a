"""Reference data the desk reads from: non-acceptance scripts, emergency lines, centre name.

* 第十条: the non-acceptance reasons with the script the operator reads and the unit
  (and its contact) the caller is referred to — data, versioned, never literals in code;
* 第十二条(三): the emergency lines 110/119/120/122 and the water, power, gas and heating
  utility lines, with the numbers of the centre's city;
* 第三条: the centre's configured name, as the server reports it.

The bundled files (``resources/scripts/*.json``, read through ``storage.resources``)
are the baseline. A newer version kept in the desk cache (a document the server sent,
stored by the cache's reference-data store) replaces the bundled one; an older or
unreadable cached copy is ignored with a log line, so a bad download never leaves the
operator without scripts. The centre name comes from the server's health answer and
is cached for offline starts.

第三十一条 (updated in real time): when the puller (``services.reference_pull``) has
stored a newer document, :meth:`ReferenceService.reload` swaps it in while the desk runs
and tells the listeners (:meth:`ReferenceService.add_listener`) which catalogues
changed, so the refusal and emergency panels show it without a restart.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import TypeVar

from hotline_desk.core.centre import ANHUI_CITIES, HOTLINE_FULL
from hotline_desk.core.emergency_lines import (
    EmergencyLineCatalogue,
    ResolvedLine,
    parse_emergency_lines,
)
from hotline_desk.core.errors import DataFormatError, HotlineError
from hotline_desk.core.refusals import (
    RefusalCatalogue,
    RefusalGround,
    RefusalReason,
    parse_non_acceptance_reasons,
)
from hotline_desk.services.api_client import ApiClient
from hotline_desk.services.listeners import Listeners
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.refdata import EMERGENCY_LINES, REFUSAL_SCRIPTS
from hotline_desk.storage.resources import load_emergency_lines, load_non_acceptance_reasons

log = logging.getLogger(__name__)

CENTRE_DOCUMENT = "centre"
#: What the desk calls the centre before the server has told it.
FALLBACK_CENTRE = HOTLINE_FULL

C = TypeVar("C", RefusalCatalogue, EmergencyLineCatalogue)


def city_of(centre_full_name: str) -> str | None:
    """The city of a city centre's full name ("合肥市12345…" → "合肥市"), else None."""
    for city in ANHUI_CITIES:
        if centre_full_name.startswith(city):
            return city
    return None


class ReferenceService:
    """Scripts, lines and the centre name; :meth:`load` once at start-up."""

    def __init__(self, cache: LocalCache, api: ApiClient | None = None) -> None:
        self._cache = cache
        self._api = api
        self._refusals: RefusalCatalogue | None = None
        self._lines: EmergencyLineCatalogue | None = None
        self._bundled: tuple[RefusalCatalogue, EmergencyLineCatalogue] | None = None
        self._centre: str | None = None
        self._listeners: Listeners[frozenset[str]] = Listeners()

    def add_listener(self, callback: Callable[[frozenset[str]], object]) -> Callable[[], None]:
        """``callback`` gets the names (``REFUSAL_SCRIPTS``, ``EMERGENCY_LINES``) of the
        catalogues :meth:`reload` replaced; returns the remover."""
        return self._listeners.add(callback)

    async def load(self) -> None:
        """Read the bundled catalogues, prefer newer cached ones, read the centre name."""
        await self.reload()
        document = await self._cache.run(self._cache.refdata.document, CENTRE_DOCUMENT)
        if document is not None:
            try:
                name = json.loads(document.body).get("full_name")
            except (ValueError, AttributeError):
                name = None
            self._centre = name if isinstance(name, str) and name else None

    async def reload(self) -> frozenset[str]:
        """Use the newest of the bundled and the cached catalogues (again); returns the
        names of those that changed and tells the listeners (not on the first load)."""
        if self._bundled is None:
            self._bundled = (await asyncio.to_thread(load_non_acceptance_reasons),
                             await asyncio.to_thread(load_emergency_lines))
        bundled_refusals, bundled_lines = self._bundled
        refusals = await self._newest(REFUSAL_SCRIPTS, bundled_refusals,
                                      parse_non_acceptance_reasons)
        lines = await self._newest(EMERGENCY_LINES, bundled_lines, parse_emergency_lines)
        changed: set[str] = set()
        if self._refusals is not None and self._refusals != refusals:
            changed.add(REFUSAL_SCRIPTS)
        if self._lines is not None and self._lines != lines:
            changed.add(EMERGENCY_LINES)
        self._refusals, self._lines = refusals, lines
        if changed:
            log.info("reference data replaced while running: %s", ", ".join(sorted(changed)))
            self._listeners.notify(frozenset(changed))
        return frozenset(changed)

    def version_in_use(self, name: str) -> int | None:
        """The version of the catalogue ``name`` the desk shows (None before loading)."""
        catalogue = {REFUSAL_SCRIPTS: self._refusals, EMERGENCY_LINES: self._lines}.get(name)
        return None if catalogue is None else catalogue.version

    async def _newest(self, name: str, bundled: C, parse: Callable[[str], C]) -> C:
        document = await self._cache.run(self._cache.refdata.document, name)
        if document is None:
            return bundled
        try:
            cached = parse(document.body)
        except DataFormatError as exc:
            log.warning("cached %s unreadable, using the bundled copy: %s", name, exc.message)
            return bundled
        if cached.version > bundled.version:
            log.info("using %s version %d from the server (bundled: %d)", name,
                     cached.version, bundled.version)
            return cached
        return bundled

    async def refresh_centre(self) -> str:
        """Ask the server for the centre's name and keep it (offline: the cached one)."""
        if self._api is not None:
            try:
                health = await self._api.health()
            except HotlineError as exc:
                log.info("centre name not refreshed: %s", exc.message)
            else:
                if health.centre:
                    self._centre = health.centre
                    await self._cache.run(
                        self._cache.refdata.put_document, CENTRE_DOCUMENT, "1",
                        json.dumps({"full_name": health.centre}, ensure_ascii=False))
        return self.centre_name()

    def _require_loaded(self) -> tuple[RefusalCatalogue, EmergencyLineCatalogue]:
        if self._refusals is None or self._lines is None:
            raise DataFormatError("reference data not loaded yet",
                                  "参考资料尚未加载，请稍候再试")
        return self._refusals, self._lines

    # ------------------------------------------------------------------- reads

    @property
    def refusal_catalogue(self) -> RefusalCatalogue:
        return self._require_loaded()[0]

    @property
    def line_catalogue(self) -> EmergencyLineCatalogue:
        return self._require_loaded()[1]

    def refusal_grounds(self) -> list[RefusalReason]:
        """Every non-acceptance reason (第十条), in catalogue order, with its script."""
        return list(self.refusal_catalogue.reasons)

    def refusal_reason(self, code: str) -> RefusalReason:
        """A reason by its code, or the first reason of a 第十条 ground code."""
        catalogue = self.refusal_catalogue
        try:
            return catalogue.get(code)
        except KeyError:
            pass
        try:
            ground = RefusalGround.from_label(code)
        except ValueError:
            ground = None
        if ground is not None:
            found = catalogue.for_ground(ground)
            if found:
                return found[0]
        raise DataFormatError(f"unknown non-acceptance reason {code!r}",
                              "请选择不予受理的依据（第十条）")

    def emergency_lines(self, city: str | None = None) -> list[ResolvedLine]:
        """The lines as this centre's desk shows them (default: the centre's own city)."""
        where = city if city is not None else city_of(self.centre_name())
        return list(self.line_catalogue.lines_for_city(where))

    def emergency_line(self, code: str, city: str | None = None) -> ResolvedLine:
        for line in self.emergency_lines(city):
            if line.code == code:
                return line
        raise DataFormatError(f"unknown emergency line {code!r}", "未知的紧急转接热线")

    def centre_name(self) -> str:
        return self._centre or FALLBACK_CENTRE
