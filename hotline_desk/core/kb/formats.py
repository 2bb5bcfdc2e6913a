"""Knowledge-base import and export formats (第二十九–三十一条).

Departments deliver their answer wording (答复口径) as files; the centre exports the
knowledge base for review (多方校核, 第三十条) and for other platforms (第三十一条).
This module turns text and generic spreadsheet rows into :class:`KBEntry` values and
back. It does no file I/O: ``hotline_desk.storage.kb_files`` reads and writes files
(including XLSX) and hands text or rows to the functions here.

Formats
-------
*JSON Lines* (``parse_jsonl`` / ``to_jsonl``): one JSON object per line, field names
exactly the attributes of ``KBEntry``; ``to_jsonl`` writes the canonical form
(every field, in ``KBEntry`` order, ``null`` for no date/category). Blank lines are
skipped; a leading BOM is ignored. ``region`` is an object ``{"province", "city", "district"}``, or
the three parts are given as flat fields. A text starting with ``[`` is read as one
JSON array of such objects (``to_json_array`` writes that form).

*CSV* (``parse_csv`` / ``to_csv``): UTF-8 with or without a BOM, comma separated,
one header row, then one entry per row; region as the columns province/city/district.
Rows above the header (a template's title row) are skipped with a warning when the
header is found within the first five non-empty rows.

*Spreadsheet rows* (``parse_table`` for positional rows with a header row, as XLSX
gives them; ``parse_records`` for ``dict`` rows): the same rules as CSV.

Rules shared by every format
----------------------------
* Column or key names may be the canonical English names or the Chinese headers
  departments use (``HEADER_ALIASES``: 编号 标题 答复口径 相似问题 关键词 政策依据 分类
  责任单位 省 市 区县 生效日期 失效日期 状态 版本 更新时间 and common variants); case,
  spaces and a trailing ``*`` or ``（必填）`` are ignored. Unknown columns are ignored
  with a warning (returned in :class:`KBImport`), never silently.
* ``id``, ``title`` and ``answer`` are required; ``id`` has no spaces, at most 64
  characters, and is unique in the file.
* List fields (questions, keywords) are JSON arrays, or text split on ``|`` (also the
  full-width ``｜``) when the text contains one, otherwise on line breaks, ``;`` and
  ``；``. Items are trimmed and empty items dropped. Export joins with ``|``; a single
  item containing ``;``/``；``/a line break gets a trailing ``|`` so it reads back as one
  item. An item containing ``|`` cannot be written to CSV/XLSX (export says so).
* ``category`` is an :class:`Area` code or Chinese label (empty: none);
  ``review_state`` a :class:`ReviewState` code or label (empty: ``published``, the
  ``KBEntry`` default — the server decides whether an import is published).
* Dates are ISO ``2024-01-01``; ``2024/1/1``, ``2024.1.1`` and ``2024年1月1日`` are
  accepted too. ``updated_at`` is an ISO date-time; one without a UTC offset is taken
  as Beijing time (+08:00, the centre's time zone). ``valid_to`` may not be before
  ``valid_from``. ``version`` is a positive integer (empty: 1).
* Region parts: a missing column (or JSON key, or ``null``) takes the ``Region``
  default (province 安徽省, city and district empty); an empty cell means empty
  ("the whole of the level above").
* Text is trimmed, line breaks normalised to ``\\n``; control characters are refused.

Formulas in spreadsheets (CSV injection)
----------------------------------------
Excel and WPS run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (``=HYPERLINK(…)`` in an answer would become a live link
in a department's copy). Following OWASP's advice, :func:`to_table` (and so
:func:`to_csv`) writes such a *text* cell — id, title, answer, questions, keywords,
policy basis, owner unit, region — with one leading ``'``, which Excel shows as "this
is text" and does not display (:func:`quote_formula`); dates, version, category and
state are never quoted. For XLSX, whose cells are typed, ``typed_text=True`` leaves
those texts as they are (the storage layer stores every cell as text with Excel's
quote-prefix flag). Every table import (:func:`parse_table`, :func:`parse_csv`,
:func:`parse_records`) removes exactly one leading ``'`` from such a text cell when
the rest, after any further ``'``, starts with one of those characters
(:func:`unquote_formula`) — so a text that itself starts with ``'=`` is written with
one more ``'`` and every export reads back as the same entries. JSON is never quoted.

A file with any problem is rejected whole: :class:`DataFormatError` lists EVERY
problem as ``(location, field, message_zh)``, location being "第N行" (line or sheet
row; a CSV record spanning lines is numbered by its first line) or "第N条" (item of
a JSON array), field the canonical field name (or the column name as written for
header problems). A good file returns :class:`KBImport` (entries plus warnings).

Speed (project machine, 2 shared cores, 100,000 entries of ~900 bytes each):
JSON Lines 3–4.5 s, CSV 2.6–3.5 s, of which ``json.loads``/``csv.reader`` alone take
about 1.9 s/0.4 s.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, NoReturn

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.vocabulary import Area, ReviewState

Problem = tuple[str, str, str]

#: The centre's time zone; a date-time without an offset is read in it.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

#: Column order of CSV/XLSX exports; also every field a table may carry.
TABLE_FIELDS: tuple[str, ...] = (
    "id", "title", "answer", "questions", "keywords", "policy_basis", "category",
    "owner_unit", "province", "city", "district", "valid_from", "valid_to",
    "review_state", "version", "updated_at",
)
REQUIRED_FIELDS: tuple[str, ...] = ("id", "title", "answer")
#: Free-text columns: quoted on export when they look like a formula, unquoted on import.
TEXT_FIELDS: frozenset[str] = frozenset({
    "id", "title", "answer", "questions", "keywords", "policy_basis", "owner_unit",
    "province", "city", "district",
})
#: First characters that make Excel/WPS read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS: frozenset[str] = frozenset("=+-@\t\r")
REGION_FIELDS: tuple[str, ...] = ("province", "city", "district")
MAX_ID_LENGTH = 64

#: The Chinese header written by an export with ``chinese_headers=True``.
CHINESE_HEADERS: dict[str, str] = {
    "id": "编号", "title": "标题", "answer": "答复口径", "questions": "相似问题",
    "keywords": "关键词", "policy_basis": "政策依据", "category": "分类",
    "owner_unit": "责任单位", "province": "省", "city": "市", "district": "区县",
    "valid_from": "生效日期", "valid_to": "失效日期", "review_state": "状态",
    "version": "版本", "updated_at": "更新时间",
}

#: Accepted column or key names per field, besides the field name itself.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("编号", "条目编号", "知识编号", "知识id", "序列号", "entry_id", "kb_id"),
    "title": ("标题", "知识标题", "标准问题", "问题", "名称", "主题"),
    "answer": ("答复口径", "答案", "答复", "答复内容", "回答", "口径", "标准答案"),
    "questions": ("相似问题", "相似问法", "扩展问题", "其他问法", "同义问题", "question",
                  "similar_questions"),
    "keywords": ("关键词", "关键字", "检索词", "keyword", "tags"),
    "policy_basis": ("政策依据", "依据", "法规依据", "政策法规依据", "basis"),
    "category": ("分类", "类别", "领域", "所属领域", "诉求领域", "area"),
    "owner_unit": ("责任单位", "维护单位", "提供单位", "负责单位", "所属单位", "owner",
                   "unit"),
    "province": ("省", "省份", "所属省"),
    "city": ("市", "城市", "地市", "所属市"),
    "district": ("区县", "县区", "区/县", "县/区", "区", "县", "所属区县"),
    "valid_from": ("生效日期", "生效时间", "有效期起", "有效期开始", "开始日期"),
    "valid_to": ("失效日期", "失效时间", "有效期止", "有效期至", "有效期结束", "截止日期"),
    "review_state": ("状态", "审核状态", "发布状态", "state", "status"),
    "version": ("版本", "版本号", "ver"),
    "updated_at": ("更新时间", "最后更新时间", "修改时间", "更新日期", "updated"),
}

_LABELS: dict[str, str] = {field: CHINESE_HEADERS[field] for field in TABLE_FIELDS}
_AREAS: dict[str, Area] = {key: a for a in Area for key in (a.value, a.label)}
_STATES: dict[str, ReviewState] = {key: s for s in ReviewState for key in (s.value, s.label)}


def _header_key(name: str) -> str:
    key = name.replace("\ufeff", "").strip().lower()
    key = re.sub(r"[\s_\-]+", "", key)
    key = re.sub(r"[（(](必填|选填|可选|必需)[）)]$", "", key)
    return key.rstrip("*＊")


#: Normalised header text -> canonical field (English names included).
HEADER_ALIASES: dict[str, str] = {}
for _field in TABLE_FIELDS:
    HEADER_ALIASES[_header_key(_field)] = _field
    for _alias in FIELD_ALIASES[_field]:
        HEADER_ALIASES[_header_key(_alias)] = _field


@functools.lru_cache(maxsize=4096)
def canonical_field(name: str) -> str | None:
    """The KBEntry field a column or key name means, or ``None`` if unknown."""
    return HEADER_ALIASES.get(_header_key(name))


@dataclass(frozen=True, slots=True)
class KBImport:
    """A successfully parsed file: its entries and the warnings (ignored columns…)."""

    entries: tuple[KBEntry, ...]
    warnings: tuple[Problem, ...] = ()


# ---------------------------------------------------------------- value parsing

# Control characters (except tab and line feed), lone surrogates and the two
# non-characters XML (and so XLSX) cannot hold.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_BAR_RE = re.compile(r"[|｜]")
_LIST_SEP_RE = re.compile(r"[\n;；]")
_ID_SPACE_RE = re.compile(r"\s")
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MIDNIGHT_RE = re.compile(r"^(.+?)(?:[T ]00:00(?::00(?:\.0+)?)?)$")
_DATETIME_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[T\s]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?$"
)
_INT_RE = re.compile(r"^\+?\d+$")


def _clean(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would run ``text`` as a formula (see :data:`FORMULA_STARTS`)."""
    return text[:1] in FORMULA_STARTS


