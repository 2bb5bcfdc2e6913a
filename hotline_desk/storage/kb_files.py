"""Knowledge-base files on disk: JSON Lines, JSON, CSV and XLSX (第二十九–三十一条).

The format follows the file name's extension (case-insensitive):

======================  ===========================================================
``.jsonl`` ``.ndjson``  JSON Lines, UTF-8 (a BOM is tolerated)
``.json``               a JSON array of entry objects (JSON Lines also read)
``.csv``                UTF-8 with or without BOM; a file that is not UTF-8 is read
                        as GB18030 (what Excel on Chinese Windows saves as "CSV"),
                        with a warning. Written with a BOM so Excel shows Chinese.
``.xlsx`` ``.xlsm``     the first worksheet, header row; read with python-calamine,
                        written with openpyxl
======================  ===========================================================

Parsing and validation live in :mod:`hotline_desk.core.kb.formats` (every rule, every
problem listed); this module only reads bytes, decodes, walks XLSX rows and writes
files atomically (a temporary file in the same folder, then ``os.replace``), so an
interrupted export never leaves half a file under the real name.

XLSX is read with python-calamine (Rust) rather than openpyxl: for 100,000 entries
openpyxl's read-only mode took about 24 s on the project machine, calamine about
2 s plus validation. openpyxl writes the exports (text cells are stored as text,
so an answer starting with "=" never becomes a formula).
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from hotline_desk.core.errors import DataFormatError, StorageError
from hotline_desk.core.kb import formats
from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.kb.formats import KBImport

log = logging.getLogger(__name__)

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
JSON_SUFFIXES = frozenset({".json"})
CSV_SUFFIXES = frozenset({".csv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
SUPPORTED_SUFFIXES = JSONL_SUFFIXES | JSON_SUFFIXES | CSV_SUFFIXES | XLSX_SUFFIXES

XLSX_SHEET_TITLE = "知识库"


def kb_file_kind(path: str | os.PathLike[str]) -> str:
    """``"jsonl"``, ``"json"``, ``"csv"`` or ``"xlsx"``; :class:`DataFormatError` otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    if suffix == ".xls":
        message = "不支持旧版Excel（.xls）文件，请在Excel中另存为 .xlsx 后再导入"
    else:
        message = (f"不支持的文件类型「{suffix or '无扩展名'}」，"
                   "请使用 .jsonl、.json、.csv 或 .xlsx 文件")
    raise DataFormatError(f"unsupported knowledge-base file type {suffix!r}", message,
                          problems=[("文件", "", message)])


def read_kb_file(path: str | os.PathLike[str]) -> list[KBEntry]:
    """Every entry of a knowledge-base file; :class:`DataFormatError` if any is bad.

    Warnings (ignored columns, rows above the header, GB18030 CSV) are logged; use
    :func:`load_kb_file` to get them.
    """
    result = load_kb_file(path)
    for loc, field, message in result.warnings:
        log.warning("%s: %s %s %s", Path(path).name, loc, field, message)
    return list(result.entries)


def load_kb_file(path: str | os.PathLike[str]) -> KBImport:
    """Entries plus warnings; raises :class:`DataFormatError` or :class:`StorageError`."""
    file = Path(path)
    kind = kb_file_kind(file)
    try:
        if kind == "xlsx":
            return _read_xlsx(file)
        data = _read_bytes(file)
        if kind == "csv":
            return _parse_csv_bytes(data)
        return formats.parse_jsonl(_decode_utf8(data))
    except DataFormatError as exc:
        raise DataFormatError(f"{file.name}: {exc.message}", f"{file.name}：{exc.message_zh}",
                              problems=exc.problems) from exc


def write_kb_file(path: str | os.PathLike[str], entries: Iterable[KBEntry], *,
                  chinese_headers: bool = False) -> None:
    """Write ``entries`` in the format of the extension, atomically.

    ``chinese_headers`` applies to CSV/XLSX: Chinese column names and labels for the
    category and review state (both forms read back).
    """
    file = Path(path)
    kind = kb_file_kind(file)
    items = list(entries)
    if kind == "jsonl":
        _write_atomic(file, formats.to_jsonl(items).encode("utf-8"))
    elif kind == "json":
        _write_atomic(file, formats.to_json_array(items).encode("utf-8"))
    elif kind == "csv":
        text = formats.to_csv(items, chinese_headers=chinese_headers)
        _write_atomic(file, text.encode("utf-8-sig"))
    else:
        rows = formats.to_table(items, chinese_headers=chinese_headers)
        _write_xlsx(file, rows)


# ---------------------------------------------------------------- reading


