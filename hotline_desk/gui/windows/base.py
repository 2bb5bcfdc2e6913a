"""What every desk window shares: status bar, F1 help, logout, the task runner.

A window is small: it composes panels and hands them to controllers. Every
action with a shortcut is registered here, so the F1 overlay lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget

from hotline_desk.gui.context import DeskContext
from hotline_desk.gui.style import icon
from hotline_desk.gui.tasks import TaskRunner
from hotline_desk.gui.widgets.help_overlay import HelpOverlay
from hotline_desk.gui.widgets.status_bar import DeskStatusBar


class DeskWindow(QMainWindow):
    #: The operator asked to log out (the shell does it).
    logout_requested = Signal()
    #: The window was closed by the operator: the desk quits.
    closed = Signal()

    def __init__(self, ctx: DeskContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.setWindowIcon(icon("app"))
        self.runner = TaskRunner(self)
        self.status = DeskStatusBar(self)
        self.setStatusBar(self.status)
        self.runner.failed.connect(self.status.show_error)
        self._actions: list[QAction] = []
        self.help_overlay = HelpOverlay(self, self.shortcut_actions)
        self.help_action = QAction(icon("help"), "快捷键帮助", self)
        self.help_action.setShortcut(QKeySequence("F1"))
        self.help_action.triggered.connect(self.help_overlay.toggle)
        self.logout_action = QAction(icon("logout"), "退出登录", self)
        self.logout_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.logout_action.triggered.connect(self.logout_requested)
        self.sync_action = QAction(icon("retry"), "立即同步", self)
        self.sync_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.sync_action.triggered.connect(self.sync_now)
        self.rejected_action = QAction(icon("warning"), "被服务器退回的记录", self)
        self.rejected_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.rejected_action.triggered.connect(self.status.rejected_clicked)
        self._closing_for_logout = False

    def register_actions(self, actions: Iterable[QAction]) -> None:
        for action in actions:
            if any(action is known for known in self._actions):
                continue
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
            self._actions.append(action)

    def finish_actions(self) -> None:
        """Register the shared actions last (they come last in the help too)."""
        self.register_actions([self.sync_action, self.rejected_action, self.help_action,
                               self.logout_action])

    def shortcut_actions(self) -> list[QAction]:
        # panels may replace their actions (e.g. new emergency lines): skip deleted ones
        self._actions = [action for action in self._actions if shiboken6.isValid(action)]
        return [action for action in self._actions if shiboken6.isValid(action)]

    def sync_now(self) -> None:
        """Push the outbox and pull changes now (the loops would do it a little later)."""
        async def sync() -> None:
            await self.ctx.sync.flush_now()
            await self.ctx.sync.pull_now()

        self.runner.spawn(sync(), what_zh="立即同步",
                          on_done=lambda _r: self.status.show_info("同步完成"))

    def close_for_logout(self) -> None:
        self._closing_for_logout = True
        self.close()

    def before_close(self) -> None:
        """Subclasses hand over what must be kept (e.g. the ticket draft)."""

    def closeEvent(self, event: QCloseEvent) -> None:
        self.before_close()
        super().closeEvent(event)
        if not self._closing_for_logout:
            self.closed.emit()
