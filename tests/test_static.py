"""Static checks that keep the codebase honest: ruff everywhere, mypy strict on the core."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [str(BIN / "ruff"), "check", "--output-format", "concise", "--no-cache",
         "hotline_desk", "tests", "benchmarks", "build", "dev.py"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_is_strictly_typed() -> None:
    """httpx-style strict typing for the domain core (configured in pyproject.toml)."""
    result = subprocess.run(
        [str(BIN / "mypy"), "--no-incremental", "--cache-dir", "/dev/null"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
