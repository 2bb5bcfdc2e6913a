"""Login and its throttling (第三十五条 账号安全), per account and per client address,
kept in the database so the limits hold across server processes; both backends."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.protocol import ErrorCode, ThrottledError, UnauthorizedError
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import close_database, open_database, read_transaction
from hotline_desk.storage.server import audit, login, sessions
from hotline_desk.storage.server.login_throttle import ThrottlePolicy, _retry_after
from hotline_desk.storage.server.models import LoginAttempt

POLICY = ThrottlePolicy(per_account=3, per_address=5, window=timedelta(minutes=10))
TTL = timedelta(hours=8)
PASSWORD = "Passw0rd-test"


def _login(db, passwords, clock, username, password, address="10.0.0.1"):
    return login.login(db, passwords, username, password, client_address=address, now=clock(),
                       ttl=TTL, policy=POLICY)


def test_success_gives_a_working_session_and_is_audited(db, passwords, clock, make_actor):
    make_actor("wang", Role.OPERATOR)
    result = _login(db, passwords, clock, " WANG ", PASSWORD)
    assert result.account.username == "wang"
    assert result.expires_at == clock() + TTL
    with read_transaction(db):
        actor = sessions.resolve(db, result.token, now=clock(), client_address=None)
        actions = [r.action for r in audit.page(db).items]
    assert actor.session_id == result.session_id
    assert actions == ["auth.login"]


def test_bad_password_unknown_user_and_disabled_account(db, passwords, clock, make_actor):
    op = make_actor("wang", Role.OPERATOR)
    with pytest.raises(UnauthorizedError) as wrong:
        _login(db, passwords, clock, "wang", "nope")
    with pytest.raises(UnauthorizedError) as unknown:
        _login(db, passwords, clock, "ghost", PASSWORD)
    assert wrong.value.code is unknown.value.code is ErrorCode.BAD_CREDENTIALS
    from hotline_desk.storage.db import write_transaction
    from hotline_desk.storage.server.models import Account
    with write_transaction(db):
        Account.update(disabled=True).where(Account.id == op.account_id).execute(db)
    with pytest.raises(UnauthorizedError) as disabled:
        _login(db, passwords, clock, "wang", PASSWORD)
    assert disabled.value.code is ErrorCode.ACCOUNT_DISABLED
    with read_transaction(db):
        actions = [r.action for r in audit.page(db).items]
    assert actions == ["auth.login_failed", "auth.login_failed", "auth.login_refused_disabled"]


def test_account_is_throttled_after_its_failures(db, passwords, clock, make_actor):
    make_actor("wang", Role.OPERATOR)
    for n in range(POLICY.per_account):
        clock.advance(10)
        with pytest.raises(UnauthorizedError):
            _login(db, passwords, clock, "wang", f"wrong{n}", address=f"10.0.0.{n}")
    clock.advance(10)
    with pytest.raises(ThrottledError) as caught:  # even the right password
        _login(db, passwords, clock, "wang", PASSWORD, address="10.0.0.99")
    # the oldest counted failure leaves the window 600 s after it happened
    assert caught.value.retry_after == 600 - 30
    clock.advance(caught.value.retry_after - 1)
    with pytest.raises(ThrottledError):
        _login(db, passwords, clock, "wang", PASSWORD)
    clock.advance(1)
    assert _login(db, passwords, clock, "wang", PASSWORD).account.username == "wang"


def test_a_success_resets_the_account_count(db, passwords, clock, make_actor):
    make_actor("wang", Role.OPERATOR)
    for _ in range(POLICY.per_account - 1):
        with pytest.raises(UnauthorizedError):
            _login(db, passwords, clock, "wang", "wrong")
    _login(db, passwords, clock, "wang", PASSWORD)
    for _ in range(POLICY.per_account - 1):
        with pytest.raises(UnauthorizedError):
            _login(db, passwords, clock, "wang", "wrong")
    _login(db, passwords, clock, "wang", PASSWORD)


def test_an_address_is_throttled_across_accounts(db, passwords, clock, make_actor):
    """One machine trying many accounts (password spraying) is stopped too."""
    make_actor("victim", Role.OPERATOR)
    for n in range(POLICY.per_address):
        with pytest.raises(UnauthorizedError):
            _login(db, passwords, clock, f"user{n}", "guess", address="203.0.113.7")
    with pytest.raises(ThrottledError):
        _login(db, passwords, clock, "victim", PASSWORD, address="203.0.113.7")
    assert _login(db, passwords, clock, "victim", PASSWORD, address="198.51.100.1")


def test_throttled_attempts_are_not_recorded(db, passwords, clock, make_actor):
    make_actor("wang", Role.OPERATOR)
    for _ in range(POLICY.per_account):
        with pytest.raises(UnauthorizedError):
            _login(db, passwords, clock, "wang", "wrong")
    for _ in range(5):
        with pytest.raises(ThrottledError):
            _login(db, passwords, clock, "wang", "wrong")
    with read_transaction(db):
        assert LoginAttempt.select().count(db) == POLICY.per_account


def test_concurrent_guessing_never_exceeds_the_limit(server_database_url, passwords, clock,
                                                     make_actor):
    """Eight "processes" (own connections) guess at once: exactly the allowance is used."""
    make_actor("wang", Role.OPERATOR)
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def guess(n: int) -> None:
        own = open_database(server_database_url)
        try:
            barrier.wait()
            _login(own, passwords, clock, "wang", f"wrong{n}", address=f"10.1.0.{n}")
        except ThrottledError:
            outcomes.append("throttled")
        except UnauthorizedError:
            outcomes.append("refused")
        finally:
            close_database(own)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * POLICY.per_account + ["throttled"] * (
        8 - POLICY.per_account)
    with read_transaction(db := open_database(server_database_url)):
        failures = LoginAttempt.select().where(~LoginAttempt.succeeded).count(db)
    close_database(db)
    assert failures == POLICY.per_account


@given(
    offsets=st.lists(st.integers(min_value=0, max_value=599), min_size=0, max_size=12),
    limit=st.integers(min_value=1, max_value=6),
)
def test_retry_after_is_exactly_when_the_count_drops_below_the_limit(offsets, limit):
    """Property: waiting ``retry_after`` seconds allows a login, one second less does not."""
    window = timedelta(seconds=600)
    now = datetime(2026, 6, 1, tzinfo=UTC)
    failures = sorted((now - timedelta(seconds=o) for o in offsets), reverse=True)

    def count_in_window(at: datetime) -> int:
        return sum(1 for f in failures if f > at - window)

    wait = _retry_after(failures, limit, window, now)
    if wait is None:
        assert len(failures) < limit
        return
    assert count_in_window(now) >= limit
    assert count_in_window(now + timedelta(seconds=wait)) < limit
    if wait > 1:
        assert count_in_window(now + timedelta(seconds=wait - 1)) >= limit