def needs_formula_quote(text: str) -> bool:
    """True when :func:`quote_formula` adds a ``'``: the text, after any leading ``'``,
    looks like a formula (a text starting with ``'=`` needs one more ``'`` to read back)."""
    return looks_like_formula(text.lstrip("'"))


def quote_formula(text: str) -> str:
    """``text`` as a CSV cell that Excel shows as text: ``'`` prepended when needed."""
    return "'" + text if needs_formula_quote(text) else text


def unquote_formula(text: str) -> str:
    """The inverse of :func:`quote_formula`: one leading ``'`` removed when the rest needs
    it. ``unquote_formula(quote_formula(t)) == t`` for every text ``t``."""
    if text.startswith("'") and needs_formula_quote(text[1:]):
        return text[1:]
    return text


def _quote_typed(text: str) -> str:
    """Quoting for a typed (XLSX) cell: only a text starting with ``'`` that
    :func:`unquote_formula` would shorten gets its extra ``'``."""
    return "'" + text if text.startswith("'") and needs_formula_quote(text) else text


def split_list(text: str) -> tuple[str, ...]:
    """Split a list cell (see the module docstring for the separators)."""
    parts = _BAR_RE.split(text) if _BAR_RE.search(text) else _LIST_SEP_RE.split(text)
    return tuple(item for item in (part.strip() for part in parts) if item)


