"""``hotline-desk kb``: the knowledge base from the command line (第二十九–三十一条).

    hotline-desk kb search --kb FILE [--kb FILE …] [--limit N] [--json] [--today DATE] [QUERY]

``kb search`` builds the search index once from the knowledge-base file(s)
(``.jsonl`` / ``.json`` / ``.csv`` / ``.xlsx``) and answers QUERY, or, without
QUERY, one query per line of standard input, printing one JSON line per query:
``{"q": …, "hits": [{"id": …, "score": …, "title": …}, …]}``. Only entries
searchable on ``--today`` (default: today) are shown, as on the desk. A missing or
bad file prints the problems in Chinese and exits with status 1.

The group is built so that other sub-commands plug in beside ``search``: the
import/export commands register through ``kb_admin_cmd.register_import_export``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from hotline_desk.core.errors import HotlineError
from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.kb.search import Field, SearchHit, SearchIndex


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "kb", help="知识库：检索、导入、导出",
        description="知识库命令（第二十九–三十一条）",
    )

    def show_help(args: argparse.Namespace) -> int:
        parser.print_help()
        return 0

    parser.set_defaults(func=show_help)
    commands = parser.add_subparsers(title="子命令", metavar="SUBCOMMAND")
    _register_search(commands)
    _register_others(commands)


def _register_search(commands: Any) -> None:
    search: argparse.ArgumentParser = commands.add_parser(
        "search", help="检索知识库（汉字、全拼、首字母、错别字、地区）",
        description="在知识库文件中检索；不给查询词时从标准输入逐行读取，每行输出一行 JSON",
    )
    search.add_argument("query", nargs="?", metavar="QUERY", help="查询词；省略时逐行读标准输入")
    search.add_argument("--kb", dest="kb_files", action="append", type=Path, required=True,
                        metavar="FILE", help="知识库文件（.jsonl/.json/.csv/.xlsx），可重复")
    search.add_argument("--limit", type=_positive_int, default=10, metavar="N",
                        help="最多显示的条目数（默认10）")
    search.add_argument("--json", action="store_true", help="以 JSON 输出")
    search.add_argument("--today", type=_iso_date, metavar="YYYY-MM-DD",
                        help="按此日期判断条目是否有效（默认今天）")
    search.set_defaults(func=run_search)


def _register_others(commands: Any) -> None:
    """Sub-commands that live in their own modules (import/export)."""
    try:
        from hotline_desk.cli.kb_admin_cmd import register_import_export
    except ImportError:  # a build without the server tools
        return
    register_import_export(commands)


def _positive_int(text: str) -> int:
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise argparse.ArgumentTypeError(f"应为正整数（收到 {text!r}）")


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD（收到 {text!r}）") from None


def _fail(exc: HotlineError) -> int:
    print(f"错误：{exc.message_zh}", file=sys.stderr)
    for location, field, message in getattr(exc, "problems", []) or []:
        print(f"  {location} {field}：{message}", file=sys.stderr)
    return 1


def load_entries(paths: Iterable[Path]) -> list[KBEntry]:
    """Every entry of the given knowledge-base files (raises HotlineError)."""
    from hotline_desk.storage.kb_files import read_kb_file

    entries: list[KBEntry] = []
    for path in paths:
        entries.extend(read_kb_file(path))
    return entries


def hit_json(hit: SearchHit, with_matches: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {"id": hit.id, "score": hit.score, "title": hit.title}
    if with_matches:
        data["matches"] = [
            {"field": m.field.value, "item": m.item, "spans": [list(s) for s in m.spans]}
            for m in hit.matches
        ]
    return data


def _marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    out: list[str] = []
    at = 0
    for start, end in spans:
        out.append(text[at:start] + "【" + text[start:end] + "】")
        at = end
    return "".join(out) + text[at:]


def _print_hits(hits: list[SearchHit], out: TextIO) -> None:
    if not hits:
        print("没有找到匹配的知识库条目", file=out)
        return
    for rank, hit in enumerate(hits, start=1):
        title_spans = next((m.spans for m in hit.matches if m.field is Field.TITLE), ())
        print(f"{rank:2d}. [{hit.id}] {_marked(hit.title, title_spans)}  （得分 {hit.score}）",
              file=out)
        for match in hit.matches:
            if match.field is Field.TITLE:
                continue
            entry = hit.entry
            text = (entry.questions[match.item] if match.field is Field.QUESTION
                    else entry.keywords[match.item] if match.field is Field.KEYWORD
                    else entry.answer)
            if match.field is Field.ANSWER:
                first = match.spans[0][0]
                start = max(0, first - 20)
                text = text[start : first + 40]
                spans = [(s - start, min(e, first + 40) - start) for s, e in match.spans
                         if s >= start and s < first + 40]
            else:
                spans = list(match.spans)
            print(f"      {match.field.label}：{_marked(text, spans)}", file=out)


def run_search(args: argparse.Namespace) -> int:
    try:
        entries = load_entries(args.kb_files)
        index = SearchIndex.build(entries)
    except HotlineError as exc:
        return _fail(exc)
    today = args.today or date.today()  # the CLI is the boundary where the clock is read
    out = sys.stdout
    if args.query is not None:
        hits = index.search(args.query, today, args.limit)
        if args.json:
            print(json.dumps({"q": args.query, "hits": [hit_json(h, True) for h in hits]},
                             ensure_ascii=False), file=out)
        else:
            _print_hits(hits, out)
        return 0
    for line in sys.stdin:
        query = line.rstrip("\r\n")
        if not query.strip():
            continue
        hits = index.search(query, today, args.limit)
        print(json.dumps({"q": query, "hits": [hit_json(h) for h in hits]},
                         ensure_ascii=False), file=out, flush=True)
    return 0
