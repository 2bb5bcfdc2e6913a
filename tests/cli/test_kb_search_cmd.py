"""``hotline-desk kb search``: the knowledge base searched from the command line.

第十二条(一): the same search the desk uses, for checking a knowledge-base file
(第三十条: 多方校核) — one query, or one JSON line per query from standard input.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hotline_desk.cli import main
from hotline_desk.core.kb.entry import KBEntry, Region
from hotline_desk.core.vocabulary import ReviewState
from hotline_desk.storage.kb_files import write_kb_file

ENTRIES = [
    KBEntry("KB-01", "合肥市住房公积金租房提取", "租房可以提取住房公积金，详询12329。",
            ("租房能取公积金吗",), ("公积金", "租房提取"), region=Region(city="合肥市")),
    KBEntry("KB-02", "芜湖市住房公积金租房提取", "芜湖职工租房可以提取。",
            (), ("公积金",), region=Region(city="芜湖市")),
    KBEntry("KB-03", "异地就医备案", "到省外就医前先备案。", ("去外地看病要备案吗",), ("医保",)),
    KBEntry("KB-04", "公租房申请（草稿）", "尚未发布。", review_state=ReviewState.DRAFT),
]


@pytest.fixture
def kb_file(tmp_path: Path) -> Path:
    path = tmp_path / "kb.jsonl"
    write_kb_file(path, ENTRIES)
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_one_query_prints_ranked_hits_with_highlights(
    kb_file: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["kb", "search", "--kb", str(kb_file), "--today", "2026-06-01",
                        "芜湖 gongjijin"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(" 1. [KB-02] ")
    assert "【芜湖市】" in lines[0] and "【公积金】" in lines[0]
    assert any("[KB-01]" in line for line in lines[1:])


def test_json_output_has_ids_scores_titles_and_spans(
    kb_file: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["kb", "search", "--kb", str(kb_file), "--json", "--limit", "1",
                        "--today", "2026-06-01", "异地jiuyi"], capsys)
    assert code == 0
    result = json.loads(out)
    assert result["q"] == "异地jiuyi"
    [hit] = result["hits"]
    assert hit["id"] == "KB-03" and hit["title"] == "异地就医备案" and hit["score"] > 0
    assert {"field": "title", "item": 0, "spans": [[0, 4]]} in hit["matches"]


def test_stdin_gives_one_json_line_per_query(
    kb_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("公积金\n\n异地就医\n没有这种事情xyz\n"))
    code, out, _ = run(["kb", "search", "--kb", str(kb_file), "--limit", "2",
                        "--today", "2026-06-01"], capsys)
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["q"] for line in lines] == ["公积金", "异地就医", "没有这种事情xyz"]
    assert [h["id"] for h in lines[0]["hits"]] == ["KB-01", "KB-02"]
    assert set(lines[0]["hits"][0]) == {"id", "score", "title"}
    assert [h["id"] for h in lines[1]["hits"]] == ["KB-03"]
    assert lines[2]["hits"] == []


def test_drafts_are_not_shown(kb_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """第三十条: only published, valid entries are searchable."""
    code, out, _ = run(["kb", "search", "--kb", str(kb_file), "--today", "2026-06-01",
                        "公租房申请"], capsys)
    assert code == 0
    assert "KB-04" not in out


def test_missing_file_is_a_chinese_error(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["kb", "search", "--kb", str(tmp_path / "nope.jsonl"), "x"], capsys)
    assert code == 1 and out == ""
    assert "错误" in err and "nope.jsonl" in err


def test_bad_file_lists_its_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "KB-01", "title": "缺少答复口径"}\nnot json\n', encoding="utf-8")
    code, _, err = run(["kb", "search", "--kb", str(bad), "x"], capsys)
    assert code == 1
    assert "错误" in err and "第1行" in err and "第2行" in err


def test_unsupported_file_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "kb.txt"
    other.write_text("x", encoding="utf-8")
    code, _, err = run(["kb", "search", "--kb", str(other), "x"], capsys)
    assert code == 1 and "不支持" in err


def test_the_installed_command_reads_stdin(kb_file: Path) -> None:
    """End to end through ``python -m hotline_desk`` (no Qt is loaded for the CLI)."""
    done = subprocess.run(
        [sys.executable, "-m", "hotline_desk", "kb", "search", "--kb", str(kb_file),
         "--today", "2026-06-01"],
        input="gjj\n", capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stdout)
    assert line["q"] == "gjj" and line["hits"][0]["id"] in {"KB-01", "KB-02"}
