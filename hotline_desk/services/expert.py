"""The expert seat (专家座席, 第八条): the queue of calls and tickets operators transferred.

Experts are staff of handling units sitting at the centre; they take what operators
could not answer. Caller data in the queue is masked; the expert who accepts a
transfer sees it in full (the server audits that read). When several experts accept
the same transfer at once exactly one wins; the others get ``transfer_taken`` with a
Chinese message. These are live actions on the server (no outbox): an expert can only
take work that is really still waiting.
"""

from __future__ import annotations

from hotline_desk.core.protocol import TransferOut, TransferStatus
from hotline_desk.services.api_client import ApiClient


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

    async def accept(self, transfer_id: int) -> TransferOut:
        return await self._api.accept_transfer(transfer_id)

    async def complete(self, transfer_id: int, notes: str) -> TransferOut:
        return await self._api.complete_transfer(transfer_id, notes)
