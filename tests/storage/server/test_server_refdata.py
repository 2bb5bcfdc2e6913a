"""Reference documents published by the centre: the refusal scripts (第十条) and the
emergency and utility lines (第十二条(三)), updated in real time for every desk (第三十一条).

On SQLite and PostgreSQL: a document is published only when the core parser accepts it
and its version is newer than the published one; every problem is listed in Chinese;
each publication is audited; concurrent publications of one version let exactly one in.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline_desk import paths
from hotline_desk.core.errors import DataFormatError, StorageError
from hotline_desk.core.protocol import MAX_INT, ReferenceName
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import (
    close_database,
    open_database,
    read_transaction,
    write_transaction,
)
from hotline_desk.storage.server import audit, refdata
from hotline_desk.storage.server.audit import Actor

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
LINES = ReferenceName.EMERGENCY_LINES
REFUSALS = ReferenceName.NON_ACCEPTANCE


def bundled(name: ReferenceName) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        paths.resource("scripts", f"{name.value}.json").read_text("utf-8"))
    return data


def lines_with_gas_number(version: int) -> dict[str, Any]:
    """The bundled lines, re-versioned, with a 合肥 gas number (test data, not a real one)."""
    data = bundled(LINES)
    data["version"] = version
    data["cities"]["合肥市"]["gas"] = {"number": "0551-63000001", "unit": "测试燃气公司",
                                      "source": "测试数据"}
    return data


def text(data: dict[str, Any]) -> str:
    return refdata.document_text(data)


def publish(db, name: ReferenceName, data: dict[str, Any], actor: Actor,
            now: datetime = NOW):
    with write_transaction(db):
        return refdata.publish(db, name, text(data), actor=actor, now=now)


@pytest.fixture
def admin(make_actor) -> Actor:
    return make_actor("refadmin", Role.ADMIN)


def test_the_model_matches_the_migrated_table(db):
    with read_transaction(db):
        columns = {column.name for column in db.get_columns("reference_documents")}
    model = refdata.ReferenceDocumentRow
    assert columns == {field.column_name for field in model._meta.sorted_fields}


def test_nothing_is_published_until_a_centre_publishes(db):
    with read_transaction(db):
        assert refdata.get(db, LINES) is None
        assert refdata.published_version(db, REFUSALS) is None


def test_a_valid_newer_document_is_published_read_back_and_audited(db, admin):
    """第十二条(三): the city's own gas number reaches the server as published data."""
    published = publish(db, LINES, lines_with_gas_number(2), admin)
    assert (published.name, published.version) == (LINES, 2)
    assert published.uploaded_by == "refadmin" and published.uploaded_at == NOW
    with read_transaction(db):
        found = refdata.get(db, LINES)
        assert refdata.published_version(db, LINES) == 2
        assert refdata.get(db, REFUSALS) is None  # one row per document name
        records = audit.page(db, action=refdata.AUDIT_ACTION).items
    assert found == published
    assert found.document["cities"]["合肥市"]["gas"]["number"] == "0551-63000001"
    assert [(r.object_type, r.object_id, r.actor_username) for r in records] == [
        (refdata.AUDIT_OBJECT, "emergency_lines", "refadmin")]
    assert records[0].details["version"] == 2 and records[0].details["previous_version"] is None

    later = NOW + timedelta(hours=1)
    publish(db, LINES, lines_with_gas_number(7), admin, now=later)
    with read_transaction(db):
        again = refdata.get(db, LINES)
        details = audit.page(db, action=refdata.AUDIT_ACTION).items[-1].details
    assert again is not None and (again.version, again.uploaded_at) == (7, later)
    assert details["previous_version"] == 2


def test_the_refusal_scripts_are_published_the_same_way(db, admin):
    """第十条: the scripts (basis, referral contact) are data the centre maintains."""
    data = bundled(REFUSALS)
    data["version"] += 1
    data["reasons"][0]["script"] = "（修订）" + data["reasons"][0]["script"]
    published = publish(db, REFUSALS, data, admin)
    assert published.document["reasons"][0]["script"].startswith("（修订）")


def test_a_version_not_newer_is_refused_in_chinese_and_changes_nothing(db, admin):
    publish(db, LINES, lines_with_gas_number(3), admin)
    for version in (3, 2):
        with pytest.raises(DataFormatError) as refused:
            publish(db, LINES, lines_with_gas_number(version), admin)
        expected = f"版本号{version}不大于服务器上已发布的版本3：请递增 version 后再发布"
        assert refused.value.problems == [("文件", "version", expected)]
        assert "紧急及公共事业服务热线未发布" in refused.value.message_zh
    with read_transaction(db):
        assert refdata.published_version(db, LINES) == 3
        assert len(audit.page(db, action=refdata.AUDIT_ACTION).items) == 1


def test_every_problem_of_an_invalid_document_is_listed(db, admin):
    """The parser's problems and the stale version, all at once, none stored."""
    publish(db, LINES, lines_with_gas_number(4), admin)
    broken = lines_with_gas_number(4)
    broken["lines"][0]["hotkey"] = "F1"
    broken["cities"]["合肥市"]["water"]["number"] = "64422666"  # no area code
    broken["cities"]["上海市"] = {}
    with pytest.raises(DataFormatError) as refused:
        publish(db, LINES, broken, admin)
    fields = [(location, field) for location, field, _ in refused.value.problems]
    assert ("lines第1项", "hotkey") in fields
    assert ("cities「合肥市」.water", "number") in fields
    assert ("cities「上海市」", "city") in fields
    assert ("文件", "version") in fields
    assert all(message for _, _, message in refused.value.problems)
    with read_transaction(db):
        assert refdata.get(db, LINES).version == 4


