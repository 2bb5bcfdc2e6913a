"""``/api/v1/accounts``: account administration (admins only; 第三十四–三十五条)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from hotline_desk.core.protocol import (
    MAX_INT,
    AccountCreate,
    AccountList,
    AccountOut,
    AccountUpdate,
    PasswordReset,
    RevokeResult,
)
from hotline_desk.core.vocabulary import Role
from hotline_desk.server.auth import require
from hotline_desk.server.context import get_context
from hotline_desk.server.errors import responses
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import accounts
from hotline_desk.storage.server.audit import Actor

router = APIRouter(prefix="/accounts", tags=["accounts"])

Admin = Annotated[Actor, Depends(require(Role.ADMIN))]
AccountId = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.get("", response_model=AccountList, responses=responses(401, 403, 503))
def list_accounts(actor: Admin, request: Request) -> AccountList:
    """Every account, personal data masked."""
    context = get_context(request)
    with read_transaction(context.db):
        return AccountList(items=accounts.list_all(context.db))


@router.post("", response_model=AccountOut, status_code=201,
             responses=responses(401, 403, 409, 422, 503))
def create_account(body: AccountCreate, actor: Admin, request: Request) -> AccountOut:
    """Create an account with a role (a unit handler needs its unit). Audited."""
    context = get_context(request)
    password_hash = context.passwords.hash_new(body.password)
    with write_transaction(context.db):
        return accounts.create(context.db, body, password_hash=password_hash, actor=actor,
                               now=context.settings.now())


@router.get("/{account_id}", response_model=AccountOut,
            responses=responses(401, 403, 404, 422, 503))
def read_account(account_id: AccountId, actor: Admin, request: Request) -> AccountOut:
    """One account with its personal data in full; the read is written to the audit log."""
    context = get_context(request)
    with write_transaction(context.db):
        return accounts.read_unmasked(context.db, account_id, actor=actor,
                                      now=context.settings.now())


@router.patch("/{account_id}", response_model=AccountOut,
              responses=responses(401, 403, 404, 409, 422, 503))
def update_account(account_id: AccountId, body: AccountUpdate, actor: Admin,
                   request: Request) -> AccountOut:
    """Change name, role, unit, phone or disabled. Disabling ends every session of the
    account. Admins cannot disable or demote themselves."""
    context = get_context(request)
    with write_transaction(context.db):
        return accounts.update(context.db, account_id, body, actor=actor,
                               now=context.settings.now())


@router.post("/{account_id}/password", response_model=RevokeResult,
             responses=responses(401, 403, 404, 422, 503))
def reset_password(account_id: AccountId, body: PasswordReset, actor: Admin,
                   request: Request) -> RevokeResult:
    """Set a new password for an account; all of its sessions end."""
    context = get_context(request)
    password_hash = context.passwords.hash_new(body.new_password)
    with write_transaction(context.db):
        keep = actor.session_id if account_id == actor.account_id else None
        revoked = accounts.set_password_hash(context.db, account_id, password_hash,
                                             actor=actor, now=context.settings.now(),
                                             keep_session=keep)
    return RevokeResult(revoked=revoked)


@router.post("/{account_id}/revoke-sessions", response_model=RevokeResult,
             responses=responses(401, 403, 404, 409, 422, 503))
def revoke_sessions(account_id: AccountId, actor: Admin, request: Request) -> RevokeResult:
    """End every session of another account at once (e.g. a lost laptop)."""
    context = get_context(request)
    with write_transaction(context.db):
        return RevokeResult(revoked=accounts.revoke_sessions(
            context.db, account_id, actor=actor, now=context.settings.now()))
