"""Which tickets are supervised (督办, 第二十条), recomputed whenever their facts change.

The rules are ``core.supervision``; this module gathers the facts of a ticket into
``SupervisionFacts`` and stores the outcome (``supervised`` and the triggers with their
Chinese reasons) on the row, so team leads can list supervised tickets cheaply. Facts and
where they come from:

* (一) superior assigned: the ticket came from the national platform (国家级平台交办), or
  a team lead recorded it; leader's instruction: recorded by a team lead (``supervision``
  push operation);
* (二) overdue: ``tickets_deadlines.is_overdue`` (the scheduler and every read); a progress
  report due under a legal deadline (第十七条(三)) and not made:
  ``tickets_deadlines.is_progress_overdue`` (its own ground, ``progress_overdue``);
* (三) responsibility unclear: a team lead recorded it, or a unit's return request was
  approved (the unit showed the matter is outside its remit, so whose it is was unclear);
* (四) returned for poor handling: a completion sent back (退回重办) or a poor rating
  (差评, 第二十五条);
* (五) several units: the lead unit plus co-handling units; several regions: the regions a
  team lead recorded;
* (六) repeated by the requester / concentrated: ``core.supervision.count_same_matter``
  over the reports of the same matter (``core.ticket_protocol``: same matter key or same
  place key); a report is an accepted ticket (dispatched, recorded, or answered on the
  spot), not a refusal or an emergency handoff; emerging issue: recorded by a team lead;
* (七) media exposure and (八) other: recorded by a team lead.

Only tickets for dispatch are supervised (第二十条 supervises 转办工单); a consultation
answered on the spot still counts as a report of its matter. When a new report arrives,
the open tickets of the same matter whose grounds it can change are re-evaluated too
(:func:`refresh_same_matter`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import peewee

from hotline_desk.core.protocol import FINISHED_STATES, SupervisionOut
from hotline_desk.core.supervision import (
    CONCENTRATED_MIN_PEOPLE,
    DEFAULT_WINDOW,
    MatterReport,
    SupervisionFacts,
    SupervisionTrigger,
    Trigger,
    count_same_matter,
    supervision_triggers,
)
from hotline_desk.core.vocabulary import Source, TicketState
from hotline_desk.storage.server.tickets_deadlines import is_progress_overdue
from hotline_desk.storage.server.tickets_models import TicketRow

#: Ticket kinds that are reports of a matter (第二十条(六)).
COUNTED_KINDS = ("ticket", "kb_closure")
#: Flags a team lead may set (``SupervisionPayload``) or events set.
FLAG_NAMES = ("superior_assigned", "leader_instructed", "responsibility_unclear",
              "returned_for_poor_handling", "emerging_issue", "media_exposed",
              "manually_flagged")


def _same_matter(row: TicketRow) -> peewee.Expression | None:
    conditions = []
    if row.matter_key:
        conditions.append(TicketRow.matter_key == row.matter_key)
    if row.place_key:
        conditions.append(TicketRow.place_key == row.place_key)
    if not conditions:
        return None
    expression = conditions[0]
    for extra in conditions[1:]:
        expression = expression | extra
    return expression


def matter_counts(db: peewee.Database, row: TicketRow, at: datetime) -> tuple[int, int]:
    """``(same requester, distinct requesters in the window)``, this ticket included."""
    phone = row.requester_phone or ""
    condition = _same_matter(row)
    if condition is None:
        return (1, 1) if phone else (0, 0)
    in_scope = condition & TicketRow.kind.in_(COUNTED_KINDS) & (TicketRow.received_at <= at)
    mine = TicketRow.requester_phone == phone if phone else None
    recent = TicketRow.received_at > at - DEFAULT_WINDOW
    where = in_scope & ((mine | recent) if mine is not None else recent)
    reports = [
        MatterReport(requester_key=key or "", received_at=received)
        for key, received in TicketRow.select(TicketRow.requester_phone, TicketRow.received_at)
        .where(where).tuples().execute(db)
    ]
    return count_same_matter(reports, phone, at)


def facts_of(row: TicketRow, flags: dict[str, Any], overdue: bool,
             progress_overdue: bool = False) -> SupervisionFacts:
    regions = flags.get("regions") or []
    units = 1 + len(row.co_units or []) if row.lead_unit else 1
    return SupervisionFacts(
        superior_assigned=bool(flags.get("superior_assigned"))
        or row.source == Source.NATIONAL_PLATFORM.value,
        leader_instructed=bool(flags.get("leader_instructed")),
        overdue=overdue,
        progress_overdue=progress_overdue,
        responsibility_unclear=bool(flags.get("responsibility_unclear")),
        returned_for_poor_handling=bool(flags.get("returned_for_poor_handling")),
        units_involved=units,
        regions_involved=max(1, len(set(regions))),
        same_requester_reports=int(flags.get("same_requester_reports", 1)),
        distinct_requesters_in_window=int(flags.get("distinct_requesters_in_window", 1)),
        emerging_issue=bool(flags.get("emerging_issue")),
        media_exposed=bool(flags.get("media_exposed")),
        manually_flagged=bool(flags.get("manually_flagged")),
        flag_note=str(flags.get("flag_note") or ""),
    )


def triggers_of(row: TicketRow, flags: dict[str, Any], overdue: bool,
                progress_overdue: bool = False) -> list[Trigger]:
    if row.kind != "ticket":
        return []
    return supervision_triggers(facts_of(row, flags, overdue, progress_overdue))


def to_out(triggers: list[Trigger]) -> list[SupervisionOut]:
    return [SupervisionOut(code=t.code.value, clause=t.clause, reason_zh=t.reason_zh)
            for t in triggers]


def recompute(db: peewee.Database, row: TicketRow, now: datetime, *,
              overdue: bool, flags_update: dict[str, Any] | None = None,
              count: bool = True, progress_overdue: bool | None = None) -> dict[str, Any]:
    """The supervision columns of ``row`` (its stored flags updated, counts refreshed).

    ``progress_overdue``: whether a progress report is past due (第十七条(三)); ``None``:
    the stored flag, or past due at ``now`` by the row's progress deadline.
    """
    if progress_overdue is None:
        progress_overdue = bool(row.progress_overdue) or is_progress_overdue(row, now)
    flags = dict(row.supervision_flags or {})
    flags.update(flags_update or {})
    if count and row.kind in COUNTED_KINDS:
        same, distinct = matter_counts(db, row, now)
        flags["same_requester_reports"] = same
        flags["distinct_requesters_in_window"] = distinct
    triggers = triggers_of(row, flags, overdue, progress_overdue)
    return {"supervision_flags": flags, "supervised": bool(triggers),
            "supervision": [item.model_dump() for item in to_out(triggers)]}


def refresh_same_matter(db: peewee.Database, row: TicketRow, now: datetime,
                        take_version: Any) -> int:
    """Re-evaluate the open tickets whose grounds a new report ``row`` may change; returns
    how many became (or stopped being) supervised on some ground.

    A new report can change two grounds of *other* open tickets of its matter: (六)
    repeated by the requester — the tickets of the same requester are re-evaluated —
    and (六) concentrated — once the new report's matter reaches 5 people, the tickets
    not yet flagged concentrated are re-evaluated. (Other tickets' counts otherwise stay
    as they were last evaluated: re-counting every open ticket of a busy matter on every
    new call would cost a query per ticket.) ``take_version()`` hands out the next ticket
    change version for each ticket whose grounds changed, so desks and team leads see it;
    a mere change of a count is stored without one.
    """
    condition = _same_matter(row)
    if condition is None or row.kind not in COUNTED_KINDS:
        return 0
    flags = row.supervision_flags or {}
    concentrated = int(flags.get("distinct_requesters_in_window", 1)) >= CONCENTRATED_MIN_PEOPLE
    finished = [state.value for state in FINISHED_STATES]
    candidates = (TicketRow.select(TicketRow.id, TicketRow.requester_phone,
                                   TicketRow.supervision)
                  .where(condition & (TicketRow.kind == "ticket") & (TicketRow.id != row.id)
                         & TicketRow.state.not_in(finished))
                  .order_by(TicketRow.id).execute(db))
    targets = [
        candidate.id for candidate in candidates
        if (row.requester_phone and candidate.requester_phone == row.requester_phone)
        or (concentrated and SupervisionTrigger.CONCENTRATED.value
            not in [item.get("code") for item in candidate.supervision or []])
    ]
    changed = 0
    for other in TicketRow.select().where(TicketRow.id.in_(targets)).order_by(
            TicketRow.id).execute(db) if targets else []:
        values = recompute(db, other, now, overdue=bool(other.overdue))
        before = [item.get("code") for item in other.supervision or []]
        after = [item["code"] for item in values["supervision"]]
        if after == before:
            # Only the counts in the reasons moved: stored quietly (reads recompute the
            # reasons from the flags), the feed is not flooded with every new report.
            if values["supervision_flags"] != (other.supervision_flags or {}):
                TicketRow.update(**values).where(TicketRow.id == other.id).execute(db)
            continue
        TicketRow.update(change_version=take_version(), updated_at=now, **values).where(
            TicketRow.id == other.id).execute(db)
        changed += 1
    return changed


def is_open(state: TicketState) -> bool:
    return state not in FINISHED_STATES
