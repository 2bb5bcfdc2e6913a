"""``/api/v1/auth``: log in, log out, who am I, change my password (第三十五条 账号安全)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from hotline_desk.core.protocol import (
    AccountOut,
    ErrorCode,
    LoginRequest,
    LoginResponse,
    PasswordChange,
    RefusedError,
)
from hotline_desk.server.auth import require
from hotline_desk.server.context import client_address, get_context
from hotline_desk.server.errors import responses
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import accounts, login, seats
from hotline_desk.storage.server.audit import Actor

router = APIRouter(prefix="/auth", tags=["auth"])

AnyAccount = Annotated[Actor, Depends(require())]


@router.post("/login", response_model=LoginResponse, responses=responses(401, 422, 429, 503))
def log_in(body: LoginRequest, request: Request) -> LoginResponse:
    """Log in with user name and password; returns an opaque bearer token and its expiry.

    Failed attempts are throttled per account and per client address across all
    server processes: while throttled the answer is 429 with `Retry-After`, and the
    password is not even checked."""
    context = get_context(request)
    settings = context.settings
    now = settings.now()
    result = login.login(context.db, context.passwords, body.username, body.password,
                         client_address=client_address(request), now=now,
                         ttl=settings.token_ttl, policy=settings.login_policy)
    return LoginResponse(token=result.token, expires_at=result.expires_at, server_time=now,
                         account=result.account)


@router.post("/logout", status_code=204, response_class=Response,
             responses=responses(401, 403, 503))
def log_out(actor: AnyAccount, request: Request) -> Response:
    """End this session (the token stops working at once) and mark the seat offline."""
    context = get_context(request)
    now = context.settings.now()
    with write_transaction(context.db):
        seats.sign_off(context.db, actor, now=now)
        login.logout(context.db, actor, now=now)
    return Response(status_code=204)


@router.get("/me", response_model=AccountOut, responses=responses(401, 403, 503))
def me(actor: AnyAccount, request: Request) -> AccountOut:
    """The logged-in account (personal data masked)."""
    context = get_context(request)
    assert actor.account_id is not None
    with read_transaction(context.db):
        return accounts.to_out(accounts.get_row(context.db, actor.account_id))


@router.post("/password", status_code=204, response_class=Response,
             responses=responses(401, 403, 422, 503))
def change_password(body: PasswordChange, actor: AnyAccount, request: Request) -> Response:
    """Change my own password (old one required). Every *other* session of mine ends."""
    context = get_context(request)
    assert actor.account_id is not None
    with read_transaction(context.db):
        current_hash = accounts.password_hash_of(context.db, actor.account_id)
    if not context.passwords.verify(current_hash, body.old_password):
        raise RefusedError("old password does not match", code=ErrorCode.WRONG_PASSWORD)
    new_hash = context.passwords.hash_new(body.new_password)
    with write_transaction(context.db):
        accounts.set_password_hash(context.db, actor.account_id, new_hash, actor=actor,
                                   now=context.settings.now(), keep_session=actor.session_id,
                                   action="account.password_change")
    return Response(status_code=204)
