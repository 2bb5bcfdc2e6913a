#!/usr/bin/env python3
"""Compile the Qt Designer forms ``ui/*.ui`` into ``hotline_desk/gui/forms/ui_*.py``.

    python build/compile_forms.py          # (re)compile every form
    python build/compile_forms.py --check  # exit 1 when a compiled form is stale

Each compiled module starts with ``# ui-source-sha256: <hex>``, the SHA-256 of its
``.ui`` source (line endings normalised to ``\\n``, so a Windows checkout with
CRLF gives the same hash). ``tests/gui/test_forms_compiled.py`` fails when a form
was edited without recompiling — hashes, not mtimes, because a git checkout resets
every mtime.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI_DIR = ROOT / "ui"
FORMS_DIR = ROOT / "hotline_desk" / "gui" / "forms"
HASH_PREFIX = "# ui-source-sha256: "


def source_hash(ui_file: Path) -> str:
    data = ui_file.read_bytes().replace(b"\r\n", b"\n")
    return hashlib.sha256(data).hexdigest()


def compiled_path(ui_file: Path) -> Path:
    return FORMS_DIR / f"ui_{ui_file.stem}.py"


def embedded_hash(py_file: Path) -> str | None:
    try:
        first = py_file.read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError):
        return None
    return first.removeprefix(HASH_PREFIX).strip() if first.startswith(HASH_PREFIX) else None


def stale_forms() -> list[str]:
    """Names of forms whose compiled module is missing or older than the .ui."""
    stale = []
    for ui_file in sorted(UI_DIR.glob("*.ui")):
        if embedded_hash(compiled_path(ui_file)) != source_hash(ui_file):
            stale.append(ui_file.name)
    return stale


def _uic() -> str:
    beside = Path(sys.executable).parent / "pyside6-uic"
    if beside.exists():
        return str(beside)
    found = shutil.which("pyside6-uic")
    if found is None:
        sys.exit("pyside6-uic not found: run inside the project's virtualenv (.venv)")
    return found


def compile_form(ui_file: Path, uic: str) -> Path:
    result = subprocess.run([uic, "-g", "python", str(ui_file)],
                            capture_output=True, text=True, encoding="utf-8", check=False)
    if result.returncode != 0:
        raise SystemExit(f"pyside6-uic failed on {ui_file.name}:\n{result.stderr}")
    target = compiled_path(ui_file)
    target.write_text(f"{HASH_PREFIX}{source_hash(ui_file)}\n{result.stdout}",
                      encoding="utf-8", newline="\n")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale forms")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_forms()
        for name in stale:
            print(f"stale: {name} (run python build/compile_forms.py)")
        return 1 if stale else 0
    FORMS_DIR.mkdir(parents=True, exist_ok=True)
    init = FORMS_DIR / "__init__.py"
    if not init.exists():
        init.write_text('"""Forms compiled from ui/*.ui by build/compile_forms.py; '
                        'do not edit."""\n', encoding="utf-8")
    uic = _uic()
    for ui_file in sorted(UI_DIR.glob("*.ui")):
        print(f"{ui_file.name} -> {compile_form(ui_file, uic).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
