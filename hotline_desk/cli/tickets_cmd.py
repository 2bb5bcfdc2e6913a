"""``hotline-desk tickets``: ticket settings of the sync server.

    hotline-desk tickets prefix [PREFIX] [--data-dir DIR] [--database URL]

Shows (or sets) the prefix of public ticket numbers (``HF20261129000123``; 1–8 capital
letters). Unset, it is derived from the configured centre (合肥市 → ``HF``).
"""

from __future__ import annotations

import argparse
from typing import Any

from hotline_desk.cli.server_cmd import add_database_options, database_url, fail
from hotline_desk.core.errors import HotlineError


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "tickets", help="工单设置（工单编号前缀）", description="Ticket settings of the server.")
    actions = parser.add_subparsers(title="ticket commands", metavar="ACTION")
    prefix = actions.add_parser("prefix", help="查看或设置工单编号前缀（如 HF）")
    prefix.add_argument("value", nargs="?", default=None, metavar="PREFIX",
                        help="1–8 capital letters; omit to show the current prefix")
    add_database_options(prefix)
    prefix.set_defaults(func=run_prefix)
    parser.set_defaults(func=lambda args: parser.print_help() or 0)


def run_prefix(args: argparse.Namespace) -> int:
    from hotline_desk.storage.db import close_database, open_database, write_transaction
    from hotline_desk.storage.migrations import require_current
    from hotline_desk.storage.server import tickets_numbers

    db = open_database(database_url(args))
    try:
        require_current(db)
        with write_transaction(db):
            if args.value is not None:
                tickets_numbers.set_ticket_prefix(db, args.value)
            current = tickets_numbers.ticket_prefix(db)
    except HotlineError as exc:
        return fail(exc)
    finally:
        close_database(db)
    print(f"工单编号前缀：{current}")
    return 0
