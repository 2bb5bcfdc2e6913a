#!/usr/bin/env python3
"""Render every desk screen with real data into ``docs/screenshots/*.png``.

    python build/screenshots.py [--out docs/screenshots] [--keep-server]

* Without a ``DISPLAY`` it starts ``Xvfb`` itself (1920x1080, 24-bit) and renders on
  it (the real xcb platform, real fonts — Debian ``xvfb`` and ``fonts-noto-cjk``).
* It starts a real sync server (``server init-demo`` + ``server``) on a free loopback
  port with the demo centre and the seed knowledge base, then runs real desks in this
  process — operator, expert seat, team lead — each with its own cache folder, and
  drives them the way people do: prior tickets of a caller, a call in progress with a
  search typed, the ticket form with inline errors, the refusal panel, the emergency
  confirmation, the F1 help, the expert queue, the team lead's board with charts.
* Each screen is grabbed from the X screen (so dialogs over a window are in the picture).

The token of each demo login is kept in an in-memory keyring (a throw-away demo).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WIDTH, HEIGHT = 1600, 960
PHONE = "13955551234"


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM when this process dies, even by a crash."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


DIE_WITH_PARENT = _die_with_parent if sys.platform.startswith("linux") else None


# ---------------------------------------------------------------- X server


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and \
                not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise SystemExit("no free X display number")


def start_xvfb() -> subprocess.Popen[bytes] | None:
    if os.environ.get("DISPLAY"):
        return None
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("DISPLAY is not set and Xvfb is not installed (apt install xvfb)")
    number = _free_display()
    # -terminate: the X server exits when its last client (this process) goes away, even
    # if this process dies without reaching its clean-up
    proc = subprocess.Popen([xvfb, f":{number}", "-screen", "0", "1920x1080x24", "-nolisten",
                             "tcp", "-terminate"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=DIE_WITH_PARENT)
    deadline = time.monotonic() + 20
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("Xvfb did not start")
        time.sleep(0.05)
    os.environ["DISPLAY"] = f":{number}"
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    return proc


# ---------------------------------------------------------------- sync server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        exe = [sys.executable, "-m", "hotline_desk", "server"]
        subprocess.run([*exe, "init-demo", "--data-dir", str(self.data_dir)], cwd=ROOT,
                       check=True, stdout=subprocess.DEVNULL)
        self.proc = subprocess.Popen([*exe, "--data-dir", str(self.data_dir), "--port",
                                      str(self.port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, preexec_fn=DIE_WITH_PARENT)
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise SystemExit("the sync server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)


# ---------------------------------------------------------------- keyring


def use_memory_keyring() -> None:
    """The demo tokens live in this process only (the desk's own session-only store)."""
    import keyring

    from hotline_desk.services.credentials import SessionMemoryKeyring

    keyring.set_keyring(SessionMemoryKeyring())


# ---------------------------------------------------------------- driving the desks


async def until(condition: Callable[[], object], what: str, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for: {what}")
        await asyncio.sleep(0.05)


async def settle(seconds: float = 0.6) -> None:
    """Let the window repaint (and timers tick) before a grab."""
    await asyncio.sleep(seconds)


def typed(widget: Any, text: str) -> None:
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                     char))


def press(window: Any, keys: str) -> None:
    """Trigger the window's action for ``keys`` (what the shortcut does).

    Without a window manager on Xvfb no window is ever "active", so Qt does not route
    shortcuts; the tests press the real keys on an active offscreen window instead.
    """
    from PySide6.QtGui import QKeySequence

    wanted = QKeySequence(keys)
    for action in window.shortcut_actions():
        if any(seq.matches(wanted) == QKeySequence.SequenceMatch.ExactMatch
               for seq in action.shortcuts()):
            action.trigger()
            return
    raise SystemExit(f"no action for {keys}")


class Shooter:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.files: list[Path] = []

    async def grab(self, name: str, window: Any, dialog: Any = None) -> None:
        """The window's area of the X screen (with ``dialog`` centred over it)."""
        from PySide6.QtWidgets import QApplication

        window.raise_()
        frame = window.frameGeometry()
        if dialog is not None:
            dialog.adjustSize()
            dialog.move(frame.center() - dialog.rect().center())
            dialog.raise_()
        await settle()
        screen = QApplication.primaryScreen()
        pixmap = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
        path = self.out / f"{name}.png"
        if not pixmap.save(str(path)):
            raise SystemExit(f"could not write {path}")
        self.files.append(path)
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"wrote {shown} ({frame.width()}x{frame.height()})", flush=True)


