"""The call in progress and the caller's history (the screen pop).

A call starts with the number the operator (later: the telephony system) enters.
The number is normalised with ``core.phone``; a number that is not a valid mainland
requester contact (a withheld number, a short service number, a foreign one) still
makes a call — it is flagged with a Chinese ``problem_zh``, and the ticket form will
ask for a contact number (第十一条). The screen shows the number masked (第三十四条
数据脱敏).

The caller's history (:meth:`CallService.caller_history`) lists the prior tickets of the
number and how often each matter was raised; when this requester raised the same
matter before, ``repeat_warning_zh`` says so: from the third report on, the matter is
supervised (第二十条(六)). Online it comes from the server (masked per role), and the
answer is kept in the cache under an opaque key (a hash, not the number); offline the
last answer kept is shown, marked as such, together with this desk's own records of
the number that have not reached the server yet.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import uuid6

from hotline_desk.core.errors import HotlineError, NetworkError
from hotline_desk.core.masking import mask_phone
from hotline_desk.core.phone import Phone, check_phone
from hotline_desk.core.protocol import CallerHistory as WireHistory
from hotline_desk.core.protocol import MatterCount, TicketOut
from hotline_desk.core.supervision import REPEAT_MIN_TIMES
from hotline_desk.services.api_client import ApiClient
from hotline_desk.services.clock import china_now
from hotline_desk.services.listeners import Listeners
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.outbox import OutboxStatus
from hotline_desk.storage.cache.tickets import LocalRecord

log = logging.getLogger(__name__)

#: Cached caller histories older than this are forgotten (personal data kept short).
HISTORY_RETENTION = timedelta(days=30)
#: How many recent local records are scanned for the caller's unsent tickets.
LOCAL_SCAN = 500


@dataclass(frozen=True, slots=True)
class Call:
    """One call. ``phone`` is the canonical digits when valid, else the text as typed.

    ``call_id``: a UUIDv7 chosen when the call starts; every record the call ends in
    carries it, so the server links them and counts the call once (第二十七条)."""

    call_id: str
    phone: str
    phone_display: str
    masked_phone: str
    started_at: datetime
    problem_zh: str | None = None

    @property
    def phone_valid(self) -> bool:
        return self.problem_zh is None


@dataclass(frozen=True, slots=True)
class CallerHistory:
    """The caller panel's data."""

    phone_masked: str
    total: int
    tickets: list[TicketOut]
    matters: list[MatterCount]
    repeat_threshold: int
    repeat_warning_zh: str | None
    offline: bool = False
    fetched_at: datetime | None = None
    unsent: list[LocalRecord] = field(default_factory=list)  # this desk's, not yet on the server

    @property
    def notice_zh(self) -> str | None:
        if not self.offline:
            return None
        when = self.fetched_at.strftime("%m-%d %H:%M") if self.fetched_at else "（无）"
        return f"离线：显示的是本机缓存的来电历史（更新于 {when}），可能不完整"


def caller_key(phone: str) -> str:
    """The opaque cache key of a caller (the number itself is not a key)."""
    return hashlib.sha256(f"hotline-desk-caller:{phone}".encode()).hexdigest()


def repeat_warning(matters: list[MatterCount], threshold: int = REPEAT_MIN_TIMES) -> str | None:
    """第二十条(六): the warning when this requester raised the same matter before."""
    repeated = [m for m in matters if m.count >= 1]
    if not repeated:
        return None
    top = max(repeated, key=lambda m: (m.count, m.last_at))
    times = top.count + 1
    text = f"该来电人此前已就“{top.label}”反映过 {top.count} 次，本次为第 {times} 次"
    if times >= threshold:
        text += f"，同一诉求人反映{threshold}次以上，应列入督办（第二十条(六)）"
    else:
        text += "，请核对是否为同一事项（重复反映，第二十条(六)）"
    others = len(repeated) - 1
    if others > 0:
        text += f"；另有 {others} 个事项曾被反映"
    return text


def _same_phone(record: LocalRecord, phone: str) -> bool:
    raw = record.payload.get("requester_phone") or record.payload.get("phone")
    if not isinstance(raw, str) or not raw:
        return False
    checked = check_phone(raw)
    return isinstance(checked, Phone) and checked.number == phone


