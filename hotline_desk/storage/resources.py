"""The bundled data files the desk ships with (``resources/``).

Reads the files through :func:`hotline_desk.paths.resource` (which also finds them in
a PyInstaller bundle, or under ``HOTLINE_DESK_RESOURCES``) and hands the text to the
pure parsers in the core:

* ``resources/scripts/non_acceptance.json`` — the 第十条 refusal scripts;
* ``resources/scripts/emergency_lines.json`` — the 第十二条(三) emergency and utility lines.

A missing or unreadable file raises :class:`StorageError` (a broken installation); a
malformed one raises :class:`DataFormatError` with every problem listed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from hotline_desk import paths
from hotline_desk.core.emergency_lines import EmergencyLineCatalogue, parse_emergency_lines
from hotline_desk.core.errors import DataFormatError, StorageError
from hotline_desk.core.refusals import RefusalCatalogue, parse_non_acceptance_reasons

NON_ACCEPTANCE_FILE = ("scripts", "non_acceptance.json")
EMERGENCY_LINES_FILE = ("scripts", "emergency_lines.json")

T = TypeVar("T")


def load_non_acceptance_reasons() -> RefusalCatalogue:
    """The bundled non-acceptance reasons and scripts (第十条)."""
    path = paths.resource(*NON_ACCEPTANCE_FILE)
    return _parse(path, parse_non_acceptance_reasons)


def load_emergency_lines() -> EmergencyLineCatalogue:
    """The bundled emergency and utility lines with per-city numbers (第十二条(三))."""
    path = paths.resource(*EMERGENCY_LINES_FILE)
    return _parse(path, parse_emergency_lines)


def read_resource_text(path: Path) -> str:
    """A bundled text file as UTF-8 text (a BOM is tolerated)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise StorageError(f"bundled resource missing: {path}",
                           f"缺少内置数据文件「{path.name}」，请重新安装座席工作台") from exc
    except OSError as exc:
        raise StorageError(f"cannot read bundled resource {path}: {exc}",
                           f"无法读取内置数据文件「{path.name}」") from exc
    return decode_utf8(data, path.name)


def decode_utf8(data: bytes, name: str) -> str:
    """A data file's bytes as UTF-8 text (a BOM is tolerated); a clear error otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = "文件不是UTF-8编码"
        raise DataFormatError(f"{name} is not UTF-8", f"{name}：{message}",
                              problems=[(name, "", message)]) from exc


def _parse(path: Path, parser: Callable[[str], T]) -> T:
    text = read_resource_text(path)
    try:
        return parser(text)
    except DataFormatError as exc:
        raise DataFormatError(f"{path.name}: {exc.message}", f"{path.name}：{exc.message_zh}",
                              problems=exc.problems) from exc