async def open_desk(server: Server, cache: Path, username: str | None, seat: str = "") -> Any:
    from hotline_desk.app import Desk, DeskOptions

    def show(window: Any) -> None:
        window.setGeometry(40, 40, WIDTH, HEIGHT)
        window.show()

    desk = await Desk(DeskOptions(server=server.url, demo_login=username, cache_dir=cache,
                                  seat_label=seat,
                                  intervals_ms={"seat_board": 1000, "lead_transfers": 1000,
                                                "lead_watch": 2000, "lead_figures": 2000,
                                                "expert_queue": 1000})).open(show_window=show)
    desk.start()
    if username is not None:
        await until(lambda: desk.shell.window is not None, f"{username} logged in")
    return desk


async def start_call(desk: Any, phone: str) -> None:
    window = desk.shell.window
    window.caller.phone_edit.setText(phone)
    window.caller.new_call_button.click()
    await until(lambda: desk.ctx.calls.current is not None, "call started")
    await until(lambda: window.caller.history_state.text() not in ("", "正在查询历史工单…"),
                "caller history")


async def prior_tickets(desk: Any) -> None:
    """Two earlier tickets of the same caller about the same matter (第二十条(六))."""
    ctx = desk.ctx
    for content in ("小区东门路灯不亮，晚上出行不便，希望尽快修复",
                    "再次反映：小区东门路灯仍然不亮，上次反映后没有修"):
        form = {"requester_phone": PHONE, "content": content, "request_type": "complaint",
                "area": "public_service", "channel": "phone", "location": "蜀山区稻香村街道",
                "lead_unit": "蜀山区城市管理局", "handling_requirements": "请核实并修复路灯",
                "topic": "路灯不亮"}
        await ctx.tickets.save_ticket(None, form, purpose="dispatch")
    await ctx.sync.flush_now()


