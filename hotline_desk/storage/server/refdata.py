"""Reference documents the centre publishes to its desks (第十条, 第十二条(三), 第三十一条).

The desks ship with the non-acceptance scripts and the emergency/utility lines
(``resources/scripts/*.json``). A centre corrects a script, or adds its city's water,
gas and heating numbers, by publishing a newer version here; every desk pulls it
(``services.reference_pull``) instead of waiting for a new installer.

One row per document name (:class:`~hotline_desk.core.protocol.ReferenceName`) in the
table of migration 4 (``schema_0004_reference_documents``): the JSON text, its own
``version`` field, who published it and when. A document is published only when

* the core parser accepts it (``core.refusals.parse_non_acceptance_reasons``,
  ``core.emergency_lines.parse_emergency_lines``: every problem listed, in Chinese), and
* its version is newer than the one already published (a desk keeps the newest version
  it has seen, so an older or equal one would never reach anybody);

otherwise :class:`DataFormatError` lists every problem at once (HTTP 422 with the
problems). Publishing is serialised per document (an advisory lock on PostgreSQL,
``BEGIN IMMEDIATE`` on SQLite) and audited (``reference.publish``) in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import peewee

from hotline_desk.core.data_checks import Problem, raise_problems
from hotline_desk.core.emergency_lines import EmergencyLineCatalogue, parse_emergency_lines
from hotline_desk.core.errors import DataFormatError, StorageError
from hotline_desk.core.protocol import MAX_INT, ReferenceDocumentOut, ReferenceName
from hotline_desk.core.refusals import RefusalCatalogue, parse_non_acceptance_reasons
from hotline_desk.storage.db import advisory_lock
from hotline_desk.storage.resources import decode_utf8
from hotline_desk.storage.server import audit
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.models import ServerModel, UtcDateTimeField

#: A published document larger than this is refused (the bundled ones are ~25 000).
MAX_DOCUMENT_CHARS = 1_000_000

Parser = Callable[[str], RefusalCatalogue | EmergencyLineCatalogue]

PARSERS: dict[ReferenceName, Parser] = {
    ReferenceName.NON_ACCEPTANCE: parse_non_acceptance_reasons,
    ReferenceName.EMERGENCY_LINES: parse_emergency_lines,
}

AUDIT_ACTION = "reference.publish"
AUDIT_OBJECT = "reference_document"


class ReferenceDocumentRow(ServerModel):
    name = peewee.TextField(primary_key=True)
    version = peewee.BigIntegerField()
    body = peewee.TextField()
    uploaded_by = peewee.TextField()
    uploaded_by_id = peewee.BigIntegerField(null=True)
    uploaded_at = UtcDateTimeField()

    class Meta:
        table_name = "reference_documents"


def document_text(document: Mapping[str, Any]) -> str:
    """The JSON text of a document received as an object (strict JSON: no NaN/Infinity)."""
    try:
        return json.dumps(document, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise DataFormatError(f"reference document is not strict JSON: {exc}",
                              "参考资料不是标准JSON（不能含 NaN、Infinity）",
                              problems=[("文件", "", "不是标准JSON（不能含 NaN、Infinity）")]
                              ) from exc


def _raw_version(text: str) -> int | None:
    """The ``version`` field of a document the parser refused, when it is readable."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    version = data.get("version") if isinstance(data, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version >= 1:
        return version
    return None