def join_list(items: Sequence[str]) -> str:
    """The inverse of :func:`split_list` for items without ``|``."""
    joined = "|".join(items)
    if len(items) == 1 and _LIST_SEP_RE.search(joined):
        joined += "|"
    return joined


def parse_date(text: str) -> date | None:
    """ISO or common Chinese spreadsheet date; ``None`` if it is not a date."""
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = _MIDNIGHT_RE.match(text)
    if match:
        text = match.group(1)
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    match = _DATE_RE.match(text)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    return None


def parse_datetime(text: str) -> datetime | None:
    """ISO date-time (or date, or Chinese spreadsheet form); naive values get +08:00."""
    text = text.strip()
    value: datetime | None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
        match = _DATETIME_RE.match(text)
        if match:
            year, month, day, hour, minute, second = match.groups()
            try:
                value = datetime(int(year), int(month), int(day), int(hour or 0),
                                 int(minute or 0), int(second or 0))
            except ValueError:
                return None
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=BEIJING)
    return value


class _Problems:
    """Collects problems and warnings while a file is read."""

    __slots__ = ("errors", "unknown", "warnings")

    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.unknown: dict[str, list[Any]] = {}  # name -> [first location, count]

    def add(self, loc: str, field: str, message: str) -> None:
        self.errors.append((loc, field, message))

    def unknown_name(self, loc: str, name: str, what: str) -> None:
        seen = self.unknown.get(name)
        if seen is None:
            self.unknown[name] = [loc, 1, what]
        else:
            seen[1] += 1

    def result(self, entries: list[KBEntry], fmt: str) -> KBImport:
        for name, (loc, count, what) in self.unknown.items():
            extra = f"（共{count}处）" if count > 1 else ""
            self.warnings.append((loc, name, f"未知{what}「{name}」，已忽略{extra}"))
        if not self.errors and not entries:
            self.errors.append(("文件", "", "文件中没有任何知识条目"))
        if self.errors:
            _raise(self.errors, fmt)
        return KBImport(tuple(entries), tuple(self.warnings))


