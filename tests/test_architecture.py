"""The layer rules of docs/ARCHITECTURE.md, enforced (napari-style import contracts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_gui_imports_qt_textually() -> None:
    """Belt and braces: catches dynamic-looking imports import-linter cannot see."""
    offenders = []
    for path in (ROOT / "hotline_desk").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("hotline_desk/gui/") or rel in {"hotline_desk/app.py"}:
            continue
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(("import PySide6", "from PySide6", "import qasync",
                                    "from qasync", "import pyqtgraph", "from pyqtgraph")):
                offenders.append(f"{rel}: {stripped}")
    assert offenders == []
