"""Settings of one server process (every value that matters across processes is in the database)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher

from hotline_desk.core.protocol import SEAT_OFFLINE_AFTER_SECONDS
from hotline_desk.storage.db import sqlite_url
from hotline_desk.storage.server.kb_entries import DEFAULT_TOMBSTONE_RETENTION
from hotline_desk.storage.server.login_throttle import ThrottlePolicy

CENTRE_TIMEZONE = ZoneInfo("Asia/Shanghai")
DATABASE_FILE = "server.db"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ServerSettings:
    """Configuration of :func:`hotline_desk.server.app.create_app`.

    ``clock`` returns the server time (timezone-aware); tests pass a controllable
    clock instead of sleeping. ``password_hasher`` ``None`` means argon2-cffi's
    defaults. Several processes behind a load balancer share nothing but the
    database, so they should run with the same settings and synchronised clocks (NTP).
    """

    database_url: str
    token_ttl: timedelta = timedelta(hours=12)
    login_policy: ThrottlePolicy = field(default_factory=ThrottlePolicy)
    seat_offline_after: timedelta = timedelta(seconds=SEAT_OFFLINE_AFTER_SECONDS)
    kb_tombstone_retention: timedelta = DEFAULT_TOMBSTONE_RETENTION
    clock: Callable[[], datetime] = utc_now
    password_hasher: PasswordHasher | None = None
    pool_size: int = 32
    migrate_on_start: bool = True
    #: the server's data folder: admin holiday files for ticket deadlines live in
    #: ``<data_dir>/calendar/`` (``storage.holiday_files``); ``None``: official data only
    data_dir: Path | None = None

    @classmethod
    def for_data_dir(cls, data_dir: Path, database_url: str | None = None,
                     **overrides: object) -> ServerSettings:
        """Settings with the database in ``data_dir`` unless a URL is given."""
        url = database_url or sqlite_url(data_dir / DATABASE_FILE)
        overrides.setdefault("data_dir", data_dir)
        return cls(database_url=url, **overrides)  # type: ignore[arg-type]

    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("the server clock must return timezone-aware datetimes")
        return moment

    def today(self, moment: datetime | None = None) -> date:
        """The centre's calendar date (Asia/Shanghai) at ``moment`` (default: now)."""
        return (moment or self.now()).astimezone(CENTRE_TIMEZONE).date()
