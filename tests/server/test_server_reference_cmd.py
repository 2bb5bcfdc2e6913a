"""``hotline-desk server reference load FILE``: IT staff publish the centre's refusal
scripts (第十条) or emergency and utility lines (第十二条(三)) without an HTTP client, so
every desk picks them up at its next sync (第三十一条). Both backends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hotline_desk import paths
from hotline_desk.cli import main
from hotline_desk.core.protocol import ReferenceName
from hotline_desk.storage.db import close_database, open_database, read_transaction
from hotline_desk.storage.server import audit, refdata


def _bundled(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(paths.resource("scripts", f"{name}.json").read_text("utf-8"))
    return data


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _published(url: str, name: ReferenceName) -> Any:
    db = open_database(url)
    try:
        with read_transaction(db):
            return refdata.get(db, name), audit.page(db, action=refdata.AUDIT_ACTION).items
    finally:
        close_database(db)


def test_load_publishes_the_file_and_refuses_a_version_not_newer(server_database_url, tmp_path,
                                                                   capsys):
    lines = _bundled("emergency_lines")
    lines["version"] = 2
    lines["cities"]["合肥市"]["gas"] = {"number": "0551-63000003", "unit": "测试燃气公司",
                                      "source": "测试数据"}
    file = _write(tmp_path / "emergency_lines.json", lines)
    assert main(["server", "reference", "load", str(file), "--database",
                 server_database_url]) == 0
    assert "已发布紧急及公共事业服务热线（emergency_lines）版本 2" in capsys.readouterr().out
    found, records = _published(server_database_url, ReferenceName.EMERGENCY_LINES)
    assert found.version == 2 and found.uploaded_by == "cli:reference-load"
    assert found.document["cities"]["合肥市"]["gas"]["number"] == "0551-63000003"
    assert [(r.actor_username, r.object_id) for r in records] == [
        ("cli:reference-load", "emergency_lines")]

    assert main(["server", "reference", "load", str(file), "--database",
                 server_database_url]) == 1
    err = capsys.readouterr().err
    assert "错误：紧急及公共事业服务热线未发布" in err
    assert "版本号2不大于服务器上已发布的版本2" in err


def test_the_document_is_told_by_content_or_by_name(server_database_url, tmp_path, capsys):
    """第十条: a scripts file under any name is recognised by its content."""
    scripts = _bundled("non_acceptance")
    scripts["version"] = 5
    file = _write(tmp_path / "合肥口径2026.json", scripts)
    assert main(["server", "reference", "load", str(file), "--database",
                 server_database_url]) == 0
    assert "不予受理告知口径（non_acceptance）版本 5" in capsys.readouterr().out
    assert _published(server_database_url, ReferenceName.NON_ACCEPTANCE)[0].version == 5

    ambiguous = _write(tmp_path / "other.json", {"version": 9})
    assert main(["server", "reference", "load", str(ambiguous), "--database",
                 server_database_url]) == 1
    assert "--name" in capsys.readouterr().err
    assert main(["server", "reference", "load", str(ambiguous), "--name", "holidays",
                 "--database", server_database_url]) == 1
    assert "未知的参考资料名称「holidays」" in capsys.readouterr().err
    # named explicitly: checked as emergency lines, every problem printed
    assert main(["server", "reference", "load", str(ambiguous), "--name", "emergency_lines",
                 "--database", server_database_url]) == 1
    err = capsys.readouterr().err
    assert "文件 lines：缺少热线列表 lines" in err and "文件 updated" in err


def test_an_invalid_file_prints_every_problem_and_publishes_nothing(server_database_url,
                                                                     tmp_path, capsys):
    lines = _bundled("emergency_lines")
    lines["version"] = 3
    lines["lines"][5]["hotkey"] = "Ctrl+6"
    lines["cities"]["上海市"] = {}
    file = _write(tmp_path / "emergency_lines.json", lines)
    assert main(["server", "reference", "load", str(file), "--database",
                 server_database_url]) == 1
    err = capsys.readouterr().err
    assert "lines第6项 hotkey：快捷键 hotkey 应为一个数字或大写字母" in err
    assert "cities「上海市」 city：「上海市」不是安徽省的设区市" in err
    assert _published(server_database_url, ReferenceName.EMERGENCY_LINES)[0] is None


def test_a_missing_file_or_an_unmigrated_database_is_explained(empty_database_url, tmp_path,
                                                                 capsys):
    assert main(["server", "reference", "load", str(tmp_path / "none.json"), "--database",
                 empty_database_url]) == 1
    assert "找不到文件" in capsys.readouterr().err
    file = _write(tmp_path / "emergency_lines.json", _bundled("emergency_lines"))
    assert main(["server", "reference", "load", str(file), "--database",
                 empty_database_url]) == 1
    assert "数据库尚未升级到当前版本" in capsys.readouterr().err


def test_load_defaults_to_the_data_folder(tmp_path, capsys):
    data_dir = tmp_path / "server"
    assert main(["server", "migrate", "--data-dir", str(data_dir)]) == 0
    file = _write(tmp_path / "emergency_lines.json", {**_bundled("emergency_lines"),
                                                      "version": 4})
    assert main(["server", "reference", "load", str(file), "--data-dir", str(data_dir)]) == 0
    url = f"sqlite:///{data_dir / 'server.db'}"
    assert _published(url, ReferenceName.EMERGENCY_LINES)[0].version == 4
    assert main(["server", "reference"]) == 2  # no action: the usage, nothing run
    assert "load" in capsys.readouterr().err
