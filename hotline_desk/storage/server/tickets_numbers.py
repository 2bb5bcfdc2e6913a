"""Public ticket numbers: the centre's prefix, the day of receipt, a per-day counter.

The prefix is configured in ``server_config`` under :data:`PREFIX_KEY` (1–8 capital
letters); unset, it is derived from the configured centre
(``core.ticket_protocol.default_ticket_prefix``: 合肥市 → ``HF``). The counter of each
prefix and day is one row of ``ticket_number_counters``, incremented by an atomic upsert
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``) inside the creating transaction: two
processes creating tickets at once on PostgreSQL get different numbers (the second
upsert waits for the first one's row lock), and a rolled-back creation gives its number
back.
"""

from __future__ import annotations

import re
from datetime import date

import peewee

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.protocol import (
    TICKET_PREFIX_PATTERN,
    default_ticket_prefix,
    format_ticket_no,
)
from hotline_desk.storage.server import config
from hotline_desk.storage.server.tickets_models import TicketNumberCounter

PREFIX_KEY = "ticket_prefix"


def ticket_prefix(db: peewee.Database) -> str:
    configured = config.get_value(db, PREFIX_KEY)
    if configured and re.fullmatch(TICKET_PREFIX_PATTERN, configured):
        return configured
    return default_ticket_prefix(config.centre(db))


def set_ticket_prefix(db: peewee.Database, prefix: str) -> str:
    """Store the prefix (capital letters, 1–8); :class:`DataFormatError` otherwise."""
    value = prefix.strip().upper()
    if not re.fullmatch(TICKET_PREFIX_PATTERN, value):
        message = "工单编号前缀应为1至8个英文大写字母，例如 HF"
        raise DataFormatError(f"invalid ticket prefix {prefix!r}", message,
                              problems=[("配置", PREFIX_KEY, message)])
    config.set_value(db, PREFIX_KEY, value)
    return value


def allocate(db: peewee.Database, day: date, prefix: str | None = None) -> str:
    """The next number of ``day`` (inside the caller's write transaction)."""
    prefix = prefix or ticket_prefix(db)
    key = f"{prefix}{day.strftime('%Y%m%d')}"
    last = (TicketNumberCounter.insert(prefix_day=key, last=1)
            .on_conflict(conflict_target=[TicketNumberCounter.prefix_day],
                         update={TicketNumberCounter.last: TicketNumberCounter.last + 1})
            .returning(TicketNumberCounter.last)
            .tuples()
            .execute(db))
    value = next(iter(last))[0]
    return format_ticket_no(prefix, day, int(value))
