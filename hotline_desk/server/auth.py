"""The authentication dependency: bearer token → acting account, role checked.

Every endpoint except ``/health`` and ``/auth/login`` depends on :func:`require`
with the roles allowed to call it (第三十四条 授权访问); object-level rules (own
unit, own transfer) are checked by the storage functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hotline_desk.core.protocol import ForbiddenError, UnauthorizedError
from hotline_desk.core.vocabulary import Role
from hotline_desk.server.context import client_address, get_context
from hotline_desk.storage.db import read_transaction
from hotline_desk.storage.server import sessions
from hotline_desk.storage.server.audit import Actor

bearer = HTTPBearer(auto_error=False, description="token from POST /api/v1/auth/login")

ALL_ROLES: frozenset[Role] = frozenset(Role)
DESK_ROLES: frozenset[Role] = frozenset({Role.OPERATOR, Role.EXPERT, Role.TEAM_LEAD})
KB_MANAGERS: frozenset[Role] = frozenset({Role.ADMIN, Role.UNIT_HANDLER})


def require(*roles: Role) -> Callable[..., Actor]:
    """A dependency returning the acting account if its role is one of ``roles``."""
    allowed = frozenset(roles) or ALL_ROLES

    def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    ) -> Actor:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise UnauthorizedError("missing bearer token")
        context = get_context(request)
        with read_transaction(context.db):
            actor = sessions.resolve(context.db, credentials.credentials,
                                     now=context.settings.now(),
                                     client_address=client_address(request))
        if actor.role not in allowed:
            raise ForbiddenError(
                f"role {actor.role} may not call {request.method} {request.url.path}")
        return actor

    dependency.__name__ = "require_" + "_".join(sorted(role.value for role in allowed))
    return dependency


def actor_of(*roles: Role) -> object:
    """``Annotated[Actor, actor_of(...)]`` shorthand."""
    return Depends(require(*roles))
