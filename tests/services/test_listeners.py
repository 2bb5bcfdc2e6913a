"""The services' listener mechanism (what the GUI adapts to Qt signals)."""

from __future__ import annotations

import logging

import pytest

from hotline_desk.services.listeners import Listeners


def test_notify_reaches_every_callback_and_remove_is_idempotent() -> None:
    listeners: Listeners[int] = Listeners()
    got: list[tuple[str, int]] = []
    remove_a = listeners.add(lambda v: got.append(("a", v)))
    listeners.add(lambda v: got.append(("b", v)))
    listeners.notify(1)
    remove_a()
    remove_a()
    listeners.notify(2)
    assert got == [("a", 1), ("b", 1), ("b", 2)] and len(listeners) == 1


def test_a_failing_callback_is_logged_and_does_not_stop_the_others(
        caplog: pytest.LogCaptureFixture) -> None:
    listeners: Listeners[str] = Listeners()
    got: list[str] = []

    def broken(value: str) -> None:
        raise RuntimeError("view gone")

    listeners.add(broken)
    listeners.add(got.append)
    with caplog.at_level(logging.ERROR):
        listeners.notify("x")
    assert got == ["x"] and "view gone" in caplog.text
