"""Adapting the services' listener mechanism to Qt signals.

Services expose observable state as ``add_listener(callback) -> remove`` (plain
callables invoked on the event-loop thread, which under qasync is the GUI
thread). :class:`ListenerSignal` turns one such listener into a Qt signal and
removes it when the Qt object is destroyed, so a closed window never receives
callbacks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

AddListener = Callable[[Callable[[Any], object]], Callable[[], object]]


class ListenerSignal(QObject):
    """``changed`` is emitted with each value the service reports."""

    changed = Signal(object)

    def __init__(self, add_listener: AddListener, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The remover lives in a list the destroyed-handler closes over (not on
        # ``self``): when Qt deletes this object the wrapper may already be gone.
        self._removers: list[Callable[[], object]] = [add_listener(self._relay)]
        removers = self._removers
        self.destroyed.connect(lambda *_args: _drain(removers))

    def _relay(self, value: Any) -> None:
        self.changed.emit(value)

    def detach(self) -> None:
        """Stop listening (idempotent)."""
        _drain(self._removers)


def _drain(removers: list[Callable[[], object]]) -> None:
    while removers:
        remove = removers.pop()
        try:
            remove()
        except Exception:
            log.exception("removing a service listener failed")
