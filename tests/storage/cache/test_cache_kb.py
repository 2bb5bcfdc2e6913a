"""The knowledge base cached on the desk (第二十九–三十一条: authoritative, updated in
real time, synced to every desk; 谁提供、谁维护、谁更新 — the owning unit is kept)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.vocabulary import Area, ReviewState
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.kb_cache import IndexMeta


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[LocalCache]:
    opened = LocalCache.open(tmp_path)
    yield opened
    opened.close()


def _entry(entry_id: str = "kb-1", version: int = 1, **changes: object) -> KBEntry:
    fields: dict[str, object] = {
        "id": entry_id, "title": "居住证办理", "answer": "请携带身份证到户籍窗口办理。",
        "questions": ("居住证怎么办", "办居住证要什么材料"), "keywords": ("居住证", "户籍"),
        "policy_basis": "《居住证暂行条例》", "category": Area.PUBLIC_SERVICE,
        "owner_unit": "合肥市公安局", "region": Region("安徽省", "合肥市", "蜀山区"),
        "valid_from": date(2026, 1, 1), "valid_to": date(2026, 12, 31),
        "review_state": ReviewState.PUBLISHED, "version": version,
        "updated_at": datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
    }
    fields.update(changes)
    return KBEntry(**fields)  # type: ignore[arg-type]


def test_entry_round_trips_every_field(cache: LocalCache) -> None:
    entry = _entry()
    assert cache.call(cache.kb.upsert, [entry]) == 1
    assert cache.call(cache.kb.get, "kb-1") == entry
    assert cache.call(cache.kb.count) == 1


texts = st.text(min_size=0, max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=texts.filter(bool), answer=texts, questions=st.lists(texts, max_size=4),
       keywords=st.lists(texts, max_size=4), category=st.none() | st.sampled_from(Area),
       region=st.builds(Region, texts, texts, texts),
       valid_from=st.none() | st.dates(), review=st.sampled_from(ReviewState),
       version=st.integers(min_value=1, max_value=2**31),
       updated=st.none() | st.datetimes(timezones=st.just(UTC)))
def test_any_entry_round_trips(cache: LocalCache, title: str, answer: str,
                               questions: list[str], keywords: list[str],
                               category: Area | None, region: Region,
                               valid_from: date | None, review: ReviewState, version: int,
                               updated: datetime | None) -> None:
    entry = KBEntry(id="prop", title=title, answer=answer, questions=tuple(questions),
                    keywords=tuple(keywords), category=category, region=region,
                    valid_from=valid_from, review_state=review, version=version,
                    updated_at=updated)
    cache.call(cache.kb.replace_all, [entry])
    assert cache.call(cache.kb.get, "prop") == entry


def test_an_older_version_never_overwrites_a_newer_one(cache: LocalCache) -> None:
    cache.call(cache.kb.upsert, [_entry(version=3, answer="新口径")])
    assert cache.call(cache.kb.upsert, [_entry(version=2, answer="旧口径")]) == 0
    current = cache.call(cache.kb.get, "kb-1")
    assert current is not None and current.answer == "新口径"
    cache.call(cache.kb.upsert, [_entry(version=4, answer="更新口径")])
    current = cache.call(cache.kb.get, "kb-1")
    assert current is not None and (current.version, current.answer) == (4, "更新口径")


def test_searchable_filter_and_removal(cache: LocalCache) -> None:
    cache.call(cache.kb.upsert, [
        _entry("live"),
        _entry("retired", review_state=ReviewState.RETIRED),
        _entry("expired", valid_to=date(2025, 12, 31), valid_from=None),
    ])
    day = date(2026, 6, 1)
    assert [e.id for e in cache.call(cache.kb.entries, day)] == ["live"]
    assert [e.id for e in cache.call(cache.kb.entries)] == ["expired", "live", "retired"]
    assert cache.call(cache.kb.remove, ["retired", "missing"]) == 1
    assert cache.call(cache.kb.remove, []) == 0
    assert cache.call(cache.kb.count) == 2


def test_replace_all_is_a_full_resync(cache: LocalCache) -> None:
    cache.call(cache.kb.upsert, [_entry("old")])
    assert cache.call(cache.kb.replace_all, [_entry(f"n{i}") for i in range(450)]) == 450
    assert cache.call(cache.kb.get, "old") is None
    assert cache.call(cache.kb.count) == 450


def test_index_metadata(cache: LocalCache) -> None:
    assert cache.call(cache.kb.index_meta) is None
    meta = IndexMeta(path="kb-index/2026-11-29.idx", fingerprint="sha256:abc",
                     entry_count=450, built_at=datetime(2026, 11, 29, 2, 0, tzinfo=UTC))
    cache.call(cache.kb.set_index_meta, meta)
    assert cache.call(cache.kb.index_meta) == meta
    cache.call(cache.kb.clear_index_meta)
    assert cache.call(cache.kb.index_meta) is None
