"""``hotline-desk kb import`` / ``kb export`` (第二十九–三十一条): a validated file applied
to the server database all or nothing, every change taking a KB version; both backends.

The ``kb`` group belongs to ``cli/kb_cmd.py``; these tests wire the two subcommands into a
parser of their own exactly as ``kb_cmd`` is to do (``register_import_export``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from hotline_desk.cli.kb_admin_cmd import register_import_export
from hotline_desk.storage.db import close_database, open_database, read_transaction
from hotline_desk.storage.kb_files import read_kb_file
from hotline_desk.storage.server import audit, kb_feed


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="hotline-desk")
    groups = parser.add_subparsers()
    kb = groups.add_parser("kb")
    register_import_export(kb.add_subparsers())
    args = parser.parse_args(argv)
    return int(args.func(args))


def _entry(n: int, answer: str = "答复口径。") -> dict:
    return {"id": f"KB-F-{n}", "title": f"条目{n}", "answer": answer, "category": "social",
            "owner_unit": "合肥市民政局", "review_state": "published", "version": 1}


def _write(path: Path, entries: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries),
                    encoding="utf-8")
    return path


def _version(url: str) -> int:
    db = open_database(url)
    with read_transaction(db):
        version = kb_feed.current_version(db)
    close_database(db)
    return version


def test_import_then_reimport_then_export(server_database_url, tmp_path, capsys):
    source = _write(tmp_path / "kb.jsonl", [_entry(n) for n in range(4)])
    assert run("kb", "import", str(source), "--database", server_database_url) == 0
    assert "新增 4 条" in capsys.readouterr().out
    assert _version(server_database_url) == 4
    assert run("kb", "import", str(source), "--database", server_database_url) == 0
    assert "未变 4 条" in capsys.readouterr().out
    assert _version(server_database_url) == 4  # nothing changed, no version spent
    changed = _write(tmp_path / "kb2.jsonl", [_entry(0, "新的答复口径。"), _entry(9)])
    assert run("kb", "import", str(changed), "--database", server_database_url) == 0
    assert _version(server_database_url) == 6
    for suffix in (".jsonl", ".csv", ".xlsx"):
        target = tmp_path / f"out{suffix}"
        assert run("kb", "export", str(target), "--database", server_database_url) == 0
        exported = {e.id: e for e in read_kb_file(target)}
        assert sorted(exported) == ["KB-F-0", "KB-F-1", "KB-F-2", "KB-F-3", "KB-F-9"]
        assert exported["KB-F-0"].answer == "新的答复口径。" and exported["KB-F-0"].version == 2
    db = open_database(server_database_url)
    with read_transaction(db):
        actions = [r.actor_username for r in audit.page(db, action="kb.import").items]
        exports = audit.page(db, action="kb.export").items
    close_database(db)
    assert actions == ["cli:kb-import", "cli:kb-import"] and len(exports) == 3


def test_a_bad_file_is_refused_whole_with_every_problem(server_database_url, tmp_path, capsys):
    bad = _write(tmp_path / "bad.jsonl", [_entry(1), {"id": "KB-F-2", "title": "无答复"},
                                          {**_entry(3), "category": "nonsense"}])
    assert run("kb", "import", str(bad), "--database", server_database_url) == 1
    err = capsys.readouterr().err
    assert "错误：" in err and err.count("\n  ") >= 2  # one line per problem
    assert _version(server_database_url) == 0  # nothing applied


def test_the_data_dir_default_database(tmp_path, capsys):
    source = _write(tmp_path / "kb.jsonl", [_entry(1)])
    assert run("kb", "import", str(source), "--data-dir", str(tmp_path / "srv")) == 0
    assert (tmp_path / "srv" / "server.db").exists()
    with pytest.raises(SystemExit):
        run("kb", "import")


def test_wired_into_the_kb_command(server_database_url, tmp_path, capsys):
    """``hotline-desk kb import`` reaches these functions through ``kb_cmd``."""
    from hotline_desk.cli import main

    source = _write(tmp_path / "kb.jsonl", [_entry(1)])
    assert main(["kb", "import", str(source), "--database", server_database_url]) == 0
    assert "新增 1 条" in capsys.readouterr().out
