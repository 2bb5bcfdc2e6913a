"""``hotline-desk demo``: the main job of README command 1.

Prepares the bundled sync server on embedded SQLite (demo centre, accounts of every
role, seed knowledge base), starts it on loopback, and starts the desk logged in to
it. Without a display it says how to run under ``xvfb-run`` and keeps only the
server running, instead of crashing.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from hotline_desk.paths import local_cache_dir

NO_DISPLAY_HINT = (
    "没有检测到图形显示环境（DISPLAY / WAYLAND_DISPLAY 未设置），无法打开座席工作台窗口。\n"
    "No display found, so the desk window cannot open. On a server or CI machine run:\n"
    "    xvfb-run -a python3 dev.py start\n"
    "(Debian/Ubuntu: apt-get install xvfb fonts-noto-cjk). The sync server keeps running "
    "below; press Ctrl+C to stop it."
)


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo", help="启动演示：内置同步服务器（SQLite、种子知识库、演示账号）与座席工作台")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="server data folder (default: <local cache>/demo-server)")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--server-only", action="store_true", help="only run the server")
    parser.set_defaults(func=run)


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM") in {"offscreen", "minimal", "vnc"}:
        return True
    if sys.platform in {"win32", "darwin"}:
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> bool:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=1.0).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def run(args: argparse.Namespace) -> int:
    data_dir: Path = args.data_dir or (local_cache_dir() / "demo-server")
    data_dir.mkdir(parents=True, exist_ok=True)
    exe = [sys.executable, "-m", "hotline_desk"]
    if importlib.util.find_spec("hotline_desk.cli.server_cmd") is None:
        print("The sync server is not part of this build yet.", file=sys.stderr)
        return 2
    subprocess.run([*exe, "server", "init-demo", "--data-dir", str(data_dir)], check=True)
    url = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [*exe, "server", "--data-dir", str(data_dir), "--port", str(args.port)])
    try:
        if not _wait_healthy(url, server):
            print(f"服务器未能启动 / the sync server did not come up at {url}", file=sys.stderr)
            return 1
        print(f"同步服务器已启动 / sync server running at {url}", flush=True)
        desk_available = importlib.util.find_spec("hotline_desk.app") is not None
        if args.server_only or not desk_available:
            if not desk_available:
                print("座席工作台尚未包含在此版本中 / the desk is not part of this build yet.")
            return server.wait()
        if not _has_display():
            print(NO_DISPLAY_HINT, flush=True)
            return server.wait()
        desk = subprocess.run([*exe, "--server", url,
                               "--demo-login"])
        return desk.returncode
    except KeyboardInterrupt:
        return 0
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
