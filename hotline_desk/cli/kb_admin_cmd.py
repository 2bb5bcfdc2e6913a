"""``hotline-desk kb import`` / ``kb export``: knowledge-base files ↔ the server database.

    hotline-desk kb import FILE [--data-dir DIR] [--database URL]
    hotline-desk kb export FILE [--data-dir DIR] [--database URL]

Import validates the whole file first (``storage.kb_files.read_kb_file``: JSON Lines,
JSON, CSV or XLSX; every problem listed, in Chinese) and then applies it in one
transaction: all or nothing. New ids are created, changed entries updated, identical
ones left alone; each created or changed entry takes its own KB version, so the desks
pick it up on their next sync. Export writes every entry (any review state) in the
format of the file name's extension. Both are audited as ``cli:kb-import`` /
``cli:kb-export``.

The ``kb`` command group lives in ``kb_cmd``; it calls
:func:`register_import_export` with its sub-parsers.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hotline_desk.cli.server_cmd import add_database_options, fail, opened_database
from hotline_desk.core.errors import HotlineError


def register_import_export(kb_subparsers: Any) -> None:
    importer: argparse.ArgumentParser = kb_subparsers.add_parser(
        "import", help="把知识库文件导入服务器数据库（整体校验，全部成功或全部不变）")
    importer.add_argument("file", type=Path, help=".jsonl / .json / .csv / .xlsx")
    add_database_options(importer)
    importer.set_defaults(func=run_import)

    exporter: argparse.ArgumentParser = kb_subparsers.add_parser(
        "export", help="把服务器数据库中的知识库导出为文件")
    exporter.add_argument("file", type=Path, help=".jsonl / .json / .csv / .xlsx")
    add_database_options(exporter)
    exporter.set_defaults(func=run_export)


def run_import(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from hotline_desk.storage.db import write_transaction
    from hotline_desk.storage.kb_files import read_kb_file
    from hotline_desk.storage.migrations import migrate
    from hotline_desk.storage.server import kb_entries
    from hotline_desk.storage.server.audit import Actor

    try:
        entries = read_kb_file(args.file)
    except HotlineError as exc:
        return fail(exc)
    try:
        with opened_database(args) as db:
            migrate(db)
            with write_transaction(db):
                result = kb_entries.import_entries(
                    db, entries, actor=Actor.system("cli:kb-import"), now=datetime.now(UTC))
    except HotlineError as exc:
        return fail(exc)
    print(f"已导入 {args.file.name}：新增 {result.created} 条，更新 {result.updated} 条，"
          f"未变 {result.unchanged} 条；知识库版本 {result.kb_version}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from hotline_desk.storage.db import read_transaction, write_transaction
    from hotline_desk.storage.kb_files import write_kb_file
    from hotline_desk.storage.migrations import migrate
    from hotline_desk.storage.server import audit, kb_entries
    from hotline_desk.storage.server.audit import Actor

    try:
        with opened_database(args) as db:
            migrate(db)
            with read_transaction(db):
                entries = kb_entries.export_entries(db)
            write_kb_file(args.file, entries)
            with write_transaction(db):
                audit.record(db, Actor.system("cli:kb-export"), "kb.export", "kb_entry", None,
                             {"file": args.file.name, "entries": len(entries)},
                             now=datetime.now(UTC))
    except HotlineError as exc:
        return fail(exc)
    print(f"已导出 {len(entries)} 条到 {args.file}")
    return 0
