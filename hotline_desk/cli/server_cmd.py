"""``hotline-desk server``: run the sync server, prepare the demo centre, migrate.

    hotline-desk server --data-dir DIR [--database URL] [--host 127.0.0.1] [--port 8787]
                        [--certfile FILE --keyfile FILE] [--forwarded-allow-ips IPS]
                        [--access-log]
    hotline-desk server init-demo [--data-dir DIR] [--database URL]
    hotline-desk server migrate [--data-dir DIR] [--database URL]
    hotline-desk server reference load FILE [--name NAME] [--data-dir DIR] [--database URL]

The database defaults to SQLite in the data directory (``DIR/server.db``); give
``--database postgresql://user:pass@host/name`` to share one PostgreSQL database
between several server processes behind a load balancer. The server binds the
loopback address unless told otherwise; on any other address use TLS
(``--certfile/--keyfile``) or a TLS-terminating proxy (then pass its address in
``--forwarded-allow-ips`` so client addresses for login throttling and the audit
log are the real ones). The demo accounts and their password are listed in
``hotline_desk/storage/server/demo.py``.

The running server logs to ``DIR/logs/HotlineDeskServer.log`` (rotating; see
``hotline_desk.logsetup``) and the console, uvicorn's own lines included; one line per
request only with ``--access-log``.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hotline_desk.core.errors import HotlineError
from hotline_desk.paths import local_cache_dir, resource

log = logging.getLogger(__name__)

DEFAULT_PORT = 8787


def default_data_dir() -> Path:
    return local_cache_dir() / "server"


def add_database_options(parser: argparse.ArgumentParser, *, sub: bool = False) -> None:
    """``--data-dir`` and ``--database`` (in a sub-subcommand they default to the parent's)."""
    default: Any = argparse.SUPPRESS if sub else None
    parser.add_argument("--data-dir", type=Path, default=default,
                        help="server data folder (default: <local cache>/server)")
    parser.add_argument("--database", default=default, metavar="URL",
                        help="sqlite:///PATH or postgresql://USER:PASS@HOST:PORT/NAME "
                             "(default: SQLite in the data folder)")


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "server", help="同步服务器：运行、初始化演示数据、数据库升级",
        description="Run the Hotline Desk sync server.")
    add_database_options(parser)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1, loopback only)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--certfile", type=Path, default=None, help="TLS certificate (PEM)")
    parser.add_argument("--keyfile", type=Path, default=None, help="TLS private key (PEM)")
    parser.add_argument("--forwarded-allow-ips", default=None, metavar="IPS",
                        help="proxies trusted for X-Forwarded-For (comma-separated)")
    parser.add_argument("--access-log", action="store_true",
                        help="log every request (uvicorn's access log; off by default)")
    parser.set_defaults(func=run_server)
    actions = parser.add_subparsers(title="server commands", metavar="ACTION")

    demo = actions.add_parser(
        "init-demo", help="初始化演示中心（合肥市12345热线）、演示账号和种子知识库")
    add_database_options(demo, sub=True)
    demo.add_argument("--seed-dir", type=Path, default=None,
                      help="folder of *.jsonl seed entries (default: resources/kb/seed)")
    demo.set_defaults(func=run_init_demo)

    migrate = actions.add_parser("migrate", help="升级服务器数据库结构")
    add_database_options(migrate, sub=True)
    migrate.set_defaults(func=run_migrate)

    reference = actions.add_parser(
        "reference", help="发布不予受理告知口径、紧急及公共事业服务热线（第十条、第十二条(三)）")
    reference.set_defaults(func=lambda _args: _usage(reference))
    reference_actions = reference.add_subparsers(title="reference commands", metavar="ACTION")
    load = reference_actions.add_parser(
        "load", help="校验并发布一个参考资料文件，各座席下次同步时更新（版本号须大于已发布的）")
    add_database_options(load, sub=True)
    load.add_argument("file", type=Path, metavar="FILE",
                      help="e.g. non_acceptance.json or emergency_lines.json")
    load.add_argument("--name", default=None, metavar="NAME",
                      help="non_acceptance | emergency_lines (default: from the file's name "
                           "or content)")
    load.set_defaults(func=run_reference_load)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def database_url(args: argparse.Namespace) -> str:
    from hotline_desk.server.settings import DATABASE_FILE
    from hotline_desk.storage.db import sqlite_url

    if getattr(args, "database", None):
        return str(args.database)
    data_dir: Path = getattr(args, "data_dir", None) or default_data_dir()
    data_dir.mkdir(parents=True, exist_ok=True)
    return sqlite_url(data_dir / DATABASE_FILE)


@contextmanager
def opened_database(args: argparse.Namespace) -> Iterator[Any]:
    """The database of ``--database`` / ``--data-dir``, closed afterwards.

    A URL it cannot use raises ``StorageError`` (a HotlineError) inside the caller's
    ``try``, so it is reported like every other error."""
    from hotline_desk.storage.db import close_database, open_database

    db = open_database(database_url(args))
    try:
        yield db
    finally:
        close_database(db)


