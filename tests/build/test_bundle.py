"""The PyInstaller bundle: built from scratch, then the frozen server and desk are run.

What the installer must keep working on a call-centre PC: the desk opens its cache,
loads the knowledge base (第十二条: answers on the spot come from it), reaches the
sync server, and keeps the login token in the system credential store
(第三十四、三十五条: authorised access, account security) — the smoke test's
``--self-check`` covers each, in the frozen build.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "build" / "build_bundle.py"
MAX_BUNDLE_MB = 450  # 282 MB measured on Linux (Qt + ICU + numpy/OpenBLAS dominate)
MAX_DESK_START_S = 30.0  # ~3 s measured; generous for a loaded CI runner


def _smoke_module(name: str = "smoke_test") -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"hotline_{name}",
                                                  ROOT / "build" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def _line(output: str, prefix: str) -> dict[str, object]:
    for line in output.splitlines():
        if line.startswith(prefix + " "):
            return dict(json.loads(line[len(prefix) + 1:]))
    raise AssertionError(f"no {prefix} line in:\n{output[-4000:]}")


def test_the_frozen_server_logs_into_its_data_folder(tmp_path: Path, monkeypatch) -> None:
    """HotlineDeskServer running a server logs to <data dir>/logs, like hotline-desk
    server; its other commands (init-demo, kb, calendar) to the user's log folder."""
    entry = _smoke_module("entry_server")
    data = tmp_path / "data"
    assert entry.log_folder(["server", "--data-dir", str(data)]) == data / "logs"
    assert entry.log_folder(["server", "--port", "8787", f"--data-dir={data}"]) == data / "logs"
    assert entry.log_folder(["server", "init-demo", "--data-dir", str(data)]) is None
    assert entry.log_folder(["kb", "import", "x.jsonl"]) is None
    assert entry.log_folder([]) is None
    monkeypatch.setenv("HOTLINE_DESK_CACHE", str(tmp_path / "cache"))
    assert entry.log_folder(["server"]) == tmp_path / "cache" / "server" / "logs"


def test_self_check_lines_are_read_from_the_log(tmp_path: Path) -> None:
    smoke = _smoke_module()
    log = tmp_path / "HotlineDesk.log"
    log.write_text(
        "2026-11-29 08:55:31,309 INFO [1 MainThread] hotline_desk.app: "
        "self-check [OK] 知识库 / knowledge base: 428 seed entries, search ok (1465 ms)\n"
        "2026-11-29 08:55:31,309 ERROR [1 MainThread] hotline_desk.app: "
        "self-check [FAIL] 凭据库 / keyring: 系统中没有可用的安全凭据库 (82 ms)\n"
        "unrelated line\n", encoding="utf-8")
    found = smoke.read_self_check(log)
    assert found == {"knowledge base": (True, "428 seed entries, search ok (1465 ms)"),
                     "keyring": (False, "系统中没有可用的安全凭据库 (82 ms)")}
    assert smoke.read_self_check(tmp_path / "missing.log") == {}


def test_smoke_environment_is_isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    smoke = _smoke_module()
    monkeypatch.setenv("HOTLINE_DESK_CACHE", "/somewhere/real")
    monkeypatch.setenv("PYTHONPATH", "/work/main")
    env = smoke.smoke_env(tmp_path)
    assert env["HOTLINE_DESK_CACHE"] == str(tmp_path / "cache")
    assert env["HOTLINE_DESK_LOG_DIR"] == str(tmp_path / "log")
    assert env["QT_QPA_PLATFORM"] == "offscreen"
    assert "PYTHONPATH" not in env


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_bundle_builds_from_scratch_and_passes_the_smoke_test(tmp_path: Path) -> None:
    dist, work = tmp_path / "dist", tmp_path / "work"
    run = subprocess.run([sys.executable, str(BUILD_SCRIPT), "--dist", str(dist),
                          "--work", str(work)],
                         cwd=ROOT, capture_output=True, text=True, timeout=2300,
                         encoding="utf-8", errors="replace")
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    summary = _line(run.stdout, "SUMMARY")
    assert summary["ok"] is True and summary["problems"] == []

    bundle = dist / "HotlineDesk"
    suffix = ".exe" if sys.platform == "win32" else ""
    # one folder, two executables sharing one _internal/
    assert (bundle / f"HotlineDesk{suffix}").is_file()
    assert (bundle / f"HotlineDeskServer{suffix}").is_file()
    assert sorted(p.name for p in bundle.iterdir() if p.is_dir()) == ["_internal"]
    internal = bundle / "_internal"
    assert (internal / "resources" / "kb" / "seed").is_dir()
    assert (internal / "resources" / "style" / "desk.qss").is_file()
    assert (internal / "pypinyin" / "phrases_dict.json").is_file()  # collect_data_files
    assert (internal / "tzdata" / "zoneinfo" / "Asia" / "Shanghai").is_file()

    checks = summary["checks"]
    assert isinstance(checks, dict)
    for name in ("CJK font", "forms", "reference data", "knowledge base", "windows",
                 "saved KB index", "phones and deadlines", "local cache", "sync server",
                 "keyring"):
        assert str(checks[name]).startswith("OK"), (name, checks[name])
    cli = summary["cli"]
    assert isinstance(cli, dict) and len(cli) == 5
    assert all(value == "OK" for value in cli.values()), cli
    assert str(summary["keyring_backend"]).startswith("keyring.backends.")
    health = summary["server_health"]
    assert isinstance(health, dict) and health["status"] == "ok"

    assert 0 < float(summary["bundle_mb"]) < MAX_BUNDLE_MB  # type: ignore[arg-type]
    assert 0 < float(summary["desk_start_s"]) < MAX_DESK_START_S  # type: ignore[arg-type]
    build = _line(run.stdout, "BUILD")
    assert float(build["build_s"]) > 0  # type: ignore[arg-type]
    print(f"\nbundle {summary['bundle_mb']} MB, build {build['build_s']} s, "
          f"frozen desk start-up {summary['desk_start_s']} s")
