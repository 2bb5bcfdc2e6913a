"""``hotline-desk calendar``: working days and deadlines (filled in by the calendar work)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("calendar", help="工作日与办理时限")
    parser.set_defaults(func=lambda args: parser.print_help() or 0)