async def scenario(out: Path, server: Server, work: Path) -> list[Path]:
    from hotline_desk.core.vocabulary import SeatState

    shooter = Shooter(out)

    # ------------------------------------------------------------ login screen
    login_desk = await open_desk(server, work / "cache-login", None)
    await until(lambda: login_desk.shell.login_dialog is not None
                and login_desk.shell.login_dialog.isVisible(), "login dialog")
    dialog = login_desk.shell.login_dialog
    dialog.ui.usernameEdit.setText("operator1")
    dialog.ui.passwordEdit.setText("wrong")
    dialog.ui.loginButton.click()
    await until(lambda: "密码" in dialog.ui.messageLabel.text(), "login error")
    await shooter.grab("01-login", dialog)
    await login_desk.close()

    # ------------------------------------------------------------ operator
    operator = await open_desk(server, work / "cache-operator1", "operator1", "A-01")
    window = operator.shell.window
    await until(lambda: operator.ctx.knowledge.ready and len(operator.ctx.knowledge) > 0,
                "knowledge base")
    await prior_tickets(operator)
    await start_call(operator, PHONE)
    press(window, "F2")
    typed(window.search.search_edit, "公积金提取")
    await until(lambda: window.search.model.rowCount() > 0, "search results")
    await shooter.grab("02-operator-call-search", window)

    press(window, "Ctrl+T")
    ui = window.form.ui
    ui.requesterPhoneEdit.clear()
    typed(ui.requesterPhoneEdit, "1395555")
    typed(ui.contentEdit, "路灯坏")
    ui.requestTypeCombo.setCurrentIndex(ui.requestTypeCombo.findData("complaint"))
    typed(ui.leadUnitEdit, "蜀山区城市管理局")
    ui.coUnitsEdit.setFocus()
    typed(ui.coUnitsEdit, "蜀山区城市管理局")
    ui.locationEdit.setFocus()
    await shooter.grab("03-operator-ticket-errors", window)

    press(window, "Ctrl+U")
    grounds = operator.ctx.reference.refusal_grounds()
    window.refusal.select(next(r.code for r in grounds if r.ground.value == "litigation"))
    typed(window.refusal.ui.noteEdit, "要求热线帮忙向朋友追讨借款")
    await shooter.grab("04-operator-refusal", window)

    press(window, "Ctrl+T")
    press(window, "Ctrl+3")
    await until(lambda: window.emergency.confirm_dialog is not None, "emergency confirmation")
    await shooter.grab("05-operator-emergency-confirm", window,
                       window.emergency.confirm_dialog)
    window.emergency.confirm_dialog.reject()

    press(window, "F1")
    await until(window.help_overlay.isVisible, "help overlay")
    await shooter.grab("06-operator-help", window)
    window.help_overlay.toggle()

    # the third report of the same matter becomes a ticket (supervised, 第二十条(六)) and is
    # handed to the expert queue; then a few more records for today's figures
    press(window, "Ctrl+T")
    window.form.reset()
    form_values = {"requester_phone": PHONE, "request_type": "complaint",
                   "area": "public_service", "channel": "phone",
                   "location": "蜀山区稻香村街道", "lead_unit": "蜀山区城市管理局",
                   "handling_requirements": "请现场核实并修复路灯，三日内回复诉求人",
                   "content": "第三次反映：小区东门路灯仍未修复，夜间老人出行摔倒过，"
                              "诉求人要求解释为何两次反映未处理"}
    window.form.set_form(form_values)
    window.form.ui.saveButton.click()
    await until(lambda: "已保存" in window.form.ui.draftLabel.text(), "ticket saved")
    await operator.ctx.sync.flush_now()
    press(window, "Ctrl+H")
    await until(lambda: window.recent.table.rowCount() > 0
                and "（暂编）" not in window.recent.table.item(0, 0).text(), "server number")
    window.recent.table.selectRow(0)
    window.handling.transfer()
    note = window.handling.note_dialog
    note.set_note("来电人第三次反映路灯未修复，情绪激动，要求主管部门说明情况，请专家协调答复")
    note.ui.buttonBox.accepted.emit()
    await until(lambda: operator.ctx.calls.current is None, "transfer saved")
    for phone, query in (("13800001111", "社保卡补办"), ("13800002222", "身份证办理")):
        await start_call(operator, phone)
        window.search.search_edit.setText(query)
        await until(lambda: window.search.model.rowCount() > 0, "search results")
        window.search.answer_button.click()
        await until(lambda: operator.ctx.calls.current is None, "answered")
    await operator.ctx.sync.flush_now()

    # ------------------------------------------------------------ expert seat
    expert = await open_desk(server, work / "cache-expert1", "expert1", "Z-01")
    queue = expert.shell.window.queue
    await until(lambda: queue.table.rowCount() > 0, "expert queue")
    queue.table.selectRow(0)
    queue.notes_edit.setPlainText("")
    await shooter.grab("07-expert-queue", expert.shell.window)
    queue.accept_button.click()
    await until(lambda: queue.complete_button.isEnabled(), "accepted")
    await until(lambda: "第三次反映" in queue.detail.toPlainText(), "ticket detail")
    queue.notes_edit.setPlainText("已联系蜀山区城市管理局，承诺三日内修复；已电话告知来电人")
    await shooter.grab("08-expert-accepted", expert.shell.window)

    # ------------------------------------------------------------ team lead
    await operator.ctx.seat.set_state(SeatState.READY)
    await start_call(operator, "13600009999")
    lead = await open_desk(server, work / "cache-teamlead1", "teamlead1")
    board = lead.shell.window
    await until(lambda: board.seats.row_count() >= 2, "seat board")
    await until(lambda: bool(board.figures.values), "figures")
    await settle(2.5)
    await shooter.grab("09-lead-board", board)

    # ------------------------------------------------------------ offline: save first
    server.stop()
    window.refusal.select(next(r.code for r in grounds if r.ground.value == "petition"))
    window.refusal.ui.noteEdit.setText("要求热线督促信访事项办理")
    window.refusal.ui.recordButton.click()
    await until(lambda: not operator.ctx.sync.status.online
                and operator.ctx.sync.status.outbox_depth >= 1, "offline with an outbox")
    press(window, "Ctrl+U")
    await shooter.grab("10-operator-offline", window)

    for desk in (lead, expert, operator):
        await desk.close()
    return shooter.files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    xvfb = start_xvfb()
    os.environ["HOTLINE_DESK_ALLOW_INSECURE_KEYRING"] = "1"
    use_memory_keyring()
    work = Path(tempfile.mkdtemp(prefix="hotline-screens-"))
    server = Server(work / "server")
    try:
        server.start()
        import qasync

        from hotline_desk.app import make_application

        app = make_application()
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            files = loop.run_until_complete(scenario(args.out, server, work))
        print(f"{len(files)} screenshots in {args.out}")
        return 0
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait(timeout=10)


if __name__ == "__main__":
    raise SystemExit(main())
