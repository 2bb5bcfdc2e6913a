"""Helpers shared by the ticket storage tests (``test_tickets_*.py``): build push
operations the way a desk does (UUIDv7 op ids) and apply them through the real push path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import peewee
import uuid6

from hotline_desk.core.protocol import PushOp, PushResult, PushStatus
from hotline_desk.core.workdays import WorkCalendar
from hotline_desk.storage.db import read_transaction
from hotline_desk.storage.server import tickets_push
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.tickets_models import TicketRow

CALENDAR = WorkCalendar()
UNIT = "合肥市城市管理局"
OTHER_UNIT = "合肥市生态环境局"
PHONE = "13812345678"


def op(kind: str, payload: dict[str, Any], occurred_at: datetime | None = None,
       op_id: str | None = None) -> PushOp:
    return PushOp(op_id=op_id or str(uuid6.uuid7()), kind=kind, payload=payload,
                  occurred_at=occurred_at)


def ticket_payload(**overrides: Any) -> dict[str, Any]:
    """A complaint dispatched to the city management bureau (第十一条 fields complete)."""
    payload: dict[str, Any] = {
        "purpose": "dispatch", "requester_phone": PHONE, "requester_name": "张三",
        "content": "小区门口路灯不亮已经一周了，晚上出行不安全", "request_type": "complaint",
        "area": "social", "channel": "phone",
        "location": "合肥市蜀山区三里庵街道长江西路123号", "lead_unit": UNIT,
        "handling_requirements": "请核实并尽快维修", "topic": "路灯不亮",
    }
    payload.update(overrides)
    return payload


def event(ticket_no: str, name: str, **fields: Any) -> PushOp:
    return op("ticket_event", {"ticket_no": ticket_no, "event": name, **fields})


def push(db: peewee.Database, actor: Actor, *ops: PushOp, now: datetime,
         calendar: WorkCalendar = CALENDAR) -> list[PushResult]:
    return tickets_push.push(db, list(ops), actor=actor, now=now, calendar=calendar)


def applied(db: peewee.Database, actor: Actor, operation: PushOp, *, now: datetime,
            calendar: WorkCalendar = CALENDAR) -> PushResult:
    """Push one operation and insist it was applied."""
    (result,) = push(db, actor, operation, now=now, calendar=calendar)
    assert result.status is PushStatus.APPLIED, result.reason
    return result


def create(db: peewee.Database, actor: Actor, *, now: datetime, **overrides: Any) -> str:
    """A dispatched ticket; returns its number."""
    result = applied(db, actor, op("ticket", ticket_payload(**overrides)), now=now)
    assert result.server_no is not None
    return result.server_no


def row(db: peewee.Database, ticket_no: str) -> TicketRow:
    with read_transaction(db):
        found: TicketRow = TicketRow.select().where(TicketRow.ticket_no == ticket_no).get(db)
        return found


def count_tickets(db: peewee.Database) -> int:
    with read_transaction(db):
        return int(TicketRow.select().count(db))


def problems(result: PushResult) -> list[str]:
    assert result.reason is not None
    return [problem.message for problem in result.reason.problems]