def _raise(problems: list[Problem], fmt: str) -> NoReturn:
    shown = "；".join(f"{loc} {_LABELS.get(field, field)}：{msg}" if field else f"{loc}：{msg}"
                     for loc, field, msg in problems[:3])
    more = f"……共{len(problems)}处问题" if len(problems) > 3 else ""
    raise DataFormatError(
        f"{fmt} knowledge-base file rejected: {len(problems)} problem(s)",
        f"知识库文件有误，整个文件未导入：{shown}{more}",
        problems=problems,
    )


class _EntryBuilder:
    """Turns one record's raw values (keyed by canonical field) into a ``KBEntry``.

    ``values`` holds only the fields the record has (a present column or key); a
    value is a ``str``, ``None`` (empty) or, from JSON, any JSON value.
    """

    __slots__ = ("problems", "seen_ids", "texts", "unquote")

    def __init__(self, problems: _Problems, *, unquote: bool = False) -> None:
        self.problems = problems
        self.seen_ids: dict[str, str] = {}
        self.texts: list[tuple[str, str]] = []  # this record's texts, checked at the end
        self.unquote = unquote  # a table cell: remove the formula quote (module docstring)

    def text(self, values: Mapping[str, object], field: str, loc: str) -> str:
        value = values.get(field)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.problems.add(loc, field, f"「{_LABELS[field]}」应为文本")
            return ""
        if self.unquote and value[:1] == "'" and field in TEXT_FIELDS:
            value = unquote_formula(value)
        value = _clean(value)
        self.texts.append((field, value))
        return value

    def items(self, values: Mapping[str, object], field: str, loc: str) -> tuple[str, ...]:
        value = values.get(field)
        if value is None:
            return ()
        if isinstance(value, str):
            if self.unquote and value[:1] == "'":
                value = unquote_formula(value)
            result = split_list(_clean(value))
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            result = tuple(item for item in (_clean(x) for x in value) if item)
        else:
            self.problems.add(loc, field, f"「{_LABELS[field]}」应为文本数组")
            return ()
        self.texts.extend((field, item) for item in result)
        return result

    def check_texts(self, loc: str) -> None:
        """One search over all of the record's texts; per field only on a hit."""
        texts, self.texts = self.texts, []
        if not _CONTROL_RE.search("\n".join(value for _field, value in texts)):
            return
        reported: set[str] = set()
        for field, value in texts:
            if field not in reported and _CONTROL_RE.search(value):
                reported.add(field)
                self.problems.add(loc, field, f"「{_LABELS[field]}」含有不可见的控制字符")

    def build(self, values: Mapping[str, object], loc: str) -> KBEntry | None:
        before = len(self.problems.errors)
        add = self.problems.add

        entry_id = self.text(values, "id", loc)
        title = self.text(values, "title", loc)
        answer = self.text(values, "answer", loc)
        for field, value in (("id", entry_id), ("title", title), ("answer", answer)):
            if not value and field not in {p[1] for p in self.problems.errors[before:]}:
                add(loc, field, f"缺少必填字段「{_LABELS[field]}」")
        if entry_id:
            if _ID_SPACE_RE.search(entry_id):
                add(loc, "id", f"编号「{entry_id}」不能含有空格")
            elif len(entry_id) > MAX_ID_LENGTH:
                add(loc, "id", f"编号过长（{len(entry_id)}个字符，最多{MAX_ID_LENGTH}个）")
            first = self.seen_ids.get(entry_id)
            if first is not None:
                add(loc, "id", f"编号「{entry_id}」与{first}重复")
            else:
                self.seen_ids[entry_id] = loc

        questions = self.items(values, "questions", loc)
        keywords = self.items(values, "keywords", loc)
        policy_basis = self.text(values, "policy_basis", loc)
        owner_unit = self.text(values, "owner_unit", loc)

        category: Area | None = None
        raw = self.text(values, "category", loc)
        if raw:
            try:
                category = _AREAS[raw] if raw in _AREAS else Area.from_label(raw)
            except ValueError:
                options = "、".join(f"{a.value}/{a.label}" for a in Area)
                add(loc, "category", f"未知分类「{raw}」，可选：{options}")

        review_state = ReviewState.PUBLISHED
        raw = self.text(values, "review_state", loc)
        if raw:
            try:
                review_state = (_STATES[raw] if raw in _STATES
                                else ReviewState.from_label(raw))
            except ValueError:
                options = "、".join(f"{s.value}/{s.label}" for s in ReviewState)
                add(loc, "review_state", f"未知状态「{raw}」，可选：{options}")

        version = 1
        raw_version = values.get("version")
        if isinstance(raw_version, int) and not isinstance(raw_version, bool):
            version = raw_version
            if version < 1:
                add(loc, "version", f"版本号应为正整数，不能是「{raw_version}」")
        elif isinstance(raw_version, str) and raw_version.strip():
            if _INT_RE.match(raw_version.strip()) and int(raw_version) >= 1:
                version = int(raw_version)
            else:
                add(loc, "version", f"版本号应为正整数，不能是「{raw_version.strip()}」")
        elif raw_version is not None and not isinstance(raw_version, str):
            add(loc, "version", f"版本号应为正整数，不能是「{raw_version}」")

        valid_from = self.day(values, "valid_from", loc)
        valid_to = self.day(values, "valid_to", loc)
        if valid_from is not None and valid_to is not None and valid_to < valid_from:
            add(loc, "valid_to",
                f"失效日期{valid_to.isoformat()}早于生效日期{valid_from.isoformat()}")

        updated_at: datetime | None = None
        raw = self.text(values, "updated_at", loc)
        if raw:
            updated_at = parse_datetime(raw)
            if updated_at is None:
                add(loc, "updated_at",
                    f"更新时间「{raw}」格式不正确，应如 2026-06-01T09:00:00+08:00")

        region_parts = {field: self.text(values, field, loc)
                        for field in REGION_FIELDS if field in values}
        region = Region(**region_parts) if region_parts else Region()

        self.check_texts(loc)
        if len(self.problems.errors) != before:
            return None
        return KBEntry(
            id=entry_id, title=title, answer=answer, questions=questions,
            keywords=keywords, policy_basis=policy_basis, category=category,
            owner_unit=owner_unit, region=region, valid_from=valid_from,
            valid_to=valid_to, review_state=review_state, version=version,
            updated_at=updated_at,
        )

    def day(self, values: Mapping[str, object], field: str, loc: str) -> date | None:
        raw = self.text(values, field, loc)
        if not raw:
            return None
        parsed = parse_date(raw)
        if parsed is None:
            self.problems.add(loc, field,
                              f"{_LABELS[field]}「{raw}」不是有效日期，应如 2024-01-01")
        return parsed