def _read_bytes(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise _read_error(file, exc) from exc


def _read_error(file: Path, exc: OSError) -> StorageError:
    if isinstance(exc, FileNotFoundError):
        reason = "文件不存在"
    elif isinstance(exc, PermissionError):
        reason = "没有读取权限"
    elif isinstance(exc, IsADirectoryError):
        reason = "这是一个文件夹"
    else:
        reason = exc.strerror or "读取失败"
    return StorageError(f"cannot read {file}: {exc}", f"无法读取文件「{file.name}」：{reason}")


def _decode_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = "文件不是UTF-8编码，请另存为UTF-8后再导入"
        raise DataFormatError("file is not UTF-8", message,
                              problems=[(f"第{line}行", "", message)]) from exc


def _parse_csv_bytes(data: bytes) -> KBImport:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            message = "文件既不是UTF-8也不是GBK编码，无法读取"
            raise DataFormatError("CSV file is neither UTF-8 nor GB18030", message,
                                  problems=[(f"第{line}行", "", message)]) from exc
        note = ("文件", "", "文件不是UTF-8编码，已按GBK（GB18030）读取，请核对中文是否正确")
        try:
            result = formats.parse_csv(text)
        except DataFormatError as exc:
            raise DataFormatError(exc.message, exc.message_zh,
                                  problems=[*exc.problems, note]) from exc
        return replace(result, warnings=(note, *result.warnings))
    return formats.parse_csv(text)


def _cell_text(value: Any) -> str | None:
    """A spreadsheet cell as text: numbers without a spurious ``.0``, dates in ISO form."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _read_xlsx(file: Path) -> KBImport:
    """The first worksheet's rows, read with python-calamine (see the module docstring)."""
    import python_calamine

    if not file.exists():
        raise _read_error(file, FileNotFoundError(2, "not found"))
    if file.is_dir():
        raise _read_error(file, IsADirectoryError(21, "is a directory"))
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(file))
        if not workbook.sheet_names:
            message = "XLSX文件中没有工作表"
            raise DataFormatError("XLSX file has no worksheet", message,
                                  problems=[("文件", "", message)])
        # skip_empty_area=False keeps row 1 as row 1, so row numbers match Excel's.
        cells = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except OSError as exc:
        raise _read_error(file, exc) from exc
    except (python_calamine.CalamineError, python_calamine.PasswordError,
            python_calamine.XmlError, python_calamine.ZipError, ValueError) as exc:
        message = "不是有效的XLSX文件（文件损坏、已加密，或不是Excel 2007及以后的格式）"
        raise DataFormatError(f"not a valid XLSX file: {exc}", message,
                              problems=[("文件", "", message)]) from exc
    rows = ((number, [_cell_text(value) for value in row])
            for number, row in enumerate(cells, start=1))
    return formats.parse_table(rows, fmt="XLSX")


# ---------------------------------------------------------------- writing


def _write_atomic(file: Path, data: bytes) -> None:
    try:
        with _atomic_target(file) as temporary:
            temporary.write_bytes(data)
    except OSError as exc:
        raise _write_error(file, exc) from exc


@contextlib.contextmanager
def _atomic_target(file: Path) -> Iterator[Path]:
    """A temporary path beside ``file`` that replaces it when the block succeeds."""
    folder = file.parent if str(file.parent) else Path(".")
    handle, name = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, file)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _write_error(file: Path, exc: OSError) -> StorageError:
    reason = "没有写入权限" if isinstance(exc, PermissionError) else (exc.strerror or "写入失败")
    return StorageError(f"cannot write {file}: {exc}", f"无法写入文件「{file.name}」：{reason}")


def _write_xlsx(file: Path, rows: list[list[str]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils.exceptions import IllegalCharacterError

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(XLSX_SHEET_TITLE)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKLMNOP", (16, 30, 60, 40, 24, 30, 10, 24, 8, 10, 10,
                                                  12, 12, 8, 6, 26), strict=True):
        sheet.column_dimensions[letter].width = width
    problems: list[tuple[str, str, str]] = []
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if value.startswith("="):
                # Text, not a formula: a leading "=" must not be evaluated by Excel.
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value or None)
        try:
            sheet.append(cells)
        except IllegalCharacterError:
            problems.append((f"编号{row[0]}", "", "含有Excel不允许的控制字符"))
    if problems:
        raise DataFormatError(
            f"{len(problems)} entries contain characters XLSX cannot hold",
            f"有{len(problems)}条知识含有Excel不允许的控制字符，无法导出为XLSX",
            problems=problems,
        )
    try:
        with _atomic_target(file) as temporary:
            workbook.save(temporary)
    except OSError as exc:
        raise _write_error(file, exc) from exc
