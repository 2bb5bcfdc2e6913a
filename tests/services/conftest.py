"""Fixtures of the desk services tests: a REAL sync server process (shared per module or
the test's own), a temporary desk cache and an in-memory keyring. The helpers live in
``test_services_support.py``."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_services_support import (
    PYTHON,
    REPO,
    MemoryKeyring,
    ServerProcess,
    fresh_server_dir,
)

from hotline_desk.services.credentials import CredentialStore
from hotline_desk.storage.cache import LocalCache


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo server database (accounts of every role, the seed KB), made once."""
    data_dir = tmp_path_factory.mktemp("demo-template")
    result = subprocess.run(
        [PYTHON, "-m", "hotline_desk", "server", "init-demo", "--data-dir", str(data_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr + result.stdout
    return data_dir / "server.db"


@pytest.fixture(scope="module")
def shared_server(demo_database: Path, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[ServerProcess]:
    """One server for a module's tests that do not stop it."""
    server = ServerProcess(fresh_server_dir(demo_database, tmp_path_factory.mktemp("srv")))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_server(demo_database: Path, tmp_path: Path) -> Iterator[ServerProcess]:
    """A server of the test's own, which the test may stop, kill and restart."""
    server = ServerProcess(fresh_server_dir(demo_database, tmp_path / "server"))
    yield server
    server.stop()


# -------------------------------------------------------------------------- the desk


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def credentials(keyring_backend: MemoryKeyring) -> CredentialStore:
    return CredentialStore(backend=keyring_backend)


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "desk-cache"


@pytest.fixture
def cache(cache_dir: Path) -> Iterator[LocalCache]:
    opened = LocalCache.open(cache_dir, synchronous="NORMAL")
    yield opened
    opened.close(30)


