"""``GET /api/v1/health``: liveness and versions, no authentication."""

from __future__ import annotations

from fastapi import APIRouter, Request

from hotline_desk import __version__
from hotline_desk.core.protocol import HealthOut
from hotline_desk.server.context import get_context
from hotline_desk.server.errors import responses
from hotline_desk.storage.db import read_transaction
from hotline_desk.storage.migrations import current_version
from hotline_desk.storage.server import config

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut, responses=responses(503))
def health(request: Request) -> HealthOut:
    """Is the server up? Returns the software, protocol and database schema versions,
    the database kind (`sqlite` or `postgresql`), the server time (for clock-skew
    checks) and the configured centre name (第三条). No authentication."""
    context = get_context(request)
    schema = current_version(context.db)
    with read_transaction(context.db):
        centre = config.centre(context.db)
    return HealthOut(version=__version__, schema_version=schema, database=context.kind.value,
                     server_time=context.settings.now(),
                     centre=centre.full_name if centre else None)
