"""peewee models of the desk cache (the schema itself is created by ``db.MIGRATIONS``).

Models are built per open database by :func:`build_models`, so two caches (a test's
temporary one, a salvage target, …) can be open at once without rebinding global
classes across threads. ``tests/storage/cache/test_cache_db.py`` checks that the
migrated schema and these models agree column for column.

Time stamps are stored as UTC ISO-8601 text (sortable); JSON columns hold
``ensure_ascii=False`` JSON text so the file stays readable with any SQLite tool.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import peewee

#: The desk's time zone (DOMAIN.md: "Time zone Asia/Shanghai"). China has had no
#: daylight saving time since 1991, so a fixed +08:00 offset is exact and needs no
#: tz database (which Windows Python lacks without the ``tzdata`` package).
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def to_db_time(moment: datetime) -> str:
    """UTC ISO text; a naive value is desk-local time (Asia/Shanghai)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA_TZ)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class TimestampField(peewee.TextField):
    """An aware ``datetime`` stored as UTC ISO text."""

    def db_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return to_db_time(value)
        return value

    def python_value(self, value: Any) -> Any:
        return from_db_time(value) if isinstance(value, str) else value


class JSONTextField(peewee.TextField):
    """A JSON document (dict/list) stored as text; strings pass through as JSON text."""

    def db_value(self, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        return dumps(value)

    def python_value(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True, slots=True)
class CacheModels:
    """The model classes bound to one open cache database."""

    LocalRecord: Any
    Outbox: Any
    OutboxAudit: Any
    LocalCounter: Any
    Draft: Any
    SyncCursor: Any
    KBEntryRow: Any
    KBIndexMeta: Any
    RefDocument: Any
    CallerHistory: Any

    def all(self) -> tuple[Any, ...]:
        return (self.LocalRecord, self.Outbox, self.OutboxAudit, self.LocalCounter,
                self.Draft, self.SyncCursor, self.KBEntryRow, self.KBIndexMeta,
                self.RefDocument, self.CallerHistory)


def build_models(bound_db: peewee.Database) -> CacheModels:
    class Base(peewee.Model):
        class Meta:
            database = bound_db
            legacy_table_names = False

    class LocalRecord(Base):
        """A ticket/refusal/handoff/closure/transfer saved on this desk or pulled."""

        id = peewee.AutoField()
        kind = peewee.TextField()
        local_no = peewee.TextField(null=True, unique=True)
        op_id = peewee.TextField(null=True, unique=True)
        server_no = peewee.TextField(null=True, unique=True)
        state = peewee.TextField()
        sync_status = peewee.TextField()
        payload = JSONTextField()
        created_at = TimestampField()
        updated_at = TimestampField(index=True)
        server_updated_at = TimestampField(null=True)

        class Meta:
            table_name = "local_record"

    class Outbox(Base):
        seq = peewee.AutoField()
        op_id = peewee.TextField(unique=True)
        record = peewee.ForeignKeyField(LocalRecord, null=True, on_delete="SET NULL",
                                        column_name="record_id", backref="operations")
        kind = peewee.TextField()
        local_no = peewee.TextField(null=True)
        payload = JSONTextField()
        created_at = TimestampField()
        status = peewee.TextField()
        attempts = peewee.IntegerField(default=0)
        next_attempt_at = peewee.FloatField()  # POSIX seconds, compared with `now`
        last_error = peewee.TextField(null=True)
        reject_reason = peewee.TextField(null=True)
        server_no = peewee.TextField(null=True)
        sent_at = TimestampField(null=True)

        class Meta:
            table_name = "outbox"

    class OutboxAudit(Base):
        id = peewee.AutoField()
        op_id = peewee.TextField(index=True)
        action = peewee.TextField()
        detail = peewee.TextField()
        at = TimestampField()

        class Meta:
            table_name = "outbox_audit"

    class LocalCounter(Base):
        day = peewee.TextField(primary_key=True)
        last = peewee.IntegerField()

        class Meta:
            table_name = "local_counter"

    class Draft(Base):
        key = peewee.TextField(primary_key=True)
        payload = JSONTextField()
        updated_at = TimestampField()

        class Meta:
            table_name = "draft"

    class SyncCursor(Base):
        name = peewee.TextField(primary_key=True)
        value = peewee.TextField()
        updated_at = TimestampField()

        class Meta:
            table_name = "sync_cursor"

    class KBEntryRow(Base):
        id = peewee.TextField(primary_key=True)
        title = peewee.TextField()
        answer = peewee.TextField()
        questions = JSONTextField()
        keywords = JSONTextField()
        policy_basis = peewee.TextField()
        category = peewee.TextField(null=True)
        owner_unit = peewee.TextField()
        region = JSONTextField()
        valid_from = peewee.DateField(null=True)
        valid_to = peewee.DateField(null=True)
        review_state = peewee.TextField()
        version = peewee.IntegerField()
        updated_at = TimestampField(null=True)

        class Meta:
            table_name = "kb_entry"

    class KBIndexMeta(Base):
        name = peewee.TextField(primary_key=True)
        path = peewee.TextField()
        fingerprint = peewee.TextField()
        entry_count = peewee.IntegerField()
        built_at = TimestampField()

        class Meta:
            table_name = "kb_index_meta"

    class RefDocument(Base):
        name = peewee.TextField(primary_key=True)
        version = peewee.TextField()
        body = peewee.TextField()
        fetched_at = TimestampField()

        class Meta:
            table_name = "ref_document"

    class CallerHistory(Base):
        caller_key = peewee.TextField(primary_key=True)
        body = peewee.TextField()
        seen_at = TimestampField(index=True)

        class Meta:
            table_name = "caller_history"

    return CacheModels(
        LocalRecord=LocalRecord, Outbox=Outbox, OutboxAudit=OutboxAudit,
        LocalCounter=LocalCounter, Draft=Draft, SyncCursor=SyncCursor,
        KBEntryRow=KBEntryRow, KBIndexMeta=KBIndexMeta, RefDocument=RefDocument,
        CallerHistory=CallerHistory,
    )
