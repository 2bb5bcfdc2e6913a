"""Bearer-token sessions (第三十五条 账号安全): stored hashed, expiring, revocable."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hotline_desk.core.protocol import ErrorCode, UnauthorizedError
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import sessions
from hotline_desk.storage.server.models import Account, Session

TTL = timedelta(hours=8)


def _resolve(db, token, clock):
    with read_transaction(db):
        return sessions.resolve(db, token, now=clock(), client_address="10.9.9.9")


def test_the_token_is_never_stored(db, clock, make_actor):
    op = make_actor("op", Role.OPERATOR)
    with write_transaction(db):
        new = sessions.create(db, op.account_id, now=clock(), ttl=TTL, client_address="1.2.3.4")
    with read_transaction(db):
        stored = list(Session.select().tuples().execute(db))
    assert len(new.token) >= 40
    assert all(new.token not in str(value) for row in stored for value in row)
    assert stored[0][1] == sessions.token_digest(new.token)
    actor = _resolve(db, new.token, clock)
    assert (actor.account_id, actor.role, actor.session_id) == (op.account_id, Role.OPERATOR,
                                                                new.session_id)
    assert actor.client_address == "10.9.9.9"


def test_expiry_is_by_the_server_clock(db, clock, make_actor):
    op = make_actor("op", Role.OPERATOR)
    with write_transaction(db):
        new = sessions.create(db, op.account_id, now=clock(), ttl=TTL, client_address=None)
    clock.advance(TTL.total_seconds() - 1)
    _resolve(db, new.token, clock)
    clock.advance(1)
    with pytest.raises(UnauthorizedError):
        _resolve(db, new.token, clock)


def test_revoked_unknown_and_disabled(db, clock, make_actor):
    op = make_actor("op", Role.OPERATOR)
    with write_transaction(db):
        a = sessions.create(db, op.account_id, now=clock(), ttl=TTL, client_address=None)
        b = sessions.create(db, op.account_id, now=clock(), ttl=TTL, client_address=None)
    with write_transaction(db):
        assert sessions.revoke(db, a.session_id, now=clock())
        assert not sessions.revoke(db, a.session_id, now=clock())
    with pytest.raises(UnauthorizedError):
        _resolve(db, a.token, clock)
    for bad in ("", "x" * 300, "not-a-token"):
        with pytest.raises(UnauthorizedError):
            _resolve(db, bad, clock)
    with write_transaction(db):
        Account.update(disabled=True).where(Account.id == op.account_id).execute(db)
    with pytest.raises(UnauthorizedError) as caught:
        _resolve(db, b.token, clock)
    assert caught.value.code is ErrorCode.ACCOUNT_DISABLED


def test_revoke_all_and_prune(db, clock, make_actor):
    op = make_actor("op", Role.OPERATOR)
    other = make_actor("other", Role.OPERATOR)
    with write_transaction(db):
        mine = [sessions.create(db, op.account_id, now=clock(), ttl=TTL, client_address=None)
                for _ in range(3)]
        theirs = sessions.create(db, other.account_id, now=clock(), ttl=TTL,
                                 client_address=None)
    with write_transaction(db):
        assert sessions.revoke_all(db, op.account_id, now=clock(),
                                   keep_session=mine[0].session_id) == 2
    _resolve(db, mine[0].token, clock)
    _resolve(db, theirs.token, clock)
    clock.advance(timedelta(days=40).total_seconds())
    with write_transaction(db):
        assert sessions.prune(db, now=clock()) == 4
