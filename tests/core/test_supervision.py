"""Supervision triggers (第二十条 督办范围)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.supervision import (
    CLAUSES,
    DEFAULT_WINDOW,
    MatterReport,
    SupervisionFacts,
    SupervisionTrigger,
    count_same_matter,
    is_supervised,
    supervision_triggers,
)

T = SupervisionTrigger
CST = timezone(timedelta(hours=8))
NOW = datetime(2024, 3, 15, 10, 0, tzinfo=CST)


def codes(facts: SupervisionFacts) -> list[SupervisionTrigger]:
    return [trigger.code for trigger in supervision_triggers(facts)]


def test_an_ordinary_ticket_is_not_supervised() -> None:
    assert supervision_triggers(SupervisionFacts()) == []
    assert not is_supervised(SupervisionFacts())


@pytest.mark.parametrize(
    ("facts", "code", "clause"),
    [
        (SupervisionFacts(superior_assigned=True), T.SUPERIOR_ASSIGNED, "第二十条(一)"),
        (SupervisionFacts(leader_instructed=True), T.LEADER_INSTRUCTED, "第二十条(一)"),
        (SupervisionFacts(overdue=True), T.OVERDUE, "第二十条(二)"),
        (SupervisionFacts(progress_overdue=True), T.PROGRESS_OVERDUE, "第二十条(二)"),
        (SupervisionFacts(responsibility_unclear=True), T.RESPONSIBILITY_UNCLEAR, "第二十条(三)"),
        (SupervisionFacts(returned_for_poor_handling=True), T.RETURNED_POOR_HANDLING,
         "第二十条(四)"),
        (SupervisionFacts(units_involved=2), T.MULTIPLE_UNITS, "第二十条(五)"),
        (SupervisionFacts(regions_involved=3), T.MULTIPLE_REGIONS, "第二十条(五)"),
        (SupervisionFacts(same_requester_reports=3), T.REPEATED_BY_REQUESTER, "第二十条(六)"),
        (SupervisionFacts(distinct_requesters_in_window=5), T.CONCENTRATED, "第二十条(六)"),
        (SupervisionFacts(emerging_issue=True), T.EMERGING_ISSUE, "第二十条(六)"),
        (SupervisionFacts(media_exposed=True), T.MEDIA_EXPOSED, "第二十条(七)"),
        (SupervisionFacts(manually_flagged=True, flag_note="人大代表关注"), T.OTHER,
         "第二十条(八)"),
    ],
)
def test_each_ground_fires_alone_and_cites_its_clause(
    facts: SupervisionFacts, code: SupervisionTrigger, clause: str
) -> None:
    """第二十条(一)–(八): each ground on its own makes the ticket supervised."""
    triggers = supervision_triggers(facts)
    assert [t.code for t in triggers] == [code]
    assert triggers[0].clause == clause
    assert triggers[0].reason_zh.startswith(clause + "：" + code.label)


def test_reason_texts() -> None:
    (repeat,) = supervision_triggers(SupervisionFacts(same_requester_reports=4))
    assert repeat.reason_zh == "第二十条(六)：诉求人3次以上重复反映（本人已反映4次）"
    (crowd,) = supervision_triggers(SupervisionFacts(distinct_requesters_in_window=6))
    assert crowd.reason_zh == "第二十条(六)：5人次以上集中反映（7日内6人反映）"
    (crowd_1d,) = supervision_triggers(
        SupervisionFacts(distinct_requesters_in_window=5, window=timedelta(hours=36))
    )
    assert "36小时内5人反映" in crowd_1d.reason_zh
    (late,) = supervision_triggers(SupervisionFacts(progress_overdue=True))
    assert late.reason_zh == ("第二十条(二)：逾期未反馈办理进展"
                              "（第十七条(三)：法定期限内应动态反馈办理进展）")
    (flag,) = supervision_triggers(SupervisionFacts(manually_flagged=True, flag_note=" 媒体询问 "))
    assert flag.reason_zh == "第二十条(八)：其他需要督办的事项（媒体询问）"


@pytest.mark.parametrize(("times", "fires"), [(0, False), (1, False), (2, False), (3, True),
                                              (4, True), (10, True)])
def test_three_times_or_more_includes_three(times: int, fires: bool) -> None:
    """第二十条(六): "3次以上" includes 3 (以上 includes the number)."""
    facts = SupervisionFacts(same_requester_reports=times)
    assert (T.REPEATED_BY_REQUESTER in codes(facts)) is fires


@pytest.mark.parametrize(("people", "fires"), [(0, False), (4, False), (5, True), (6, True)])
def test_five_people_or_more_includes_five(people: int, fires: bool) -> None:
    """第二十条(六): "5人次以上" includes 5."""
    facts = SupervisionFacts(distinct_requesters_in_window=people)
    assert (T.CONCENTRATED in codes(facts)) is fires


@pytest.mark.parametrize(("units", "fires"), [(0, False), (1, False), (2, True)])
def test_several_units(units: int, fires: bool) -> None:
    """第二十条(五): 涉及多个部门 — a lead plus a co-handling unit is already two."""
    assert (T.MULTIPLE_UNITS in codes(SupervisionFacts(units_involved=units))) is fires


def test_everything_fires_in_article_order() -> None:
    facts = SupervisionFacts(
        superior_assigned=True, leader_instructed=True, overdue=True, progress_overdue=True,
        responsibility_unclear=True, returned_for_poor_handling=True, units_involved=3,
        regions_involved=2, same_requester_reports=3, distinct_requesters_in_window=5,
        emerging_issue=True, media_exposed=True, manually_flagged=True,
    )
    assert codes(facts) == list(SupervisionTrigger)
    assert set(CLAUSES) == set(SupervisionTrigger)


def _report(key: str, hours_before: float) -> MatterReport:
    return MatterReport(key, NOW - timedelta(hours=hours_before))


def test_count_same_matter() -> None:
    """第二十条(六): repeats of one requester (any time) and distinct people in 7 days."""
    reports = [
        _report("13800000001", 0),  # this ticket
        _report("13800000001", 24 * 30),  # a month ago: counts as a repeat
        _report("13800000001", 24 * 60),
        _report("13800000002", 1),
        _report("13800000002", 2),  # same person twice: one person
        _report("13800000003", 24 * 6.9),
        _report("13800000004", 24 * 7),  # exactly 7 days ago: outside (at - 7d, at]
        _report("13800000005", -1),  # after this ticket: ignored
        _report("  ", 1),  # anonymous: cannot be told apart
    ]
    same, people = count_same_matter(reports, "13800000001", NOW)
    assert (same, people) == (3, 3)
    facts = SupervisionFacts(same_requester_reports=same, distinct_requesters_in_window=people)
    assert codes(facts) == [T.REPEATED_BY_REQUESTER]
    _, people_30d = count_same_matter(reports, "13800000001", NOW, timedelta(days=30))
    assert people_30d == 4
    assert timedelta(days=7) == DEFAULT_WINDOW


def test_five_people_within_the_window() -> None:
    reports = [_report(f"1380000000{i}", i * 24) for i in range(5)]
    assert count_same_matter(reports, "13800000000", NOW) == (1, 5)
    spread = [_report(f"1380000000{i}", i * 48) for i in range(5)]  # 0..8 days
    assert count_same_matter(spread, "13800000000", NOW) == (1, 4)


def test_window_must_be_positive() -> None:
    with pytest.raises(ValueError):
        count_same_matter([], "x", NOW, timedelta(0))


@given(st.lists(st.tuples(st.sampled_from("abcdefg"), st.floats(0, 24 * 20)), max_size=30),
       st.integers(1, 20))
def test_counts_are_consistent(raw: list[tuple[str, float]], days: int) -> None:
    reports = [_report(key, hours) for key, hours in raw]
    window = timedelta(days=days)
    same, people = count_same_matter(reports, "a", NOW, window)
    assert same == sum(1 for key, _ in raw if key == "a")
    assert people <= len({key for key, _ in raw})
    # a wider window never counts fewer people
    assert count_same_matter(reports, "a", NOW, window + timedelta(days=1))[1] >= people


@given(st.builds(
    SupervisionFacts,
    superior_assigned=st.booleans(), leader_instructed=st.booleans(), overdue=st.booleans(),
    progress_overdue=st.booleans(),
    responsibility_unclear=st.booleans(), returned_for_poor_handling=st.booleans(),
    units_involved=st.integers(-2, 10), regions_involved=st.integers(-2, 10),
    same_requester_reports=st.integers(-2, 10), distinct_requesters_in_window=st.integers(-2, 10),
    emerging_issue=st.booleans(), media_exposed=st.booleans(), manually_flagged=st.booleans(),
    flag_note=st.text(max_size=10),
))
def test_triggers_match_the_facts(facts: SupervisionFacts) -> None:
    """Each trigger fires exactly when its fact holds; reasons always cite 第二十条."""
    fired = set(codes(facts))
    expected = {
        T.SUPERIOR_ASSIGNED: facts.superior_assigned,
        T.LEADER_INSTRUCTED: facts.leader_instructed,
        T.OVERDUE: facts.overdue,
        T.PROGRESS_OVERDUE: facts.progress_overdue,
        T.RESPONSIBILITY_UNCLEAR: facts.responsibility_unclear,
        T.RETURNED_POOR_HANDLING: facts.returned_for_poor_handling,
        T.MULTIPLE_UNITS: facts.units_involved >= 2,
        T.MULTIPLE_REGIONS: facts.regions_involved >= 2,
        T.REPEATED_BY_REQUESTER: facts.same_requester_reports >= 3,
        T.CONCENTRATED: facts.distinct_requesters_in_window >= 5,
        T.EMERGING_ISSUE: facts.emerging_issue,
        T.MEDIA_EXPOSED: facts.media_exposed,
        T.OTHER: facts.manually_flagged,
    }
    assert fired == {code for code, holds in expected.items() if holds}
    assert all(t.reason_zh.startswith("第二十条(") for t in supervision_triggers(facts))
    assert is_supervised(facts) is bool(fired)
    assert is_supervised(replace(facts, overdue=True))
