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
2 s plus validation. openpyxl writes the exports.

Formulas (CSV injection, see :mod:`hotline_desk.core.kb.formats`): a CSV export writes
a text cell that Excel would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR
first) with a leading ``'``. An XLSX export stores every cell as a text cell
(``t="inlineStr"``, openpyxl ``data_type`` ``"s"``) — never a formula, never an error
value such as ``#N/A`` (openpyxl would guess both from the text) — and gives such a
cell Excel's quote-prefix flag (``quotePrefix``), so it stays text even when someone
edits it, without a visible ``'``. A text longer than Excel's 32,767 characters per
cell is refused rather than cut short (openpyxl would truncate it silently).
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
        rows = formats.to_table(items, chinese_headers=chinese_headers, typed_text=True)
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


#: Excel's limit of characters in one cell (openpyxl truncates longer text silently).
XLSX_MAX_CELL_CHARS = 32_767


def _xlsx_cell_problems(row: list[str]) -> list[tuple[str, str, str]]:
    """What keeps a row out of an XLSX file: over-long cells, control characters."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    loc = f"编号{row[0]}"
    found: list[tuple[str, str, str]] = []
    for field, value in zip(formats.TABLE_FIELDS, row, strict=False):
        if len(value) > XLSX_MAX_CELL_CHARS:
            found.append((loc, field, f"内容过长（{len(value)}个字符），"
                                      f"超过Excel单元格上限{XLSX_MAX_CELL_CHARS}个字符"))
        elif ILLEGAL_CHARACTERS_RE.search(value):
            found.append((loc, field, "含有Excel不允许的控制字符"))
    return found


def _write_xlsx(file: Path, rows: list[list[str]]) -> None:
    """Write ``rows`` (from ``formats.to_table(..., typed_text=True)``) as text cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.utils.exceptions import IllegalCharacterError

    # openpyxl stores a str as text unless it starts with "=" (a formula) or is one of
    # ERROR_CODES ("#N/A"…, an error value): those, and every text Excel would run as a
    # formula, become explicit text cells. The others stay plain str, which openpyxl
    # writes through one reused cell (an explicit cell per value costs about 30 %).
    explicit = frozenset(ERROR_CODES)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(XLSX_SHEET_TITLE)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKLMNOP", (16, 30, 60, 40, 24, 30, 10, 24, 8, 10, 10,
                                                  12, 12, 8, 6, 26), strict=True):
        sheet.column_dimensions[letter].width = width
    problems: list[tuple[str, str, str]] = []
    for row in rows:
        # After a problem nothing more is written (openpyxl's row writer cannot go on
        # after an error); the remaining rows are only checked, so every problem is listed.
        if problems or any(len(value) > XLSX_MAX_CELL_CHARS for value in row):
            problems.extend(_xlsx_cell_problems(row))
            continue
        cells: list[Any] = []
        try:
            for value in row:
                if not value:
                    cells.append(None)
                elif formats.looks_like_formula(value) or value in explicit:
                    cell = WriteOnlyCell(sheet, value=value)  # refuses control characters
                    cell.data_type = "s"  # text: never a formula or an error value
                    cell.quotePrefix = True  # Excel keeps it text even when edited
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)  # a plain str with control characters raises here
        except IllegalCharacterError:
            problems.extend(_xlsx_cell_problems(row)
                            or [(f"编号{row[0]}", "", "含有Excel不允许的控制字符")])
    if problems:
        with contextlib.suppress(Exception):  # end openpyxl's row writer and its temp file
            sheet.close()
        first = "；".join(
            f"{loc} {formats.CHINESE_HEADERS.get(field, field)}：{message}" if field
            else f"{loc}：{message}" for loc, field, message in problems[:3])
        raise DataFormatError(
            f"{len(problems)} value(s) cannot be written to XLSX "
            "(control characters, or longer than a cell holds)",
            f"有{len(problems)}处内容无法导出为XLSX，请改用JSON Lines或修改条目：{first}",
            problems=problems,
        )
    try:
        with _atomic_target(file) as temporary:
            workbook.save(temporary)
    except OSError as exc:
        raise _write_error(file, exc) from exc
