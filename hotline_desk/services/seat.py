"""This seat's telephony state and its heartbeat to the team lead's board.

The seat comes up not ready (示忙) after login; the operator switches between ready
(示闲), not ready with a reason, break (小休), on call and after-call work (话后处理).
Every change is sent to the server *at once* as a heartbeat — never through the
outbox, because a state is only worth its latest value — and the sync engine
repeats the heartbeat every 15 s. When the server cannot be reached the state is
kept and goes out with the next heartbeat that gets through.

The server trusts durations, not the desk's wall clock: the heartbeat carries how
long the seat has been in its state, measured with the monotonic clock
(``state_age_seconds``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime

from pydantic import ValidationError

from hotline_desk import __version__
from hotline_desk.core.errors import DataFormatError, HotlineError
from hotline_desk.core.protocol import HeartbeatAck, SeatHeartbeat
from hotline_desk.core.vocabulary import SeatState
from hotline_desk.services.api_client import ApiClient
from hotline_desk.services.clock import china_now
from hotline_desk.services.listeners import Listeners

log = logging.getLogger(__name__)

#: The reason shown for the not-ready state the seat starts in.
STARTUP_REASON = "登录准备"
#: Longest state age the protocol accepts (one day).
MAX_STATE_AGE = 86_400.0
REASON_MAX = 40


def check_state(state: SeatState, reason: str | None) -> tuple[SeatState, str | None]:
    """The state and its cleaned reason, or DataFormatError with a Chinese message."""
    if not isinstance(state, SeatState):
        try:
            state = SeatState(state)
        except ValueError as exc:
            raise DataFormatError(f"unknown seat state {state!r}", "未知的座席状态") from exc
    text = (reason or "").strip() or None
    if state is SeatState.OFFLINE:
        raise DataFormatError("a desk does not report itself offline",
                              "离线状态由系统判断，不能手动设置")
    if state is SeatState.NOT_READY and not text:
        raise DataFormatError("not_ready needs a reason", "示忙请选择或填写原因")
    if state is not SeatState.NOT_READY:
        text = None
    if text is not None and len(text) > REASON_MAX:
        raise DataFormatError("reason too long", f"示忙原因不能超过{REASON_MAX}个字")
    return state, text


class SeatService:
    """The seat's state (``state``, ``reason``, ``state_since``) and its heartbeats."""

    def __init__(self, api: ApiClient, *, seat_label: str = "",
                 monotonic: Callable[[], float] = time.monotonic,
                 clock: Callable[[], datetime] = china_now) -> None:
        self._api = api
        self._monotonic = monotonic
        self._clock = clock
        self.seat_label = seat_label
        self.state = SeatState.NOT_READY
        self.reason: str | None = STARTUP_REASON
        self.state_since: datetime = clock()
        self._since_mono = monotonic()
        self.unsent = True  # the current state has not reached the server yet
        self.last_ack: HeartbeatAck | None = None
        self.outbox_depth: Callable[[], int] = lambda: 0
        self._lock = asyncio.Lock()
        self._listeners: Listeners[SeatState] = Listeners()

    def add_listener(self, callback: Callable[[SeatState], object]) -> Callable[[], None]:
        return self._listeners.add(callback)

    def reset(self, reason: str = STARTUP_REASON) -> None:
        """Back to not ready (a new login), without sending anything yet."""
        self._apply(SeatState.NOT_READY, reason)

    def _apply(self, state: SeatState, reason: str | None) -> None:
        changed = (state, reason) != (self.state, self.reason)
        self.state, self.reason = state, reason
        if changed:
            self.state_since = self._clock()
            self._since_mono = self._monotonic()
            self.unsent = True
            self._listeners.notify(state)

    async def set_state(self, state: SeatState, reason: str | None = None) -> bool:
        """Change the state and report it at once. True when the server has it.

        Offline, the new state is kept (``unsent``) and the next heartbeat carries it;
        nothing is raised for a network failure, since the change itself succeeded
        on the desk. Bad input raises DataFormatError; a refusal by the server (e.g.
        the session ended) raises its error.
        """
        clean_state, clean_reason = check_state(state, reason)
        self._apply(clean_state, clean_reason)
        try:
            await self.send_heartbeat()
        except HotlineError as exc:
            if self._api.online is False:
                log.info("seat state %s kept for the next heartbeat: %s",
                         clean_state.value, exc.message)
                return False
            raise
        return True

    def heartbeat_body(self) -> SeatHeartbeat:
        age = min(max(self._monotonic() - self._since_mono, 0.0), MAX_STATE_AGE)
        try:
            return SeatHeartbeat(
                state=self.state, reason=self.reason, seat_label=self.seat_label[:20],
                outbox_depth=min(max(self.outbox_depth(), 0), 1_000_000),
                app_version=__version__, state_age_seconds=round(age, 3))
        except ValidationError as exc:
            raise DataFormatError(f"invalid heartbeat: {exc}", "座席状态数据不正确") from exc

    async def send_heartbeat(self) -> HeartbeatAck:
        """Send the current state now (serialised, so the latest state arrives last)."""
        async with self._lock:
            body = self.heartbeat_body()
            ack = await self._api.heartbeat(body)
            if (body.state, body.reason) == (self.state, self.reason):
                self.unsent = False
            self.last_ack = ack
            return ack