def check_document(name: ReferenceName, text: str, published: int | None) -> int:
    """The version of ``text`` if it may replace the ``published`` version of ``name``.

    Raises :class:`DataFormatError` listing every problem: the parser's, a version not
    newer than the published one, a document too large to keep.
    """
    problems: list[Problem] = []
    if len(text) > MAX_DOCUMENT_CHARS:
        problems.append(("文件", "",
                         f"内容过大（{len(text)}字符），上限为{MAX_DOCUMENT_CHARS}字符"))
        raise_problems(problems, f"{name.value} document", f"{name.label}未发布")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800"): no database can store it
        problems.append(("文件", "", "含有无效的字符编码（孤立的代理字符）"))
        raise_problems(problems, f"{name.value} document", f"{name.label}未发布")
    version: int | None
    try:
        version = PARSERS[name](text).version
    except DataFormatError as exc:
        problems.extend(exc.problems or [("文件", "", exc.message_zh)])
        version = _raw_version(text)
    if version is not None:
        if version > MAX_INT:
            problems.append(("文件", "version", f"版本号 version 不能大于{MAX_INT}"))
        elif published is not None and version <= published:
            problems.append(("文件", "version",
                             f"版本号{version}不大于服务器上已发布的版本{published}："
                             "请递增 version 后再发布"))
    if problems:
        raise_problems(problems, f"{name.value} document", f"{name.label}未发布")
    assert version is not None
    return version


def read_document_file(path: Path) -> str:
    """A document file's text (UTF-8, a BOM tolerated), for ``server reference load``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise StorageError(f"no such file: {path}", f"找不到文件「{path}」") from exc
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc}", f"无法读取文件「{path}」") from exc
    return decode_utf8(data, path.name)


def name_of_file(path: Path, text: str) -> ReferenceName:
    """Which document a file holds: its name (``non_acceptance.json``), else its content
    (``reasons`` → the refusal scripts, ``lines`` → the emergency lines)."""
    for name in ReferenceName:
        if path.stem == name.value:
            return name
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        if "reasons" in data and "lines" not in data:
            return ReferenceName.NON_ACCEPTANCE
        if "lines" in data and "reasons" not in data:
            return ReferenceName.EMERGENCY_LINES
    choices = "、".join(f"{name.value}（{name.label}）" for name in ReferenceName)
    raise DataFormatError(f"cannot tell which reference document {path.name} is",
                          f"无法判断「{path.name}」是哪一种参考资料，请用 --name 指明：{choices}")


def _out(row: ReferenceDocumentRow) -> ReferenceDocumentOut:
    return ReferenceDocumentOut(name=ReferenceName(row.name), version=row.version,
                                document=json.loads(row.body), uploaded_by=row.uploaded_by,
                                uploaded_at=row.uploaded_at)


def _row(db: peewee.Database, name: ReferenceName) -> ReferenceDocumentRow | None:
    query = ReferenceDocumentRow.select().where(ReferenceDocumentRow.name == name.value)
    row: ReferenceDocumentRow | None = query.get_or_none(db)
    return row


def get(db: peewee.Database, name: ReferenceName) -> ReferenceDocumentOut | None:
    """The published document, or ``None`` when the centre has published none."""
    row = _row(db, name)
    return None if row is None else _out(row)


def published_version(db: peewee.Database, name: ReferenceName) -> int | None:
    query = (ReferenceDocumentRow.select(ReferenceDocumentRow.version)
             .where(ReferenceDocumentRow.name == name.value))
    value = query.scalar(db)
    return None if value is None else int(value)


def publish(db: peewee.Database, name: ReferenceName, text: str, *, actor: Actor,
            now: datetime) -> ReferenceDocumentOut:
    """Validate and publish ``text`` as the new version of ``name`` (inside the caller's
    write transaction); audited. Raises :class:`DataFormatError` with every problem."""
    advisory_lock(db, f"hotline-desk:reference:{name.value}")
    row = _row(db, name)
    previous = None if row is None else int(row.version)
    version = check_document(name, text, previous)
    columns: dict[str, Any] = {
        "version": version, "body": text, "uploaded_by": actor.username or "?",
        "uploaded_by_id": actor.account_id, "uploaded_at": now,
    }
    if row is None:
        ReferenceDocumentRow.insert(name=name.value, **columns).execute(db)
    else:
        (ReferenceDocumentRow.update(**columns)
         .where(ReferenceDocumentRow.name == name.value).execute(db))
    audit.record(db, actor, AUDIT_ACTION, AUDIT_OBJECT, name.value,
                 {"version": version, "previous_version": previous, "chars": len(text)},
                 now=now)
    stored = _row(db, name)
    assert stored is not None
    return _out(stored)