# ---------------------------------------------------------------- JSON


def parse_jsonl(text: str) -> KBImport:
    """Parse JSON Lines (or a JSON array of entry objects, if the text starts with ``[``)."""
    text = text.removeprefix("\ufeff")
    problems = _Problems()
    builder = _EntryBuilder(problems)
    entries: list[KBEntry] = []
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            _raise([(f"第{exc.lineno}行", "", f"不是有效的JSON：{exc.msg}（第{exc.colno}列）")],
                   "JSON")
        if not isinstance(items, list):
            _raise([("文件", "", "JSON文件应为条目对象组成的数组")], "JSON")
        records: Iterable[tuple[str, object]] = (
            (f"第{n}条", item) for n, item in enumerate(items, start=1))
    else:
        records = _jsonl_records(text, problems)
    for loc, obj in records:
        if not isinstance(obj, dict):
            problems.add(loc, "", "每条知识应为一个JSON对象")
            continue
        values = _json_values(obj, loc, problems)
        entry = builder.build(values, loc)
        if entry is not None:
            entries.append(entry)
    return problems.result(entries, "JSON")


def _jsonl_records(text: str, problems: _Problems) -> Iterable[tuple[str, object]]:
    # Split on "\n" only: str.splitlines() would also split on U+2028 and friends,
    # which JSON allows unescaped inside strings.
    decode = json.loads
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield f"第{number}行", decode(line)
        except json.JSONDecodeError as exc:
            problems.add(f"第{number}行", "", f"不是有效的JSON：{exc.msg}（第{exc.colno}列）")


