"""``/api/v1/progress``: the requester's progress query (第十九条), without an account."""

from __future__ import annotations

from fastapi import APIRouter, Request

from hotline_desk.core.protocol import ProgressAnswer, ProgressQuery
from hotline_desk.server.context import client_address, get_context
from hotline_desk.server.errors import responses
from hotline_desk.storage.server import tickets_progress

router = APIRouter(prefix="/progress", tags=["progress"])


@router.post("", response_model=ProgressAnswer, responses=responses(400, 404, 422, 429, 503))
def progress(body: ProgressQuery, request: Request) -> ProgressAnswer:
    """A ticket's state and progress, found by its number plus the requester's phone
    number. A wrong phone and an unknown number both answer 404 `not_found`. Failed
    queries are throttled per ticket number and per client address like logins (429
    `progress_throttled` with `Retry-After`). No names, no phone, no content beyond a
    masked summary."""
    context = get_context(request)
    settings = context.settings
    return tickets_progress.query(context.db, body, client_address=client_address(request),
                                  now=settings.now(), policy=settings.login_policy)
