"""The unhandled-exception dialog: logged, shown in Chinese with the log path, draft kept.

第十一条: the requester's contact details and request are recorded on the ticket; a
crash must not lose what the operator typed, so the reporter never touches the
local cache (where the draft lives) and never ends the process.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from hotline_desk import logsetup
from hotline_desk.gui import crash_dialog
from hotline_desk.gui.crash_dialog import CrashReporter, build_dialog, message_zh


class Shown:
    """Records what the reporter would show (the real dialog is modal)."""

    def __init__(self) -> None:
        self.calls: list[tuple[Path | None, str]] = []

    def __call__(self, log_path: Path | None, detail: str) -> None:
        self.calls.append((log_path, detail))


@pytest.fixture
def log_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = logging.getLogger()
    level = root.level
    logsetup.reset()
    monkeypatch.setenv(logsetup.LOG_DIR_ENV, str(tmp_path / "logs"))
    path = logsetup.configure(console=False)
    assert path is not None
    try:
        yield path
    finally:
        logsetup.reset()
        root.setLevel(level)


@pytest.fixture
def restore_hooks() -> Iterator[None]:
    hooks = sys.excepthook, threading.excepthook
    try:
        yield
    finally:
        sys.excepthook, threading.excepthook = hooks


def _flushed_log(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def _raise_and_capture() -> tuple[type[BaseException], BaseException, object]:
    try:
        raise ValueError("工单保存时出错 boom")
    except ValueError:
        info = sys.exc_info()
    assert info[0] is not None and info[1] is not None
    return info[0], info[1], info[2]


def test_message_names_the_log_file_and_keeps_the_draft(tmp_path: Path) -> None:
    path = tmp_path / "HotlineDesk.log"
    text = message_zh(path)
    assert str(path) in text
    assert "草稿" in text and "不会丢失" in text
    assert "截图" in message_zh(None)


def test_dialog_is_chinese_with_traceback_details(qtbot, tmp_path: Path) -> None:
    box = build_dialog(tmp_path / "HotlineDesk.log", "Traceback: ValueError boom")
    qtbot.addWidget(box)
    assert box.windowTitle() == crash_dialog.TITLE_ZH
    assert str(tmp_path / "HotlineDesk.log") in box.text()
    assert "ValueError boom" in box.detailedText()
    labels = {button.text() for button in box.buttons()}
    assert {"继续工作", "打开日志文件夹"} <= labels
    assert box.icon() == QMessageBox.Icon.Critical


def test_excepthook_logs_shows_and_leaves_the_cache_alone(qtbot, log_path: Path,
                                                         tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    draft_db = cache / "desk-cache.sqlite3"
    draft_db.write_bytes(b"draft bytes")
    shown = Shown()
    reporter = CrashReporter(log_path, shown)
    reporter.excepthook(*_raise_and_capture())  # type: ignore[arg-type]
    assert len(shown.calls) == 1
    assert shown.calls[0][0] == log_path
    assert "ValueError: 工单保存时出错 boom" in shown.calls[0][1]
    text = _flushed_log(log_path)
    assert "unhandled exception" in text and "工单保存时出错 boom" in text
    assert draft_db.read_bytes() == b"draft bytes"


def test_an_error_while_the_dialog_is_open_is_logged_not_stacked(qtbot, log_path: Path) -> None:
    calls: list[str] = []
    reporter: CrashReporter

    def show(_path: Path | None, detail: str) -> None:
        calls.append(detail)
        reporter.excepthook(*_raise_and_capture())  # type: ignore[arg-type]

    reporter = CrashReporter(log_path, show)
    reporter.excepthook(*_raise_and_capture())  # type: ignore[arg-type]
    assert len(calls) == 1
    assert reporter.reported == 2
    assert _flushed_log(log_path).count("unhandled exception") == 2


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_qt_slot_reaches_the_dialog(qtbot, log_path: Path,
                                                   restore_hooks: None) -> None:
    shown = Shown()
    crash_dialog.install(log_path, shown)

    def slot() -> None:
        raise RuntimeError("槽函数出错")

    QTimer.singleShot(0, slot)
    qtbot.waitUntil(lambda: len(shown.calls) == 1, timeout=5000)
    assert "RuntimeError: 槽函数出错" in shown.calls[0][1]


def test_exception_in_a_worker_thread_is_shown_on_the_gui_thread(qtbot, log_path: Path,
                                                                 restore_hooks: None) -> None:
    threads: list[str] = []

    def show(_path: Path | None, detail: str) -> None:
        threads.append(threading.current_thread().name)

    crash_dialog.install(log_path, show)

    def work() -> None:
        raise OSError("worker failed")

    worker = threading.Thread(target=work, name="hotline-worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(threads) == 1, timeout=5000)
    assert threads == [threading.main_thread().name]
    assert "unhandled exception in thread hotline-worker" in _flushed_log(log_path)


def test_asyncio_task_exception_is_reported(qtbot, log_path: Path) -> None:
    shown = Shown()
    reporter = CrashReporter(log_path, shown)
    loop = asyncio.new_event_loop()
    try:
        loop.set_exception_handler(reporter.asyncio_handler)

        async def fail() -> None:
            raise KeyError("任务异常")

        task = loop.create_task(fail())
        loop.run_until_complete(asyncio.wait([task]))
        loop.call_exception_handler({"message": "Task exception was never retrieved",
                                     "exception": task.exception(), "task": task})
        loop.call_exception_handler({"message": "plain warning without exception"})
    finally:
        loop.close()
    assert len(shown.calls) == 1
    assert "KeyError: '任务异常'" in shown.calls[0][1]
    text = _flushed_log(log_path)
    assert "unhandled exception in asyncio" in text
    assert "plain warning without exception" in text