def _json_values(obj: Mapping[str, Any], loc: str, problems: _Problems) -> dict[str, object]:
    values: dict[str, object] = {}
    region: object = None
    for key, value in obj.items():
        if key == "region":
            region = value
            continue
        field = canonical_field(key)
        if field is None:
            problems.unknown_name(loc, key, "字段")
            continue
        if field in values:
            problems.add(loc, field, f"字段「{key}」与同义字段重复")
            continue
        if field in REGION_FIELDS and value is None:
            continue  # null region part: the Region default
        values[field] = value
    if region is not None:
        if not isinstance(region, dict):
            problems.add(loc, "region", "region 应为 {province, city, district} 对象")
        else:
            for key, value in region.items():
                if key not in REGION_FIELDS:
                    problems.add(loc, "region", f"region 中的未知字段「{key}」")
                    continue
                if value is None:
                    continue
                if key in values and values[key] != value:
                    problems.add(loc, key, f"region.{key} 与单独给出的 {key} 不一致")
                    continue
                values[key] = value
    return values


def entry_to_json(entry: KBEntry) -> dict[str, Any]:
    """The canonical JSON object of an entry (``notes/kb_jsonl_format.md``)."""
    return {
        "id": entry.id,
        "title": entry.title,
        "answer": entry.answer,
        "questions": list(entry.questions),
        "keywords": list(entry.keywords),
        "policy_basis": entry.policy_basis,
        "category": entry.category.value if entry.category is not None else None,
        "owner_unit": entry.owner_unit,
        "region": {"province": entry.region.province, "city": entry.region.city,
                   "district": entry.region.district},
        "valid_from": entry.valid_from.isoformat() if entry.valid_from else None,
        "valid_to": entry.valid_to.isoformat() if entry.valid_to else None,
        "review_state": entry.review_state.value,
        "version": entry.version,
        "updated_at": _iso_datetime(entry.updated_at) or None,
    }


