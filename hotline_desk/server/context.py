"""What every endpoint needs, built once by the app factory and kept on ``app.state``."""

from __future__ import annotations

from dataclasses import dataclass

import peewee
from fastapi import Request

from hotline_desk.server.settings import ServerSettings
from hotline_desk.storage.db import DatabaseKind
from hotline_desk.storage.server.passwords import Passwords


@dataclass(frozen=True)
class AppContext:
    db: peewee.Database
    kind: DatabaseKind
    settings: ServerSettings
    passwords: Passwords


def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


def client_address(request: Request) -> str:
    """The client's address (behind a proxy: as uvicorn's ``--forwarded-allow-ips`` gives it)."""
    return request.client.host if request.client else "unknown"
