"""The composition root of the desk: builds every object once and wires them.

    hotline-desk [--server URL] [--demo-login [USER]] [--cache-dir DIR] [--self-check]

One QApplication, one qasync event loop, one shared ``httpx.AsyncClient``, one
local cache with its worker thread, every service, the shell that opens the
window the role needs. Nothing else in the desk constructs services.

Shutdown order: the window closes → the shell lets short pending work (a draft
save) finish and stops the sync loops → the HTTP client closes → the cache
worker finishes every write already handed to it and closes the database.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hotline_desk.core.errors import HotlineError

log = logging.getLogger(__name__)

DEFAULT_SERVER = "http://127.0.0.1:8787"
DEMO_OPERATOR = "operator1"


@dataclass
class DeskOptions:
    server: str = DEFAULT_SERVER
    demo_login: str | None = None
    cache_dir: Path | None = None
    seat_label: str = ""
    self_check: bool = False
    #: Poll intervals (ms) overriding DeskContext defaults (tests, screenshots).
    intervals_ms: dict[str, int] = field(default_factory=dict)


def parse_args(argv: Sequence[str]) -> DeskOptions:
    parser = argparse.ArgumentParser(prog="hotline-desk",
                                     description="12345热线座席工作台 / hotline seat workstation")
    parser.add_argument("--server", default=os.environ.get("HOTLINE_DESK_SERVER", DEFAULT_SERVER),
                        help=f"sync server URL (default {DEFAULT_SERVER})")
    parser.add_argument("--demo-login", nargs="?", const=DEMO_OPERATOR, default=None,
                        metavar="USER",
                        help="log in with a demo account of `server init-demo` "
                             f"(default {DEMO_OPERATOR})")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="the desk's local cache folder")
    parser.add_argument("--seat", default="", help="seat label shown on the board, e.g. A-12")
    parser.add_argument("--self-check", action="store_true",
                        help="check fonts, resources, forms and the keyring, then exit")
    args = parser.parse_args(list(argv))
    return DeskOptions(server=args.server, demo_login=args.demo_login,
                       cache_dir=args.cache_dir, seat_label=args.seat,
                       self_check=args.self_check)


def demo_credentials(username: str) -> tuple[str, str]:
    """A demo account of ``hotline-desk server init-demo`` and its documented password."""
    from hotline_desk.storage.server.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    known = {account.username for account in DEMO_ACCOUNTS}
    if username not in known:
        raise HotlineError(f"unknown demo account {username!r}",
                           f"没有名为 {username} 的演示账号（可用：{'、'.join(sorted(known))}）")
    return username, DEMO_PASSWORD


class Desk:
    """One desk: its cache, HTTP client, services, shell. Build with :meth:`open`."""

    def __init__(self, options: DeskOptions) -> None:
        self.options = options
        self.quit_event = asyncio.Event()
        self.cache = None
        self.http = None
        self.ctx = None
        self.shell = None
        self.marks: dict[str, float] = {}

    async def open(self, show_window: object = None) -> Desk:
        # The login dialog first: it takes input while the rest loads.
        from hotline_desk.gui.widgets.login import LoginDialog

        self.marks["open"] = time.monotonic()
        dialog = LoginDialog()
        dialog.set_defaults(self.options.server)
        dialog.set_starting(True)
        dialog.show()
        self.marks["login dialog shown"] = time.monotonic()
        # The services and everything under them are plain Python (no Qt): imported on a
        # worker thread so that the dialog stays responsive meanwhile.
        await asyncio.to_thread(_import_services)
        self.marks["services imported"] = time.monotonic()

        from hotline_desk.gui.context import DeskContext
        from hotline_desk.gui.shell import DeskShell
        from hotline_desk.services.api_client import ApiClient, new_http_client
        from hotline_desk.services.board import LeadBoardService
        from hotline_desk.services.calls import CallService
        from hotline_desk.services.credentials import CredentialStore
        from hotline_desk.services.expert import ExpertService
        from hotline_desk.services.knowledge import KnowledgeService
        from hotline_desk.services.reference import ReferenceService
        from hotline_desk.services.seat import SeatService
        from hotline_desk.services.session import SessionService
        from hotline_desk.services.sync import SyncEngine
        from hotline_desk.services.tickets import TicketService
        from hotline_desk.storage.cache import LocalCache

        options = self.options
        self.cache = cache = await LocalCache.open_async(options.cache_dir)
        self.marks["cache opened"] = time.monotonic()
        self.http = http = new_http_client()
        api = ApiClient(options.server, http)
        # the demo login (README command 1) still works on a machine without a secure
        # credential store: its token then lives in memory for this session only
        credentials = CredentialStore(session_only_fallback=options.demo_login is not None)
        session = SessionService(api, credentials, cache)
        knowledge = KnowledgeService(cache, api=api)
        reference = ReferenceService(cache, api)
        seat = SeatService(api, seat_label=options.seat_label)
        sync = SyncEngine(api, cache, knowledge, seat, reference=reference)
        calls = CallService(cache, api)
        tickets = TicketService(cache, knowledge, reference)
        tickets.add_listener(lambda _saved: sync.notify_saved())
        board = LeadBoardService(api)
        self.ctx = ctx = DeskContext(api=api, session=session, sync=sync, knowledge=knowledge,
                                     reference=reference, calls=calls, tickets=tickets,
                                     seat=seat, expert=ExpertService(api), board=board)
        ctx.intervals_ms.update(options.intervals_ms)
        auto = demo_credentials(options.demo_login) if options.demo_login else None
        self.shell = DeskShell(ctx, default_server=options.server, auto_login=auto,
                               show_window=show_window,  # type: ignore[arg-type]
                               login_dialog=dialog)
        self.shell.quit_requested.connect(self.quit_event.set)
        self.shell.marks.update(self.marks)
        self.shell.marks["start"] = self.marks["open"]
        return self

    def start(self) -> None:
        assert self.shell is not None
        self.shell.start()

    async def run(self) -> int:
        """Start, wait until the operator quits, shut down."""
        self.start()
        await self.quit_event.wait()
        await self.close()
        return 0

    async def close(self) -> None:
        if self.shell is not None:
            await self.shell.shutdown()
        if self.http is not None:
            await self.http.aclose()
        if self.cache is not None:
            cache, self.cache = self.cache, None
            await asyncio.to_thread(cache.close)  # finishes every submitted write


SERVICE_MODULES = (
    "hotline_desk.storage.cache",
    "hotline_desk.services.api_client",
    "hotline_desk.services.board",
    "hotline_desk.services.calls",
    "hotline_desk.services.credentials",
    "hotline_desk.services.expert",
    "hotline_desk.services.knowledge",
    "hotline_desk.services.reference",
    "hotline_desk.services.seat",
    "hotline_desk.services.session",
    "hotline_desk.services.sync",
    "hotline_desk.services.tickets",
)


def _import_services() -> None:
    for name in SERVICE_MODULES:
        importlib.import_module(name)


# ---------------------------------------------------------------- Qt start-up


def make_application(argv: Sequence[str] = ()) -> object:
    """The QApplication with the CJK font, the stylesheet and the icon."""
    from PySide6.QtWidgets import QApplication

    from hotline_desk.gui.fonts import install_cjk_font
    from hotline_desk.gui.style import apply_style

    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("HotlineDesk")
    app.setApplicationDisplayName("12345热线座席工作台")
    app.setQuitOnLastWindowClosed(False)  # the desk decides when to quit (see Desk.run)
    install_cjk_font(app)  # type: ignore[arg-type]
    apply_style(app)  # type: ignore[arg-type]
    return app


def self_check(options: DeskOptions) -> int:
    """Check what a packaged desk needs, print the result, exit 0 when all is well."""
    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    results: list[tuple[str, bool, str]] = []

    def check(name: str, fn: object) -> None:
        started = time.perf_counter()
        try:
            detail = fn()  # type: ignore[operator]
            ok = True
        except Exception as exc:
            detail = exc.message_zh if isinstance(exc, HotlineError) else repr(exc)
            ok = False
        results.append((name, ok, f"{detail} ({(time.perf_counter() - started) * 1000:.0f} ms)"))

    app = make_application()

    def font() -> str:
        from hotline_desk.gui.fonts import pick_cjk_family

        family = pick_cjk_family()
        if family is None:
            raise RuntimeError("no Chinese font installed")
        return family

    def forms() -> str:
        from hotline_desk.gui.forms import ui_login_dialog, ui_ticket_form  # noqa: F401

        return "forms import"

    def reference() -> str:
        from hotline_desk.storage.resources import (
            load_emergency_lines,
            load_non_acceptance_reasons,
        )

        return (f"{len(load_non_acceptance_reasons().reasons)} refusal scripts, "
                f"{len(load_emergency_lines().lines)} emergency lines")

    def knowledge() -> str:
        from datetime import date

        from hotline_desk.core.kb.search import SearchIndex
        from hotline_desk.services.knowledge import read_seed, seed_directory

        entries = read_seed(seed_directory())
        hits = SearchIndex.build(entries).search("公积金", date.today(), 5)
        if not hits:
            raise RuntimeError("seed search found nothing")
        return f"{len(entries)} seed entries, search ok"

    def keyring_backend() -> str:
        from hotline_desk.services.credentials import CredentialStore

        backend = type(CredentialStore().backend())
        return f"{backend.__module__}.{backend.__qualname__}"

    def phone_and_deadlines() -> str:
        from datetime import date

        from hotline_desk.core.deadlines import due_after
        from hotline_desk.core.phone import Phone, check_phone
        from hotline_desk.core.workdays import WorkCalendar

        for number in ("13912345678", "0551-65123456"):  # phonenumbers metadata
            if not isinstance(check_phone(number), Phone):
                raise RuntimeError(f"{number} rejected")
        calendar = WorkCalendar()
        official = due_after(calendar, date(2026, 9, 30), 5)  # chinese_calendar: 国庆
        fallback = due_after(calendar, date(2098, 1, 20), 5)  # lunardate: 春节 fallback
        return (f"phones ok, due {official.date} ({official.source.value}), "
                f"{fallback.date} ({fallback.source.value})")

    def saved_index() -> str:
        import tempfile
        from datetime import date

        from hotline_desk.services.knowledge import read_seed, seed_directory
        from hotline_desk.storage.kb_index_files import INDEX_FILENAME, load_or_build

        entries = read_seed(seed_directory())
        with tempfile.TemporaryDirectory(prefix="hotline-self-check-") as folder:
            path = Path(folder) / INDEX_FILENAME
            load_or_build(path, entries)  # builds and saves, as at a first start
            index, loaded = load_or_build(path, entries)  # loads, as at every later start
        if not loaded or not index.search("社保", date.today(), 5):
            raise RuntimeError("the saved search index did not load")
        return f"saved and loaded, {len(index)} entries"

    def cache() -> str:
        from hotline_desk.storage.cache import LocalCache

        opened = LocalCache.open(options.cache_dir)
        try:
            return str(opened.path)
        finally:
            opened.close()

    def server() -> str:
        from hotline_desk.services.api_client import ApiClient, new_http_client

        async def ask() -> str:
            async with new_http_client() as http:
                health = await ApiClient(options.server, http).health()
            return f"{options.server}: {health.status}, {health.centre}"

        return asyncio.run(ask())

    def windows() -> str:
        from hotline_desk.gui.style import load_stylesheet
        from hotline_desk.gui.windows import expert, lead, operator  # noqa: F401

        if not load_stylesheet():
            raise RuntimeError("stylesheet missing")
        return "windows import, stylesheet loaded"

    check("中文字体 / CJK font", font)
    check("界面表单 / forms", forms)
    check("参考资料 / reference data", reference)
    check("知识库 / knowledge base", knowledge)
    check("界面 / windows", windows)
    check("知识库索引 / saved KB index", saved_index)
    check("号码与期限 / phones and deadlines", phone_and_deadlines)
    check("本地缓存 / local cache", cache)
    check("同步服务器 / sync server", server)
    check("凭据库 / keyring", keyring_backend)
    del app
    for name, ok, detail in results:
        line = f"[{'OK' if ok else 'FAIL'}] {name}: {detail}"
        log.log(logging.INFO if ok else logging.ERROR, "self-check %s", line)
        print(line)  # a windowed build has no console: logsetup gave it os.devnull
    return 0 if all(ok for _, ok, _ in results) else 1


def main(argv: Sequence[str] | None = None) -> int:
    from hotline_desk import logsetup

    log_path = logsetup.configure()  # rotating file first; no console in a windowed build
    options = parse_args(sys.argv[1:] if argv is None else argv)
    if options.self_check:
        return self_check(options)
    import qasync

    from hotline_desk.gui.crash_dialog import install as install_crash_dialog

    app = make_application()
    reporter = install_crash_dialog(log_path)  # uncaught → log + Chinese dialog; draft kept
    # qasync's QEventLoop is its own loop class (on Windows an IOCP proactor driven by
    # Qt's event loop), created directly: no asyncio event-loop *policy* is set or
    # needed, and nothing in the desk may set WindowsProactor/SelectorEventLoopPolicy.
    loop = qasync.QEventLoop(app)
    loop.set_exception_handler(reporter.asyncio_handler)
    asyncio.set_event_loop(loop)
    with loop:
        try:
            desk = loop.run_until_complete(Desk(options).open())
            return int(loop.run_until_complete(desk.run()))
        except HotlineError as exc:
            log.error("the desk could not start: %s", exc.message)
            print(exc.message_zh, file=sys.stderr)
            return 1


if __name__ == "__main__":
    raise SystemExit(main())
