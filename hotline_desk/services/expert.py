"""The expert seat (专家座席, 第八条): the queue of calls and tickets operators transferred.

Experts are staff of handling units sitting at the centre; they take what operators
could not answer. Caller data in the queue is masked; the expert who accepts a
transfer sees it in full (the server audits that read). The transferred ticket too is
read in full while the transfer is accepted by this expert and not completed (the
expert calls the requester back), masked otherwise (第三十四条 数据脱敏). When several
experts accept the same transfer at once exactly one wins; the others get
``transfer_taken`` with a Chinese message. These are live actions on the server (no
outbox): an expert can only take work that is really still waiting.
"""

from __future__ import annotations

import logging

from hotline_desk.core.protocol import (
    ForbiddenError,
    TicketOut,
    TransferOut,
    TransferReferenceKind,
    TransferStatus,
)
from hotline_desk.services.api_client import ApiClient

log = logging.getLogger(__name__)


class ExpertService:
    def __init__(self, api: ApiClient) -> None:
        self._api = api

    async def queue(self) -> list[TransferOut]:
        """Transfers waiting for an expert, oldest first."""
        return (await self._api.transfers(TransferStatus.QUEUED)).items

    async def mine(self) -> list[TransferOut]:
        """Transfers this expert accepted and has not completed."""
        return (await self._api.transfers(TransferStatus.ACCEPTED, mine=True)).items

    async def transfer(self, transfer_id: int) -> TransferOut:
        """One transfer; unmasked for the expert who accepted it (audited)."""
        return await self._api.transfer(transfer_id)

    @staticmethod
    def reads_in_full(item: TransferOut, username: str) -> bool:
        """Whether ``username`` needs the transferred ticket's personal data in full: they
        accepted the transfer and have not completed it (the server checks the same)."""
        return (bool(username) and item.status is TransferStatus.ACCEPTED
                and item.accepted_by == username)

    async def transferred_ticket(self, item: TransferOut, username: str) -> TicketOut | None:
        """The ticket a transfer refers to (None for a transferred call), unmasked for the
        expert ``username`` while they hold the transfer (audited by the server), masked
        otherwise. Should the server refuse the full read (the transfer was completed
        meanwhile, e.g. at another desk), the ticket is read masked instead."""
        if item.reference_kind is not TransferReferenceKind.TICKET:
            return None
        if self.reads_in_full(item, username):
            try:
                return await self._api.ticket(item.reference, unmasked=True)
            except ForbiddenError:
                log.info("full read of ticket %s refused; reading it masked", item.reference)
        return await self._api.ticket(item.reference)

    async def accept(self, transfer_id: int) -> TransferOut:
        return await self._api.accept_transfer(transfer_id)

    async def complete(self, transfer_id: int, notes: str) -> TransferOut:
        return await self._api.complete_transfer(transfer_id, notes)