def test_a_refusal_catalogue_missing_a_ground_is_refused(db, admin):
    """第十条: a centre cannot publish scripts that leave a ground without a script."""
    data = bundled(REFUSALS)
    data["version"] += 1
    data["reasons"] = [r for r in data["reasons"] if r["ground"] != "privacy"]
    with pytest.raises(DataFormatError) as refused:
        publish(db, REFUSALS, data, admin)
    assert any("个人隐私" in message for _, _, message in refused.value.problems)
    with read_transaction(db):
        assert refdata.get(db, REFUSALS) is None


@pytest.mark.parametrize("payload", [[1, 2], "text", 3], ids=["list", "string", "number"])
def test_a_document_that_is_not_an_object_is_refused(db, admin, payload):
    with pytest.raises(DataFormatError) as refused, write_transaction(db):
        refdata.publish(db, LINES, json.dumps(payload), actor=admin, now=NOW)
    assert refused.value.problems == [("文件", "", "顶层应为JSON对象")]


def test_versions_the_database_cannot_hold_and_oversized_documents_are_refused(db, admin):
    with pytest.raises(DataFormatError) as huge_version:
        publish(db, LINES, lines_with_gas_number(MAX_INT + 1), admin)
    assert [f for _, f, _ in huge_version.value.problems] == ["version"]
    big = lines_with_gas_number(2)
    big["note"] = "说明" * (refdata.MAX_DOCUMENT_CHARS // 2 + 1)
    with pytest.raises(DataFormatError) as too_big:
        publish(db, LINES, big, admin)
    assert "内容过大" in too_big.value.problems[0][2]
    surrogate = lines_with_gas_number(2)
    surrogate["note"] = "\ud800"
    with pytest.raises(DataFormatError) as bad_text:
        publish(db, LINES, surrogate, admin)
    assert "字符编码" in bad_text.value.problems[0][2]
    with read_transaction(db):
        assert refdata.get(db, LINES) is None


def test_documents_received_as_objects_must_be_strict_json():
    with pytest.raises(DataFormatError) as refused:
        refdata.document_text({"version": float("nan")})
    assert "NaN" in refused.value.message_zh
    assert json.loads(refdata.document_text({"名称": "供水"})) == {"名称": "供水"}


def test_concurrent_publications_of_one_version_let_exactly_one_in(server_database_url,
                                                                    make_actor):
    """Four admins publish version 2 at once (own connections): one wins, three are told
    the version is not newer; the audit log holds one publication."""
    actor = make_actor("racer", Role.ADMIN)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def attempt() -> None:
        db = open_database(server_database_url)
        try:
            barrier.wait()
            with write_transaction(db):
                refdata.publish(db, LINES, text(lines_with_gas_number(2)), actor=actor, now=NOW)
            outcomes.append("published")
        except DataFormatError:
            outcomes.append("refused")
        finally:
            close_database(db)

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["published", "refused", "refused", "refused"]
    db = open_database(server_database_url)
    with read_transaction(db):
        assert len(audit.page(db, action=refdata.AUDIT_ACTION).items) == 1
    close_database(db)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(versions=st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=8))
def test_the_published_version_only_ever_grows(db, admin, versions):
    """Property: whatever versions are uploaded in whatever order, an upload is accepted
    exactly when it is above every version published before, and the stored document is
    always the newest accepted one."""
    with read_transaction(db):
        newest = refdata.published_version(db, LINES) or 0
    for version in versions:
        try:
            publish(db, LINES, lines_with_gas_number(version), admin)
            accepted = True
        except DataFormatError:
            accepted = False
        assert accepted == (version > newest)
        newest = max(newest, version)
        with read_transaction(db):
            found = refdata.get(db, LINES)
        assert found is not None and found.version == found.document["version"] == newest


# ---------------------------------------------------------------- files (the CLI's input)


def test_a_file_is_read_as_utf8_and_named_by_its_name_or_content(tmp_path: Path):
    data = bundled(LINES)
    plain = tmp_path / "emergency_lines.json"
    plain.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8-sig")
    assert json.loads(refdata.read_document_file(plain)) == data  # BOM tolerated
    assert refdata.name_of_file(plain, "") is LINES
    other = tmp_path / "合肥热线2026.json"
    assert refdata.name_of_file(other, json.dumps(data)) is LINES
    assert refdata.name_of_file(other, json.dumps(bundled(REFUSALS))) is REFUSALS
    with pytest.raises(DataFormatError) as unknown:
        refdata.name_of_file(other, "{}")
    assert "--name" in unknown.value.message_zh
    with pytest.raises(StorageError) as missing:
        refdata.read_document_file(tmp_path / "none.json")
    assert "找不到文件" in missing.value.message_zh
    latin = tmp_path / "latin.json"
    latin.write_bytes("{\"note\": \"caf\xe9\"}".encode("latin-1"))
    with pytest.raises(DataFormatError) as not_utf8:
        refdata.read_document_file(latin)
    assert "UTF-8" in not_utf8.value.message_zh
