"""GUI test set-up: offscreen Qt, a qasync loop driven by qtbot, an in-memory keyring.

* ``QT_QPA_PLATFORM=offscreen`` before anything creates the QApplication.
* :func:`qloop`: a qasync event loop in "already running" mode, so coroutines
  started by the desk advance whenever pytest-qt processes Qt events
  (``qtbot.waitUntil`` / ``qtbot.waitSignal``) — no sleeps, no nested loops.
* :func:`memory_keyring`: a keyring backend that keeps secrets in a dict.
* :func:`seed_entries`: the bundled seed knowledge base (real entries).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HOTLINE_DESK_ALLOW_INSECURE_KEYRING", "1")

import keyring
import pytest
from gui_graveyard import GRAVEYARD
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.kb.search import SearchIndex

ROOT = Path(__file__).resolve().parents[2]


class MemoryKeyring(KeyringBackend):
    """Secrets in a dict: the tests never touch the machine's credential store."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError(f"{service}/{username} not stored")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)




@pytest.fixture
def qloop(qapp: object) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop that runs whenever Qt processes events (qtbot waits)."""
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            deadline_loops = 200
            while deadline_loops and not all(task.done() for task in pending):
                qapp.processEvents()  # type: ignore[attr-defined]
                deadline_loops -= 1
        # Not loop.stop(): it calls QApplication.exit(), after which every nested Qt
        # event loop (qtbot.waitSignal) of later tests would return at once.
        loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
        asyncio.events._set_running_loop(None)
        loop.close()
        asyncio.set_event_loop(None)
        GRAVEYARD.append(loop)


@pytest.fixture(scope="session")
def seed_entries() -> list[KBEntry]:
    from hotline_desk.storage.kb_files import read_kb_file

    entries: list[KBEntry] = []
    for path in sorted((ROOT / "resources" / "kb" / "seed").glob("*.jsonl")):
        entries.extend(read_kb_file(path))
    return entries


@pytest.fixture(scope="session")
def seed_index(seed_entries: list[KBEntry]) -> SearchIndex:
    return SearchIndex.build(seed_entries)


def send_text(widget: object, text: str) -> None:
    """Type ``text`` into ``widget`` one key event per character.

    ``qtbot.keyClicks`` only knows ASCII (QTest aborts on Chinese); a key event
    carrying the character is what an input method delivers on commit.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)  # type: ignore[arg-type]


@pytest.fixture
def type_text():
    return send_text
