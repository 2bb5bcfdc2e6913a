#!/usr/bin/env python3
"""Desk start-up and GUI-thread responsiveness, against a real sync server.

    python benchmarks/desk_startup.py [--duration 60] [--runs 3]

Prints three figures (goals in brackets):

1. start-up to a usable login screen: a fresh desk process (new cache) from
   ``exec`` until the login dialog is shown and accepts input [≤ 2 s];
2. start-up to the first search result: a desk process with a warm cache (the
   session resumes, the knowledge base and its index load from the cache) from
   ``exec`` until "公积金" typed in the search box shows hits [≤ 2 s];
3. the slowest GUI-thread stall during a scripted operator session of
   ``--duration`` seconds with sync running (calls, per-keystroke search, tickets,
   refusals, answers, state changes, the flusher pushing to the server): a 10 ms
   QTimer heartbeat records how late each tick fires [≤ 50 ms].

Each phase runs in its own process (``--phase``), under Xvfb when there is a display
server to use, else Qt's offscreen platform. Tokens go to a throw-away plaintext
keyring in a temporary folder (a benchmark, not a desk).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

T_EXEC = time.time()  # as early as possible: imports below count as start-up

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEARTBEAT_MS = 10


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM when this process dies, even by a crash."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


DIE_WITH_PARENT = _die_with_parent if sys.platform.startswith("linux") else None
QUERIES = ("公积金提取", "社保卡补办", "身份证", "gjj", "医保转移", "户口迁移", "噪音扰民",
           "租房提取", "失业金", "yb")


# ================================================================= child phases


def _child_setup(args: argparse.Namespace) -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["HOTLINE_DESK_ALLOW_INSECURE_KEYRING"] = "1"
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    keyring.set_keyring(PlaintextKeyring())  # under XDG_DATA_HOME, a temp folder
    import asyncio

    import qasync

    from hotline_desk.app import make_application

    app = make_application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    if os.environ.get("HOTLINE_BENCH_SLOW_MS"):  # log what blocks the loop, to find stalls
        import logging

        logging.basicConfig(level=logging.WARNING)
        loop.set_debug(True)
        loop.slow_callback_duration = float(os.environ["HOTLINE_BENCH_SLOW_MS"]) / 1000
    return loop


async def _until(condition: Any, timeout: float = 60.0) -> None:
    import asyncio

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        await asyncio.sleep(0.005)


async def _open(args: argparse.Namespace, demo_login: str | None) -> Any:
    from hotline_desk.app import Desk, DeskOptions

    desk = await Desk(DeskOptions(server=args.server, demo_login=demo_login,
                                  cache_dir=Path(args.cache))).open(
        show_window=lambda w: (w.resize(1500, 900), w.show()))
    desk.start()
    return desk


async def phase_login(args: argparse.Namespace) -> dict[str, float]:
    """Fresh cache: time to the login dialog; then log in and let the KB sync."""
    import asyncio

    from PySide6.QtWidgets import QApplication

    from hotline_desk.gui.widgets.login import LoginDialog

    seen: list[float] = []

    async def watch() -> None:
        """Runs on the event loop while the desk opens: when is the dialog up?"""
        def visible() -> bool:
            return any(isinstance(w, LoginDialog) and w.isVisible()
                       for w in QApplication.topLevelWidgets())

        await _until(visible)
        await asyncio.sleep(0)  # one more turn of the loop: painted, taking input
        seen.append(time.time() - args.t0)

    watcher = asyncio.ensure_future(watch())
    desk = await _open(args, None)
    await watcher
    shown = seen[0]
    await _until(lambda: desk.shell.login_dialog is not None
                 and desk.shell.login_dialog.isVisible()
                 and desk.shell.login_dialog.ui.loginButton.isEnabled())
    dialog = desk.shell.login_dialog
    ready = time.time() - args.t0
    assert dialog.ui.usernameEdit.isEnabled()
    dialog.ui.serverEdit.setText(args.server)
    dialog.ui.usernameEdit.setText("operator1")
    dialog.ui.passwordEdit.setText("Hotline12345")
    dialog.ui.loginButton.click()
    await _until(lambda: desk.shell.window is not None)
    knowledge = desk.ctx.knowledge
    await _until(lambda: len(knowledge) > 0 and knowledge.source == "cache", 120)
    await desk.ctx.sync.pull_now()  # the cursor and the saved index are on disk
    await desk.close()
    return {"login_screen_s": shown, "login_ready_s": ready}


async def phase_search(args: argparse.Namespace) -> dict[str, float]:
    """Warm cache: the session resumes; time to the first search hits."""
    desk = await _open(args, None)
    await _until(lambda: desk.shell.window is not None)
    window_at = time.time() - args.t0
    window = desk.shell.window
    search = window.search
    await _until(lambda: len(desk.ctx.knowledge) > 0)
    search.search_edit.setText("公积金")
    await _until(lambda: search.model.rowCount() > 0)
    first = time.time() - args.t0
    offset = time.time() - time.monotonic()
    result = {"window_s": window_at, "first_result_s": first,
              "kb_entries": float(len(desk.ctx.knowledge)),
              "kb_source_cache": float(desk.ctx.knowledge.source == "cache"),
              **{f"mark:{step}": moment + offset - args.t0
                 for step, moment in desk.shell.marks.items()}}
    await desk.close()
    return result


async def phase_session(args: argparse.Namespace) -> dict[str, Any]:
    """A scripted operator session with a heartbeat timer measuring GUI stalls."""
    import asyncio

    from PySide6.QtCore import QElapsedTimer, QTimer

    from hotline_desk.core.vocabulary import SeatState

    desk = await _open(args, None)
    await _until(lambda: desk.shell.window is not None)
    window = desk.shell.window
    ctx = desk.ctx
    await _until(lambda: len(ctx.knowledge) > 0)

    lateness: list[float] = []
    doing = ["start"]  # what the script was doing, to name the worst stalls
    worst: list[tuple[float, str]] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def beat() -> None:
        now = clock.nsecsElapsed()
        late = max(0.0, (now - last[0]) / 1e6 - HEARTBEAT_MS)
        lateness.append(late)
        if late > 25:
            worst.append((late, doing[0]))
        last[0] = now

    import gc

    gc_pauses: list[float] = []
    gc_started = [0.0]

    def gc_watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        elif info.get("generation") == 2:
            gc_pauses.append((time.perf_counter() - gc_started[0]) * 1000)

    gc.callbacks.append(gc_watch)
    timer = QTimer()
    timer.setInterval(HEARTBEAT_MS)
    timer.timeout.connect(beat)
    timer.start()

    search = window.search.search_edit
    form = window.form.ui
    end = time.monotonic() + args.duration
    counts = {"calls": 0, "keystrokes": 0, "tickets": 0, "refusals": 0, "answers": 0}
    n = 0
    while time.monotonic() < end:
        n += 1
        doing[0] = "new call"
        window.call_ctl.start(f"139{n % 10_000_000:08d}")
        await asyncio.sleep(0.3)
        counts["calls"] += 1
        doing[0] = "search"
        search.clear()
        for char in QUERIES[n % len(QUERIES)]:  # per-keystroke search, typing speed
            search.insert(char)
            counts["keystrokes"] += 1
            await asyncio.sleep(0.12)
        if n % 3 == 0 and window.search.current_entry() is not None:
            doing[0] = "answer"
            window.search.answer_button.click()
            counts["answers"] += 1
        elif n % 3 == 1:
            doing[0] = "refusal"
            window.refusal.select(ctx.reference.refusal_grounds()[n % 5].code)
            window.refusal.ui.noteEdit.setText(f"基准测试第{n}次不予受理")
            window.refusal.ui.recordButton.click()
            counts["refusals"] += 1
            await asyncio.sleep(0.2)
            window.call_ctl.end()
        else:
            doing[0] = "ticket"
            form.requesterPhoneEdit.setText(f"138{n:08d}")
            form.contentEdit.setPlainText(f"基准测试工单第{n}号：小区路灯不亮，请尽快修复")
            form.requestTypeCombo.setCurrentIndex(form.requestTypeCombo.findData("consultation"))
            form.areaCombo.setCurrentIndex(form.areaCombo.findData("public_service"))
            form.purposeCombo.setCurrentIndex(form.purposeCombo.findData("record"))
            form.saveButton.click()
            counts["tickets"] += 1
            await asyncio.sleep(0.2)
            window.call_ctl.end()
        doing[0] = "idle"
        await asyncio.sleep(0.3)
        doing[0] = "ready"
        await ctx.seat.set_state(SeatState.READY)
    timer.stop()
    gc.callbacks.remove(gc_watch)
    await ctx.sync.flush_now()
    await desk.close()
    ordered = sorted(lateness)
    return {"ticks": float(len(lateness)), "max_stall_ms": ordered[-1],
            "p99_stall_ms": ordered[int(len(ordered) * 0.99) - 1],
            "median_stall_ms": statistics.median(ordered),
            "gc2_max_ms": max(gc_pauses, default=0.0), "gc2_runs": float(len(gc_pauses)),
            "worst": " ".join(f"{late:.0f}ms:{what}" for late, what in
                              sorted(worst, reverse=True)[:8]),
            **{k: float(v) for k, v in counts.items()}}


def run_child(args: argparse.Namespace) -> int:
    loop = _child_setup(args)
    phase = {"login": phase_login, "search": phase_search, "session": phase_session}[args.phase]
    with loop:
        result = loop.run_until_complete(phase(args))
    print("RESULT " + json.dumps(result), flush=True)
    # The desk is closed (its cache finished every write); skip interpreter teardown,
    # where Qt's and qasync's threads race each other in a short-lived child.
    sys.stderr.flush()
    os._exit(0)


# ================================================================= the parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    import httpx

    exe = [sys.executable, "-m", "hotline_desk", "server"]
    subprocess.run([*exe, "init-demo", "--data-dir", str(data_dir)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = _free_port()
    proc = subprocess.Popen([*exe, "--data-dir", str(data_dir), "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=DIE_WITH_PARENT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the sync server did not start")


def _child(phase: str, server: str, cache: Path, env: dict[str, str],
           duration: float = 0) -> dict[str, Any]:
    t0 = time.time()
    result = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--server", server, "--cache", str(cache),
         "--t0", repr(t0), "--duration", str(duration)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=duration + 300)
    for line in result.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[7:]))
    raise SystemExit(f"phase {phase} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0,
                        help="length of the scripted session in seconds (default 60)")
    parser.add_argument("--runs", type=int, default=3, help="start-up runs (median printed)")
    parser.add_argument("--phase", choices=("login", "search", "session"), help=argparse.SUPPRESS)
    parser.add_argument("--server", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--t0", type=float, default=T_EXEC, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        return run_child(args)

    work = Path(tempfile.mkdtemp(prefix="hotline-desk-bench-"))
    env = {**os.environ, "XDG_DATA_HOME": str(work / "xdg"), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONDONTWRITEBYTECODE": "0"}
    server, url = _start_server(work / "server")
    try:
        login: list[float] = []
        ready: list[float] = []
        search: list[dict[str, Any]] = []
        for run in range(args.runs):
            cache = work / f"cache-{run}"
            result = _child("login", url, cache, env)
            login.append(result["login_screen_s"])
            ready.append(result["login_ready_s"])
            search.append(_child("search", url, cache, env))
        session = _child("session", url, work / "cache-0", env, args.duration)
    finally:
        server.terminate()
        server.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)

    first = [s["first_result_s"] for s in search]
    print(f"desk start-up benchmark ({args.runs} runs, median; Qt platform offscreen)")
    print(f"  start-up to usable login screen : {statistics.median(login):.2f} s "
          f"(runs: {', '.join(f'{v:.2f}' for v in login)}; goal ≤ 2 s)")
    print(f"  start-up to login possible      : {statistics.median(ready):.2f} s "
          f"(services built, session check done; typing is accepted before)")
    print(f"  start-up to first search result : {statistics.median(first):.2f} s "
          f"(runs: {', '.join(f'{v:.2f}' for v in first)}; goal ≤ 2 s; "
          f"{int(search[0]['kb_entries'])} entries, index from the cache: "
          f"{'yes' if all(s['kb_source_cache'] for s in search) else 'no'})")
    steps = sorted((v, k[5:]) for k, v in search[len(search) // 2].items()
                   if k.startswith("mark:"))
    print("    (warm start, one run: " + ", ".join(f"{name} {at:.2f} s" for at, name in steps)
          + f", first result {search[len(search) // 2]['first_result_s']:.2f} s)")
    print(f"  scripted session {args.duration:.0f} s with sync running: "
          f"{int(session['calls'])} calls, {int(session['keystrokes'])} keystrokes searched, "
          f"{int(session['tickets'])} tickets, {int(session['refusals'])} refusals, "
          f"{int(session['answers'])} answers")
    print(f"  GUI-thread stall ({HEARTBEAT_MS} ms heartbeat, {int(session['ticks'])} ticks): "
          f"max {session['max_stall_ms']:.1f} ms, p99 {session['p99_stall_ms']:.1f} ms, "
          f"median {session['median_stall_ms']:.1f} ms (goal: max ≤ 50 ms)")
    print(f"    full garbage collections: {int(session['gc2_runs'])}, "
          f"longest {session['gc2_max_ms']:.0f} ms")
    print(f"    stalls over 25 ms (worst first, with what the script was doing): "
          f"{session['worst'] or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
