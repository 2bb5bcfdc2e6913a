"""Accounts and roles (第三十四–三十五条: 授权访问, 数据脱敏, 账号安全), both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hotline_desk.core.protocol import (
    AccountCreate,
    AccountUpdate,
    ConflictError,
    ErrorCode,
    NotFoundError,
    RefusedError,
    UnauthorizedError,
)
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import accounts, audit, sessions
from hotline_desk.storage.server.models import Account


def _create(db, clock, admin, username="lisi", role=Role.OPERATOR, unit=None,
            phone="13812345678"):
    data = AccountCreate(username=username, display_name="李四", role=role, unit=unit,
                         phone=phone, password="Secret123")
    with write_transaction(db):
        return accounts.create(db, data, password_hash="x", actor=admin, now=clock())


def test_create_masks_personal_data_and_is_audited(db, clock, make_actor):
    admin = make_actor("boss", Role.ADMIN)
    created = _create(db, clock, admin)
    assert created.phone == "138****5678" and created.phone_masked
    with read_transaction(db):
        listed = accounts.list_all(db)
        actions = [(r.action, r.object_id) for r in audit.page(db).items]
    assert [a.phone for a in listed if a.username == "lisi"] == ["138****5678"]
    assert ("account.create", str(created.id)) in actions


def test_unmasked_read_is_audited(db, clock, make_actor):
    admin = make_actor("boss", Role.ADMIN)
    created = _create(db, clock, admin)
    with write_transaction(db):
        full = accounts.read_unmasked(db, created.id, actor=admin, now=clock())
    assert full.phone == "13812345678" and not full.phone_masked
    with read_transaction(db):
        reads = audit.page(db, action="account.read_unmasked").items
    assert [(r.actor_username, r.object_id) for r in reads] == [("boss", str(created.id))]


def test_usernames_are_unique_case_insensitively(db, clock, make_actor):
    admin = make_actor("boss", Role.ADMIN)
    _create(db, clock, admin, username="zhang")
    with pytest.raises(ConflictError) as caught:
        _create(db, clock, admin, username="zhang")
    assert caught.value.code is ErrorCode.USERNAME_TAKEN
    with read_transaction(db):
        assert accounts.find_by_username(db, " ZHANG ") is not None


def test_unit_handler_needs_a_unit(db, clock, make_actor):
    """第五条: a handling unit's account belongs to that unit."""
    admin = make_actor("boss", Role.ADMIN)
    with pytest.raises(ValueError):
        AccountCreate(username="unit1", display_name="x", role=Role.UNIT_HANDLER,
                      password="Secret123")
    plain = _create(db, clock, admin, username="op9")
    with pytest.raises(RefusedError), write_transaction(db):
        accounts.update(db, plain.id, AccountUpdate(role=Role.UNIT_HANDLER), actor=admin,
                        now=clock())
    with write_transaction(db):
        moved = accounts.update(db, plain.id, AccountUpdate(role=Role.UNIT_HANDLER,
                                                            unit="合肥市城市管理局"),
                                actor=admin, now=clock())
    assert moved.role is Role.UNIT_HANDLER and moved.unit == "合肥市城市管理局"


def test_disabling_ends_every_session(db, clock, make_actor):
    admin = make_actor("boss", Role.ADMIN)
    operator = make_actor("op", Role.OPERATOR)
    with write_transaction(db):
        first = sessions.create(db, operator.account_id, now=clock(), ttl=timedelta(hours=1),
                                client_address=None)
    with write_transaction(db):
        accounts.update(db, operator.account_id, AccountUpdate(disabled=True), actor=admin,
                        now=clock())
    with read_transaction(db), pytest.raises(UnauthorizedError) as caught:
        sessions.resolve(db, first.token, now=clock(), client_address=None)
    assert caught.value.code in (ErrorCode.TOKEN_INVALID, ErrorCode.ACCOUNT_DISABLED)
    with write_transaction(db):  # enabled again, the old session stays ended
        accounts.update(db, operator.account_id, AccountUpdate(disabled=False), actor=admin,
                        now=clock())
    with read_transaction(db), pytest.raises(UnauthorizedError) as caught:
        sessions.resolve(db, first.token, now=clock(), client_address=None)
    assert caught.value.code is ErrorCode.TOKEN_INVALID


def test_admins_cannot_lock_themselves_out(db, clock, make_actor):
    admin = make_actor("boss", Role.ADMIN)
    for change in (AccountUpdate(disabled=True), AccountUpdate(role=Role.OPERATOR)):
        with pytest.raises(RefusedError) as caught, write_transaction(db):
            accounts.update(db, admin.account_id, change, actor=admin, now=clock())
        assert caught.value.code is ErrorCode.SELF_LOCKOUT
    with pytest.raises(RefusedError), write_transaction(db):
        accounts.revoke_sessions(db, admin.account_id, actor=admin, now=clock())


def test_update_logs_changes_with_the_phone_masked(db, clock, make_actor):
    admin = make_actor("boss", Role.ADMIN)
    created = _create(db, clock, admin, phone=None)
    with write_transaction(db):
        accounts.update(db, created.id, AccountUpdate(phone="13987654321", display_name="李四新"),
                        actor=admin, now=clock())
    with read_transaction(db):
        (record,) = audit.page(db, action="account.update").items
        row = Account.select().where(Account.id == created.id).get(db)
    assert record.details["changes"] == {"phone": "139****4321", "display_name": "李四新"}
    assert row.phone == "13987654321"


def test_password_reset_revokes_sessions_except_the_kept_one(db, clock, make_actor):
    admin = make_actor("boss", Role.ADMIN)
    op = make_actor("op", Role.OPERATOR)
    with write_transaction(db):
        keep = sessions.create(db, op.account_id, now=clock(), ttl=timedelta(hours=1),
                               client_address=None)
        lose = sessions.create(db, op.account_id, now=clock(), ttl=timedelta(hours=1),
                               client_address=None)
    with write_transaction(db):
        revoked = accounts.set_password_hash(db, op.account_id, "new-hash", actor=admin,
                                             now=clock(), keep_session=keep.session_id)
    assert revoked == 1
    with read_transaction(db):
        assert sessions.resolve(db, keep.token, now=clock(), client_address=None).username == "op"
        with pytest.raises(UnauthorizedError):
            sessions.resolve(db, lose.token, now=clock(), client_address=None)
        assert accounts.password_hash_of(db, op.account_id) == "new-hash"


def test_unknown_account(db, clock, make_actor):
    admin = make_actor("boss", Role.ADMIN)
    with pytest.raises(NotFoundError), write_transaction(db):
        accounts.read_unmasked(db, 424242, actor=admin, now=clock())
