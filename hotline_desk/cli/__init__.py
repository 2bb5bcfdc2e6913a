"""The ``hotline-desk`` command.

Run bare, it starts the desk. Subcommands (``server``, ``kb``, ``calendar`` …) live
in one module each under this package; each module exposes ``register(subparsers)``
and sets ``func`` on its parsers. Add a new one to ``_COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from hotline_desk import __version__

_COMMAND_MODULES: tuple[str, ...] = (
    "hotline_desk.cli.calendar_cmd",
    "hotline_desk.cli.demo_cmd",
    "hotline_desk.cli.kb_cmd",
    "hotline_desk.cli.server_cmd",
    "hotline_desk.cli.tickets_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hotline-desk",
        description="12345 政务服务便民热线座席工作台 / 12345 hotline seat workstation",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.set_defaults(func=_run_desk)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _run_desk(args: argparse.Namespace, extra: Sequence[str] = ()) -> int:
    # The desk lives behind the composition root; imported dynamically so that the
    # command-line tools never load Qt.
    try:
        app = importlib.import_module("hotline_desk.app")
    except ModuleNotFoundError as exc:
        if exc.name != "hotline_desk.app":
            raise
        print("The desk is not part of this build yet; see `hotline-desk --help`.",
              file=sys.stderr)
        return 2
    return int(app.main(list(extra)))


_OWN_OPTIONS = frozenset({"-h", "--help", "--version", "-v", "--verbose"})


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Bare, or starting with one of the desk's own options (``--server URL``,
    # ``--demo-login`` …): the desk gets every argument, since argparse would read
    # an option's value as a subcommand name.
    if not argv or (argv[0].startswith("-") and argv[0] not in _OWN_OPTIONS):
        return _run_desk(argparse.Namespace(), argv)
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.func is not _run_desk and extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.func is _run_desk:
        return _run_desk(args, extra)
    return int(args.func(args) or 0)
