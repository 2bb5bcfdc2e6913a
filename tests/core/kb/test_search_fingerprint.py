"""The entries' fingerprint decides whether a saved index may be reused.

第三十条 (谁提供、谁维护、谁更新): every change to what the index is built from — an
edited text, a retirement, new validity dates, an added or removed entry — must
make the saved search index stale, so it is rebuilt.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.kb.search.fingerprint import entries_fingerprint
from hotline_desk.core.vocabulary import Area, ReviewState

BASE = KBEntry(
    id="KB-01", title="公租房申请", answer="可向住房保障部门申请。", questions=("公租房怎么申请",),
    keywords=("公租房",), policy_basis="《公共租赁住房管理办法》", category=Area.SOCIAL,
    owner_unit="合肥市住房保障和房产管理局", region=Region(city="合肥市"),
    valid_from=date(2025, 1, 1), valid_to=None, version=1,
    updated_at=datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=8))),
)
OTHER = KBEntry("KB-02", "低保申请", "向户籍地乡镇（街道）申请。")

CHANGES = {
    "id": replace(BASE, id="KB-09"),
    "title": replace(BASE, title="公租房申请条件"),
    "answer": replace(BASE, answer="可向住房保障部门提出申请。"),
    "questions": replace(BASE, questions=("公租房在哪申请",)),
    "question order": replace(BASE, questions=("公租房怎么申请", "在哪申请")),
    "keywords": replace(BASE, keywords=("公租房", "保障房")),
    "question moved to keywords": replace(BASE, questions=(),
                                          keywords=("公租房", "公租房怎么申请")),
    "city": replace(BASE, region=Region(city="芜湖市")),
    "district": replace(BASE, region=Region(city="合肥市", district="蜀山区")),
    "valid_from": replace(BASE, valid_from=date(2025, 1, 2)),
    "valid_to": replace(BASE, valid_to=date(2027, 1, 1)),
    "review_state": replace(BASE, review_state=ReviewState.RETIRED),
}
NOT_INDEXED = {
    "policy_basis": replace(BASE, policy_basis=""),
    "category": replace(BASE, category=Area.PUBLIC_SERVICE),
    "owner_unit": replace(BASE, owner_unit="合肥市住房和城乡建设局"),
    "version": replace(BASE, version=2),
    "updated_at": replace(BASE, updated_at=datetime(2026, 3, 2, tzinfo=UTC)),
}


def test_every_indexed_field_changes_the_fingerprint() -> None:
    original = entries_fingerprint([BASE, OTHER])
    for name, changed in CHANGES.items():
        assert entries_fingerprint([changed, OTHER]) != original, name


def test_fields_the_index_does_not_read_do_not_make_it_stale() -> None:
    """Hits carry the caller's current entry objects, so these are always current."""
    original = entries_fingerprint([BASE, OTHER])
    for name, changed in NOT_INDEXED.items():
        assert entries_fingerprint([changed, OTHER]) == original, name


def test_adding_or_removing_an_entry_changes_it() -> None:
    both = entries_fingerprint([BASE, OTHER])
    assert entries_fingerprint([BASE]) != both
    assert entries_fingerprint([BASE, OTHER, replace(OTHER, id="KB-03")]) != both
    assert entries_fingerprint([]) != entries_fingerprint([BASE])


def test_field_boundaries_matter() -> None:
    """Moving text between title and answer is a change, not the same string."""
    a = KBEntry("KB-01", "公租房", "申请")
    b = KBEntry("KB-01", "公租房申", "请")
    assert entries_fingerprint([a]) != entries_fingerprint([b])


DISTINCT = [replace(entry, id=f"KB-{n:02d}") for n, entry in enumerate(CHANGES.values())]


@given(st.permutations(DISTINCT))
def test_order_does_not_matter(entries: list[KBEntry]) -> None:
    assert entries_fingerprint(entries) == entries_fingerprint(DISTINCT)