def _unsent_of(cache: LocalCache, phone: str) -> list[LocalRecord]:
    records = cache.tickets.recent(LOCAL_SCAN)
    return [r for r in records
            if r.sync_status in (OutboxStatus.PENDING.value, OutboxStatus.REJECTED.value)
            and _same_phone(r, phone)]


class CallService:
    """The current call; ``add_listener`` gets the new call or None when it ends."""

    def __init__(self, cache: LocalCache, api: ApiClient | None = None, *,
                 clock: Callable[[], datetime] = china_now) -> None:
        self._cache = cache
        self._api = api
        self._clock = clock
        self.current: Call | None = None
        self._listeners: Listeners[Call | None] = Listeners()

    def add_listener(self, callback: Callable[[Call | None], object]) -> Callable[[], None]:
        return self._listeners.add(callback)

    def new_call(self, phone_text: str) -> Call:
        """Start a call with the number as typed; never raises for a bad number."""
        text = phone_text.strip() if isinstance(phone_text, str) else ""
        checked = check_phone(text)
        if isinstance(checked, Phone):
            call = Call(call_id=str(uuid6.uuid7()), phone=checked.number,
                        phone_display=checked.display, masked_phone=mask_phone(checked.display),
                        started_at=self._clock())
        else:
            call = Call(call_id=str(uuid6.uuid7()), phone=text, phone_display=text,
                        masked_phone=mask_phone(text) if text else "（未显示号码）",
                        started_at=self._clock(), problem_zh=checked.message_zh)
        self.current = call
        self._listeners.notify(call)
        return call

    def end_call(self, call: Call | None = None) -> None:
        if call is not None and self.current is not None and call.call_id != self.current.call_id:
            return
        if self.current is not None:
            self.current = None
            self._listeners.notify(None)

    async def caller_history(self, call: Call) -> CallerHistory:
        """Prior tickets of the caller's number (server when online, else the cache)."""
        if not call.phone_valid:
            return CallerHistory(phone_masked=call.masked_phone, total=0, tickets=[],
                                 matters=[], repeat_threshold=REPEAT_MIN_TIMES,
                                 repeat_warning_zh=None)
        key = caller_key(call.phone)
        unsent = await self._cache.run(_unsent_of, self._cache, call.phone)
        if self._api is not None:
            try:
                answer = await self._api.caller_history(call.phone_display)
            except NetworkError as exc:
                log.info("caller history from the cache: %s", exc.message)
            except HotlineError:
                raise
            else:
                now = self._clock()
                await self._cache.run(self._remember, key, answer, now)
                return self._view(answer, offline=False, fetched_at=now, unsent=unsent)
        cached = await self._cache.run(self._cache.refdata.caller_history, key)
        if cached is None:
            return CallerHistory(phone_masked=call.masked_phone, total=0, tickets=[],
                                 matters=[], repeat_threshold=REPEAT_MIN_TIMES,
                                 repeat_warning_zh=None, offline=True, unsent=unsent)
        answer = ApiClient.parse(WireHistory, json.loads(cached.body))
        return self._view(answer, offline=True, fetched_at=cached.seen_at, unsent=unsent)

    def _remember(self, key: str, answer: WireHistory, now: datetime) -> None:
        """Keep the (masked) answer for offline use; forget old ones (cache worker)."""
        self._cache.refdata.put_caller_history(key, answer.model_dump_json(), now)
        self._cache.refdata.prune_caller_history(now - HISTORY_RETENTION)

    @staticmethod
    def _view(answer: WireHistory, *, offline: bool, fetched_at: datetime | None,
              unsent: list[LocalRecord]) -> CallerHistory:
        return CallerHistory(
            phone_masked=answer.phone_masked, total=answer.total, tickets=list(answer.items),
            matters=list(answer.matters), repeat_threshold=answer.repeat_threshold,
            repeat_warning_zh=repeat_warning(list(answer.matters), answer.repeat_threshold),
            offline=offline, fetched_at=fetched_at, unsent=unsent)
