"""Saving what the operator decided about a call — first locally, then synced.

Every way a call ends is a record (第十条 a refusal is "如实记录", 第十二条 every
handling path is recorded): a ticket (dispatched or recorded for dispatch), a
consultation answered on the spot from the knowledge base, a refusal with its basis
and referral, an emergency handoff with the line and the number, an abusive-call
marking (第十三条), a transfer to an expert seat (第八条).

"Save first": each save validates with the core rules (``core.ticket_draft`` and the
wire payload models of ``core.protocol``), then writes the record and its outbox
operation in ONE cache transaction and returns at once with the provisional number
("本地-20261129-0001") and the operation id (UUIDv7). It never waits for the network;
the sync engine pushes it (``add_listener`` tells the composition root a save
happened, which wakes the flusher). A save handed to the cache worker always
completes, even when the awaiting task is cancelled (quitting the desk).

The payload stored is exactly the push payload, so a record the server rejected can
be corrected and resent under the same operation id (:meth:`retry_rejected`).

Every record carries the id of the call it was saved in (``call_id``, the UUIDv7 that
``CallService.new_call`` chose), so the server links the records one call ended in
(a ticket and an expert transfer, a refusal then an emergency handoff) and counts the
call once (第二十七条, 第三十三条). An abusive-call mark is a local record like the
others (kind ``abusive_call``), so it is listed in the desk's recent records with its
sync state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.protocol import (
    AbusiveCallPayload,
    EmergencyHandoffPayload,
    KBClosurePayload,
    PushOpKind,
    RefusalPayload,
    TicketCreatePayload,
    TransferCreate,
    TransferReferenceKind,
    WireModel,
)
from hotline_desk.core.ticket_draft import DraftPurpose, TicketDraft, check_form, clean_draft
from hotline_desk.core.vocabulary import Area, Channel, RequestType
from hotline_desk.services.calls import Call
from hotline_desk.services.clock import china_now
from hotline_desk.services.knowledge import KnowledgeService
from hotline_desk.services.listeners import Listeners
from hotline_desk.services.reference import ReferenceService
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.outbox import OutboxItem
from hotline_desk.storage.cache.tickets import LocalRecord, RecordKind

log = logging.getLogger(__name__)

Form = Mapping[str, str | list[str]]

#: What the desk calls a locally saved record (the cache's record type).
LocalTicket = LocalRecord


@dataclass(frozen=True, slots=True)
class SavedRecord:
    """What a save returns at once."""

    local_no: str
    op_id: str
    kind: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RejectedItem:
    """A saved record the server refused, with its reason in Chinese."""

    op_id: str
    kind: str
    kind_label: str
    local_no: str | None
    reason_zh: str
    payload: dict[str, Any]
    created_at: datetime


_KIND_LABELS = {**{k.value: k.label for k in RecordKind},
                **{k.value: k.label for k in PushOpKind}}


def _problems_error(problems: Mapping[str, str], what: str) -> DataFormatError:
    listed = [("表单", field, message) for field, message in problems.items()]
    summary = "；".join(problems.values())
    return DataFormatError(f"{what}: {len(problems)} problems ({', '.join(problems)})",
                           f"请先修改：{summary}", problems=listed)


def _wire(model: type[WireModel], data: Mapping[str, Any], what: str) -> dict[str, Any]:
    """Check ``data`` against its wire payload model; the JSON-ready dict."""
    try:
        return model.model_validate(dict(data)).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        problems = [("表单", ".".join(str(p) for p in err["loc"]), str(err["msg"]))
                    for err in exc.errors()]
        raise DataFormatError(f"{what} payload invalid: {exc.error_count()} problems",
                              "记录内容不符合要求（内容过长或含有不可见字符），请检查后重试",
                              problems=problems) from exc


def draft_fields(draft: TicketDraft) -> dict[str, Any]:
    """The common ticket fields of a cleaned draft, as wire text."""
    return {
        "requester_phone": draft.requester_phone,
        "requester_name": draft.requester_name,
        "content": draft.content,
        "request_type": draft.request_type.value if draft.request_type else "",
        "area": draft.area.value if draft.area else "",
        "channel": draft.channel.value if draft.channel else "",
        "source": draft.source.value,
        "priority": draft.priority.value,
        "location": draft.location,
        "source_ticket_no": draft.source_ticket_no,
    }


def call_fields(call: Call | None) -> dict[str, Any]:
    """The call a record belongs to, as payload fields (none without a call)."""
    return {"call_id": call.call_id} if call is not None else {}


class TicketService:
    """Validation and local saves of everything a call can end in."""

    def __init__(self, cache: LocalCache, knowledge: KnowledgeService,
                 reference: ReferenceService, *,
                 clock: Callable[[], datetime] = china_now) -> None:
        self._cache = cache
        self._knowledge = knowledge
        self._reference = reference
        self._clock = clock
        self._listeners: Listeners[SavedRecord] = Listeners()

    def add_listener(self, callback: Callable[[SavedRecord], object]) -> Callable[[], None]:
        """``callback(saved)`` after every local save (wire it to ``SyncEngine.notify_saved``)."""
        return self._listeners.add(callback)

    # ---------------------------------------------------------------- validation

    def check(self, form: Form, purpose: DraftPurpose | str = DraftPurpose.DISPATCH
              ) -> dict[str, str]:
        """Every problem of the form as ``{field: 中文提示}`` (synchronous, cheap)."""
        return check_form(form, purpose)[1]

    # --------------------------------------------------------------------- saves

    async def _save(self, kind: RecordKind, payload: dict[str, Any], *,
                    draft_key: str | None = None) -> SavedRecord:
        saved = await self._cache.run(self._cache.tickets.save_local, kind.value, payload,
                                      now=self._clock(), draft_key=draft_key)
        record = SavedRecord(local_no=saved.local_no, op_id=saved.op_id, kind=kind.value,
                             created_at=saved.created_at)
        log.info("saved %s %s (operation %s)", kind.value, saved.local_no, saved.op_id)
        self._listeners.notify(record)
        return record

    async def save_ticket(self, call: Call | None, form: Form, *,
                          purpose: DraftPurpose | str = DraftPurpose.DISPATCH,
                          draft_key: str | None = None) -> SavedRecord:
        """A ticket to dispatch now (``dispatch``) or later (``record``), 第十一、十二条."""
        chosen = DraftPurpose.from_label(str(purpose))
        if chosen is DraftPurpose.ANSWER_ON_SPOT:
            raise DataFormatError("use answer_on_spot for on-the-spot answers",
                                  "即时办结请使用“解答完毕”")
        values = dict(form)
        if call is not None and not str(values.get("requester_phone") or "").strip():
            values["requester_phone"] = call.phone_display
        draft, problems = check_form(values, chosen)
        if problems:
            raise _problems_error(problems, "ticket")
        clean = clean_draft(draft)
        payload = _wire(TicketCreatePayload, {
            **draft_fields(clean),
            "purpose": chosen.value,
            "lead_unit": clean.lead_unit,
            "co_units": list(clean.co_units),
            "handling_requirements": clean.handling_requirements,
            "kb_entry_id": clean.kb_entry_id,
            "topic": str(values.get("topic") or "").strip()[:40],
            "note": str(values.get("note") or "").strip(),
            **call_fields(call),
        }, "ticket")
        return await self._save(RecordKind.TICKET, payload, draft_key=draft_key)

    async def answer_on_spot(self, call: Call, entry_id: str, form: Form | None = None, *,
                             draft_key: str | None = None) -> SavedRecord:
        """A consultation answered from the knowledge base (即时办结, 第十二条(一))."""
        entry = self._knowledge.entry(entry_id)
        if entry is None:
            raise DataFormatError(f"knowledge-base entry {entry_id!r} not found",
                                  "所选知识库条目不存在或已下线，请重新检索")
        values: dict[str, Any] = {
            "requester_phone": call.phone_display,
            "content": f"咨询：{entry.title}",
            "request_type": RequestType.CONSULTATION.value,
            "area": (entry.category or Area.PUBLIC_SERVICE).value,
            "channel": Channel.PHONE.value,
        }
        values.update({k: v for k, v in (form or {}).items() if v not in ("", None, [])})
        values["kb_entry_id"] = entry.id
        draft, problems = check_form(values, DraftPurpose.ANSWER_ON_SPOT)
        if problems:
            raise _problems_error(problems, "kb closure")
        clean = clean_draft(draft)
        payload = _wire(KBClosurePayload, {
            **draft_fields(clean),
            "topic": str(values.get("topic") or "").strip()[:40],
            "kb_entry_id": entry.id, "kb_entry_version": entry.version,
            "note": str(values.get("note") or "").strip(),
            **call_fields(call),
        }, "kb closure")
        return await self._save(RecordKind.KB_CLOSURE, payload, draft_key=draft_key)

    async def refuse(self, call: Call, ground_code: str, note: str = "", *,
                     content: str = "", referral_index: int = 0) -> SavedRecord:
        """A non-accepted request, recorded truthfully with its basis (第十条).

        ``ground_code``: a reason code of the catalogue (or a 第十条 ground code);
        the referral told to the caller is the reason's ``referral_index``-th one.
        """
        reason = self._reference.refusal_reason(ground_code)
        referral = reason.referrals[referral_index] \
            if 0 <= referral_index < len(reason.referrals) else None
        payload = _wire(RefusalPayload, {
            "ground": reason.ground.value,
            "reason": reason.record_text(),
            "referral_unit": referral.unit if referral else "",
            "referral_contact": (referral.contact or referral.number or "") if referral else "",
            "requester_phone": call.phone_display if call.phone_valid else "",
            "content": content.strip(),
            "channel": Channel.PHONE.value,
            "note": note.strip(),
            **call_fields(call),
        }, "refusal")
        return await self._save(RecordKind.REFUSAL, payload)

    async def emergency_handoff(self, call: Call, line_code: str, *, note: str = "",
                                number: str | None = None, location: str = "",
                                content: str = "") -> SavedRecord:
        """Handed to 110/119/120/122 or a utility line (第十二条(三)); the number dialled
        is recorded (the city's own number when configured)."""
        line = self._reference.emergency_line(line_code)
        dialled = (number or line.number or "").strip()
        if not dialled:
            raise DataFormatError(f"no number for line {line_code}",
                                  line.notice_zh or "该热线号码尚未配置，请填写实际转接的号码")
        payload = _wire(EmergencyHandoffPayload, {
            "line": line.code, "number": dialled,
            "requester_phone": call.phone_display if call.phone_valid else "",
            "content": content.strip(), "location": location.strip(),
            "channel": Channel.PHONE.value, "note": note.strip(),
            **call_fields(call),
        }, "emergency handoff")
        return await self._save(RecordKind.EMERGENCY_HANDOFF, payload)

    async def mark_abusive(self, call: Call, note: str) -> SavedRecord:
        """Mark the call abusive or harassing (第十三条); the server audits it."""
        if not note or not note.strip():
            raise DataFormatError("abusive-call note is empty",
                                  "请简要说明骚扰或辱骂情况（第十三条）")
        payload = _wire(AbusiveCallPayload, {"phone": call.phone_display,
                                             "note": note.strip(), **call_fields(call)},
                        "abusive call")
        return await self._save(RecordKind.ABUSIVE_CALL, payload)

    async def transfer_to_expert(self, call: Call, ticket_ref: str | None,
                                 note: str) -> SavedRecord:
        """Hand the call (or one of its tickets) to the expert queue (第八条)."""
        reference = (ticket_ref or "").strip()
        if not note or not note.strip():
            raise DataFormatError("transfer note is empty", "请填写转专家座席的说明")
        payload = _wire(TransferCreate, {
            "reference_kind": (TransferReferenceKind.TICKET if reference
                               else TransferReferenceKind.CALL).value,
            "reference": reference or call.call_id,
            "note": note,
            "caller_phone": call.phone_display if call.phone_valid else None,
            **call_fields(call),
        }, "expert transfer")
        return await self._save(RecordKind.TRANSFER, payload)

    # -------------------------------------------------------------------- drafts

    async def save_draft(self, key: str, form: Form) -> None:
        await self._cache.run(self._cache.drafts.save_draft, key, dict(form), self._clock())

    async def load_drafts(self) -> dict[str, dict[str, Any]]:
        drafts = await self._cache.run(self._cache.drafts.load_drafts)
        return {draft.key: draft.payload for draft in drafts}

    async def delete_draft(self, key: str) -> bool:
        return await self._cache.run(self._cache.drafts.delete_draft, key)

    # ----------------------------------------------------------------- listings

    async def recent(self, limit: int = 50) -> list[LocalRecord]:
        return await self._cache.run(self._cache.tickets.recent, limit)

    async def rejected(self) -> list[RejectedItem]:
        items: list[OutboxItem] = await self._cache.run(self._cache.outbox.rejected_items)
        return [RejectedItem(op_id=i.op_id, kind=i.kind,
                             kind_label=_KIND_LABELS.get(i.kind, i.kind), local_no=i.local_no,
                             reason_zh=i.reject_reason or "服务器拒绝", payload=i.payload,
                             created_at=i.created_at) for i in items]

    async def retry_rejected(self, op_id: str, payload: Mapping[str, Any] | None = None
                             ) -> None:
        """Send a rejected record again (same operation id), optionally corrected."""
        item = await self._cache.run(self._cache.outbox.retry_rejected, op_id,
                                     dict(payload) if payload is not None else None,
                                     self._clock())
        self._listeners.notify(SavedRecord(local_no=item.local_no or "", op_id=item.op_id,
                                           kind=item.kind, created_at=item.created_at))

    async def discard_rejected(self, op_id: str, note: str = "") -> None:
        """Give up on a rejected record; it stays in the cache with an audit line."""
        await self._cache.run(self._cache.outbox.discard_rejected, op_id, note, self._clock())
