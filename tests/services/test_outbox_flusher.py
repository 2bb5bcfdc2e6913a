"""How the server's per-item answers become outbox results: a rejected item keeps the
server's reason in Chinese (the protocol's error-code table plus the rule's own field
messages, e.g. 第十一条 required fields) and the record kinds map to push kinds."""

from __future__ import annotations

from datetime import datetime

import uuid6

from hotline_desk.core.protocol import ErrorCode, Problem, PushReason
from hotline_desk.core.protocol import PushResult as WireResult
from hotline_desk.core.protocol import PushStatus as WireStatus
from hotline_desk.services.outbox_flusher import op_kind, reason_zh, to_push_op, to_result
from hotline_desk.storage.cache.models import CHINA_TZ
from hotline_desk.storage.cache.outbox import OutboxItem, OutboxStatus, PushStatus


def test_rejected_reason_is_chinese_with_every_problem() -> None:
    reason = PushReason(code=ErrorCode.VALIDATION_ERROR, message="the ticket has invalid fields",
                        problems=[Problem(location="payload", field="content",
                                          message="请填写诉求内容"),
                                  Problem(location="payload", field="requester_phone",
                                          message="请填写诉求人联系电话")])
    text = reason_zh(reason, WireStatus.REJECTED)
    assert text == "提交的内容不符合要求，请检查后重试：请填写诉求内容；请填写诉求人联系电话"
    assert reason_zh(None, WireStatus.CONFLICT) == WireStatus.CONFLICT.label


def test_results_map_to_the_outbox_vocabulary() -> None:
    op_id = str(uuid6.uuid7())
    applied = to_result(WireResult(op_id=op_id, status=WireStatus.APPLIED,
                                   server_no="HF20261129000001"))
    assert applied.status is PushStatus.APPLIED and applied.server_no == "HF20261129000001"
    assert applied.reason is None
    duplicate = to_result(WireResult(op_id=op_id, status=WireStatus.DUPLICATE,
                                     server_no="HF20261129000001"))
    assert duplicate.status is PushStatus.DUPLICATE
    conflict = to_result(WireResult(op_id=op_id, status=WireStatus.CONFLICT, reason=PushReason(
        code=ErrorCode.VERSION_CONFLICT, message="stale")))
    assert conflict.status is PushStatus.CONFLICT
    assert conflict.reason == "记录已被他人修改，请刷新后重试"


def test_record_kinds_become_push_kinds() -> None:
    assert op_kind("transfer") == "expert_transfer"
    assert op_kind("ticket") == "ticket" and op_kind("abusive_call") == "abusive_call"
    now = datetime(2026, 11, 29, 9, 0, tzinfo=CHINA_TZ)
    item = OutboxItem(op_id=str(uuid6.uuid7()), kind="transfer", local_no="本地-20261129-0001",
                      payload={"reference_kind": "call", "reference": "x", "note": "n"},
                      created_at=now, status=OutboxStatus.PENDING, attempts=0,
                      next_attempt_at=now, last_error=None, reject_reason=None, server_no=None,
                      sent_at=None)
    op = to_push_op(item)
    assert op.kind == "expert_transfer" and op.occurred_at == now and op.payload == item.payload
