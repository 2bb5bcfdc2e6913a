"""Modal dialogs that do not stall the event loop.

``QDialog.exec()`` inside a coroutine starts a nested event loop: qasync's tasks
stop advancing until the dialog closes (heartbeats, the flusher, the clock all
freeze). The desk instead shows a dialog with ``open()`` (window-modal, returns
at once) and awaits a future resolved by the ``finished`` signal.
"""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QDialog


def ask(dialog: QDialog) -> asyncio.Future[int]:
    """Open ``dialog`` window-modally; the future gets its result code when it closes."""
    loop = asyncio.get_event_loop()
    future: asyncio.Future[int] = loop.create_future()

    def finished(result: int) -> None:
        if not future.done():
            future.set_result(int(result))

    dialog.finished.connect(finished)
    dialog.open()
    return future

