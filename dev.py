#!/usr/bin/env python3
"""Set-up and launch helper behind the README's two commands.

    python3 dev.py start   # venv + demo server (embedded SQLite) + the desk
    python3 dev.py test    # venv + every service the tests need + the whole suite

Needs only Python 3.11+. Everything is installed into ``.venv/`` inside the
checkout; nothing global, except that on a machine without the PostgreSQL server
binaries the test command installs Debian's ``postgresql`` package when it may
(root with apt-get), because the storage tests run on a real PostgreSQL too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".hotline-desk-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def _wanted_stamp() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on whatever python3 is
        sys.exit("Python 3.11 or newer is needed (需要 Python 3.11 或更高版本)")
    if not PY.exists():
        say(f"creating virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = _wanted_stamp()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    say("installing the project and its dependencies into .venv (first run takes a minute)")
    pip = [str(PY), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "-U", "pip"], check=True)
    subprocess.run([*pip, "install", "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def _postgres_bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return candidates[0].parent if candidates else None


def _has_cjk_font() -> bool:
    roots = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"]
    names = ("notosanscjk", "notoserifcjk", "wqy", "sourcehansans", "droidsansfallback")
    for root in roots:
        if root.is_dir():
            for font in root.rglob("*"):
                if any(name in font.name.lower().replace("-", "") for name in names):
                    return True
    return False


def _apt_install(packages: list[str], why: str) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        say(f"{why}; installing Debian packages: {' '.join(packages)}")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", *packages], check=True, env=env)
    else:
        say(f"{why}: install {' '.join(packages)} (or your system's equivalent); "
            "the tests that need it will fail without it")


def ensure_test_services() -> None:
    """System packages the tests need: PostgreSQL server binaries (the suite starts its
    own server) and a CJK font (the frozen desk's self-check renders Chinese)."""
    if os.name == "nt" or sys.platform == "darwin":
        return
    missing: list[str] = []
    if _postgres_bin_dir() is None:
        missing.append("postgresql")
    if not _has_cjk_font():
        missing.append("fonts-noto-cjk")
    if missing:
        _apt_install(missing, "missing for the tests")


def cmd_test(args: list[str]) -> int:
    ensure_venv()
    ensure_test_services()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}
    code = subprocess.run([str(PY), "-m", "pytest", *args], cwd=ROOT, env=env).returncode
    if code == 5:
        say("pytest collected no tests: that counts as a failure")
        return 1
    return code


def cmd_start(args: list[str]) -> int:
    ensure_venv()
    return subprocess.run([str(PY), "-m", "hotline_desk", "demo", *args], cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    commands = {"start": cmd_start, "test": cmd_test}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
