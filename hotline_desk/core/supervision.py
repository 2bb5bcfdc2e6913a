"""Which tickets the centre supervises (督办, 第二十条).

The caller gathers the facts of a ticket into :class:`SupervisionFacts` (plain
values, no database) and :func:`supervision_triggers` says which clauses of 第二十条
apply, each with a stable code and a Chinese reason that cites the clause, e.g.
``第二十条(六)：诉求人3次以上重复反映（本人已反映3次）``.

Counting, in Chinese legal usage "以上" includes the number itself:

* (六) "诉求人3次以上重复反映" fires when the same requester has raised the same matter
  3 or more times, this ticket included. No time limit: the regulation gives none.
* (六) "5人次以上集中反映" fires when 5 or more people raised the same matter within
  the concentration window (:data:`DEFAULT_WINDOW`, 7 calendar days — "集中" means
  close together in time, and a week is the span a centre's daily hot-topic review
  looks back over; the window is a parameter). People are counted *distinct*,
  identified by their requester key (normally the canonical phone number): one
  person calling five times is the repeated-requester trigger, not a concentrated
  one, so it is not counted twice.
* (五) "涉及多个地区或部门" fires for 2 or more distinct units or regions. A ticket with
  a lead unit and co-handling units (第十二条(四)) therefore is supervised.

Overdue (二) has two grounds of its own: the ticket is past its first-contact or
completion deadline (逾期未办理（结）), or — under a deadline set by law, which 第十七条(三)
lets stand "but progress must be reported as it goes" — the unit has not reported progress
by the time a report was due (逾期未反馈办理进展). A report not made on time is a step of
the handling not done in time, so it rests on (二) as well; it has its own code so the
centre can tell a late report from a late ticket.

Nothing here counts working days: "overdue" is a fact the deadlines modules decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from hotline_desk.core.vocabulary import LabeledEnum

__all__ = [
    "CLAUSES",
    "CONCENTRATED_MIN_PEOPLE",
    "DEFAULT_WINDOW",
    "REPEAT_MIN_TIMES",
    "MatterReport",
    "SupervisionFacts",
    "SupervisionTrigger",
    "Trigger",
    "count_same_matter",
    "is_supervised",
    "supervision_triggers",
]

REPEAT_MIN_TIMES = 3  # 3次以上
CONCENTRATED_MIN_PEOPLE = 5  # 5人次以上
DEFAULT_WINDOW = timedelta(days=7)


class SupervisionTrigger(LabeledEnum):
    """The grounds for supervision in 第二十条, one member per distinct ground."""

    SUPERIOR_ASSIGNED = ("superior_assigned", "上级单位转办事项")
    LEADER_INSTRUCTED = ("leader_instructed", "领导批示事项")
    OVERDUE = ("overdue", "逾期未办理（结）")
    PROGRESS_OVERDUE = ("progress_overdue", "逾期未反馈办理进展")
    RESPONSIBILITY_UNCLEAR = ("responsibility_unclear", "职责界定不清、权责不明")
    RETURNED_POOR_HANDLING = ("returned_poor_handling", "办理质量不高被退回")
    MULTIPLE_UNITS = ("multiple_units", "涉及多个部门")
    MULTIPLE_REGIONS = ("multiple_regions", "涉及多个地区")
    REPEATED_BY_REQUESTER = ("repeated_by_requester", "诉求人3次以上重复反映")
    CONCENTRATED = ("concentrated", "5人次以上集中反映")
    EMERGING_ISSUE = ("emerging_issue", "突发性、苗头性、趋势性问题")
    MEDIA_EXPOSED = ("media_exposed", "新闻媒体曝光")
    OTHER = ("other", "其他需要督办的事项")


#: The clause of 第二十条 each trigger rests on.
CLAUSES: dict[SupervisionTrigger, str] = {
    SupervisionTrigger.SUPERIOR_ASSIGNED: "(一)",
    SupervisionTrigger.LEADER_INSTRUCTED: "(一)",
    SupervisionTrigger.OVERDUE: "(二)",
    SupervisionTrigger.PROGRESS_OVERDUE: "(二)",
    SupervisionTrigger.RESPONSIBILITY_UNCLEAR: "(三)",
    SupervisionTrigger.RETURNED_POOR_HANDLING: "(四)",
    SupervisionTrigger.MULTIPLE_UNITS: "(五)",
    SupervisionTrigger.MULTIPLE_REGIONS: "(五)",
    SupervisionTrigger.REPEATED_BY_REQUESTER: "(六)",
    SupervisionTrigger.CONCENTRATED: "(六)",
    SupervisionTrigger.EMERGING_ISSUE: "(六)",
    SupervisionTrigger.MEDIA_EXPOSED: "(七)",
    SupervisionTrigger.OTHER: "(八)",
}


@dataclass(frozen=True, slots=True)
class SupervisionFacts:
    """What is known about one ticket, as plain values.

    ``same_requester_reports`` and ``distinct_requesters_in_window`` count this
    ticket too (a first report is 1); :func:`count_same_matter` computes both from the
    reports of the same matter. ``window`` is the span the distinct count was taken
    over, shown in the reason.
    """

    superior_assigned: bool = False
    leader_instructed: bool = False
    overdue: bool = False
    progress_overdue: bool = False  # a progress report due under 第十七条(三) not made
    responsibility_unclear: bool = False
    returned_for_poor_handling: bool = False
    units_involved: int = 1
    regions_involved: int = 1
    same_requester_reports: int = 1
    distinct_requesters_in_window: int = 1
    window: timedelta = DEFAULT_WINDOW
    emerging_issue: bool = False
    media_exposed: bool = False
    manually_flagged: bool = False
    flag_note: str = ""


@dataclass(frozen=True, slots=True)
class Trigger:
    """One ground for supervision that applies to a ticket."""

    code: SupervisionTrigger
    reason_zh: str

    @property
    def clause(self) -> str:
        """``第二十条(六)`` and the like."""
        return "第二十条" + CLAUSES[self.code]


@dataclass(frozen=True, slots=True)
class MatterReport:
    """One report of a matter: who (a stable requester key) and when it came in."""

    requester_key: str
    received_at: datetime


def count_same_matter(
    reports: Iterable[MatterReport],
    requester_key: str,
    at: datetime,
    window: timedelta = DEFAULT_WINDOW,
) -> tuple[int, int]:
    """``(same_requester_reports, distinct_requesters_in_window)`` for 第二十条(六).

    ``reports`` are every report of the same matter (this ticket included); ``at`` is
    when this ticket came in. The first number counts the reports of
    ``requester_key`` up to ``at`` with no time limit; the second counts distinct
    requesters whose reports fall in ``(at - window, at]``. Reports after ``at`` are
    ignored (facts as they stood then). Blank requester keys (anonymous online
    messages) cannot be told apart and are not counted. ``window`` must be positive.
    Aware and naive datetimes must not be mixed (Python refuses to compare them).
    """
    if window <= timedelta(0):
        raise ValueError("the concentration window must be positive")
    key = requester_key.strip()
    start = at - window
    same = 0
    people: set[str] = set()
    for report in reports:
        if report.received_at > at:
            continue
        other = report.requester_key.strip()
        if not other:
            continue
        if other == key:
            same += 1
        if report.received_at > start:
            people.add(other)
    return same, len(people)


def _window_text(window: timedelta) -> str:
    if window.total_seconds() % 86400 == 0:
        return f"{window.days}日内"
    hours = window.total_seconds() / 3600
    return f"{hours:g}小时内"


def supervision_triggers(facts: SupervisionFacts) -> list[Trigger]:
    """Every ground of 第二十条 that applies, in the order of the article."""
    found: list[Trigger] = []

    def fire(code: SupervisionTrigger, detail: str = "") -> None:
        reason = f"第二十条{CLAUSES[code]}：{code.label}"
        found.append(Trigger(code, reason + (f"（{detail}）" if detail else "")))

    if facts.superior_assigned:
        fire(SupervisionTrigger.SUPERIOR_ASSIGNED)
    if facts.leader_instructed:
        fire(SupervisionTrigger.LEADER_INSTRUCTED)
    if facts.overdue:
        fire(SupervisionTrigger.OVERDUE)
    if facts.progress_overdue:
        fire(SupervisionTrigger.PROGRESS_OVERDUE, "第十七条(三)：法定期限内应动态反馈办理进展")
    if facts.responsibility_unclear:
        fire(SupervisionTrigger.RESPONSIBILITY_UNCLEAR)
    if facts.returned_for_poor_handling:
        fire(SupervisionTrigger.RETURNED_POOR_HANDLING)
    if facts.units_involved >= 2:
        fire(SupervisionTrigger.MULTIPLE_UNITS, f"{facts.units_involved}个部门")
    if facts.regions_involved >= 2:
        fire(SupervisionTrigger.MULTIPLE_REGIONS, f"{facts.regions_involved}个地区")
    if facts.same_requester_reports >= REPEAT_MIN_TIMES:
        fire(
            SupervisionTrigger.REPEATED_BY_REQUESTER,
            f"本人已反映{facts.same_requester_reports}次",
        )
    if facts.distinct_requesters_in_window >= CONCENTRATED_MIN_PEOPLE:
        fire(
            SupervisionTrigger.CONCENTRATED,
            f"{_window_text(facts.window)}{facts.distinct_requesters_in_window}人反映",
        )
    if facts.emerging_issue:
        fire(SupervisionTrigger.EMERGING_ISSUE)
    if facts.media_exposed:
        fire(SupervisionTrigger.MEDIA_EXPOSED)
    if facts.manually_flagged:
        fire(SupervisionTrigger.OTHER, facts.flag_note.strip())
    return found


def is_supervised(facts: SupervisionFacts) -> bool:
    """Whether any ground of 第二十条 applies."""
    return bool(supervision_triggers(facts))
