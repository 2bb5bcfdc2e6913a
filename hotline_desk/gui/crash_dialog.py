"""The dialog an operator sees when the desk hits an unhandled exception.

A windowed build has no console, so an exception that nobody catches would
otherwise vanish (or, in a frozen Windows build, kill the process with an
English traceback box). :func:`install` routes every uncaught exception — in a
Qt slot (``sys.excepthook``), in a worker thread (``threading.excepthook``) and
in an asyncio task on the qasync loop (:meth:`CrashReporter.asyncio_handler`) —
into the log file with its traceback, then shows one Chinese dialog naming the
log file.

The desk keeps running after the dialog: the ticket form saves its draft into
the local cache on every change (``TicketFormController.keep_draft`` →
``TicketService.save_draft`` → ``storage/cache/drafts.py``), and that draft is
restored at the next start. Nothing here deletes or rewrites the cache, and the
process is not terminated, so a pending debounced draft save still completes.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger(__name__)

TITLE_ZH = "工作台出现意外错误"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def message_zh(log_path: Path | None) -> str:
    """The dialog's text: what happened, that the draft is safe, where the log is."""
    where = str(log_path) if log_path is not None else "（日志文件不可用，请截图此窗口）"
    return ("工作台遇到一个意外错误，刚才的操作可能没有完成。\n\n"
            "正在填写的工单草稿已自动保存在本机，不会丢失；"
            "关闭并重新打开工作台后会自动恢复。\n\n"
            "请将下面的日志文件发送给技术支持人员：\n"
            f"{where}")


def details(exc_type: type[BaseException], exc: BaseException,
            tb: TracebackType | None) -> str:
    return "".join(traceback.format_exception(exc_type, exc, tb))


def build_dialog(log_path: Path | None, detail_text: str,
                 parent: Any = None) -> QMessageBox:
    """The (not yet shown) message box; "打开日志文件夹" opens the log folder."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(TITLE_ZH)
    box.setText(message_zh(log_path))
    box.setDetailedText(detail_text)
    box.addButton("继续工作", QMessageBox.ButtonRole.AcceptRole)
    if log_path is not None:
        folder = box.addButton("打开日志文件夹", QMessageBox.ButtonRole.ActionRole)
        folder.clicked.disconnect()  # keep the box open while the folder opens
        folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_path.parent))))
    return box


def _show_dialog(log_path: Path | None, detail_text: str) -> None:
    build_dialog(log_path, detail_text).exec()


class _MainThreadBridge(QObject):
    """Carries a report from any thread to the GUI thread (queued signal)."""

    report = Signal(str)


class CrashReporter:
    """Logs an uncaught exception and shows :func:`build_dialog` (one at a time)."""

    def __init__(self, log_path: Path | None,
                 show: Callable[[Path | None, str], None] = _show_dialog) -> None:
        self.log_path = log_path
        self._show = show
        self._showing = False
        self.reported = 0
        self._bridge: _MainThreadBridge | None = None

    # ------------------------------------------------------------------ hooks
    def excepthook(self, exc_type: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("unhandled exception", exc_info=(exc_type, exc, tb))
        self._report(details(exc_type, exc, tb))

    def threading_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "?"
        log.critical("unhandled exception in thread %s", name,
                     exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
        self._report(details(args.exc_type, args.exc_value, args.exc_traceback))

    def asyncio_handler(self, loop: Any, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        message = str(context.get("message", "asyncio error"))
        if exc is None:
            log.error("asyncio: %s (%s)", message, context)
            return
        log.critical("unhandled exception in asyncio: %s", message,
                     exc_info=(type(exc), exc, exc.__traceback__))
        self._report(details(type(exc), exc, exc.__traceback__))

    # ------------------------------------------------------------------ dialog
    def _report(self, detail_text: str) -> None:
        self.reported += 1
        app = QApplication.instance()
        if app is None:
            return  # before Qt started (or after it ended): the log has it
        if threading.current_thread() is not threading.main_thread():
            if self._bridge is not None:
                self._bridge.report.emit(detail_text)
            return
        self._show_once(detail_text)

    def _show_once(self, detail_text: str) -> None:
        if self._showing:  # an error while the dialog is open: logged only
            return
        self._showing = True
        try:
            self._show(self.log_path, detail_text)
        except Exception:
            log.exception("the crash dialog itself failed")
        finally:
            self._showing = False

    def attach_bridge(self) -> None:
        """Create the cross-thread bridge (call on the GUI thread once Qt exists)."""
        if self._bridge is None and QApplication.instance() is not None:
            self._bridge = _MainThreadBridge()
            self._bridge.report.connect(self._show_once)


def install(log_path: Path | None,
            show: Callable[[Path | None, str], None] = _show_dialog) -> CrashReporter:
    """Install the reporter as ``sys.excepthook`` and ``threading.excepthook``.

    The caller sets :meth:`CrashReporter.asyncio_handler` on its event loop."""
    reporter = CrashReporter(log_path, show)
    reporter.attach_bridge()
    sys.excepthook = reporter.excepthook
    threading.excepthook = reporter.threading_hook
    return reporter
