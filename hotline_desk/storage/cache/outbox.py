"""The outbox: operations saved on this desk that the server has not acknowledged.

"Save first, sync always, lose nothing": a save writes its local record *and* one
outbox operation in the same transaction (``tickets.LocalTickets.save_local``).
The network flusher (services) then drives this API:

1. ``next_batch(limit, now)`` → the oldest due, pending operations;
2. push them; the server applies each in its own transaction, de-duplicating by
   ``op_id`` (a UUIDv7 chosen here, kept across crashes and resends);
3. ``apply_results(results)`` → per item: *applied*/*duplicate* mark it sent and
   record the server's number; *conflict*/*rejected* keep it, marked rejected with
   the server's reason (the operator fixes it: ``retry_rejected`` or
   ``discard_rejected``), never holding back the other items; *transient* (or a
   whole failed request via ``mark_attempt_failed``) schedules a retry with
   exponential backoff and full jitter (base 1 s, cap 5 min).

Statuses: ``pending`` → ``sent`` | ``rejected`` (→ ``pending`` on retry, or
``discarded``). Every decision an operator makes leaves a line in ``outbox_audit``
(第十条: a refusal record is a record, not a deleted call — nothing disappears
silently).
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from hotline_desk.core.errors import DataFormatError, StorageError
from hotline_desk.storage.cache.db import CacheDatabase, as_aware, china_now
from hotline_desk.storage.cache.models import CacheModels, dumps

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 300.0


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    REJECTED = "rejected"
    DISCARDED = "discarded"


class PushStatus(StrEnum):
    """What the server said about one pushed operation."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REJECTED = "rejected"
    TRANSIENT = "transient"


def backoff_delay(
    attempts: int,
    unit_random: float,
    base: float = BACKOFF_BASE_SECONDS,
    cap: float = BACKOFF_CAP_SECONDS,
) -> float:
    """Full-jitter exponential backoff: uniform in ``[0, min(cap, base·2^(attempts-1))]``.

    ``attempts`` counts failures so far (≥ 1); ``unit_random`` is a draw from
    ``[0, 1)`` (injected so tests are deterministic).
    """
    exponent = min(max(attempts, 1) - 1, 62)
    ceiling = min(cap, base * float(2**exponent))
    return min(max(unit_random, 0.0), 1.0) * ceiling


@dataclass(frozen=True, slots=True)
class OutboxItem:
    op_id: str
    kind: str
    local_no: str | None
    payload: dict[str, Any]
    created_at: datetime
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    reject_reason: str | None
    server_no: str | None
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class PushResult:
    """One item of the server's answer to a push."""

    op_id: str
    status: PushStatus
    server_no: str | None = None
    reason: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> PushResult:
        try:
            status = PushStatus(str(data["status"]))
            op_id = str(data["op_id"])
        except (KeyError, ValueError) as exc:
            raise DataFormatError(f"bad push result {data!r}: {exc}",
                                  "服务器返回的同步结果格式不正确") from exc
        reason = data.get("reason")
        if reason is not None and not isinstance(reason, str):
            reason = dumps(reason)
        server_no = data.get("server_no")
        return cls(op_id=op_id, status=status,
                   server_no=None if server_no is None else str(server_no), reason=reason)


@dataclass(frozen=True, slots=True)
class ApplyReport:
    sent: int = 0
    rejected: int = 0
    retry_scheduled: int = 0
    unchanged: int = 0  # already final (idempotent re-apply) or unknown op_id


@dataclass(frozen=True, slots=True)
class AuditLine:
    op_id: str
    action: str
    detail: str
    at: datetime


def enqueue(
    models: CacheModels,
    *,
    op_id: str,
    kind: str,
    record_id: int | None,
    local_no: str | None,
    payload: Mapping[str, Any],
    now: datetime,
) -> None:
    """Insert one pending operation (call inside the caller's transaction)."""
    models.Outbox.insert(
        op_id=op_id, record=record_id, kind=kind, local_no=local_no, payload=dict(payload),
        created_at=now, status=OutboxStatus.PENDING, attempts=0,
        next_attempt_at=now.timestamp(),
    ).execute()


def add_audit(models: CacheModels, op_id: str, action: str, detail: str, now: datetime) -> None:
    models.OutboxAudit.insert(op_id=op_id, action=action, detail=detail, at=now).execute()


def _item(row: Any) -> OutboxItem:
    return OutboxItem(
        op_id=row.op_id, kind=row.kind, local_no=row.local_no, payload=row.payload,
        created_at=row.created_at, status=OutboxStatus(row.status), attempts=row.attempts,
        next_attempt_at=datetime.fromtimestamp(row.next_attempt_at, UTC),
        last_error=row.last_error, reject_reason=row.reject_reason, server_no=row.server_no,
        sent_at=row.sent_at,
    )


