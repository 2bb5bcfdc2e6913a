"""The services' tiny observer mechanism: ``add_listener(callback) -> remove``.

Services keep observable state (sync status, seat state, current call, "index
changed"); the GUI adapts the callbacks to Qt signals. Callbacks are plain callables
invoked on the thread that changed the state — for every service that is the event
loop thread — with the new value. A failing callback is logged and never stops the
others nor the service that notified.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class Listeners(Generic[T]):
    """A list of callbacks taking one value."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[T], object]] = []

    def add(self, callback: Callable[[T], object]) -> Callable[[], None]:
        """Register ``callback``; returns a function that removes it (idempotent)."""
        self._callbacks.append(callback)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._callbacks.remove(callback)

        return remove

    def notify(self, value: T) -> None:
        for callback in list(self._callbacks):
            try:
                callback(value)
            except Exception:  # a broken view must not break the service
                log.exception("listener %r failed", callback)

    def __len__(self) -> int:
        return len(self._callbacks)
