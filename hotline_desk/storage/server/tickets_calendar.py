"""The working-day calendar the server computes ticket deadlines with (第十四–十八条).

``core.workdays.WorkCalendar`` built from the admin holiday files installed in the
server's data directory (``<data dir>/calendar/holidays-YYYY.json``, read by
``storage.holiday_files``). The calendar is cached and rebuilt when the files change:
the folder's listing (names, sizes, modification times) is compared at most once per
``recheck`` interval, so an admin installing next year's file with ``hotline-desk
calendar load`` is picked up by a running server within a minute, without a restart.
Thread-safe: endpoints run in a thread pool.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from hotline_desk.core.workdays import WorkCalendar
from hotline_desk.storage.holiday_files import CALENDAR_DIR, build_calendar

Signature = tuple[tuple[str, int, int], ...]


class CalendarSource:
    def __init__(self, data_dir: Path | None, *, recheck_seconds: float = 60.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.data_dir = data_dir
        self._recheck = recheck_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._calendar: WorkCalendar | None = None
        self._signature: Signature | None = None
        self._checked_at = 0.0

    def _folder_signature(self) -> Signature:
        if self.data_dir is None:
            return ()
        folder = self.data_dir / CALENDAR_DIR
        if not folder.is_dir():
            return ()
        found = []
        for path in sorted(folder.glob("holidays-*.json")):
            try:
                stat = path.stat()
            except OSError:
                continue
            found.append((path.name, stat.st_size, stat.st_mtime_ns))
        return tuple(found)

    def calendar(self) -> WorkCalendar:
        """The current calendar (rebuilt if the holiday files changed)."""
        with self._lock:
            now = self._monotonic()
            if self._calendar is not None and now - self._checked_at < self._recheck:
                return self._calendar
            self._checked_at = now
            signature = self._folder_signature()
            if self._calendar is None or signature != self._signature:
                self._calendar = build_calendar(self.data_dir)
                self._signature = signature
            return self._calendar