def _iso_datetime(value: datetime | None) -> str:
    """ISO text of a date-time; a naive one is written as Beijing time (see module doc)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=BEIJING)
    return value.isoformat()


def to_jsonl(entries: Iterable[KBEntry]) -> str:
    """JSON Lines text, one canonical object per line, UTF-8 characters unescaped."""
    dumps = json.dumps
    return "".join(dumps(entry_to_json(entry), ensure_ascii=False) + "\n"
                   for entry in entries)


def to_json_array(entries: Iterable[KBEntry]) -> str:
    """A pretty-printed JSON array of canonical objects."""
    return json.dumps([entry_to_json(entry) for entry in entries], ensure_ascii=False,
                      indent=2) + "\n"


# ---------------------------------------------------------------- tables (CSV, XLSX)

Row = Sequence[str | None]
_HEADER_SEARCH_ROWS = 5


def parse_table(rows: Iterable[tuple[int, Row]], *, fmt: str = "表格") -> KBImport:
    """Parse numbered positional rows whose first row (within five) is the header.

    ``rows`` yields ``(row_number, cells)``; cells are text or ``None`` (empty). The
    header is the first non-empty row naming the id, title and answer columns,
    searched among the first five non-empty rows (rows above it are skipped with a
    warning); if none qualifies, the first non-empty row is taken as the header and
    its problems reported. A text cell's formula quote is removed
    (:func:`unquote_formula`).
    """
    problems = _Problems()
    iterator = iter(rows)
    leading: list[tuple[int, Row]] = []
    header: tuple[int, dict[int, str]] | None = None
    for number, cells in iterator:
        if not _row_has_data(cells):
            continue
        leading.append((number, cells))
        mapping = _header_mapping(cells)
        if all(field in mapping.values() for field in REQUIRED_FIELDS):
            header = (number, mapping)
            break
        if len(leading) >= _HEADER_SEARCH_ROWS:
            break
    if header is None:
        if not leading:
            _raise([("文件", "", "文件中没有表头和数据")], fmt)
        first_number, first_cells = leading[0]
        _check_header(first_number, first_cells, problems)
        _raise(problems.errors, fmt)
    header_number, mapping = header
    header_cells = leading[-1][1]
    for number, _cells in leading[:-1]:
        problems.warnings.append((f"第{number}行", "", "表头之前的行，已跳过"))
    _check_header(header_number, header_cells, problems)
    if problems.errors:
        _raise(problems.errors, fmt)

    width = len(header_cells)
    ignored = [(index, str(header_cells[index] or "").strip() or f"第{index + 1}列")
               for index in range(width) if index not in mapping]
    columns = sorted(mapping.items())
    builder = _EntryBuilder(problems, unquote=True)
    entries: list[KBEntry] = []
    ignored_with_data: set[str] = set()
    for number, cells in iterator:
        if not _row_has_data(cells):
            continue
        loc = f"第{number}行"
        if len(cells) > width and any(_has_text(cell) for cell in cells[width:]):
            problems.add(loc, "", f"本行有{len(cells)}列数据，多于表头的{width}列"
                                  "（文本中的逗号可能未加引号）")
            continue
        values: dict[str, object] = {}
        for index, field in columns:
            values[field] = cells[index] if index < len(cells) else None
        for index, name in ignored:
            if index < len(cells) and _has_text(cells[index]):
                ignored_with_data.add(name)
        entry = builder.build(values, loc)
        if entry is not None:
            entries.append(entry)
    for _index, name in ignored:
        if name in ignored_with_data:
            problems.unknown_name(f"第{header_number}行", name, "列")
    return problems.result(entries, fmt)


def parse_records(records: Iterable[tuple[int, Mapping[str, str | None]]], *,
                  fmt: str = "表格") -> KBImport:
    """Parse numbered ``dict`` rows (column name -> text or ``None``).

    The header is the union of the keys in first-seen order; the row numbers are
    the caller's (e.g. sheet rows, the header being row 1).
    """
    materialised = list(records)
    names: dict[str, None] = {}
    for _number, record in materialised:
        for key in record:
            names.setdefault(key, None)
    header = list(names)
    header_number = min((number for number, _ in materialised), default=2) - 1
    rows: list[tuple[int, Row]] = [(header_number, header)]
    rows.extend((number, [record.get(name) for name in header])
                for number, record in materialised)
    return parse_table(rows, fmt=fmt)


def _has_text(cell: str | None) -> bool:
    return cell is not None and bool(cell.strip())


def _row_has_data(cells: Row) -> bool:
    return any(_has_text(cell) for cell in cells)


def _header_mapping(cells: Row) -> dict[int, str]:
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, cell in enumerate(cells):
        if cell is None:
            continue
        field = canonical_field(cell)
        if field is not None and field not in taken:
            mapping[index] = field
            taken.add(field)
    return mapping


def _check_header(number: int, cells: Row, problems: _Problems) -> None:
    loc = f"第{number}行（表头）"
    first_column: dict[str, str] = {}
    for cell in cells:
        if cell is None or not cell.strip():
            continue
        field = canonical_field(cell)
        if field is None:
            continue
        if field in first_column:
            problems.add(loc, cell.strip(), f"列「{cell.strip()}」与列「{first_column[field]}」"
                                            f"都表示「{_LABELS[field]}」，列重复")
        else:
            first_column[field] = cell.strip()
    for field in REQUIRED_FIELDS:
        if field not in first_column:
            problems.add(loc, field, f"缺少必需的列「{_LABELS[field]}」（或 {field}）")


def parse_csv(text: str) -> KBImport:
    """Parse CSV text (comma separated, header row; a leading BOM is ignored)."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[Problem] = []

    def numbered() -> Iterable[tuple[int, Row]]:
        start = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                problems.append((f"第{reader.line_num}行", "", f"CSV格式错误：{exc}"))
                return
            yield start, cells
            start = reader.line_num + 1

    try:
        result = parse_table(numbered(), fmt="CSV")
    except DataFormatError as exc:
        if problems:
            _raise(exc.problems + problems, "CSV")
        raise
    if problems:
        _raise(problems, "CSV")
    return result


