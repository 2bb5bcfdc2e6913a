"""The saved search index next to the desk cache.

第十二条(一): the desk must answer from the knowledge base as soon as it starts, so
it loads the saved index instead of rebuilding it — but only when the index was
built from exactly the entries the cache now holds (第三十条: 谁提供、谁维护、谁更新 —
an entry revised or retired since makes the file stale and it is rebuilt).
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from hotline_desk.core.errors import StorageError
from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.kb.search import SearchIndex
from hotline_desk.core.kb.search.fingerprint import entries_fingerprint
from hotline_desk.core.vocabulary import ReviewState
from hotline_desk.storage import kb_index_files
from hotline_desk.storage.kb_index_files import (
    FILE_MAGIC,
    INDEX_FILENAME,
    index_path,
    load_index,
    load_or_build,
    read_header,
    save_index,
)

TODAY = date(2026, 6, 1)
ENTRIES = [
    KBEntry("KB-01", "合肥市住房公积金租房提取", "租房可以提取住房公积金。",
            ("租房能取公积金吗",), ("公积金",), region=Region(city="合肥市")),
    KBEntry("KB-02", "异地就医备案", "到省外就医前先备案。", keywords=("医保",)),
    KBEntry("KB-03", "新生儿出生登记", "一个月内申报出生登记。", keywords=("上户口",)),
]
QUERIES = ("公积金", "gjj", "异地jiuyi", "上户口", "合肥 租房")


def results(index: SearchIndex) -> list[list[tuple[str, float]]]:
    return [[(h.id, h.score) for h in index.search(q, TODAY)] for q in QUERIES]


def test_index_path_is_next_to_the_cache(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert index_path(tmp_path) == tmp_path / INDEX_FILENAME
    monkeypatch.setenv("HOTLINE_DESK_CACHE", str(tmp_path / "cache"))
    assert index_path() == tmp_path / "cache" / INDEX_FILENAME


def test_save_then_load_gives_the_same_index(tmp_path: Path) -> None:
    index = SearchIndex.build(ENTRIES)
    path = tmp_path / INDEX_FILENAME
    fingerprint = save_index(index, path)
    assert fingerprint == entries_fingerprint(ENTRIES)
    header = read_header(path)
    assert header is not None
    assert header.fingerprint == fingerprint and header.entry_count == 3
    assert path.read_bytes().startswith(FILE_MAGIC)
    loaded = load_index(path, ENTRIES)
    assert loaded is not None
    assert results(loaded) == results(index)
    assert [p.name for p in tmp_path.iterdir()] == [INDEX_FILENAME]  # no temporary left


def test_a_stale_index_is_not_loaded(tmp_path: Path) -> None:
    """Any change to the entries (here: a retirement, 第三十条) makes the file stale."""
    path = tmp_path / INDEX_FILENAME
    save_index(SearchIndex.build(ENTRIES), path)
    retired = [replace(ENTRIES[0], review_state=ReviewState.RETIRED), *ENTRIES[1:]]
    assert load_index(path, retired) is None
    assert load_index(path, ENTRIES[:2]) is None
    assert load_index(path, ENTRIES) is not None


def test_missing_damaged_or_foreign_files_are_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / INDEX_FILENAME
    assert read_header(path) is None
    assert load_index(path, ENTRIES) is None
    save_index(SearchIndex.build(ENTRIES), path)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF  # one flipped byte in the payload: CRC mismatch
    path.write_bytes(bytes(data))
    assert load_index(path, ENTRIES) is None
    path.write_bytes(b"something else entirely")
    assert read_header(path) is None
    assert load_index(path, ENTRIES) is None
    path.write_bytes(FILE_MAGIC + b"\x05\x00\x00\x00{bad}")
    assert load_index(path, ENTRIES) is None


def test_another_file_format_is_not_loaded(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / INDEX_FILENAME
    save_index(SearchIndex.build(ENTRIES), path)
    monkeypatch.setattr(kb_index_files, "FILE_FORMAT", kb_index_files.FILE_FORMAT + 1)
    assert load_index(path, ENTRIES) is None


def test_load_or_build_builds_once_then_loads(tmp_path: Path) -> None:
    path = tmp_path / "sub" / INDEX_FILENAME
    built, loaded_flag = load_or_build(path, ENTRIES)
    assert not loaded_flag and path.exists()
    again, loaded_flag = load_or_build(path, ENTRIES)
    assert loaded_flag
    assert results(again) == results(built)
    changed = [*ENTRIES, KBEntry("KB-04", "公租房申请", "向住房保障部门申请。")]
    rebuilt, loaded_flag = load_or_build(path, changed)
    assert not loaded_flag
    assert rebuilt.search("公租房", TODAY)[0].id == "KB-04"
    assert load_index(path, changed) is not None


def test_a_failed_write_keeps_the_old_file_and_says_why_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / INDEX_FILENAME
    save_index(SearchIndex.build(ENTRIES), path)
    before = path.read_bytes()

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(StorageError) as failure:
        save_index(SearchIndex.build(ENTRIES[:1]), path)
    assert "无法保存知识库搜索索引" in failure.value.message_zh
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [INDEX_FILENAME]


def test_load_or_build_survives_an_unwritable_folder(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(kb_index_files.tempfile, "mkstemp", refuse)
    index, loaded_flag = load_or_build(tmp_path / INDEX_FILENAME, ENTRIES)
    assert not loaded_flag
    assert [h.id for h in index.search("异地就医", TODAY)] == ["KB-02"]
