"""The desk's outer flow: resume or log in, open the window the role needs, log out.

* Start: a cached session whose token is still valid is resumed — also offline,
  then the desk says so; otherwise the login dialog asks for server, account
  and password (the session service keeps the token in the system keyring).
* After login the seat is not ready (示忙) until the operator says otherwise;
  the role decides the window: operators get the call-handling screen, expert
  seats the transfer queue, team leads the board.
* The knowledge base and the reference data start loading while the login
  dialog is shown, so the first search after login does not wait for them.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox

from hotline_desk.core.errors import HotlineError
from hotline_desk.core.vocabulary import Role
from hotline_desk.gui.context import DeskContext
from hotline_desk.gui.modal import ask
from hotline_desk.gui.tasks import TaskRunner
from hotline_desk.gui.widgets.login import LoginDialog
from hotline_desk.gui.windows.base import DeskWindow
from hotline_desk.services.session import Session

log = logging.getLogger(__name__)

#: The window of each role, imported when needed (the board pulls in pyqtgraph).
WINDOWS: dict[Role, tuple[str, str]] = {
    Role.OPERATOR: ("hotline_desk.gui.windows.operator", "OperatorWindow"),
    Role.EXPERT: ("hotline_desk.gui.windows.expert", "ExpertWindow"),
    Role.TEAM_LEAD: ("hotline_desk.gui.windows.lead", "LeadWindow"),
}


def window_class(role: Role) -> type[DeskWindow] | None:
    where = WINDOWS.get(role)
    if where is None:
        return None
    cls: type[DeskWindow] = getattr(importlib.import_module(where[0]), where[1])
    return cls


class DeskShell(QObject):
    #: The operator closed the desk (login dialog cancelled or main window closed).
    quit_requested = Signal()
    #: A main window is up (after login or resume).
    window_opened = Signal(object)
    #: The login dialog is shown (start, logout, failed resume).
    login_shown = Signal(object)

    def __init__(self, ctx: DeskContext, *, default_server: str,
                 auto_login: tuple[str, str] | None = None,
                 show_window: Callable[[DeskWindow], None] | None = None,
                 login_dialog: LoginDialog | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.runner = TaskRunner(self)
        self.default_server = default_server
        self.auto_login = auto_login
        self.login_dialog: LoginDialog | None = None
        if login_dialog is not None:
            self._adopt(login_dialog)
        self.window: DeskWindow | None = None
        self._show_window = show_window or (lambda window: window.showMaximized())
        self._preload: asyncio.Task[None] | None = None
        self.logout_box: QMessageBox | None = None
        #: When each start-up step finished (time.monotonic()), for the log and benchmarks.
        self.marks: dict[str, float] = {"start": time.monotonic()}
        self.runner.failed.connect(self._task_failed)

    # ---------------------------------------------------------------- start-up

    def start(self) -> None:
        """Begin (on the running event loop): preload, then resume or ask for a login."""
        self._preload = self.runner.spawn(self._load_data(), what_zh="加载知识库和参考资料")
        self.runner.spawn(self._resume_or_login(), what_zh="启动")

    def _mark(self, step: str) -> None:
        self.marks[step] = time.monotonic()
        log.info("start-up: %s after %.2f s", step, self.marks[step] - self.marks["start"])

    async def _load_data(self) -> None:
        await self.ctx.reference.load()
        self._mark("reference data loaded")

        async def knowledge() -> None:
            await self.ctx.knowledge.ensure_ready()
            self._mark("knowledge base ready")
            self._warm_up()
            # The index and the start-up objects live as long as the desk: move them out
            # of the cyclic collector's reach, or a full collection over a large knowledge
            # base (~200 ms at 100,000 entries) lands on some later keystroke.
            gc.collect()
            gc.freeze()

        # the centre's name (hence its city's emergency numbers) and the knowledge base
        await asyncio.gather(self.ctx.reference.refresh_centre(), knowledge())

    def _warm_up(self) -> None:
        """One search and one form check before the window is up: the first keystroke
        and the first call then do not pay for cold caches (search tables, the phone
        number metadata)."""
        try:
            self.ctx.knowledge.search("公积金提取", 5)
            self.ctx.tickets.check({"requester_phone": "13800000000", "content": "预热检查"},
                                   "dispatch")
        except HotlineError as exc:
            log.info("warm-up skipped: %s", exc.message)

    async def _resume_or_login(self) -> None:
        message = ""
        session: Session | None = None
        try:
            session = await self.ctx.session.resume()
        except HotlineError as exc:
            message = exc.message_zh
        self._mark("session checked")
        if session is not None:
            await self._enter(session)
            return
        self.show_login(message)
        if self.auto_login is not None and self.login_dialog is not None:
            username, password = self.auto_login
            self.login_dialog.set_defaults(self.default_server, username)
            self.login_dialog.ui.passwordEdit.setText(password)
            self.login_dialog.ui.loginButton.click()

    def _adopt(self, dialog: LoginDialog) -> None:
        dialog.login_requested.connect(self._login)
        dialog.rejected.connect(self.quit_requested)
        self.login_dialog = dialog

    def show_login(self, message: str = "") -> LoginDialog:
        if self.login_dialog is None:
            self._adopt(LoginDialog())
        dialog = self.login_dialog
        assert dialog is not None
        dialog.set_starting(False)
        dialog.set_busy(False)
        dialog.set_defaults(self.ctx.api.base_url or self.default_server,
                            dialog.ui.usernameEdit.text())
        if message:
            dialog.show_message(message, "error")
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        self.login_shown.emit(dialog)
        return dialog

    def _login(self, server: str, username: str, password: str) -> None:
        dialog = self.login_dialog
        if dialog is None:
            return
        dialog.set_busy(True)

        def failed(message: str) -> None:
            dialog.set_busy(False)
            dialog.show_error(message)

        self.runner.spawn(self._login_and_enter(server, username, password),
                          what_zh="登录", on_error=failed)

    async def _login_and_enter(self, server: str, username: str, password: str) -> None:
        session = await self.ctx.session.login(server, username, password)
        await self._enter(session)

    async def _enter(self, session: Session) -> None:
        cls = window_class(session.role)
        if cls is None:
            await self.ctx.session.logout()
            raise HotlineError(f"role {session.role.value} has no desk window",
                               f"{session.role.label}账号不能使用座席工作台")
        self.ctx.seat.reset()  # 示忙 until the operator says otherwise
        if self._preload is not None:
            await asyncio.shield(self._preload)
        self.ctx.sync.start()
        title = (f"{self.ctx.reference.centre_name()} · 座席工作台 · "
                 f"{session.display_name}（{session.role.label}）")
        window = cls(self.ctx, title)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.logout_requested.connect(self.logout)
        window.closed.connect(self.quit_requested)
        window.status.set_account(f"{session.display_name}（{session.role.label}）")
        self.window = window
        window.start()  # type: ignore[attr-defined]
        if self.login_dialog is not None:
            self.login_dialog.hide()
            self.login_dialog.ui.passwordEdit.clear()
        self._show_window(window)
        self._mark("window shown")
        if session.offline:
            window.status.show_error("离线启动：服务器暂时无法连接，使用本机保存的登录信息；"
                                     "记录将在恢复连接后自动上传")
        self.window_opened.emit(window)

    # ---------------------------------------------------------------- logout, quit

    def logout(self) -> None:
        self.runner.spawn(self._logout(), what_zh="退出登录")

    def _logout_warning(self) -> str:
        """What would be left behind by logging out now ("" when nothing)."""
        parts = []
        if self.ctx.calls.current is not None:
            parts.append("当前通话尚未结束")
        depth = self.ctx.sync.status.outbox_depth
        if depth:
            parts.append(f"还有 {depth} 条记录未上传（已保存在本机，下次登录后继续上传）")
        return "；".join(parts)

    async def _confirm_logout(self, warning: str) -> bool:
        """Ask, without blocking the event loop (open() plus a future, never exec())."""
        box = QMessageBox(QMessageBox.Icon.Question, "退出登录", f"{warning}。确定退出登录吗？",
                          QMessageBox.StandardButton.NoButton, self.window)
        yes = box.addButton("退出登录", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chosen: list[bool] = []  # read while the box is alive: it is deleted after closing
        box.buttonClicked.connect(lambda button: chosen.append(button is yes))
        self.logout_box = box
        await ask(box)
        return bool(chosen and chosen[0])

    async def _logout(self) -> None:
        warning = self._logout_warning()
        if warning and self.window is not None and not await self._confirm_logout(warning):
            return
        window, self.window = self.window, None
        if window is not None:
            window.runner.cancel_all()
            window.close_for_logout()
        self.ctx.calls.end_call()
        await self.ctx.sync.stop()
        await self.ctx.session.logout()
        self.show_login("已退出登录")

    async def shutdown(self, timeout: float = 3.0) -> None:
        """Close the window (its timers stop, the draft is handed over), let short
        pending work finish, then stop the sync loops."""
        window, self.window = self.window, None
        alive = window is not None and shiboken6.isValid(window)
        runners = [self.runner]
        if alive and window is not None:
            runners.append(window.runner)
            window.close_for_logout()  # no "closed" signal: this is not a quit request
        if self.login_dialog is not None and shiboken6.isValid(self.login_dialog):
            # deleted by Qt at a safe point, not by Python's garbage collector in the
            # middle of some later event dispatch
            self.login_dialog.hide()
            self.login_dialog.deleteLater()
        pending = [task for runner in runners for task in runner.tasks()]
        if pending:
            await asyncio.wait(pending, timeout=timeout)
        for runner in runners:
            runner.cancel_all()
        await self.ctx.sync.stop()

    def _task_failed(self, message: str) -> None:
        if self.window is not None:
            self.window.status.show_error(message)
        elif self.login_dialog is not None:
            self.login_dialog.set_busy(False)
            self.login_dialog.show_message(message, "error")
