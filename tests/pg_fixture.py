"""Pytest plugin: a real PostgreSQL server that the test suite starts itself.

Registered from ``tests/conftest.py``. The storage and server tests run on SQLite
*and* on PostgreSQL; this plugin owns the PostgreSQL half:

* ``pg_server`` (session): ``initdb`` + ``pg_ctl start`` in a fresh temporary
  directory, listening only on a unix socket inside that directory, trust auth,
  durability switched off (fsync, synchronous_commit) because the data is thrown
  away. Stopped and deleted at the end of the session. ``initdb`` refuses to run
  as root, so as root every server command runs as the ``postgres`` user
  (``runuser -u postgres --``) and the directory is handed to that user.
* ``pg_server.create_database(template=None)`` makes a fresh database (optionally
  a copy of a template, which is how tests get an already-migrated schema
  cheaply) and returns its name; ``pg_server.url(name)`` gives the URL the
  application uses (``postgresql://postgres@/NAME?host=SOCKETDIR&port=PORT``).
* ``backend`` (function, parametrised ``sqlite`` / ``postgresql``): the name of the
  backend a test runs on; the PostgreSQL case carries the ``postgres`` marker.

Also the server-database fixtures built on it: ``empty_database_url`` and
``server_database_url`` (a fresh database per test, migrated, on the ``backend``;
on PostgreSQL a copy of a migrated template database), and ``clock``, a
:class:`ManualClock` the tests move instead of sleeping.

If the PostgreSQL server binaries (``initdb``, ``pg_ctl``) cannot be found the
PostgreSQL tests FAIL with a message saying how to get them (``python3 dev.py
test`` installs them); they never skip silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

PG_PORT = 5432  # only names the socket file; the server listens on no TCP address

MISSING_BINARIES = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under "
    "/usr/lib/postgresql/*/bin. The storage tests must also run on a real PostgreSQL: "
    "run `python3 dev.py test` (it installs Debian's postgresql package when run as root) "
    "or install PostgreSQL 15+ yourself."
)


def find_postgres_bin_dir() -> Path | None:
    """The directory holding ``pg_ctl`` and ``initdb`` (newest installed version first)."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    for candidate in candidates:
        if (candidate.parent / "initdb").exists():
            return candidate.parent
    return None


def _as_server_user() -> list[str]:
    """Command prefix running a server command as ``postgres`` when we are root."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            raise RuntimeError("running as root but `runuser` is missing; cannot start PostgreSQL")
        return [runuser, "-u", "postgres", "--"]
    return []


@dataclass
class PostgresServer:
    bin_dir: Path
    root: Path
    port: int = PG_PORT
    user: str = "postgres"
    _created: list[str] = field(default_factory=list)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    def url(self, dbname: str) -> str:
        return f"postgresql://{self.user}@/{dbname}?host={self.socket_dir}&port={self.port}"

    def connect_admin(self):  # -> psycopg2 connection (autocommit)
        import psycopg2

        conn = psycopg2.connect(
            host=str(self.socket_dir), port=self.port, user=self.user, dbname="postgres")
        conn.autocommit = True
        return conn

    def create_database(self, template: str | None = None, name: str | None = None) -> str:
        name = name or f"t_{uuid.uuid4().hex[:16]}"
        conn = self.connect_admin()
        try:
            with conn.cursor() as cur:
                sql = f'CREATE DATABASE "{name}"'
                if template:
                    sql += f' TEMPLATE "{template}"'
                cur.execute(sql)
        finally:
            conn.close()
        self._created.append(name)
        return name

    def drop_database(self, name: str) -> None:
        conn = self.connect_admin()
        try:
            with conn.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            conn.close()

    def version(self) -> str:
        conn = self.connect_admin()
        try:
            with conn.cursor() as cur:
                cur.execute("SHOW server_version")
                return str(cur.fetchone()[0])
        finally:
            conn.close()


def _run(cmd: list[str], what: str) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}): {result.stdout}\n{result.stderr}")


#: Settings of the test server: durability off (a crash loses a throw-away server).
TEST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


@contextmanager
def running_postgres(bin_dir: Path, *, prefix: str = "hotline-pg-", settings: str = "",
                     stop_mode: str = "immediate") -> Iterator[PostgresServer]:
    """A throw-away PostgreSQL server: initdb + pg_ctl in a temporary directory, unix
    socket only, as the ``postgres`` user when run as root; stopped and removed after."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    user_prefix = _as_server_user()
    server = PostgresServer(bin_dir=bin_dir, root=root)
    server.socket_dir.mkdir()
    if user_prefix:
        shutil.chown(root, user="postgres")
        shutil.chown(server.socket_dir, user="postgres")
    started = False
    try:
        _run([*user_prefix, str(bin_dir / "initdb"), "-D", str(server.data_dir),
              "-U", server.user, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
             "initdb")
        options = (f"-k {server.socket_dir} -p {server.port} -c listen_addresses='' "
                   f"-c max_connections=200 {settings}").strip()
        _run([*user_prefix, str(bin_dir / "pg_ctl"), "-D", str(server.data_dir),
              "-l", str(root / "server.log"), "-o", options, "-w", "-t", "60", "start"],
             "pg_ctl start")
        started = True
        yield server
    finally:
        if started:
            subprocess.run([*user_prefix, str(bin_dir / "pg_ctl"), "-D", str(server.data_dir),
                            "-m", stop_mode, "-w", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    bin_dir = find_postgres_bin_dir()
    if bin_dir is None:
        pytest.fail(MISSING_BINARIES, pytrace=False)
    with running_postgres(bin_dir, settings=TEST_SETTINGS) as server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend a test runs on: every storage test runs on both."""
    return str(request.param)


# ---------------------------------------------------------------- server databases


@pytest.fixture(scope="session")
def pg_migrated_template(pg_server: PostgresServer) -> str:
    """A PostgreSQL database with the server schema, copied by each test (cheap)."""
    from hotline_desk.storage.db import close_database, open_database
    from hotline_desk.storage.migrations import migrate

    name = pg_server.create_database(name="hotline_server_template")
    db = open_database(pg_server.url(name))
    try:
        migrate(db)
    finally:
        close_database(db)
    return name


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest,
                       ) -> Iterator[str]:
    """A fresh, empty database (no schema) on the test's backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def server_database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest,
                        ) -> Iterator[str]:
    """A fresh database with the sync server's schema (all migrations) on the test's backend."""
    if backend == "sqlite":
        from hotline_desk.storage.db import close_database, open_database
        from hotline_desk.storage.migrations import migrate

        url = f"sqlite:///{tmp_path / 'server.db'}"
        db = open_database(url)
        migrate(db)
        close_database(db)
        yield url
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    template: str = request.getfixturevalue("pg_migrated_template")
    name = server.create_database(template=template)
    yield server.url(name)
    server.drop_database(name)


# ---------------------------------------------------------------- the server clock


class ManualClock:
    """The server clock under test control: tests move time instead of sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 6, 1, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()
