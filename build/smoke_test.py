#!/usr/bin/env python3
"""Smoke-test a built bundle: the frozen server answers, the frozen desk self-checks.

    python build/smoke_test.py [build/dist/HotlineDesk]

1. ``HotlineDeskServer server init-demo --data-dir TMP`` (demo centre, accounts, seed KB,
   argon2 password hashes), then the frozen CLI's libraries loaded at run time:
   ``calendar due`` (chinese_calendar, and the lunardate fallback for 2098),
   ``kb export/import`` of an ``.xlsx`` (openpyxl writes, python-calamine reads), and
   ``server migrate --database postgresql://…`` against a closed port (psycopg2 and
   libpq must load and report the refused connection, not an ImportError);
2. ``HotlineDeskServer server --data-dir TMP --port FREE``, polled on ``/api/v1/health``;
3. ``HotlineDesk --self-check --server http://127.0.0.1:FREE`` offscreen, with a fresh
   cache (``HOTLINE_DESK_CACHE``) and log folder (``HOTLINE_DESK_LOG_DIR``) in TMP,
   twice: the first start creates the cache, the second is a normal start. Its
   result is read from the log file, not stdout, because a windowed Windows
   build has no stdout — this also proves logging reached the file.

A Linux CI machine has no Secret Service, and the bundle ships no plaintext
keyring, so ``HOTLINE_DESK_ALLOW_INSECURE_KEYRING=1`` lets the keyring check name
the backend it found (``keyring.backends.fail.Keyring`` there) instead of failing;
on Windows the check names ``keyring.backends.Windows.WinVaultKeyring``.
Prints a human summary and one ``SUMMARY {json}`` line; exit status 0 when all passed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BUNDLE = ROOT / "build" / "dist" / "HotlineDesk"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
DESK_EXE = "HotlineDesk" + EXE_SUFFIX
SERVER_EXE = "HotlineDeskServer" + EXE_SUFFIX
EXPECTED_CHECKS = ("CJK font", "forms", "reference data", "knowledge base", "windows",
                   "saved KB index", "phones and deadlines", "local cache", "sync server",
                   "keyring")
#: What must never be in the bundle (other Qt bindings, Tk, test tools).
FORBIDDEN = ("PyQt5", "PyQt6", "PySide2", "tkinter", "_tkinter", "pytest", "hypothesis",
             "keyrings", "PySide6/Qt/lib/libQt6WebEngineCore", "PySide6/QtQml",
             "PySide6/QtQuick", "PySide6/QtPdf", "PySide6/QtMultimedia", "PySide6/Qt3DCore")
SELF_CHECK_LINE = re.compile(r"self-check \[(OK|FAIL)\] [^/]*/ ([^:]+): (.*)$")
HEALTH_TIMEOUT = 90.0
DESK_TIMEOUT = 180.0


@dataclass
class SmokeResult:
    bundle: str
    bundle_mb: float
    files: int
    cli: dict[str, str] = field(default_factory=dict)
    server_health: dict[str, object] = field(default_factory=dict)
    server_start_s: float = 0.0
    desk_first_start_s: float = 0.0
    desk_start_s: float = 0.0
    checks: dict[str, str] = field(default_factory=dict)
    keyring_backend: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def bundle_size(bundle: Path) -> tuple[float, int]:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 1e6, len(files)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def smoke_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "HOTLINE_DESK_", "QT_"))}
    env.update(QT_QPA_PLATFORM="offscreen", HOTLINE_DESK_CACHE=str(tmp / "cache"),
               HOTLINE_DESK_LOG_DIR=str(tmp / "log"), HOTLINE_DESK_ALLOW_INSECURE_KEYRING="1")
    return env


def get_health(url: str) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return dict(json.loads(response.read().decode("utf-8")))
    except (urllib.error.URLError, OSError, ValueError):
        return None
    return None


def wait_for_health(url: str, server: subprocess.Popen[str], timeout: float) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the frozen server exited with {server.returncode}")
        health = get_health(url)
        if health is not None:
            return health
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
    out, _ = process.communicate()
    return out or ""


def read_self_check(log_file: Path) -> dict[str, tuple[bool, str]]:
    """``{check: (ok, detail)}`` of the last self-check in the log file."""
    found: dict[str, tuple[bool, str]] = {}
    if not log_file.is_file():
        return found
    for line in log_file.read_text(encoding="utf-8", errors="replace").splitlines():
        match = SELF_CHECK_LINE.search(line)
        if match:
            found[match.group(2).strip()] = (match.group(1) == "OK", match.group(3).strip())
    return found


def cli_checks(bundle: Path, env: dict[str, str], tmp: Path, data: Path) -> dict[str, str]:
    """Run the frozen CLI commands that load optional libraries; ``{name: problem or ''}``."""
    server = str(bundle / SERVER_EXE)
    xlsx = tmp / "kb-export.xlsx"
    dead_port = free_port()
    steps: list[tuple[str, list[str], int, tuple[str, ...]]] = [
        ("calendar (chinese_calendar)", ["calendar", "due", "--from", "2026-09-30", "--days",
                                         "5", "--json", "--data-dir", str(tmp / "cal")],
         0, ('"due_date": "2026-10-13"', '"source": "official"')),
        ("calendar fallback (lunardate)", ["calendar", "due", "--from", "2098-01-20", "--days",
                                           "5", "--json", "--data-dir", str(tmp / "cal")],
         0, ('"provisional": true',)),
        ("kb export xlsx (openpyxl)", ["kb", "export", str(xlsx), "--data-dir", str(data)],
         0, ("已导出",)),
        ("kb import xlsx (python-calamine)", ["kb", "import", str(xlsx), "--data-dir",
                                              str(data)], 0, ("已导入",)),
        ("postgresql driver (psycopg2)",
         ["server", "migrate", "--database",
          f"postgresql://smoke:smoke@127.0.0.1:{dead_port}/smoke"],
         1, ("connection to server at",)),
    ]
    found: dict[str, str] = {}
    for name, args, expected_code, needles in steps:
        run = subprocess.run([server, *args], env=env, capture_output=True, text=True,
                             timeout=300, encoding="utf-8", errors="replace")
        output = run.stdout + run.stderr
        problem = ""
        if run.returncode != expected_code:
            problem = f"exited {run.returncode} (expected {expected_code})"
        elif "No module named" in output or "ImportError" in output:
            problem = "a module is missing from the bundle"
        else:
            missing = [n for n in needles if n not in output]
            if missing:
                problem = f"output lacks {missing}"
        found[name] = f"{problem}: {output[-800:]}" if problem else ""
    return found


def run_desk(bundle: Path, server_url: str, env: dict[str, str]) -> tuple[float, int, str]:
    started = time.perf_counter()
    desk = subprocess.run([str(bundle / DESK_EXE), "--self-check", "--server", server_url],
                          env=env, capture_output=True, text=True, timeout=DESK_TIMEOUT,
                          encoding="utf-8", errors="replace")
    return time.perf_counter() - started, desk.returncode, desk.stdout + desk.stderr


def smoke_test(bundle: Path) -> SmokeResult:
    size_mb, files = bundle_size(bundle)
    result = SmokeResult(bundle=str(bundle), bundle_mb=round(size_mb, 1), files=files)
    for name in (DESK_EXE, SERVER_EXE):
        if not (bundle / name).is_file():
            result.problems.append(f"{name} missing from {bundle}")
    for name in FORBIDDEN:
        hits = list((bundle / "_internal").glob(name + "*"))
        if hits:
            result.problems.append(f"bundle contains {hits[0].relative_to(bundle)}")
    if result.problems:
        return result
    with tempfile.TemporaryDirectory(prefix="hotline-smoke-") as tmp_name:
        tmp = Path(tmp_name)
        env = smoke_env(tmp)
        data = tmp / "server-data"
        init = subprocess.run([str(bundle / SERVER_EXE), "server", "init-demo",
                               "--data-dir", str(data)], env=env, capture_output=True,
                              text=True, timeout=300, encoding="utf-8", errors="replace")
        if init.returncode != 0:
            result.problems.append(f"init-demo exited {init.returncode}: "
                                   f"{(init.stdout + init.stderr)[-2000:]}")
            return result
        for name, problem in cli_checks(bundle, env, tmp, data).items():
            result.cli[name] = "FAIL " + problem if problem else "OK"
            if problem:
                result.problems.append(f"{name}: {problem}")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        server = subprocess.Popen(
            [str(bundle / SERVER_EXE), "server", "--data-dir", str(data), "--port", str(port)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            encoding="utf-8", errors="replace")
        try:
            try:
                result.server_health = wait_for_health(f"{url}/api/v1/health", server,
                                                       HEALTH_TIMEOUT)
                result.server_start_s = round(time.perf_counter() - started, 2)
            except RuntimeError as exc:
                result.problems.append(f"server: {exc}")
                return result
            if result.server_health.get("status") != "ok":
                result.problems.append(f"server health is {result.server_health}")
            log_file = tmp / "log" / "HotlineDesk.log"
            for attempt in ("first", "second"):
                seconds, code, output = run_desk(bundle, url, env)
                if attempt == "first":
                    result.desk_first_start_s = round(seconds, 2)
                else:
                    result.desk_start_s = round(seconds, 2)
                if code != 0:
                    result.problems.append(f"desk --self-check ({attempt} start) exited {code}: "
                                           f"{output[-1500:]}")
        finally:
            server_output = stop(server)
        checks = read_self_check(log_file)
        result.checks = {name: ("OK " if ok else "FAIL ") + detail
                         for name, (ok, detail) in checks.items()}
        for name in EXPECTED_CHECKS:
            if name not in checks:
                result.problems.append(f"self-check line {name!r} not in {log_file}")
            elif not checks[name][0]:
                result.problems.append(f"self-check {name} failed: {checks[name][1]}")
        if "keyring" in checks:
            result.keyring_backend = checks["keyring"][1].rsplit(" (", 1)[0]
        if result.problems and server_output:
            result.problems.append(f"server output: {server_output[-1500:]}")
    return result


def report(result: SmokeResult) -> None:
    print(f"bundle: {result.bundle} — {result.bundle_mb:.1f} MB in {result.files} files")
    if result.server_health:
        health = result.server_health
        print(f"frozen server: health {health.get('status')} after "
              f"{result.server_start_s:.2f} s (version {health.get('version')})")
    for name, line in result.cli.items():
        print(f"  frozen CLI {name}: {line[:200]}")
    for name, line in result.checks.items():
        print(f"  self-check {name}: {line}")
    if result.keyring_backend:
        print(f"keyring backend: {result.keyring_backend}")
    if result.desk_start_s:
        print(f"frozen desk start-up to self-check done: {result.desk_start_s:.2f} s "
              f"(first start, creating the cache: {result.desk_first_start_s:.2f} s)")
    for problem in result.problems:
        print(f"PROBLEM: {problem}")
    print("SUMMARY " + json.dumps({**asdict(result), "ok": result.ok}, ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", nargs="?", type=Path, default=DEFAULT_BUNDLE)
    args = parser.parse_args(argv)
    result = smoke_test(args.bundle.resolve())
    report(result)
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