def to_table(entries: Iterable[KBEntry], *, chinese_headers: bool = False,
             typed_text: bool = False) -> list[list[str]]:
    """Header row plus one row of text cells per entry (CSV/XLSX export).

    A text cell that Excel would run as a formula gets a leading ``'``
    (:func:`quote_formula`, for CSV). ``typed_text=True`` is for a file that stores
    each cell as text (XLSX): such texts are left as they are, and only a text that
    itself starts with ``'`` and would lose it on import gets one more.

    Raises :class:`DataFormatError` listing every list item that contains ``|``
    (such an item cannot be written to one cell and read back).
    """
    header = [CHINESE_HEADERS[f] if chinese_headers else f for f in TABLE_FIELDS]
    rows: list[list[str]] = [header]
    problems: list[Problem] = []
    label: Callable[[Area | ReviewState], str]
    label = (lambda member: member.label) if chinese_headers else (lambda m: m.value)
    q = _quote_typed if typed_text else quote_formula
    for entry in entries:
        for field, items in (("questions", entry.questions), ("keywords", entry.keywords)):
            if any(_BAR_RE.search(item) for item in items):
                problems.append((f"编号{entry.id}", field,
                                 f"「{_LABELS[field]}」中有含“|”的条目，无法写入表格"))
        rows.append([
            q(entry.id), q(entry.title), q(entry.answer), q(join_list(entry.questions)),
            q(join_list(entry.keywords)), q(entry.policy_basis),
            label(entry.category) if entry.category is not None else "",
            q(entry.owner_unit), q(entry.region.province), q(entry.region.city),
            q(entry.region.district),
            entry.valid_from.isoformat() if entry.valid_from else "",
            entry.valid_to.isoformat() if entry.valid_to else "",
            label(entry.review_state), str(entry.version),
            _iso_datetime(entry.updated_at),
        ])
    if problems:
        raise DataFormatError(
            f"{len(problems)} list item(s) contain '|' and cannot be exported to a table",
            f"有{len(problems)}处列表项含有“|”，无法导出为表格，请改用JSON Lines或修改条目",
            problems=problems,
        )
    return rows


def to_csv(entries: Iterable[KBEntry], *, chinese_headers: bool = False) -> str:
    """CSV text (no BOM; the storage layer adds one so that Excel reads UTF-8).

    Text cells that Excel would run as formulas carry a leading ``'`` (module docstring).
    """
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(to_table(entries, chinese_headers=chinese_headers))
    return buffer.getvalue()
