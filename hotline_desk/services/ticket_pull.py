"""Pulling ticket changes for this seat (``GET /tickets/changes`` since the cursor).

The server sends the tickets this account may see (an operator: the ones of this
seat; an expert or team lead: what the role sees), each once at its latest change.
Each page is written to the cache together with the new cursor in one transaction.
A ticket the desk saved itself is recognised by its operation id, so a change that
arrives before the push acknowledgement already gives the local record its server
number (the outbox item is then marked sent as well); an older change never
overwrites a newer one (``storage.cache.tickets.LocalTickets.upsert_from_server``).
A cursor the server refuses (410: ahead of a restored server database) is dropped and
the feed read again from 0; re-applying known changes is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from hotline_desk.core.protocol import ResetRequiredError, TicketChangesPage, TicketOut
from hotline_desk.services.api_client import ApiClient
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.tickets import ServerTicket

log = logging.getLogger(__name__)

TICKETS_CURSOR = "tickets"
PAGE_SIZE = 200
MAX_PAGES = 10_000


@dataclass(frozen=True, slots=True)
class TicketPullReport:
    received: int = 0
    changed: int = 0
    cursor: int = 0
    provisional: bool | None = None  # any received deadline on a provisional calendar


def to_server_ticket(ticket: TicketOut) -> ServerTicket:
    return ServerTicket(server_no=ticket.ticket_no, state=ticket.state.value,
                        updated_at=ticket.updated_at,
                        payload=ticket.model_dump(mode="json", exclude={"events"}),
                        kind=ticket.kind.value, op_id=ticket.op_id)


def _apply_page(cache: LocalCache, tickets: Sequence[ServerTicket], cursor: int) -> int:
    with cache.db.atomic():
        changed = cache.tickets.upsert_from_server(tickets)
        cache.refdata.set_cursor(TICKETS_CURSOR, str(cursor))
    return changed


def _cursor(cache: LocalCache) -> int:
    value = cache.refdata.get_cursor(TICKETS_CURSOR)
    try:
        return max(int(value), 0) if value is not None else 0
    except ValueError:
        return 0


def provisional_of(page: TicketChangesPage) -> bool | None:
    flags = [t.deadlines.provisional for t in page.items if t.deadlines is not None]
    return any(flags) if flags else None


class TicketPuller:
    def __init__(self, api: ApiClient, cache: LocalCache, *, page_size: int = PAGE_SIZE
                 ) -> None:
        self._api = api
        self._cache = cache
        self._page_size = page_size

    async def pull(self) -> TicketPullReport:
        cursor = await self._cache.run(_cursor, self._cache)
        received = changed = 0
        provisional: bool | None = None
        for _ in range(MAX_PAGES):
            try:
                page = await self._api.ticket_changes(cursor, self._page_size)
            except ResetRequiredError:
                if cursor == 0:
                    raise
                log.warning("ticket cursor %d refused by the server; reading from 0", cursor)
                cursor = 0
                continue
            flag = provisional_of(page)
            if flag is not None:
                provisional = flag if provisional is None else (provisional or flag)
            if page.items or page.next_cursor != cursor:
                changed += await self._cache.run(
                    _apply_page, self._cache, [to_server_ticket(t) for t in page.items],
                    page.next_cursor)
            received += len(page.items)
            moved = page.next_cursor > cursor
            cursor = max(cursor, page.next_cursor)
            if not page.has_more or not moved:
                break
        return TicketPullReport(received=received, changed=changed, cursor=cursor,
                                provisional=provisional)
