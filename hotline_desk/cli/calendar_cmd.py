"""``hotline-desk calendar``: working days and deadlines (第十四–十八条).

- ``calendar due --from YYYY-MM-DD --days N [--json]``: the N-th working day after the
  day of receipt (that day not counted), whether it is provisional, and which source
  answered;
- ``calendar show YYYY-MM``: every day of a month, working days marked, provisional ones
  flagged;
- ``calendar load FILE``: validate an admin holiday file and install it (exit 1 with every
  problem listed in Chinese when it is bad). A running sync server picks the file up within
  a minute: new deadlines are counted with it and the deadlines stored on open tickets are
  recomputed (``storage.server.tickets_recalendar``, from the server's minute job and at
  start). The command says so in Chinese and English, and where the server reads holiday
  files when ``--data-dir`` was not given (the server's default data folder is not this
  command's).

Each takes ``--data-dir`` (default: the desk's local cache folder), where installed
holiday files live.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

from hotline_desk.cli.server_cmd import default_data_dir
from hotline_desk.core.deadlines import due_after
from hotline_desk.core.errors import DataFormatError, HotlineError
from hotline_desk.core.workdays import has_official_data
from hotline_desk.paths import local_cache_dir
from hotline_desk.storage.holiday_files import (
    CALENDAR_DIR,
    build_calendar,
    install_holiday_file,
)

_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "calendar", help="工作日与办理时限",
        description="按国务院节假日安排（含调休）计算工作日与办理时限（第十四–十八条）",
    )

    def show_help(args: argparse.Namespace) -> int:
        parser.print_help()
        return 0

    parser.set_defaults(func=show_help)
    commands = parser.add_subparsers(title="子命令", metavar="SUBCOMMAND")

    due = commands.add_parser(
        "due", help="办理时限的截止日期",
        description="接收日当天不计，第 N 个工作日的24:00截止（北京时间）",
    )
    due.add_argument("--from", dest="start", required=True, type=_iso_date,
                     metavar="YYYY-MM-DD", help="接收工单的日期（当天不计）")
    due.add_argument("--days", required=True, type=_positive_int, metavar="N",
                     help="工作日数，如 首次联系1、申请退回2、咨询办结3、其他办结10")
    due.add_argument("--json", action="store_true", help="以 JSON 输出")
    _data_dir_option(due)
    due.set_defaults(func=_due)

    show = commands.add_parser("show", help="列出某月每天是否为工作日")
    show.add_argument("month", type=_year_month, metavar="YYYY-MM")
    _data_dir_option(show)
    show.set_defaults(func=_show)

    load = commands.add_parser("load", help="校验并导入管理员节假日文件（JSON）")
    load.add_argument("file", type=Path, metavar="FILE",
                      help="节假日文件，格式见 resources/calendar/README.md")
    _data_dir_option(load)
    load.set_defaults(func=_load)


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="数据目录（节假日文件装在其下 calendar/ 中）；默认为本机缓存目录")


def _data_dir(args: argparse.Namespace) -> Path:
    return args.data_dir if args.data_dir is not None else local_cache_dir()


def _iso_date(text: str) -> date:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"日期应为存在的 YYYY-MM-DD 日期（收到 {text!r}）")


def _positive_int(text: str) -> int:
    if text.isdigit() and int(text) >= 1:
        return int(text)
    raise argparse.ArgumentTypeError(f"工作日数应为正整数（收到 {text!r}）")


def _year_month(text: str) -> tuple[int, int]:
    match = _YEAR_MONTH.fullmatch(text)
    if match and 1 <= int(match.group(2)) <= 12:
        return int(match.group(1)), int(match.group(2))
    raise argparse.ArgumentTypeError(f"月份应为 YYYY-MM（收到 {text!r}）")


def _fail(exc: HotlineError) -> int:
    print(exc.message_zh, file=sys.stderr)
    return 1


def _due(args: argparse.Namespace) -> int:
    try:
        due = due_after(build_calendar(_data_dir(args)), args.start, args.days)
    except HotlineError as exc:
        return _fail(exc)
    if args.json:
        print(json.dumps({
            "from": args.start.isoformat(),
            "days": args.days,
            "due_date": due.date.isoformat(),
            "deadline": due.deadline.isoformat(),
            "provisional": due.provisional,
            "source": due.source.value,
        }, ensure_ascii=False))
        return 0
    print(due.date.isoformat())
    print(f"截止时间：{due.date.isoformat()} 24:00（北京时间）")
    print(f"来源：{due.source.value}（{due.source.label}）")
    print("暂定：是（国务院公布当年放假安排后可能变化）" if due.provisional else "暂定：否")
    return 0


def _show(args: argparse.Namespace) -> int:
    year, month = args.month
    try:
        calendar = build_calendar(_data_dir(args))
        days = calendar.month(year, month)
    except HotlineError as exc:
        return _fail(exc)
    source = days[0].source
    note = "，暂定：以国务院公布的放假安排为准" if source.provisional else ""
    print(f"{year}年{month}月（来源：{source.value} {source.label}{note}）")
    for info in days:
        print(("● " if info.workday else "  ") + info.describe_zh())
    workdays = sum(1 for info in days if info.workday)
    print(f"工作日 {workdays} 天（● 为工作日）" + ("，均为暂定" if source.provisional else ""))
    return 0


def _load(args: argparse.Namespace) -> int:
    try:
        holiday_year, target = install_holiday_file(args.file, _data_dir(args))
    except DataFormatError as exc:
        print(f"{args.file}：{exc.message_zh}", file=sys.stderr)
        return 1
    except (HotlineError, OSError) as exc:
        message = exc.message_zh if isinstance(exc, HotlineError) else str(exc)
        print(f"无法导入节假日文件：{message}", file=sys.stderr)
        return 1
    print(f"已导入 {holiday_year.year} 年节假日文件："
          f"{holiday_year.issued_by} {holiday_year.notice}")
    print(f"放假 {len(holiday_year.holidays)} 天，调休上班 {len(holiday_year.makeup_workdays)} 天"
          f" → {target}")
    if has_official_data(holiday_year.year):
        print(f"注意：chinesecalendar 已有 {holiday_year.year} 年国务院放假安排，"
              "计算时以其为准，本文件不生效")
        return 0
    _restart_notice(args)
    return 0


def _restart_notice(args: argparse.Namespace) -> None:
    """Tell the admin when the file takes effect (第十七条: the open tickets' deadlines
    follow it) and where the server reads files."""
    print("使用该数据目录的同步服务器约1分钟内读取本文件：新转办工单按本文件计算办理时限，"
          "已转办未办结工单的办理时限也随之重新计算（变动记入工单记录）。")
    print("Sync servers using this data directory read this file within a minute: new "
          "dispatches count their deadlines with it and the deadlines of open tickets are "
          "recomputed (each change is recorded in the ticket's history).")
    if args.data_dir is None:
        folder = default_data_dir() / CALENDAR_DIR
        print(f"注意：未指定 --data-dir。同步服务器从其数据目录的 {CALENDAR_DIR}/ 读取节假日文件"
              f"（默认 {folder}）；请用 --data-dir 指定服务器的数据目录后重新导入。")
        print(f"Note: no --data-dir given. The sync server reads holiday files from "
              f"{CALENDAR_DIR}/ in its own data directory (default {folder}); load the file "
              f"again with --data-dir set to the server's data directory.")