def fail(exc: HotlineError) -> int:
    print(f"错误：{exc.message_zh}\n({exc.message})", file=sys.stderr)
    for location, field, message in getattr(exc, "problems", []) or []:
        print(f"  {location} {field}：{message}", file=sys.stderr)
    return 1


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_server(args: argparse.Namespace) -> int:
    import uvicorn

    from hotline_desk import logsetup
    from hotline_desk.server.app import create_app
    from hotline_desk.server.settings import ServerSettings
    from hotline_desk.storage.db import describe_url

    if (args.certfile is None) != (args.keyfile is None):
        print("错误：--certfile 与 --keyfile 须同时提供", file=sys.stderr)
        return 2
    url = database_url(args)
    data_dir: Path = getattr(args, "data_dir", None) or default_data_dir()
    verbose = bool(getattr(args, "verbose", False))
    access_log = bool(getattr(args, "access_log", False))
    # The log file first (a no-op when the program set logging up already, as the
    # frozen HotlineDeskServer does), so that start-up failures are in it too.
    logsetup.configure(verbose=verbose, file_name=logsetup.SERVER_LOG_FILE_NAME,
                       folder=data_dir / logsetup.SERVER_LOG_FOLDER)
    try:
        app = create_app(ServerSettings.for_data_dir(data_dir, url))
    except HotlineError as exc:
        return fail(exc)
    if not _is_loopback(args.host) and args.certfile is None:
        log.warning("serving on %s without TLS: put a TLS proxy in front of it", args.host)
    scheme = "https" if args.certfile else "http"
    print(f"同步服务器启动 / sync server on {scheme}://{args.host}:{args.port} "
          f"(database {describe_url(url)})", flush=True)
    uvicorn.run(
        app, host=args.host, port=args.port,
        ssl_certfile=str(args.certfile) if args.certfile else None,
        ssl_keyfile=str(args.keyfile) if args.keyfile else None,
        proxy_headers=args.forwarded_allow_ips is not None,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_config=logsetup.uvicorn_log_config(access_log=access_log),
        access_log=access_log,
        log_level="debug" if verbose else "info",
    )
    return 0


def run_init_demo(args: argparse.Namespace) -> int:
    from hotline_desk.storage.server.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, init_demo
    from hotline_desk.storage.server.passwords import Passwords

    seed_dir: Path = args.seed_dir or resource("kb", "seed")
    try:
        with opened_database(args) as db:
            report = init_demo(db, Passwords(), seed_dir)
    except HotlineError as exc:
        return fail(exc)
    print(f"演示中心：{report.centre}")
    created = "、".join(report.accounts_created) or "无（均已存在）"
    print(f"新建演示账号：{created}")
    print(f"种子知识库文件：{', '.join(report.seed_files) or '无'}；新增 {report.kb.created} 条，"
          f"更新 {report.kb.updated} 条，未变 {report.kb.unchanged} 条；"
          f"知识库版本 {report.kb.kb_version}")
    print(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for account in DEMO_ACCOUNTS:
        unit = f"（{account.unit}）" if account.unit else ""
        print(f"  {account.username:<10} {account.role.label}{unit}")
    return 0


def run_migrate(args: argparse.Namespace) -> int:
    from hotline_desk.storage.migrations import current_version, migrate

    try:
        with opened_database(args) as db:
            applied = migrate(db)
            version = current_version(db)
    except HotlineError as exc:
        return fail(exc)
    done = "、".join(str(v) for v in applied) if applied else "无"
    print(f"数据库结构版本 {version}（本次执行的升级：{done}）")
    return 0


def run_reference_load(args: argparse.Namespace) -> int:
    """Publish a refusal-scripts or emergency-lines file, as an admin would over the API
    (validated by the core parsers, version above the published one, audited)."""
    from datetime import UTC, datetime

    from hotline_desk.core.errors import DataFormatError
    from hotline_desk.core.protocol import ReferenceName
    from hotline_desk.storage.db import write_transaction
    from hotline_desk.storage.migrations import require_current
    from hotline_desk.storage.server import refdata
    from hotline_desk.storage.server.audit import Actor

    actor = Actor.system("cli:reference-load")  # who published, in the audit log
    try:
        text = refdata.read_document_file(args.file)
        if args.name is None:
            name = refdata.name_of_file(args.file, text)
        else:
            try:
                name = ReferenceName(args.name)
            except ValueError:
                choices = "、".join(f"{n.value}（{n.label}）" for n in ReferenceName)
                raise DataFormatError(f"unknown reference document {args.name!r}",
                                      f"未知的参考资料名称「{args.name}」，可选：{choices}"
                                      ) from None
        with opened_database(args) as db:
            require_current(db)  # an old schema: say "migrate first", not "database error"
            with write_transaction(db):
                published = refdata.publish(db, name, text, actor=actor,
                                            now=datetime.now(UTC))
    except HotlineError as exc:
        return fail(exc)
    print(f"已发布{published.name.label}（{published.name.value}）版本 {published.version}；"
          "各座席下次同步时更新")
    return 0
