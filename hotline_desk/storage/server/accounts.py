"""Accounts and roles (第三十四–三十五条: 授权访问, 账号安全).

Roles come from ``core.vocabulary.Role``; a unit handler belongs to a unit (第五条).
Personal data of an account (its phone number) is returned masked
(``core.masking``); the admin's full read is a separate, audited call
(:func:`read_unmasked`). Passwords are hashed by the caller *before* the write
transaction (:class:`~hotline_desk.storage.server.passwords.Passwords`).
"""

from __future__ import annotations

from datetime import datetime

import peewee

from hotline_desk.core.masking import mask_phone
from hotline_desk.core.protocol import (
    AccountCreate,
    AccountOut,
    AccountUpdate,
    ConflictError,
    ErrorCode,
    NotFoundError,
    RefusedError,
)
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.server import audit, sessions
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.login_throttle import normalise_username
from hotline_desk.storage.server.models import Account


def to_out(row: Account, *, unmasked: bool = False) -> AccountOut:
    phone = row.phone
    if phone and not unmasked:
        phone = mask_phone(phone)
    return AccountOut(
        id=row.id, username=row.username, display_name=row.display_name, role=Role(row.role),
        unit=row.unit, phone=phone, phone_masked=not unmasked, disabled=bool(row.disabled),
        created_at=row.created_at,
    )


def get_row(db: peewee.Database, account_id: int) -> Account:
    row = Account.select().where(Account.id == account_id).get_or_none(db)
    if row is None:
        raise NotFoundError(f"account {account_id} not found")
    return row


def find_by_username(db: peewee.Database, username: str) -> Account | None:
    return Account.select().where(
        Account.username == normalise_username(username)).get_or_none(db)


def create(
    db: peewee.Database, data: AccountCreate, *, password_hash: str, actor: Actor | None,
    now: datetime,
) -> AccountOut:
    """Create an account; ``ConflictError(username_taken)`` if the name is used."""
    username = normalise_username(data.username)
    if find_by_username(db, username) is not None:
        raise ConflictError(f"username {username!r} is taken", code=ErrorCode.USERNAME_TAKEN)
    try:
        with db.atomic():  # savepoint: a concurrent insert of the same name fails here
            account_id = Account.insert(
                username=username, display_name=data.display_name, role=data.role.value,
                unit=data.unit or None, phone=data.phone, password_hash=password_hash,
                disabled=False, created_at=now, updated_at=now,
            ).execute(db)
    except peewee.IntegrityError as exc:
        raise ConflictError(f"username {username!r} is taken",
                            code=ErrorCode.USERNAME_TAKEN) from exc
    row = get_row(db, int(account_id))
    audit.record(db, actor, "account.create", "account", row.id,
                 {"username": username, "role": data.role.value, "unit": data.unit}, now=now)
    return to_out(row)


def list_all(db: peewee.Database) -> list[AccountOut]:
    return [to_out(row) for row in Account.select().order_by(Account.id).execute(db)]


def read_unmasked(db: peewee.Database, account_id: int, *, actor: Actor,
                  now: datetime) -> AccountOut:
    """The account with its personal data in full; the read is audited."""
    row = get_row(db, account_id)
    audit.record(db, actor, "account.read_unmasked", "account", row.id,
                 {"fields": ["phone"]}, now=now)
    return to_out(row, unmasked=True)


def update(
    db: peewee.Database, account_id: int, data: AccountUpdate, *, actor: Actor, now: datetime,
) -> AccountOut:
    """Change an account. Disabling ends its sessions. Admins cannot lock themselves out."""
    row = get_row(db, account_id)
    changes: dict[str, object] = {}
    fields = data.model_fields_set
    if "display_name" in fields and data.display_name is not None:
        changes["display_name"] = data.display_name
    if "role" in fields and data.role is not None:
        changes["role"] = data.role.value
    if "unit" in fields:
        changes["unit"] = data.unit or None
    if "phone" in fields:
        changes["phone"] = data.phone
    if "disabled" in fields and data.disabled is not None:
        changes["disabled"] = data.disabled
    new_role = Role(changes.get("role", row.role))
    new_unit = changes.get("unit", row.unit)
    if new_role is Role.UNIT_HANDLER and not new_unit:
        raise RefusedError("a unit handler account needs a unit",
                           "承办单位账号必须填写所属单位", code=ErrorCode.VALIDATION_ERROR)
    if actor.account_id == row.id and (
            changes.get("disabled") is True
            or ("role" in changes and new_role is not Role.ADMIN)):
        raise RefusedError("an admin cannot disable or demote their own account",
                           "管理员不能停用自己的账号或取消自己的管理员角色",
                           code=ErrorCode.SELF_LOCKOUT)
    if changes:
        changes["updated_at"] = now
        Account.update(**changes).where(Account.id == row.id).execute(db)
    revoked = 0
    if changes.get("disabled") is True:
        revoked = sessions.revoke_all(db, row.id, now=now)
    logged = {key: value for key, value in changes.items() if key != "updated_at"}
    if logged.get("phone"):
        logged["phone"] = mask_phone(str(logged["phone"]))
    audit.record(db, actor, "account.update", "account", row.id,
                 {"changes": logged, "sessions_revoked": revoked}, now=now)
    return to_out(get_row(db, row.id))


def set_password_hash(
    db: peewee.Database, account_id: int, password_hash: str, *, actor: Actor, now: datetime,
    keep_session: int | None = None, action: str = "account.password_reset",
) -> int:
    """Store a new password hash and end the account's sessions (except ``keep_session``)."""
    row = get_row(db, account_id)
    Account.update(password_hash=password_hash, updated_at=now).where(
        Account.id == row.id).execute(db)
    revoked = sessions.revoke_all(db, row.id, now=now, keep_session=keep_session)
    audit.record(db, actor, action, "account", row.id, {"sessions_revoked": revoked}, now=now)
    return revoked


def password_hash_of(db: peewee.Database, account_id: int) -> str:
    return str(get_row(db, account_id).password_hash)


def revoke_sessions(db: peewee.Database, account_id: int, *, actor: Actor,
                    now: datetime) -> int:
    """Admin revokes every session of an account (not their own: use logout)."""
    row = get_row(db, account_id)
    if actor.account_id == row.id:
        raise RefusedError("use logout to end your own session",
                           "不能吊销自己的登录，请使用退出登录", code=ErrorCode.SELF_LOCKOUT)
    revoked = sessions.revoke_all(db, row.id, now=now)
    audit.record(db, actor, "account.revoke_sessions", "account", row.id,
                 {"sessions_revoked": revoked}, now=now)
    return revoked
