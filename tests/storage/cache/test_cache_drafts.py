"""Ticket-form drafts survive a crash or quit (第十一条: the requester's contact details
and request content must be recorded; nothing typed is lost)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from hotline_desk.core.errors import DataFormatError
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.db import CHINA_TZ

T0 = datetime(2026, 11, 29, 9, 0, tzinfo=CHINA_TZ)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[LocalCache]:
    opened = LocalCache.open(tmp_path)
    yield opened
    opened.close()


def test_draft_upsert_by_key(cache: LocalCache) -> None:
    cache.call(cache.drafts.save_draft, "seat-1/call-7", {"phone": "138"}, T0)
    cache.call(cache.drafts.save_draft, "seat-1/call-7", {"phone": "13800001111",
                                                          "content": "噪音"},
               T0 + timedelta(seconds=5))
    (draft,) = cache.call(cache.drafts.load_drafts)
    assert draft.key == "seat-1/call-7"
    assert draft.payload == {"phone": "13800001111", "content": "噪音"}
    assert draft.updated_at == T0 + timedelta(seconds=5)


def test_drafts_newest_first_and_delete(cache: LocalCache) -> None:
    for i, key in enumerate(["a", "b", "c"]):
        cache.call(cache.drafts.save_draft, key, {"i": i}, T0 + timedelta(minutes=i))
    assert [d.key for d in cache.call(cache.drafts.load_drafts)] == ["c", "b", "a"]
    assert cache.call(cache.drafts.delete_draft, "b") is True
    assert cache.call(cache.drafts.delete_draft, "b") is False
    assert cache.call(cache.drafts.load_draft, "b") is None
    loaded = cache.call(cache.drafts.load_draft, "a")
    assert loaded is not None and loaded.payload == {"i": 0}


def test_drafts_survive_a_restart(tmp_path: Path) -> None:
    cache = LocalCache.open(tmp_path)
    cache.call(cache.drafts.save_draft, "form", {"content": "市民反映小区停水三天"})
    cache.close()
    again = LocalCache.open(tmp_path)
    try:
        assert [d.payload for d in again.call(again.drafts.load_drafts)] == [
            {"content": "市民反映小区停水三天"}]
    finally:
        again.close()


def test_bad_drafts_are_refused_in_chinese(cache: LocalCache) -> None:
    with pytest.raises(DataFormatError) as info:
        cache.call(cache.drafts.save_draft, "  ", {"x": 1})
    assert "草稿" in info.value.message_zh
    with pytest.raises(DataFormatError):
        cache.call(cache.drafts.save_draft, "k", {"x": object()})
    assert cache.call(cache.drafts.load_drafts) == []
