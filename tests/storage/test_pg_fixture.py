"""The PostgreSQL test server plugin (tests/pg_fixture.py): without the server binaries
the PostgreSQL tests must FAIL with a clear message, never skip silently (第三十五条:
the storage layer is proven on the real database it runs on)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pg_fixture

TESTS = Path(__file__).resolve().parents[1]


def test_the_binaries_are_found_here():
    found = pg_fixture.find_postgres_bin_dir()
    assert found is not None and (found / "initdb").exists() and (found / "pg_ctl").exists()


def test_missing_binaries_fail_loudly(tmp_path: Path):
    (tmp_path / "conftest.py").write_text(
        "import pg_fixture\n"
        "pytest_plugins = ('pg_fixture',)\n"
        "pg_fixture.find_postgres_bin_dir = lambda: None\n", encoding="utf-8")
    (tmp_path / "test_needs_pg.py").write_text(
        "def test_uses_postgres(pg_server):\n    pass\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(tmp_path), "-p", "no:cacheprovider", "-rA",
         "--rootdir", str(tmp_path), "-c", os.devnull],
        capture_output=True, text=True, env=env, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "1 error" in output and "skipped" not in output
    assert "python3 dev.py test" in output and "initdb" in output


def test_the_server_runs_as_a_normal_user_and_listens_on_no_tcp_port(pg_server):
    conn = pg_server.connect_admin()
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW listen_addresses")
            assert cur.fetchone()[0] == ""
            cur.execute("SHOW unix_socket_directories")
            assert cur.fetchone()[0] == str(pg_server.socket_dir)
    finally:
        conn.close()
    assert pg_server.version().split(".")[0].isdigit()
