"""Peewee models of the server tables (the tables themselves come from the migrations).

The models are *unbound*: every query names its database explicitly
(``Account.select().execute(db)``, ``.get(db)``, ``Account.insert(...).execute(db)``),
so one process may hold several databases (tests run SQLite and PostgreSQL side by
side) without any global binding. Model instances are never ``.save()``d.

Timestamps are UTC: stored as fixed-width ``YYYY-MM-DD HH:MM:SS.ffffff`` text on
SQLite (so text order is time order) and as ``TIMESTAMP`` on PostgreSQL, and read
back as timezone-aware UTC datetimes.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import peewee

_TS_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def utc_text(moment: datetime) -> str:
    """The stored form of an aware datetime (naive datetimes are refused)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the database; use UTC-aware datetimes")
    return moment.astimezone(UTC).strftime(_TS_FORMAT)


class UtcDateTimeField(peewee.Field):
    field_type = "TIMESTAMP"

    def db_value(self, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        return utc_text(value)

    def python_value(self, value: Any) -> datetime | None:
        if value is None:
            return None
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)


class IsoDateField(peewee.Field):
    field_type = "DATE"

    def db_value(self, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        return value.isoformat()

    def python_value(self, value: Any) -> date | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return date.fromisoformat(str(value))


class JsonListField(peewee.TextField):
    def db_value(self, value: Any) -> Any:
        if value is None:
            return "[]"
        return json.dumps(list(value), ensure_ascii=False)

    def python_value(self, value: Any) -> list[str]:
        if not value:
            return []
        loaded = json.loads(value)
        return [str(item) for item in loaded]


class JsonObjectField(peewee.TextField):
    def db_value(self, value: Any) -> Any:
        return json.dumps(value or {}, ensure_ascii=False, sort_keys=True, default=str)

    def python_value(self, value: Any) -> dict[str, Any]:
        if not value:
            return {}
        loaded = json.loads(value)
        return loaded if isinstance(loaded, dict) else {"value": loaded}


class ServerModel(peewee.Model):
    class Meta:
        database = None
        legacy_table_names = False


class Counter(ServerModel):
    name = peewee.TextField(primary_key=True)
    value = peewee.BigIntegerField()

    class Meta:
        table_name = "counters"


class ServerConfig(ServerModel):
    key = peewee.TextField(primary_key=True)
    value = peewee.TextField()

    class Meta:
        table_name = "server_config"


class Account(ServerModel):
    id = peewee.BigAutoField()
    username = peewee.TextField(unique=True)
    display_name = peewee.TextField()
    role = peewee.TextField()
    unit = peewee.TextField(null=True)
    phone = peewee.TextField(null=True)
    password_hash = peewee.TextField()
    disabled = peewee.BooleanField(default=False)
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()

    class Meta:
        table_name = "accounts"


class Session(ServerModel):
    id = peewee.BigAutoField()
    token_hash = peewee.TextField(unique=True)
    account_id = peewee.BigIntegerField()
    created_at = UtcDateTimeField()
    expires_at = UtcDateTimeField()
    revoked_at = UtcDateTimeField(null=True)
    client_address = peewee.TextField(null=True)

    class Meta:
        table_name = "sessions"


class LoginAttempt(ServerModel):
    id = peewee.BigAutoField()
    username = peewee.TextField()
    client_address = peewee.TextField()
    at = UtcDateTimeField()
    succeeded = peewee.BooleanField()

    class Meta:
        table_name = "login_attempts"


class AuditLog(ServerModel):
    id = peewee.BigAutoField()
    at = UtcDateTimeField()
    actor_id = peewee.BigIntegerField(null=True)
    actor_username = peewee.TextField(null=True)
    actor_role = peewee.TextField(null=True)
    action = peewee.TextField()
    object_type = peewee.TextField()
    object_id = peewee.TextField(null=True)
    client_address = peewee.TextField(null=True)
    details = JsonObjectField(default=dict)

    class Meta:
        table_name = "audit_log"


class KBEntryRow(ServerModel):
    id = peewee.TextField(primary_key=True)
    title = peewee.TextField()
    answer = peewee.TextField()
    questions = JsonListField(default=list)
    keywords = JsonListField(default=list)
    policy_basis = peewee.TextField(default="")
    category = peewee.TextField(null=True)
    owner_unit = peewee.TextField(default="")
    province = peewee.TextField(default="")
    city = peewee.TextField(default="")
    district = peewee.TextField(default="")
    valid_from = IsoDateField(null=True)
    valid_to = IsoDateField(null=True)
    review_state = peewee.TextField()
    version = peewee.IntegerField()
    updated_at = UtcDateTimeField()
    updated_by = peewee.TextField(null=True)
    edited_by = peewee.TextField(null=True)
    feed_version = peewee.BigIntegerField(unique=True)

    class Meta:
        table_name = "kb_entries"


class KBTombstone(ServerModel):
    id = peewee.TextField(primary_key=True)
    feed_version = peewee.BigIntegerField(unique=True)
    deleted_at = UtcDateTimeField()

    class Meta:
        table_name = "kb_tombstones"


class Seat(ServerModel):
    account_id = peewee.BigIntegerField(primary_key=True)
    seat_label = peewee.TextField(default="")
    state = peewee.TextField()
    reason = peewee.TextField(null=True)
    state_since = UtcDateTimeField()
    last_seen_at = UtcDateTimeField()
    outbox_depth = peewee.IntegerField(default=0)
    app_version = peewee.TextField(default="")
    call_started_at = UtcDateTimeField(null=True)
    changed_version = peewee.BigIntegerField()

    class Meta:
        table_name = "seats"


class Transfer(ServerModel):
    id = peewee.BigAutoField()
    reference_kind = peewee.TextField()
    reference = peewee.TextField()
    note = peewee.TextField()
    caller_name = peewee.TextField(null=True)
    caller_phone = peewee.TextField(null=True)
    status = peewee.TextField()
    created_by = peewee.BigIntegerField()
    created_at = UtcDateTimeField()
    accepted_by = peewee.BigIntegerField(null=True)
    accepted_at = UtcDateTimeField(null=True)
    completed_at = UtcDateTimeField(null=True)
    completion_notes = peewee.TextField(null=True)
    cancelled_at = UtcDateTimeField(null=True)
    call_id = peewee.TextField(null=True)  # schema_0005_call_ids

    class Meta:
        table_name = "transfers"


ALL_MODELS: tuple[type[ServerModel], ...] = (
    Counter, ServerConfig, Account, Session, LoginAttempt, AuditLog, KBEntryRow,
    KBTombstone, Seat, Transfer,
)
