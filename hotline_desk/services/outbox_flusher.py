"""One flush of the outbox: saved operations pushed to the server in batches.

"Save first, sync always, lose nothing", the sending half. Each pass takes the
oldest due operations from the outbox (on the cache worker), pushes them as one
batch with the ids the desk chose when it saved them (UUIDv7, kept across crashes
and resends), and applies the server's answer item by item:

* ``applied`` / ``duplicate`` → sent; the server's ticket number replaces the
  provisional one. A batch resent after a crash (the desk died after the server
  committed but before the answer was applied) is answered ``duplicate`` with the
  original number, so nothing exists twice on the server;
* ``rejected`` / ``conflict`` → kept in the outbox as rejected, with the server's
  reason in Chinese (the protocol's error-code table plus the rule's own field
  messages), until the operator fixes and retries or discards it; it never holds
  back the other items;
* a request that fails as a whole (server down, connection reset, timeout, HTTP 5xx)
  changes nothing on the desk except each item's retry time: exponential backoff with
  full jitter, per item (``storage.cache.outbox``), and the pass stops.

A pass never runs twice at once (a lock), and its cache writes are jobs on the
cache worker, which always run to completion: cancelling a pass (quitting) can
lose at most the *answer* of a batch, which the next start resends and the server
de-duplicates.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from pydantic import ValidationError

from hotline_desk.core.errors import AuthError, HotlineError
from hotline_desk.core.protocol import (
    PushOp,
    PushOpKind,
    PushReason,
    PushResponse,
    message_zh_for,
)
from hotline_desk.core.protocol import PushResult as WireResult
from hotline_desk.core.protocol import PushStatus as WireStatus
from hotline_desk.services.api_client import ApiClient
from hotline_desk.services.clock import china_now
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.outbox import (
    BACKOFF_CAP_SECONDS,
    OutboxItem,
    PushResult,
    PushStatus,
)

log = logging.getLogger(__name__)

#: Operations per push (the protocol allows up to ``MAX_PUSH_OPS`` = 200).
BATCH_SIZE = 100

#: Local record kinds whose push kind has another name.
_OP_KIND_OF_RECORD: dict[str, str] = {"transfer": PushOpKind.EXPERT_TRANSFER.value}

_STATUS: dict[WireStatus, PushStatus] = {
    WireStatus.APPLIED: PushStatus.APPLIED,
    WireStatus.DUPLICATE: PushStatus.DUPLICATE,
    WireStatus.CONFLICT: PushStatus.CONFLICT,
    WireStatus.REJECTED: PushStatus.REJECTED,
}


def op_kind(record_kind: str) -> str:
    return _OP_KIND_OF_RECORD.get(record_kind, record_kind)


def to_push_op(item: OutboxItem) -> PushOp:
    return PushOp(op_id=item.op_id, kind=op_kind(item.kind), occurred_at=item.created_at,
                  payload=item.payload)


def reason_zh(reason: PushReason | None, status: WireStatus) -> str:
    """The Chinese text kept with a rejected item: the code's label and every problem."""
    if reason is None:
        return status.label
    head = message_zh_for(reason.code.value)
    details = [p.message for p in reason.problems if p.message]
    return f"{head}：{'；'.join(details)}" if details else head


def to_result(result: WireResult) -> PushResult:
    status = _STATUS[result.status]
    reason = None
    if status in (PushStatus.CONFLICT, PushStatus.REJECTED):
        reason = reason_zh(result.reason, result.status)
        if result.reason is not None:
            log.warning("operation %s %s by the server (%s): %s", result.op_id,
                        result.status.value, result.reason.code.value, result.reason.message)
    return PushResult(op_id=result.op_id, status=status, server_no=result.server_no,
                      reason=reason)


@dataclass(frozen=True, slots=True)
class FlushReport:
    """What one pass did."""

    pushed: int = 0
    sent: int = 0
    rejected: int = 0
    batches: int = 0


class FlushFailed(HotlineError):
    """A push failed as a whole; the items were rescheduled with backoff."""

    default_zh = "上传失败，稍后自动重试"


class OutboxFlusher:
    """Pushes the outbox; see the module docstring."""

    def __init__(self, api: ApiClient, cache: LocalCache, *, batch_size: int = BATCH_SIZE
                 ) -> None:
        self._api = api
        self._cache = cache
        self._batch_size = max(1, batch_size)
        self._lock = asyncio.Lock()

    async def flush(self, *, ignore_backoff: bool = False) -> FlushReport:
        """Push every due operation. ``ignore_backoff``: also those waiting to retry
        (the connection just came back, or the operator asked to sync now).

        Raises :class:`FlushFailed` (its cause is the HotlineError of the request) when
        a push fails as a whole, or the :class:`AuthError` when the session ended.
        """
        async with self._lock:
            return await self._flush(ignore_backoff)

    async def _flush(self, ignore_backoff: bool) -> FlushReport:
        outbox = self._cache.outbox
        started = china_now()
        horizon = started + timedelta(seconds=BACKOFF_CAP_SECONDS + 1) if ignore_backoff \
            else None
        attempted: set[str] = set()
        pushed = sent = rejected = batches = 0
        while True:
            due_by = horizon if horizon is not None else china_now()
            batch = await self._cache.run(outbox.next_batch,
                                          self._batch_size + len(attempted), due_by)
            batch = [item for item in batch if item.op_id not in attempted][:self._batch_size]
            if not batch:
                break
            attempted.update(item.op_id for item in batch)
            ops, unsendable = self._ops(batch)
            results = unsendable
            if ops:
                response = await self._push(ops)
                results = results + [to_result(r) for r in response.results]
            answered = {r.op_id for r in results}
            missing = [item.op_id for item in batch if item.op_id not in answered]
            report = await self._cache.run(outbox.apply_results, results, china_now())
            if missing:
                log.warning("the server did not answer %d operations; retrying later",
                            len(missing))
                await self._cache.run(outbox.mark_attempt_failed, missing, china_now(),
                                      "no result for this operation in the server's answer")
            pushed += len(batch)
            sent += report.sent
            rejected += report.rejected
            batches += 1
        return FlushReport(pushed=pushed, sent=sent, rejected=rejected, batches=batches)

    @staticmethod
    def _ops(batch: Sequence[OutboxItem]) -> tuple[list[PushOp], list[PushResult]]:
        """The wire operations, and local rejections for items that cannot be sent."""
        ops: list[PushOp] = []
        unsendable: list[PushResult] = []
        for item in batch:
            try:
                ops.append(to_push_op(item))
            except ValidationError as exc:
                log.error("outbox operation %s cannot be sent: %s", item.op_id, exc)
                unsendable.append(PushResult(op_id=item.op_id, status=PushStatus.REJECTED,
                                             reason="本地记录格式不正确，无法上传，请联系技术人员"))
        return ops, unsendable

    async def _push(self, ops: Sequence[PushOp]) -> PushResponse:
        ids = [op.op_id for op in ops]
        try:
            return await self._api.push(list(ops))
        except AuthError:  # the session ended or the role may not push: say so, no retry
            raise
        except HotlineError as exc:
            await self._cache.run(self._cache.outbox.mark_attempt_failed, ids, china_now(),
                                  exc.message)
            raise FlushFailed(f"push of {len(ids)} operations failed: {exc.message}",
                              exc.message_zh) from exc
