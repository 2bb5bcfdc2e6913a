"""Login sessions: opaque bearer tokens, stored only as their SHA-256 digest.

A token is ``secrets.token_urlsafe(32)`` (256 random bits), handed to the client
once; the database keeps ``sha256(token)``, so a copy of the database does not let
anyone log in. A session ends at its expiry, at logout, when an admin revokes the
account's sessions, when the account is disabled, and (all other sessions) when
the password changes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee

from hotline_desk.core.protocol import ErrorCode, UnauthorizedError
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.models import Account, Session

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str
    session_id: int
    expires_at: datetime


def create(
    db: peewee.Database, account_id: int, *, now: datetime, ttl: timedelta,
    client_address: str | None,
) -> NewSession:
    token = new_token()
    expires_at = now + ttl
    session_id = Session.insert(
        token_hash=token_digest(token), account_id=account_id, created_at=now,
        expires_at=expires_at, client_address=client_address,
    ).execute(db)
    return NewSession(token=token, session_id=int(session_id), expires_at=expires_at)


def resolve(
    db: peewee.Database, token: str, *, now: datetime, client_address: str | None,
) -> Actor:
    """The acting account of a live session; :class:`UnauthorizedError` otherwise."""
    if not token or len(token) > 200:
        raise UnauthorizedError("missing or malformed bearer token")
    row = (
        Session.select(Session.id, Session.expires_at, Session.revoked_at, Account.id,
                       Account.username, Account.role, Account.unit, Account.disabled)
        .join(Account, on=(Session.account_id == Account.id))
        .where(Session.token_hash == token_digest(token))
        .tuples()
        .get_or_none(db)
    )
    if row is None:
        raise UnauthorizedError("unknown bearer token")
    session_id, expires_at, revoked_at, account_id, username, role, unit, disabled = row
    expires = Session.expires_at.python_value(expires_at)
    if revoked_at is not None or expires is None or expires <= now:
        raise UnauthorizedError("session expired or revoked")
    if disabled:
        raise UnauthorizedError("account disabled", code=ErrorCode.ACCOUNT_DISABLED)
    return Actor(account_id=int(account_id), username=str(username), role=Role(role),
                 unit=unit, client_address=client_address, session_id=int(session_id))


def revoke(db: peewee.Database, session_id: int, *, now: datetime) -> bool:
    return bool(Session.update(revoked_at=now)
                .where((Session.id == session_id) & Session.revoked_at.is_null())
                .execute(db))


def revoke_all(
    db: peewee.Database, account_id: int, *, now: datetime, keep_session: int | None = None,
) -> int:
    """End every live session of the account (except ``keep_session``); returns how many."""
    query = Session.update(revoked_at=now).where(
        (Session.account_id == account_id) & Session.revoked_at.is_null()
        & (Session.expires_at > now))
    if keep_session is not None:
        query = query.where(Session.id != keep_session)
    return int(query.execute(db))


def prune(db: peewee.Database, *, now: datetime, keep: timedelta = timedelta(days=30)) -> int:
    """Delete sessions that ended more than ``keep`` ago."""
    cutoff = now - keep
    return int(Session.delete().where(
        (Session.expires_at < cutoff)
        | (Session.revoked_at.is_null(False) & (Session.revoked_at < cutoff))).execute(db))
