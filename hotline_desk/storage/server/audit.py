"""The append-only audit log (第三十四–三十五条: 全过程安全管理).

Every change and every read of unmasked personal data is recorded with who did it
(account id, user name, role), what (``action``, ``object_type``, ``object_id``,
``details``), when (server clock) and from where (client address). The table is
append-only in the database itself: triggers refuse UPDATE and DELETE (and
TRUNCATE on PostgreSQL), see migration 1. Details must not hold secrets or
unmasked personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import peewee

from hotline_desk.core.protocol import AuditPage, AuditRecord
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.server.models import AuditLog


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: an authenticated account (with its session) or a system tool."""

    account_id: int | None
    username: str | None
    role: Role | None
    unit: str | None = None
    client_address: str | None = None
    session_id: int | None = None

    @classmethod
    def system(cls, name: str) -> Actor:
        """A command-line tool acting without an account, e.g. ``cli:kb-import``."""
        return cls(account_id=None, username=name, role=None)


def record(
    db: peewee.Database,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    details: dict[str, Any] | None = None,
    *,
    now: datetime,
) -> int:
    """Append one record (inside the caller's transaction); returns its id."""
    return int(AuditLog.insert(
        at=now,
        actor_id=actor.account_id if actor else None,
        actor_username=actor.username if actor else None,
        actor_role=actor.role.value if actor and actor.role else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        client_address=actor.client_address if actor else None,
        details=details or {},
    ).execute(db))


def page(
    db: peewee.Database,
    *,
    after_id: int = 0,
    limit: int = 100,
    action: str | None = None,
    actor_id: int | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
) -> AuditPage:
    """Records with id > ``after_id`` in id order, filtered, paged."""
    query = AuditLog.select().where(AuditLog.id > after_id)
    if action:
        query = query.where(AuditLog.action == action)
    if actor_id is not None:
        query = query.where(AuditLog.actor_id == actor_id)
    if object_type:
        query = query.where(AuditLog.object_type == object_type)
    if object_id:
        query = query.where(AuditLog.object_id == object_id)
    rows = list(query.order_by(AuditLog.id).limit(limit + 1).execute(db))
    has_more = len(rows) > limit
    rows = rows[:limit]
    items = [
        AuditRecord(
            id=row.id, at=row.at, actor_id=row.actor_id, actor_username=row.actor_username,
            actor_role=row.actor_role, action=row.action, object_type=row.object_type,
            object_id=row.object_id, client_address=row.client_address, details=row.details,
        )
        for row in rows
    ]
    return AuditPage(items=items, next_after_id=items[-1].id if items else after_id,
                     has_more=has_more)
