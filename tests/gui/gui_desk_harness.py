"""Driving real desks (the composition root, real services) from pytest-qt.

:class:`DeskHarness` builds a desk exactly as ``hotline_desk.app.main`` does — its
own cache folder, HTTP client and services against a real server process — and
runs coroutines on the qasync loop by waiting on Qt events (``qtbot.waitUntil``),
never by sleeping. :func:`server_tickets` reads what the server holds, as the team
lead, to count records after a flow.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx
from gui_graveyard import GRAVEYARD
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from hotline_desk.app import Desk, DeskOptions
from hotline_desk.storage.server.demo import DEMO_PASSWORD

WAIT_MS = 30_000
FAST_POLLS = {"seat_board": 300, "lead_transfers": 500, "lead_watch": 2000,
              "lead_figures": 2000, "expert_queue": 300}


class DeskHarness:
    def __init__(self, qtbot: Any, server_url: str, cache_dir: Path, username: str | None, *,
                 seat_label: str = "") -> None:
        self.qtbot = qtbot
        self.server_url = server_url
        self.cache_dir = cache_dir
        self.username = username
        self.seat_label = seat_label
        self.desk: Desk | None = None

    # ------------------------------------------------------------------ running

    def run(self, coro: Coroutine[Any, Any, Any], timeout: int = WAIT_MS) -> Any:
        task = asyncio.ensure_future(coro)
        self.qtbot.waitUntil(task.done, timeout=timeout)
        return task.result()

    def wait(self, condition: Callable[[], object], timeout: int = WAIT_MS, *,
             state: Callable[[], object] | None = None) -> None:
        """Wait for ``condition``; on a timeout the error says what ``state()`` showed
        then (a flaky wait in CI must leave its evidence)."""
        try:
            self.qtbot.waitUntil(lambda: bool(condition()), timeout=timeout)
        except Exception as exc:
            if state is None:
                raise
            raise AssertionError(f"{exc}; the desk showed: {state()!r}") from exc

    # ------------------------------------------------------------------ life cycle

    def open(self, *, auto_login: bool = True) -> Desk:
        options = DeskOptions(server=self.server_url,
                              demo_login=self.username if auto_login else None,
                              cache_dir=self.cache_dir, seat_label=self.seat_label,
                              intervals_ms=dict(FAST_POLLS))

        def show(window: Any) -> None:
            window.resize(1500, 920)
            window.show()

        self.desk = self.run(Desk(options).open(show_window=show))
        self.desk.start()
        if auto_login:
            self.wait(lambda: self.window is not None)
        return self.desk

    def close(self) -> None:
        desk, self.desk = self.desk, None
        if desk is not None:
            self.run(desk.close())
            GRAVEYARD.append(desk)  # its Qt objects are deleted by Qt, not by the GC

    # ------------------------------------------------------------------ access

    @property
    def ctx(self) -> Any:
        assert self.desk is not None and self.desk.ctx is not None
        return self.desk.ctx

    @property
    def shell(self) -> Any:
        assert self.desk is not None and self.desk.shell is not None
        return self.desk.shell

    @property
    def window(self) -> Any:
        return self.shell.window

    def activate(self) -> None:
        window = self.window
        window.raise_()
        window.activateWindow()
        self.wait(window.isActiveWindow, timeout=5000)

    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
            ) -> None:
        """A key press on the focused widget of the (activated) window: shortcuts apply."""
        self.activate()
        target = QApplication.focusWidget() or self.window
        self.qtbot.keyClick(target, key, modifier)

    def status(self) -> Any:
        return self.ctx.sync.status

    def flush(self) -> Any:
        """Push the outbox now (what 立即同步 does first) and wait until it is empty."""
        report = self.run(self.ctx.sync.flush_now())
        self.run(self.ctx.sync.refresh_counts())
        assert self.status().outbox_depth == 0, report
        return report


def server_tickets(server_url: str) -> list[dict[str, Any]]:
    """Every ticket record on the server (team lead's change feed from the start)."""
    with httpx.Client(base_url=server_url, timeout=30) as client:
        login = client.post("/api/v1/auth/login",
                            json={"username": "teamlead1", "password": DEMO_PASSWORD})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        items: list[dict[str, Any]] = []
        since = 0
        while True:
            page = client.get("/api/v1/tickets/changes", params={"since": since, "limit": 500},
                              headers=headers)
            page.raise_for_status()
            body = page.json()
            items.extend(body["items"])
            since = body["next_cursor"]
            if not body["has_more"]:
                break
        client.post("/api/v1/auth/logout", headers=headers)
    latest: dict[str, dict[str, Any]] = {}
    for item in items:
        latest[item["ticket_no"]] = item
    return list(latest.values())


def server_transfers(server_url: str) -> list[dict[str, Any]]:
    with httpx.Client(base_url=server_url, timeout=30) as client:
        login = client.post("/api/v1/auth/login",
                            json={"username": "teamlead1", "password": DEMO_PASSWORD})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        answer = client.get("/api/v1/transfers", headers=headers)
        answer.raise_for_status()
        client.post("/api/v1/auth/logout", headers=headers)
        return list(answer.json()["items"])
