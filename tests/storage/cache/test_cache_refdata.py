"""Reference data kept for offline work: non-acceptance scripts (第十条), emergency lines
(第十二条(三)), recent caller history already masked by the server (第三十四条), and the
sync cursors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from hotline_desk.core.errors import DataFormatError
from hotline_desk.storage.cache import LocalCache
from hotline_desk.storage.cache.db import CHINA_TZ
from hotline_desk.storage.cache.refdata import EMERGENCY_LINES, REFUSAL_SCRIPTS

T0 = datetime(2026, 11, 29, 9, 0, tzinfo=CHINA_TZ)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[LocalCache]:
    opened = LocalCache.open(tmp_path)
    yield opened
    opened.close()


def test_scripts_and_lines_are_kept_as_sent(cache: LocalCache) -> None:
    scripts = '{"litigation": {"basis": "第十条第一项", "say": "该事项应通过诉讼途径解决"}}'
    lines = json.dumps([{"number": "119", "name": "火警"}], ensure_ascii=False)
    cache.call(cache.refdata.put_document, REFUSAL_SCRIPTS, "7", scripts, T0)
    cache.call(cache.refdata.put_document, EMERGENCY_LINES, "3", lines, T0)
    doc = cache.call(cache.refdata.document, REFUSAL_SCRIPTS)
    assert doc is not None and (doc.version, doc.body) == ("7", scripts)  # byte for byte
    cache.call(cache.refdata.put_document, REFUSAL_SCRIPTS, "8", "{}", T0)
    newer = cache.call(cache.refdata.document, REFUSAL_SCRIPTS)
    assert newer is not None and (newer.version, newer.body) == ("8", "{}")
    assert cache.call(cache.refdata.document, "unknown") is None


def test_malformed_documents_are_refused(cache: LocalCache) -> None:
    with pytest.raises(DataFormatError) as info:
        cache.call(cache.refdata.put_document, EMERGENCY_LINES, "1", "{not json", T0)
    assert "格式不正确" in info.value.message_zh
    assert cache.call(cache.refdata.document, EMERGENCY_LINES) is None


def test_caller_history_is_stored_as_given_and_pruned(cache: LocalCache) -> None:
    masked = '[{"no": "HF1", "phone": "138****5678", "summary": "噪音"}]'
    cache.call(cache.refdata.put_caller_history, "caller-a", masked, T0)
    cache.call(cache.refdata.put_caller_history, "caller-b",
               [{"no": "HF2", "phone": "139****0000"}], T0 + timedelta(days=10))
    history = cache.call(cache.refdata.caller_history, "caller-a")
    assert history is not None and history.body == masked
    assert cache.call(cache.refdata.prune_caller_history, T0 + timedelta(days=1)) == 1
    assert cache.call(cache.refdata.caller_history, "caller-a") is None
    kept = cache.call(cache.refdata.caller_history, "caller-b")
    assert kept is not None and json.loads(kept.body)[0]["phone"] == "139****0000"
    with pytest.raises(DataFormatError):
        cache.call(cache.refdata.put_caller_history, "", "[]", T0)


def test_cursors(cache: LocalCache) -> None:
    assert cache.call(cache.refdata.get_cursor, "kb") is None
    cache.call(cache.refdata.set_cursor, "kb", "1045", T0)
    cache.call(cache.refdata.set_cursor, "tickets", "2026-11-29T01:00:00Z#88", T0)
    cache.call(cache.refdata.set_cursor, "kb", "1046", T0)
    assert cache.call(cache.refdata.cursors) == {
        "kb": "1046", "tickets": "2026-11-29T01:00:00Z#88"}
    cache.call(cache.refdata.clear_cursors)
    assert cache.call(cache.refdata.cursors) == {}
