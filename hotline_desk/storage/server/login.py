"""The login flow: throttle check, password check, session, audit (第三十五条 账号安全).

Three steps so that the slow password hash never runs inside a write transaction:

1. read: refuse at once if the account or the address is throttled; load the hash;
2. verify the password (Argon2, outside any transaction; an unknown user name
   costs the same as a wrong password);
3. write, serialised per account and per address: re-check the throttle (a
   concurrent attempt may have used up the allowance; then the answer is
   "throttled" whatever the password), record the attempt, and on success create
   the session. Failures are committed before the error is raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee

from hotline_desk.core.protocol import AccountOut, ErrorCode, ThrottledError, UnauthorizedError
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import advisory_lock, read_transaction, write_transaction
from hotline_desk.storage.server import accounts, audit, login_throttle, sessions
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.login_throttle import ThrottlePolicy, normalise_username
from hotline_desk.storage.server.models import Account
from hotline_desk.storage.server.passwords import Passwords


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str
    expires_at: datetime
    account: AccountOut
    session_id: int


def _throttled(seconds: int) -> ThrottledError:
    return ThrottledError(f"too many failed logins; retry after {seconds} s",
                          retry_after=seconds)


def login(
    db: peewee.Database,
    passwords: Passwords,
    username: str,
    password: str,
    *,
    client_address: str,
    now: datetime,
    ttl: timedelta,
    policy: ThrottlePolicy,
) -> LoginResult:
    key = normalise_username(username)
    with read_transaction(db):
        wait = login_throttle.retry_after(db, key, client_address, now=now, policy=policy)
        if wait is not None:
            raise _throttled(wait)
        row = accounts.find_by_username(db, key)
    password_ok = passwords.verify(row.password_hash if row else None, password)

    failure: UnauthorizedError | None = None
    with write_transaction(db):
        advisory_lock(db, f"login:user:{key}")
        advisory_lock(db, f"login:address:{client_address}")
        wait = login_throttle.retry_after(db, key, client_address, now=now, policy=policy)
        if wait is not None:
            raise _throttled(wait)
        current = accounts.find_by_username(db, key)
        if not password_ok or current is None or row is None or (
                current.password_hash != row.password_hash):
            login_throttle.record(db, key, client_address, succeeded=False, now=now,
                                  policy=policy)
            audit.record(db, Actor(account_id=current.id if current else None, username=key,
                                   role=None, client_address=client_address),
                         "auth.login_failed", "account", current.id if current else None,
                         now=now)
            failure = UnauthorizedError("bad user name or password",
                                        code=ErrorCode.BAD_CREDENTIALS)
        elif current.disabled:
            audit.record(db, Actor(account_id=current.id, username=key, role=Role(current.role),
                                   client_address=client_address),
                         "auth.login_refused_disabled", "account", current.id, now=now)
            failure = UnauthorizedError("account disabled", code=ErrorCode.ACCOUNT_DISABLED)
        else:
            login_throttle.record(db, key, client_address, succeeded=True, now=now,
                                  policy=policy)
            session = sessions.create(db, current.id, now=now, ttl=ttl,
                                      client_address=client_address)
            actor = Actor(account_id=current.id, username=current.username,
                          role=Role(current.role), unit=current.unit,
                          client_address=client_address, session_id=session.session_id)
            audit.record(db, actor, "auth.login", "session", session.session_id, now=now)
            result = LoginResult(token=session.token, expires_at=session.expires_at,
                                 account=accounts.to_out(current),
                                 session_id=session.session_id)
    if failure is not None:
        raise failure
    if row is not None and passwords.needs_rehash(row.password_hash):
        new_hash = passwords.hasher.hash(password)
        with write_transaction(db):
            (Account.update(password_hash=new_hash)
             .where((Account.id == row.id) & (Account.password_hash == row.password_hash))
             .execute(db))
    return result


def logout(db: peewee.Database, actor: Actor, *, now: datetime) -> None:
    """End the actor's current session (inside the caller's transaction)."""
    if actor.session_id is not None:
        sessions.revoke(db, actor.session_id, now=now)
    audit.record(db, actor, "auth.logout", "session", actor.session_id, now=now)
