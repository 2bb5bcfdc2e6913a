#!/usr/bin/env python3
"""Build the one-folder bundle with PyInstaller, then smoke-test it.

    .venv/bin/python build/build_bundle.py                 # build/dist/HotlineDesk/
    .venv/bin/python build/build_bundle.py --dist D --work W
    .venv/bin/python build/build_bundle.py --no-build      # smoke-test the last build

The build always starts clean (``--clean``, and the work and output folders are
deleted first): nothing from a previous build is reused, as on a fresh CI clone.
Afterwards ``build/smoke_test.py`` runs the frozen server and the frozen desk's
``--self-check``. Prints the build time, the bundle size (MB) and the frozen
desk's start-up time (process start to self-check done), and a ``SUMMARY {json}``
line. Exit status 0 when the build and the smoke test passed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from smoke_test import report, smoke_test

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "hotline_desk.spec"
DEFAULT_DIST = ROOT / "build" / "dist"
DEFAULT_WORK = ROOT / "build" / "pyinstaller"
BUNDLE_NAME = "HotlineDesk"


def build(dist: Path, work: Path) -> float:
    """Run PyInstaller on the spec; the seconds it took."""
    for folder in (work, dist / BUNDLE_NAME):
        if folder.exists():
            shutil.rmtree(folder)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--workpath", str(work), "--distpath", str(dist), str(SPEC)],
        cwd=ROOT, check=True,
    )
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build and smoke-test the Hotline Desk bundle.")
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST, help="output folder")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK,
                        help="PyInstaller work folder")
    parser.add_argument("--no-build", action="store_true",
                        help="only smoke-test the bundle already in --dist")
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    build_s = 0.0
    if not args.no_build:
        try:
            build_s = build(dist, work)
        except subprocess.CalledProcessError as exc:
            print(f"PROBLEM: PyInstaller exited {exc.returncode}")
            return 1
        print(f"build time: {build_s:.1f} s")
    result = smoke_test(dist / BUNDLE_NAME)
    report(result)
    print("BUILD " + json.dumps({"build_s": round(build_s, 1), "bundle_mb": result.bundle_mb,
                                 "desk_start_s": result.desk_start_s, "ok": result.ok}))
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