class Outbox:
    """The flusher's view of the outbox. Every method runs on the cache worker."""

    def __init__(
        self,
        db: CacheDatabase,
        rng: Callable[[], float] = random.random,
        *,
        base: float = BACKOFF_BASE_SECONDS,
        cap: float = BACKOFF_CAP_SECONDS,
    ) -> None:
        self._db = db
        self._m = db.models
        self._rng = rng
        self._base = base
        self._cap = cap

    # ----------------------------------------------------------------------- reads

    def next_batch(self, limit: int, now: datetime | None = None) -> list[OutboxItem]:
        """Oldest first; only pending items whose retry time has come."""
        self._db.check_thread()
        moment = as_aware(now or china_now()).timestamp()
        m = self._m.Outbox
        rows = (m.select()
                .where((m.status == OutboxStatus.PENDING) & (m.next_attempt_at <= moment))
                .order_by(m.seq)
                .limit(max(limit, 0)))
        return [_item(row) for row in rows]

    def get(self, op_id: str) -> OutboxItem | None:
        self._db.check_thread()
        row = self._m.Outbox.get_or_none(self._m.Outbox.op_id == op_id)
        return None if row is None else _item(row)

    def depth(self) -> int:
        """How many operations still wait to be sent (rejected ones are counted apart)."""
        self._db.check_thread()
        m = self._m.Outbox
        return int(m.select().where(m.status == OutboxStatus.PENDING).count())

    def rejected_items(self) -> list[OutboxItem]:
        self._db.check_thread()
        m = self._m.Outbox
        return [_item(r) for r in m.select().where(m.status == OutboxStatus.REJECTED)
                .order_by(m.seq)]

    def audit_log(self, op_id: str | None = None) -> list[AuditLine]:
        self._db.check_thread()
        m = self._m.OutboxAudit
        query = m.select().order_by(m.id)
        if op_id is not None:
            query = query.where(m.op_id == op_id)
        return [AuditLine(r.op_id, r.action, r.detail, r.at) for r in query]

    # ---------------------------------------------------------------------- writes

    def mark_attempt_failed(self, op_ids: Iterable[str], now: datetime | None,
                            error: str) -> int:
        """A push failed as a whole (network down, 5xx): back off each item."""
        self._db.check_thread()
        moment = as_aware(now or china_now())
        with self._db.atomic():
            return sum(self._fail_one(op_id, moment, error) for op_id in op_ids)

    def _fail_one(self, op_id: str, now: datetime, error: str) -> int:
        m = self._m.Outbox
        row = m.get_or_none((m.op_id == op_id) & (m.status == OutboxStatus.PENDING))
        if row is None:
            return 0
        attempts = row.attempts + 1
        delay = backoff_delay(attempts, self._rng(), self._base, self._cap)
        (m.update(attempts=attempts, next_attempt_at=now.timestamp() + delay,
                  last_error=error[:2000])
         .where(m.seq == row.seq).execute())
        return 1

    def apply_results(self, results: Iterable[PushResult | Mapping[str, Any]],
                      now: datetime | None = None) -> ApplyReport:
        """Apply the server's per-item answers; idempotent, one bad item never blocks."""
        self._db.check_thread()
        moment = as_aware(now or china_now())
        counts = {"sent": 0, "rejected": 0, "retry": 0, "unchanged": 0}
        parsed: list[PushResult] = []
        for raw in results:
            try:
                parsed.append(raw if isinstance(raw, PushResult)
                              else PushResult.from_mapping(raw))
            except DataFormatError:  # the item stays pending and is simply resent
                log.warning("malformed push result ignored: %r", raw)
                counts["unchanged"] += 1
        with self._db.atomic():
            for result in parsed:
                try:
                    with self._db.atomic():  # savepoint: a failing item rolls back alone
                        counts[self._apply_one(result, moment)] += 1
                except Exception:
                    log.exception("could not apply push result for %s", result.op_id)
                    counts["unchanged"] += 1
        return ApplyReport(sent=counts["sent"], rejected=counts["rejected"],
                           retry_scheduled=counts["retry"], unchanged=counts["unchanged"])

    def _apply_one(self, result: PushResult, now: datetime) -> str:
        from hotline_desk.storage.cache.tickets import attach_server_number, set_sync_status

        m = self._m.Outbox
        row = m.get_or_none(m.op_id == result.op_id)
        if row is None:
            log.warning("push result for unknown operation %s ignored", result.op_id)
            return "unchanged"
        status = OutboxStatus(row.status)
        if result.status in (PushStatus.APPLIED, PushStatus.DUPLICATE):
            if status is OutboxStatus.SENT:
                if result.server_no and row.server_no != result.server_no:
                    log.warning("operation %s already acknowledged as %s; server now says %s",
                                row.op_id, row.server_no, result.server_no)
                return "unchanged"
            if status is OutboxStatus.DISCARDED:
                # The operator gave up on it, but the server has it after all: keep the truth.
                add_audit(self._m, row.op_id, "acknowledged_after_discard",
                          result.server_no or "", now)
            (m.update(status=OutboxStatus.SENT, server_no=result.server_no, sent_at=now,
                      last_error=None)
             .where(m.seq == row.seq).execute())
            if row.record_id is not None:
                attach_server_number(self._m, row.record_id, result.server_no, now)
            return "sent"
        if result.status in (PushStatus.CONFLICT, PushStatus.REJECTED):
            if status in (OutboxStatus.SENT, OutboxStatus.DISCARDED):
                return "unchanged"
            reason = result.reason or result.status.value
            if status is OutboxStatus.REJECTED and row.reject_reason == reason:
                return "unchanged"
            (m.update(status=OutboxStatus.REJECTED, reject_reason=reason)
             .where(m.seq == row.seq).execute())
            if row.record_id is not None:
                set_sync_status(self._m, row.record_id, OutboxStatus.REJECTED, now)
            add_audit(self._m, row.op_id, f"server_{result.status.value}", reason, now)
            return "rejected"
        # transient
        return "retry" if self._fail_one(row.op_id, now, result.reason or "transient") else \
            "unchanged"

    def retry_rejected(self, op_id: str, payload: Mapping[str, Any] | None = None,
                       now: datetime | None = None) -> OutboxItem:
        """Send a rejected operation again (same ``op_id``), optionally with a fixed payload."""
        from hotline_desk.storage.cache.tickets import replace_payload, set_sync_status

        self._db.check_thread()
        moment = as_aware(now or china_now())
        m = self._m.Outbox
        with self._db.atomic():
            row = self._rejected_row(op_id)
            updates: dict[Any, Any] = {
                m.status: OutboxStatus.PENDING, m.attempts: 0,
                m.next_attempt_at: moment.timestamp(), m.last_error: None,
                m.reject_reason: None,
            }
            if payload is not None:
                _check_json(payload)
                updates[m.payload] = dict(payload)
            m.update(updates).where(m.seq == row.seq).execute()
            if row.record_id is not None:
                set_sync_status(self._m, row.record_id, OutboxStatus.PENDING, moment)
                if payload is not None:
                    replace_payload(self._m, row.record_id, dict(payload), moment)
            add_audit(self._m, op_id, "retry",
                      f"previous reason: {row.reject_reason or ''}"
                      + ("; payload corrected" if payload is not None else ""), moment)
        item = self.get(op_id)
        assert item is not None
        return item

    def discard_rejected(self, op_id: str, note: str = "",
                         now: datetime | None = None) -> None:
        """Give up on a rejected operation; it stays in the file with an audit line."""
        from hotline_desk.storage.cache.tickets import set_sync_status

        self._db.check_thread()
        moment = as_aware(now or china_now())
        m = self._m.Outbox
        with self._db.atomic():
            row = self._rejected_row(op_id)
            m.update(status=OutboxStatus.DISCARDED).where(m.seq == row.seq).execute()
            if row.record_id is not None:
                set_sync_status(self._m, row.record_id, OutboxStatus.DISCARDED, moment)
            add_audit(self._m, op_id, "discard",
                      f"server reason: {row.reject_reason or ''}; note: {note}", moment)

    def prune_sent(self, older_than: datetime) -> int:
        """Forget acknowledged operations sent before ``older_than`` (records stay)."""
        self._db.check_thread()
        m = self._m.Outbox
        with self._db.atomic():
            return int(m.delete().where((m.status == OutboxStatus.SENT)
                                        & (m.sent_at < as_aware(older_than))).execute())

    def _rejected_row(self, op_id: str) -> Any:
        m = self._m.Outbox
        row = m.get_or_none(m.op_id == op_id)
        if row is None or row.status != OutboxStatus.REJECTED:
            raise StorageError(
                f"outbox operation {op_id} is not a rejected item",
                "该记录不在“服务器退回”列表中（可能已重新提交或已处理）")
        return row


def _check_json(payload: Mapping[str, Any]) -> None:
    try:
        json.dumps(payload, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise DataFormatError(f"payload is not JSON-serialisable: {exc}",
                              "记录内容包含无法保存的数据，请检查后重试") from exc
