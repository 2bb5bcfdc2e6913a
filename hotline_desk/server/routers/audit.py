"""``/api/v1/audit``: read the append-only audit log (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from hotline_desk.core.protocol import MAX_INT, AuditPage
from hotline_desk.core.vocabulary import Role
from hotline_desk.server.auth import require
from hotline_desk.server.context import get_context
from hotline_desk.server.errors import responses
from hotline_desk.storage.db import read_transaction
from hotline_desk.storage.server import audit
from hotline_desk.storage.server.audit import Actor

router = APIRouter(prefix="/audit", tags=["audit"])

Admin = Annotated[Actor, Depends(require(Role.ADMIN))]
_FILTER = r"^[A-Za-z0-9_.:-]*$"


@router.get("", response_model=AuditPage, responses=responses(401, 403, 422, 503))
def read_audit(
    actor: Admin,
    request: Request,
    after_id: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    action: Annotated[str | None, Query(max_length=64, pattern=_FILTER)] = None,
    actor_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
    object_type: Annotated[str | None, Query(max_length=64, pattern=_FILTER)] = None,
    object_id: Annotated[str | None, Query(max_length=64, pattern=_FILTER)] = None,
) -> AuditPage:
    """Audit records with id greater than `after_id`, oldest first, optionally filtered
    by action (e.g. `account.read_unmasked`), actor or object."""
    context = get_context(request)
    with read_transaction(context.db):
        return audit.page(context.db, after_id=after_id, limit=limit, action=action,
                          actor_id=actor_id, object_type=object_type, object_id=object_id)
