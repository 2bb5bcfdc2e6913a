"""Peewee models of the ticket tables (created by ``schema_0002_tickets``; the deadlines'
calendar fingerprint added by ``schema_0003_ticket_calendar``, the call ids by
``schema_0005_call_ids``, the legal deadline and progress reports by
``schema_0006_legal_deadline``).

Unbound like ``storage.server.models``: every query names its database. Timestamps are
UTC (``UtcDateTimeField``); JSON columns hold plain JSON values.
"""

from __future__ import annotations

import json
from typing import Any

import peewee

from hotline_desk.storage.server.models import (
    IsoDateField,
    JsonListField,
    JsonObjectField,
    ServerModel,
    UtcDateTimeField,
)

TICKET_VERSION = "ticket_version"


class JsonValueField(peewee.TextField):
    """Any JSON value (lists of objects, …); ``None`` stays SQL NULL."""

    def db_value(self, value: Any) -> Any:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    def python_value(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        return json.loads(value)


class TicketRow(ServerModel):
    id = peewee.BigAutoField()
    ticket_no = peewee.TextField(unique=True)
    kind = peewee.TextField()
    op_id = peewee.TextField(null=True)
    #: the desk's id of the call the record came from; NULL from older desks
    call_id = peewee.TextField(null=True)
    state = peewee.TextField()
    version = peewee.IntegerField()
    change_version = peewee.BigIntegerField(unique=True)
    received_at = UtcDateTimeField()
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    created_by = peewee.BigIntegerField(null=True)
    seat_label = peewee.TextField(default="")
    requester_name = peewee.TextField(null=True)
    requester_phone = peewee.TextField(null=True)
    content = peewee.TextField(default="")
    location = peewee.TextField(null=True)
    request_type = peewee.TextField(null=True)
    area = peewee.TextField(null=True)
    channel = peewee.TextField(null=True)
    source = peewee.TextField(null=True)
    priority = peewee.TextField(null=True)
    topic = peewee.TextField(null=True)
    topic_key = peewee.TextField(null=True)
    matter_key = peewee.TextField(null=True)
    place_key = peewee.TextField(null=True)
    lead_unit = peewee.TextField(null=True)
    co_units = JsonListField(default=list)
    handling_requirements = peewee.TextField(null=True)
    kb_entry_id = peewee.TextField(null=True)
    kb_entry_version = peewee.IntegerField(null=True)
    source_ticket_no = peewee.TextField(null=True)
    details = JsonObjectField(default=dict)
    resume_state = peewee.TextField(null=True)
    dispatched_at = UtcDateTimeField(null=True)
    first_contact_due = IsoDateField(null=True)
    first_contact_deadline = UtcDateTimeField(null=True)
    return_due = IsoDateField(null=True)
    return_deadline = UtcDateTimeField(null=True)
    completion_due = IsoDateField(null=True)
    completion_deadline = UtcDateTimeField(null=True)
    completion_limit_days = peewee.IntegerField(null=True)
    deadlines_provisional = peewee.BooleanField(default=False)
    calendar_source = peewee.TextField(null=True)
    #: the calendar data the deadlines were counted on (``tickets_deadlines``); NULL: unknown
    calendar_fingerprint = peewee.TextField(null=True)
    extensions = JsonValueField(default=list)
    pending_extension = JsonValueField(null=True)
    #: 第十七条(三), ``schema_0006_legal_deadline``: the law's period as recorded (inputs),
    #: the next progress report due, the latest report, the scheduler's progress flag
    legal_deadline = JsonValueField(null=True)
    progress_due = IsoDateField(null=True)
    progress_deadline = UtcDateTimeField(null=True)
    progress_reported_at = UtcDateTimeField(null=True)
    progress_overdue = peewee.BooleanField(default=False)
    contacted_at = UtcDateTimeField(null=True)
    completed_at = UtcDateTimeField(null=True)
    completed_on_time = peewee.BooleanField(null=True)
    rating = peewee.TextField(null=True)
    rated_at = UtcDateTimeField(null=True)
    revisited_at = UtcDateTimeField(null=True)
    overdue = peewee.BooleanField(default=False)
    overdue_since = UtcDateTimeField(null=True)
    supervision_flags = JsonObjectField(default=dict)
    supervised = peewee.BooleanField(default=False)
    supervision = JsonValueField(default=list)

    class Meta:
        table_name = "tickets"


class TicketUnitRow(ServerModel):
    ticket_id = peewee.BigIntegerField()
    unit = peewee.TextField()
    is_lead = peewee.BooleanField()

    class Meta:
        table_name = "ticket_units"
        primary_key = peewee.CompositeKey("ticket_id", "unit")


class TicketEventRow(ServerModel):
    id = peewee.BigAutoField()
    ticket_id = peewee.BigIntegerField()
    at = UtcDateTimeField()
    event = peewee.TextField()
    from_state = peewee.TextField(null=True)
    to_state = peewee.TextField()
    actor_id = peewee.BigIntegerField(null=True)
    actor_username = peewee.TextField(null=True)
    actor_role = peewee.TextField(null=True)
    op_id = peewee.TextField(null=True)
    details = JsonObjectField(default=dict)

    class Meta:
        table_name = "ticket_events"


class TicketOpRow(ServerModel):
    op_id = peewee.TextField(primary_key=True)
    kind = peewee.TextField()
    account_id = peewee.BigIntegerField(null=True)
    ticket_id = peewee.BigIntegerField(null=True)
    result = JsonObjectField(default=dict)
    applied_at = UtcDateTimeField()

    class Meta:
        table_name = "ticket_ops"


class TicketNumberCounter(ServerModel):
    prefix_day = peewee.TextField(primary_key=True)
    last = peewee.BigIntegerField()

    class Meta:
        table_name = "ticket_number_counters"


class CallMarkRow(ServerModel):
    id = peewee.BigAutoField()
    op_id = peewee.TextField(unique=True)
    phone = peewee.TextField(null=True)
    ticket_no = peewee.TextField(null=True)
    note = peewee.TextField()
    marked_by = peewee.BigIntegerField()
    marked_at = UtcDateTimeField()
    call_id = peewee.TextField(null=True)

    class Meta:
        table_name = "call_marks"


class ProgressAttempt(ServerModel):
    id = peewee.BigAutoField()
    ticket_no = peewee.TextField()
    client_address = peewee.TextField()
    at = UtcDateTimeField()
    succeeded = peewee.BooleanField()

    class Meta:
        table_name = "progress_attempts"


TICKET_MODELS: tuple[type[ServerModel], ...] = (
    TicketRow, TicketUnitRow, TicketEventRow, TicketOpRow, TicketNumberCounter, CallMarkRow,
    ProgressAttempt,
)
