"""The services a desk window works with, built once by the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hotline_desk.services.api_client import ApiClient
from hotline_desk.services.board import LeadBoardService
from hotline_desk.services.calls import CallService
from hotline_desk.services.expert import ExpertService
from hotline_desk.services.knowledge import KnowledgeService
from hotline_desk.services.reference import ReferenceService
from hotline_desk.services.seat import SeatService
from hotline_desk.services.session import SessionService
from hotline_desk.services.sync import SyncEngine
from hotline_desk.services.tickets import TicketService


@dataclass
class DeskContext:
    api: ApiClient
    session: SessionService
    sync: SyncEngine
    knowledge: KnowledgeService
    reference: ReferenceService
    calls: CallService
    tickets: TicketService
    seat: SeatService
    expert: ExpertService
    board: LeadBoardService
    #: Poll intervals of the live screens, in milliseconds (tests shorten them).
    intervals_ms: dict[str, int] = field(default_factory=lambda: {
        "seat_board": 2000, "lead_transfers": 5000, "lead_watch": 60_000,
        "lead_figures": 60_000, "expert_queue": 3000})
    wall_clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def server_now(self) -> datetime:
        """The server's time as best known: this desk's clock corrected by the skew."""
        skew = self.api.skew_seconds or 0.0
        return self.wall_clock() + timedelta(seconds=skew)
