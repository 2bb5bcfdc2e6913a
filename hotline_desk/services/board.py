"""The team lead's board: every seat live, the expert queue, overdue and supervised
tickets, and the day's figures (第二十条 督办, 第二十七条 考核, 第三十三条 分析).

The seat board is polled cheaply: each read passes the previous answer's cursor and
asks for changes only. An ``unchanged`` answer (no seats in it) means the board the
desk already shows is still right; a ``delta`` answer lists the seats that changed,
merged into the board held here (``core.protocol.merge_board``). Every
``FULL_READ_EVERY`` polls the board is read whole again (account names edited by an
admin are not versioned). Offline seats are computed by the server from silence
(45 s), never by the desk.

Figures: calls per hour are the server's count of *calls*, not records: every record a
call ends in (ticket, answer on the spot, refusal, emergency handoff, abusive-call mark,
transfer to an expert seat) carries the desk's call id, and each call counts once, in
the hour of its first record; a ticket record from an older desk without a call id counts
as one call (``storage.server.figures``). ``total`` stays the number of ticket records
received that day. Tickets per type use the Chinese labels of 第九条's five kinds, and
the on-time completion and satisfaction rates are the centre-wide totals of the server's
per-unit figures for the day (第二十七条): on time ÷ (completed + overdue unfinished),
satisfied ÷ rated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hotline_desk.core.protocol import (
    DayFigures,
    RisingTopic,
    SeatBoard,
    TicketOut,
    TransferOut,
    TransferStatus,
    UnitDayFigure,
    merge_board,
)
from hotline_desk.core.vocabulary import Area, RequestType
from hotline_desk.services.api_client import ApiClient
from hotline_desk.services.clock import china_today


@dataclass(frozen=True, slots=True)
class OverdueAndSupervised:
    overdue: list[TicketOut]
    supervised: list[TicketOut]


@dataclass(frozen=True, slots=True)
class Figures:
    """What the lead's charts show for one day."""

    day: date
    total: int  # ticket records received that day
    calls_per_hour: list[int]  # 24 values, Asia/Shanghai hours: calls, not records
    tickets_per_type: dict[str, int]  # Chinese label → count
    tickets_per_area: dict[str, int]
    on_time_rate: float | None  # None: nothing was due that day
    satisfaction_rate: float | None  # None: no rating that day
    units: list[UnitDayFigure]
    rising_topics: list[RisingTopic]

    @property
    def calls(self) -> int:
        """Calls of the day (each call is in exactly one hour)."""
        return sum(self.calls_per_hour)


def _labelled(counts: dict[str, int], enum: type[RequestType] | type[Area]) -> dict[str, int]:
    labelled: dict[str, int] = {}
    for code, count in counts.items():
        try:
            label = enum.from_label(code).label
        except ValueError:
            label = code
        labelled[label] = labelled.get(label, 0) + count
    return labelled


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summarise(day: DayFigures, units: list[UnitDayFigure], rising: list[RisingTopic]) -> Figures:
    on_time = sum(u.completed_on_time for u in units)
    due = sum(u.completed + u.overdue_unfinished for u in units)
    satisfied = sum(u.satisfied for u in units)
    rated = sum(u.rated for u in units)
    return Figures(
        day=day.day, total=day.total, calls_per_hour=list(day.per_hour),
        tickets_per_type=_labelled(day.per_type, RequestType),
        tickets_per_area=_labelled(day.per_area, Area),
        on_time_rate=_rate(on_time, due), satisfaction_rate=_rate(satisfied, rated),
        units=units, rising_topics=rising)


#: Polls between two full reads of the seat board (every 5 minutes at a 2 s poll).
FULL_READ_EVERY = 150


class LeadBoardService:
    def __init__(self, api: ApiClient) -> None:
        self._api = api
        self._board: SeatBoard | None = None
        self.polls = 0
        self.unchanged_polls = 0
        self.delta_polls = 0

    async def seat_board(self) -> SeatBoard:
        """Every seat's state; cheap when little or nothing changed since the last read."""
        full = self._board is None or self.polls % FULL_READ_EVERY == 0
        since = None if full or self._board is None else self._board.cursor
        answer = await self._api.seat_board(since, changes_only=True)
        self.polls += 1
        if self._board is None or since is None:
            self._board = answer
            return answer
        self.unchanged_polls += answer.unchanged
        self.delta_polls += answer.delta
        self._board = merge_board(self._board, answer)
        return self._board

    async def transfer_queue(self) -> list[TransferOut]:
        """Transfers waiting for an expert or being handled, oldest first."""
        listed = await self._api.transfers(None)
        return [t for t in listed.items
                if t.status in (TransferStatus.QUEUED, TransferStatus.ACCEPTED)]

    async def overdue_and_supervised(self) -> OverdueAndSupervised:
        overdue = await self._api.overdue_tickets()
        supervised = await self._api.supervised_tickets()
        return OverdueAndSupervised(overdue=list(overdue.items),
                                    supervised=list(supervised.items))

    async def figures(self, day: date | None = None) -> Figures:
        chosen = day or china_today()
        day_figures = await self._api.day_figures(chosen)
        units = await self._api.unit_figures(chosen, chosen)
        rising = await self._api.rising_topics()
        return summarise(day_figures, list(units.items), list(rising.items))
