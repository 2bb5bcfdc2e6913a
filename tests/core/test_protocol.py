"""core.protocol: versions, error codes, shared models and rules of server and desk.

第三十条 (多方校核: the review workflow), 第三十一条 (sync), 第三十四条 (数据脱敏 in the
models' phone handling), 第三十五条 (账号安全: password policy).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hotline_desk.core.errors import AuthError, NetworkError, RuleViolation, StorageError
from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.protocol import (
    KB_TRANSITIONS,
    PROTOCOL_VERSION,
    AccountCreate,
    ErrorCode,
    ForbiddenError,
    KBAction,
    KBCursor,
    KBEntryCreate,
    KBEntryData,
    NotFoundError,
    ProtocolMismatchError,
    RefusedError,
    SeatCursor,
    SeatHeartbeat,
    ThrottledError,
    TransferCreate,
    check_protocol_version,
    delivered_to_desks,
    effective_seat_state,
    error_code_of,
    message_zh_for,
    next_review_state,
    password_problem,
)
from hotline_desk.core.vocabulary import Area, ReviewState, Role, SeatState


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_protocol_header_check():
    assert check_protocol_version(str(PROTOCOL_VERSION)) == PROTOCOL_VERSION
    for bad in (None, "", "abc", str(PROTOCOL_VERSION + 1), "0"):
        with pytest.raises(ProtocolMismatchError) as caught:
            check_protocol_version(bad)
        assert isinstance(caught.value, NetworkError) and _has_chinese(caught.value.message_zh)


def test_every_error_code_has_a_distinct_chinese_text():
    labels = [code.label for code in ErrorCode]
    assert all(_has_chinese(label) for label in labels)
    assert len(set(labels)) == len(labels)
    assert message_zh_for("forbidden") == ErrorCode.FORBIDDEN.label
    assert _has_chinese(message_zh_for("a code from a newer server"))


def test_coded_errors_stay_in_the_core_hierarchy():
    assert isinstance(NotFoundError("x"), StorageError)
    assert isinstance(ForbiddenError("x"), AuthError)
    assert isinstance(RefusedError("x"), RuleViolation)
    throttled = ThrottledError("x", retry_after=30)
    assert isinstance(throttled, AuthError) and throttled.retry_after == 30
    assert throttled.message_zh == ErrorCode.LOGIN_THROTTLED.label
    assert error_code_of(throttled) is ErrorCode.LOGIN_THROTTLED
    assert error_code_of(RuleViolation("x")) is ErrorCode.RULE_VIOLATION
    assert error_code_of(ValueError("x")) is ErrorCode.INTERNAL_ERROR


@pytest.mark.parametrize("state", list(ReviewState))
@pytest.mark.parametrize("action", list(KBAction))
def test_review_workflow_is_exactly_the_table(state: ReviewState, action: KBAction):
    """第三十条: every (state, action) pair is either in the table or refused."""
    expected = {
        (ReviewState.DRAFT, KBAction.REVIEW): ReviewState.REVIEWED,
        (ReviewState.REVIEWED, KBAction.REJECT): ReviewState.DRAFT,
        (ReviewState.REVIEWED, KBAction.PUBLISH): ReviewState.PUBLISHED,
        (ReviewState.PUBLISHED, KBAction.RETIRE): ReviewState.RETIRED,
        (ReviewState.RETIRED, KBAction.REOPEN): ReviewState.DRAFT,
    }
    assert expected == KB_TRANSITIONS
    if (state, action) in expected:
        assert next_review_state(state, action) is expected[(state, action)]
    else:
        with pytest.raises(RefusedError) as caught:
            next_review_state(state, action)
        assert caught.value.code is ErrorCode.INVALID_TRANSITION
        assert state.label in caught.value.message_zh


def test_nothing_reaches_published_without_a_review():
    """多方校核: every path from draft to published passes through reviewed."""
    into_published = {src for (src, _), dst in KB_TRANSITIONS.items()
                      if dst is ReviewState.PUBLISHED}
    into_reviewed = {src for (src, _), dst in KB_TRANSITIONS.items()
                     if dst is ReviewState.REVIEWED}
    assert into_published == {ReviewState.REVIEWED}
    assert into_reviewed == {ReviewState.DRAFT}


@pytest.mark.parametrize(("state", "valid_to", "delivered"), [
    (ReviewState.PUBLISHED, None, True),
    (ReviewState.PUBLISHED, date(2026, 6, 1), True),
    (ReviewState.PUBLISHED, date(2026, 5, 31), False),
    (ReviewState.DRAFT, None, False),
    (ReviewState.REVIEWED, None, False),
    (ReviewState.RETIRED, None, False),
])
def test_what_reaches_the_desks(state, valid_to, delivered):
    assert delivered_to_desks(state, valid_to, date(2026, 6, 1)) is delivered


@given(silence=st.floats(min_value=0, max_value=200, allow_nan=False),
       state=st.sampled_from(list(SeatState)))
def test_a_seat_is_offline_exactly_after_45_seconds_of_silence(silence, state):
    seen = datetime(2026, 6, 1, tzinfo=UTC)
    now = seen + timedelta(seconds=silence)
    shown = effective_seat_state(state, seen, now)
    if now - seen > timedelta(seconds=45):
        assert shown is SeatState.OFFLINE
    else:
        assert shown is state


@given(version=st.integers(0, 2**53), as_of=st.integers(0, 2**53))
def test_seat_cursor_round_trip(version, as_of):
    cursor = SeatCursor(version=version, as_of_ms=as_of)
    assert SeatCursor.decode(cursor.encode()) == cursor


@given(text=st.text(max_size=30))
def test_seat_cursor_never_crashes_on_junk(text):
    decoded = SeatCursor.decode(text)
    assert decoded is None or SeatCursor.decode(decoded.encode()) == decoded


@given(version=st.integers(0, 2**53), floor=st.integers(0, 2**53))
def test_kb_cursor_round_trip(version, floor):
    cursor = KBCursor(version=version, floor=floor)
    decoded = KBCursor.decode(cursor.encode())
    assert decoded is not None and decoded.version == version
    assert max(decoded.version, decoded.floor) == max(version, floor)


def test_kb_cursor_reset_rule():
    """A full sync started at version 10 survives pruning up to 10; an old desk does not."""
    assert not KBCursor(version=3, floor=10).needs_reset(current=12, pruned=9)
    assert KBCursor(version=3, floor=0).needs_reset(current=12, pruned=9)
    assert KBCursor(version=13).needs_reset(current=12, pruned=0)
    assert not KBCursor(version=12).needs_reset(current=12, pruned=12)
    for junk in ("", "x", "1.2.3", "-1", "1." , "9" * 20):
        assert KBCursor.decode(junk) is None


@pytest.mark.parametrize("password", ["short1", "onlyletters", "1234567890", "ab\x00cdef12"])
def test_weak_passwords_are_refused_in_chinese(password):
    problem = password_problem(password)
    assert problem is not None and _has_chinese(problem)


def test_a_good_password():
    assert password_problem("Hotline12345") is None


def test_text_fields_refuse_control_characters():
    """Databases refuse NUL bytes: the protocol refuses them before they get there."""
    with pytest.raises(ValidationError):
        KBEntryCreate(id="KB-1", title="标题\x00", answer="答复")
    with pytest.raises(ValidationError):
        KBEntryCreate(id="KB-1", title="标题", answer="   ")
    entry = KBEntryCreate(id="KB-1", title="  标题  ", answer="第一行\n第二行")
    assert entry.title == "标题" and entry.answer == "第一行\n第二行"


def test_phone_numbers_are_normalised_or_refused():
    account = AccountCreate(username="wang", display_name="王", role=Role.OPERATOR,
                            phone="０５５１－６２３４５６７８", password="Secret123")
    assert account.phone == "055162345678"
    with pytest.raises(ValidationError):
        TransferCreate(reference_kind="call", reference="C1", note="x", caller_phone="12345")
    assert TransferCreate(reference_kind="call", reference="C1", note="x",
                          caller_phone="").caller_phone is None


def test_heartbeat_reason_only_for_not_ready():
    assert SeatHeartbeat(state=SeatState.NOT_READY, reason="会议").reason == "会议"
    with pytest.raises(ValidationError):
        SeatHeartbeat(state=SeatState.NOT_READY)
    with pytest.raises(ValidationError):
        SeatHeartbeat(state=SeatState.READY, reason="会议")


def test_a_unit_handler_account_needs_its_unit():
    """第五条: a handling unit's staff act for their unit."""
    with pytest.raises(ValidationError):
        AccountCreate(username="unit1", display_name="x", role=Role.UNIT_HANDLER,
                      password="Secret123")


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)


@given(
    entry_id=st.from_regex(r"KB-[A-Z]{2,4}-[0-9]{4}", fullmatch=True),
    title=TEXT, answer=TEXT, questions=st.lists(TEXT, max_size=3),
    category=st.none() | st.sampled_from(list(Area)),
    state=st.sampled_from(list(ReviewState)), version=st.integers(1, 100),
    valid_from=st.none() | st.dates(),
)
def test_kb_entry_wire_form_round_trips(entry_id, title, answer, questions, category, state,
                                        version, valid_from):
    """第三十一条: what the server sends is exactly the desk's KBEntry."""
    entry = KBEntry(id=entry_id, title=title, answer=answer, questions=tuple(questions),
                    category=category, region=Region(city="合肥市"), valid_from=valid_from,
                    review_state=state, version=version,
                    updated_at=datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    wire = KBEntryData.from_entry(entry)
    assert KBEntryData.model_validate_json(wire.model_dump_json()).to_entry() == entry
