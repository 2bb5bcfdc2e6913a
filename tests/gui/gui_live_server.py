"""A real sync server process for the desk's end-to-end tests.

``python -m hotline_desk server init-demo`` once per session (a template copied per
server), then ``python -m hotline_desk server --data-dir DIR --port PORT``. Start-up
is awaited by reading the server's log for uvicorn's "running" line (an event, not
a sleep); the same data folder and port survive :meth:`stop` / :meth:`start`, so a
test can take the server away in the middle of a flow and bring it back.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
READY_MARK = "Uvicorn running on"
START_TIMEOUT = 60.0


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM when this process dies, even by a crash."""
    import ctypes
    import signal

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


DIE_WITH_PARENT = _die_with_parent if sys.platform.startswith("linux") else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def init_demo(data_dir: Path) -> None:
    result = subprocess.run(
        [PYTHON, "-m", "hotline_desk", "server", "init-demo", "--data-dir", str(data_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"init-demo failed:\n{result.stdout}\n{result.stderr}")


class ServerProcess:
    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.proc: subprocess.Popen[str] | None = None
        self.log: list[str] = []
        self._ready = threading.Event()

    @classmethod
    def from_template(cls, template: Path, data_dir: Path) -> ServerProcess:
        shutil.copytree(template, data_dir)
        return cls(data_dir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        if self.running:
            return
        self._ready.clear()
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "hotline_desk", "server", "--data-dir", str(self.data_dir),
             "--port", str(self.port)],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            encoding="utf-8", errors="replace", preexec_fn=DIE_WITH_PARENT)
        threading.Thread(target=self._read_log, args=(self.proc,), daemon=True).start()
        if not self._ready.wait(START_TIMEOUT) or not self.running:
            self.stop()
            raise RuntimeError("the sync server did not start:\n" + "".join(self.log[-30:]))

    def _read_log(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            self.log.append(line)
            if READY_MARK in line:
                self._ready.set()
        self._ready.set()  # exited: wake the waiter (start() then sees it is not running)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
