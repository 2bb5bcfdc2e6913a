"""Throttling of failed logins, per account and per client address, in the database.

Every attempt is a row in ``login_attempts``, so the limits hold across all server
processes sharing the database. Within a sliding :attr:`ThrottlePolicy.window`:

* an account is refused after ``per_account`` failures since its last success;
* a client address is refused after ``per_address`` failures (any accounts), so
  one machine cannot walk through many accounts.

While refused, attempts are not even checked (the password is not verified) and
not recorded, so hammering does not extend the lock; the answer says how many
seconds to wait (``Retry-After``). The limit is exact under concurrency: the login
flow re-checks and records inside one write transaction serialised per account
and per address (``storage.db.advisory_lock``; SQLite's write lock does it there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee

from hotline_desk.storage.server.models import LoginAttempt


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    per_account: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


def normalise_username(username: str) -> str:
    return username.strip().lower()


def _retry_after(failures: list[datetime], limit: int, window: timedelta,
                 now: datetime) -> int | None:
    """Seconds until fewer than ``limit`` of the (newest-first) failures are in the window."""
    if len(failures) < limit:
        return None
    leaves_window = failures[limit - 1] + window  # the limit-th newest failure
    seconds = (leaves_window - now).total_seconds()
    return max(1, math.ceil(seconds))


def retry_after(
    db: peewee.Database, username: str, client_address: str, *, now: datetime,
    policy: ThrottlePolicy,
) -> int | None:
    """``None`` when a login may be tried now, else the seconds to wait."""
    key = normalise_username(username)
    since = now - policy.window
    last_success = (
        LoginAttempt.select(peewee.fn.MAX(LoginAttempt.at))
        .where((LoginAttempt.username == key) & LoginAttempt.succeeded
               & (LoginAttempt.at > since))
        .scalar(db)
    )
    account_since = since
    if last_success is not None:
        account_since = max(since, LoginAttempt.at.python_value(last_success))
    account_failures = [
        row[0] for row in
        LoginAttempt.select(LoginAttempt.at)
        .where((LoginAttempt.username == key) & ~LoginAttempt.succeeded
               & (LoginAttempt.at > account_since))
        .order_by(LoginAttempt.at.desc()).limit(policy.per_account).tuples().execute(db)
    ]
    address_failures = [
        row[0] for row in
        LoginAttempt.select(LoginAttempt.at)
        .where((LoginAttempt.client_address == client_address) & ~LoginAttempt.succeeded
               & (LoginAttempt.at > since))
        .order_by(LoginAttempt.at.desc()).limit(policy.per_address).tuples().execute(db)
    ]
    waits = [
        wait for wait in (
            _retry_after(account_failures, policy.per_account, policy.window, now),
            _retry_after(address_failures, policy.per_address, policy.window, now),
        ) if wait is not None
    ]
    return max(waits) if waits else None


def record(
    db: peewee.Database, username: str, client_address: str, *, succeeded: bool,
    now: datetime, policy: ThrottlePolicy,
) -> None:
    """Record an attempt and forget attempts older than the window."""
    LoginAttempt.insert(username=normalise_username(username), client_address=client_address,
                        at=now, succeeded=succeeded).execute(db)
    LoginAttempt.delete().where(LoginAttempt.at < now - policy.window).execute(db)
