"""Desk plumbing: the task runner, modal dialogs without nested loops, listener
signals, the CJK font, the F1 overlay, and the status bar."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMainWindow

from hotline_desk.core.errors import NetworkError
from hotline_desk.gui.fonts import PREFERRED_FAMILIES, install_cjk_font, pick_cjk_family
from hotline_desk.gui.listeners import ListenerSignal
from hotline_desk.gui.modal import ask
from hotline_desk.gui.tasks import TaskRunner
from hotline_desk.gui.widgets.help_overlay import HelpOverlay, shortcut_rows
from hotline_desk.gui.widgets.note_dialog import NoteDialog
from hotline_desk.gui.widgets.status_bar import DeskStatusBar
from hotline_desk.services.listeners import Listeners

# ---------------------------------------------------------------- task runner


def test_tasks_are_kept_until_done_and_results_rendered(qtbot, qloop) -> None:
    runner = TaskRunner()
    results: list[int] = []
    gate = asyncio.Event()

    async def work() -> int:
        await gate.wait()
        return 42

    runner.spawn(work(), on_done=results.append)
    assert runner.pending == 1
    gate.set()
    qtbot.waitUntil(lambda: results == [42], timeout=3000)
    assert runner.pending == 0


def test_a_hotline_error_shows_its_chinese_message(qtbot, qloop) -> None:
    runner = TaskRunner()

    async def fail() -> None:
        raise NetworkError("connection refused", "无法连接服务器")

    with qtbot.waitSignal(runner.failed) as blocker:
        runner.spawn(fail(), what_zh="保存工单")
    assert blocker.args == ["无法连接服务器"]


def test_a_bug_is_logged_and_shown_generically_never_raised(qtbot, qloop, caplog) -> None:
    runner = TaskRunner()
    inline: list[str] = []

    async def bug() -> None:
        raise KeyError("oops")

    with caplog.at_level(logging.ERROR):
        runner.spawn(bug(), what_zh="读取记录", on_error=inline.append)
        qtbot.waitUntil(lambda: bool(inline), timeout=3000)
    assert inline[0].startswith("读取记录失败")
    assert any("读取记录 failed" in r.getMessage() for r in caplog.records)


def test_a_task_ending_after_its_window_closed_is_dropped_quietly(qtbot, qloop) -> None:
    """Logging out closes the window while a poll is still on the network: its answer
    (or its failure) has nowhere to go and must not raise into the event loop."""
    import shiboken6
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    runner = TaskRunner(window)
    rendered: list[object] = []
    errors: list[dict] = []
    qloop.set_exception_handler(lambda loop, context: errors.append(context))
    gate = asyncio.Event()

    async def poll(fail: bool) -> int:
        await gate.wait()
        if fail:
            raise NetworkError("connection refused", "无法连接服务器")
        return 7

    done = [runner.spawn(poll(fail), on_done=rendered.append, on_error=rendered.append)
            for fail in (False, True)]
    after: list[int] = []
    for task in done:  # runs after the runner's own done callback (added first)
        assert task is not None
        task.add_done_callback(lambda _: after.append(1))
    shiboken6.delete(window)  # the window and its runner are gone
    gate.set()
    qtbot.waitUntil(lambda: len(after) == 2)
    assert rendered == [] and errors == []
    qloop.set_exception_handler(None)


def test_cancel_all_cancels_pending_tasks(qtbot, qloop) -> None:
    runner = TaskRunner()
    never = asyncio.Event()
    task = runner.spawn(never.wait())
    runner.cancel_all()
    qtbot.waitUntil(task.done, timeout=3000)
    assert task.cancelled() and runner.pending == 0


def test_a_modal_dialog_does_not_stall_other_tasks(qtbot, qloop) -> None:
    """open() + a future: while the dialog is up, other coroutines keep running."""
    window = QMainWindow()
    qtbot.addWidget(window)
    dialog = NoteDialog("说明", "测试", parent=window)
    future = ask(dialog)
    ticks: list[int] = []

    async def ticker() -> None:
        for i in range(3):
            ticks.append(i)
            await asyncio.sleep(0)

    task = asyncio.ensure_future(ticker())
    qtbot.waitUntil(task.done, timeout=3000)
    assert ticks == [0, 1, 2] and not future.done()
    dialog.set_note("多次辱骂")
    dialog.ui.buttonBox.accepted.emit()
    qtbot.waitUntil(future.done, timeout=3000)
    assert future.result() == int(QDialog.DialogCode.Accepted)


def test_note_dialog_refuses_a_blank_note(qtbot) -> None:
    dialog = NoteDialog("说明", "测试")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.ui.buttonBox.accepted.emit()
    assert dialog.isVisible() and dialog.ui.errorLabel.text() == "请填写说明"


# ---------------------------------------------------------------- listeners


def test_listener_signal_relays_and_detaches_when_destroyed(qtbot) -> None:
    listeners: Listeners[int] = Listeners()
    window = QMainWindow()
    relay = ListenerSignal(listeners.add, window)
    seen: list[int] = []
    relay.changed.connect(seen.append)
    listeners.notify(3)
    assert seen == [3] and len(listeners) == 1
    window.deleteLater()
    qtbot.waitUntil(lambda: len(listeners) == 0, timeout=3000)
    listeners.notify(4)  # no callback into a deleted object
    assert seen == [3]


# ---------------------------------------------------------------- fonts


def test_a_chinese_font_is_chosen_from_the_preferred_list(qapp) -> None:
    family = install_cjk_font(qapp)
    assert family is not None, "install fonts-noto-cjk"
    assert family in PREFERRED_FAMILIES  # Debian fonts-noto-cjk is installed here
    assert family in qapp.font().families()


def test_no_cjk_font_is_reported_as_none() -> None:
    assert pick_cjk_family(["DejaVu Sans"]) is None  # no Han glyphs: nothing to pick
    assert pick_cjk_family(["dejavu sans", "noto sans cjk sc"]) == "noto sans cjk sc"


# ---------------------------------------------------------------- F1 overlay


def test_help_lists_every_shortcut_once(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    first = QAction("检索知识库", window)
    first.setShortcuts([QKeySequence("F2"), QKeySequence("Ctrl+K")])
    second = QAction("保存工单", window)
    second.setShortcut(QKeySequence("Ctrl+S"))
    silent = QAction("无快捷键", window)
    rows = shortcut_rows([first, second, silent])
    assert rows == [("F2 / Ctrl+K", "检索知识库"), ("Ctrl+S", "保存工单")]
    overlay = HelpOverlay(window, lambda: [first, second])
    window.resize(800, 600)
    window.show()
    overlay.toggle()
    assert overlay.isVisible() and "保存工单" in overlay.card.text()
    assert overlay.geometry() == window.rect()
    overlay.toggle()
    assert not overlay.isVisible()


# ---------------------------------------------------------------- status bar


def test_status_bar_shows_connection_outbox_rejections_and_warnings(qtbot) -> None:
    bar = DeskStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.update_status(online=False, outbox_depth=3, rejected_count=2,
                      last_sync_at=datetime(2026, 5, 1, 8, tzinfo=UTC),
                      clock_skew_seconds=300.0, clock_skew_warning=True,
                      provisional_calendar=True)
    assert "离线" in bar.connection_label.text()
    assert bar.outbox_label.text() == "待同步 3 件"
    assert bar.rejected_button.text() == "被退回 2 件"
    assert bar.skew_label.isVisible() and "慢5分钟" in bar.skew_label.text()
    assert bar.calendar_label.isVisible() and "暂定" in bar.calendar_label.text()
    with qtbot.waitSignal(bar.rejected_clicked):
        bar.rejected_button.click()
    bar.update_status(online=True, outbox_depth=0, rejected_count=0)
    assert "在线" in bar.connection_label.text()
    assert not bar.skew_label.isVisible() and not bar.calendar_label.isVisible()
    bar.show_error("无法连接服务器")
    assert "无法连接服务器" in bar.currentMessage()
