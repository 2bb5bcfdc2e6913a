"""``hotline-desk calendar``: due dates, month view and holiday-file loading (第十四–十八条)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import chinese_calendar
import pytest

from hotline_desk.cli import main
from hotline_desk.paths import resource

EXAMPLE = resource("calendar", "example-2027.json")


def test_due_prints_the_official_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """第十七条: 10 working days from Thu 2026-09-24 across 中秋/国庆 (10-10 worked) -> 10-15."""
    code = main(["calendar", "due", "--from", "2026-09-24", "--days", "10",
                 "--data-dir", str(tmp_path)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == "2026-10-15"
    assert "来源：official" in out[2]
    assert out[3] == "暂定：否"


def test_due_json_into_2027_is_provisional(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """A 10-working-day deadline from 2026-12-24 falls in 2027: statutory fallback, provisional."""
    code = main(["calendar", "due", "--from", "2026-12-24", "--days", "10", "--json",
                 "--data-dir", str(tmp_path)])
    assert code == 0
    assert json.loads(capsys.readouterr().out) == {
        "from": "2026-12-24", "days": 10, "due_date": "2027-01-08",
        "deadline": "2027-01-09T00:00:00+08:00", "provisional": True,
        "source": "statutory_fallback",
    }


def test_show_marks_working_days_and_make_up_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["calendar", "show", "2026-10", "--data-dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("2026年10月（来源：official")
    assert "  2026-10-01 周四 休息日 国庆节" in lines
    assert "● 2026-10-10 周六 工作日 调休上班（国庆节）" in lines
    workdays = sum(chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 32))
    assert lines[-1] == f"工作日 {workdays} 天（● 为工作日）"
    assert len(lines) == 31 + 2


def test_show_flags_a_provisional_month(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", "show", "2027-01", "--data-dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "暂定" in lines[0]
    assert "  2027-01-01 周五 休息日 元旦 暂定" in lines
    assert lines[-1].endswith("均为暂定")


def test_load_installs_and_changes_later_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """After the admin loads a 2027 file, 2027 dates come from it (春节 break, worked Saturday)."""
    args = ["--data-dir", str(tmp_path)]
    main(["calendar", "due", "--from", "2027-02-01", "--days", "10", "--json", *args])
    before = json.loads(capsys.readouterr().out)
    assert (before["due_date"], before["source"]) == ("2027-02-19", "statutory_fallback")

    assert main(["calendar", "load", str(EXAMPLE), *args]) == 0
    out = capsys.readouterr().out
    assert "已导入 2027 年节假日文件" in out
    assert (tmp_path / "calendar" / "holidays-2027.json").is_file()

    main(["calendar", "due", "--from", "2027-02-01", "--days", "10", "--json", *args])
    after = json.loads(capsys.readouterr().out)
    assert after == dict(before, due_date="2027-02-22", deadline="2027-02-23T00:00:00+08:00",
                         provisional=False, source="admin_file")
    main(["calendar", "show", "2027-02", *args])
    assert "● 2027-02-20 周六 工作日 调休上班（春节）" in capsys.readouterr().out


def test_load_refuses_a_bad_file_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"year": 2027, "issued_by": "国务院办公厅", "notice": "",
                               "holidays": [{"date": "2027-13-01", "name": "元旦"}]}),
                   encoding="utf-8")
    assert main(["calendar", "load", str(bad), "--data-dir", str(tmp_path / "data")]) == 1
    err = capsys.readouterr().err
    assert "节假日文件有误，共 2 处" in err
    assert "字段 notice：请填写通知文号或标题" in err
    assert "holidays[0].date：不存在的日期：2027-13-01" in err
    assert not (tmp_path / "data" / "calendar").exists()


def test_the_default_data_dir_is_the_local_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HOTLINE_DESK_CACHE", str(tmp_path))
    assert main(["calendar", "load", str(EXAMPLE)]) == 0
    assert (tmp_path / "calendar" / "holidays-2027.json").is_file()
    capsys.readouterr()
    main(["calendar", "due", "--from", "2026-12-31", "--days", "1", "--json"])
    assert json.loads(capsys.readouterr().out)["source"] == "admin_file"


@pytest.mark.parametrize(("argv", "expected"), [
    (["due", "--from", "2026-02-30", "--days", "1"], "YYYY-MM-DD"),
    (["due", "--from", "2026-02-03", "--days", "0"], "正整数"),
    (["show", "2026-13"], "YYYY-MM"),
])
def test_bad_arguments_are_explained(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["calendar", *argv])
    assert caught.value.code == 2
    assert expected in capsys.readouterr().err


def test_a_year_without_any_calendar_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["calendar", "show", "2100-01", "--data-dir", str(tmp_path)]) == 1
    assert "2100年没有可用的节假日安排" in capsys.readouterr().err


def test_the_installed_command_runs(tmp_path: Path) -> None:
    """The console script itself, as an admin would call it."""
    command = Path(sys.executable).parent / "hotline-desk"
    result = subprocess.run(
        [str(command), "calendar", "due", "--from", "2026-09-18", "--days", "1", "--json",
         "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["due_date"], answer["source"]) == ("2026-09-20", "official")  # Sunday worked


def test_load_tells_the_admin_when_the_file_takes_effect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """第十七条: open tickets' stored deadlines follow the new file within a minute (the
    server's minute job, storage.server.tickets_recalendar) — said in Chinese for the
    admin and in English for the operations log."""
    assert main(["calendar", "load", str(EXAMPLE), "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "使用该数据目录的同步服务器约1分钟内读取本文件" in out
    assert "已转办未办结工单的办理时限也随之重新计算" in out
    assert "Sync servers using this data directory read this file within a minute" in out
    assert "未指定 --data-dir" not in out


def test_load_without_a_data_dir_names_the_servers_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """The server's default data folder is ``<local cache>/server``, not this command's
    default: without ``--data-dir`` the admin is told where the server reads the files."""
    monkeypatch.setenv("HOTLINE_DESK_CACHE", str(tmp_path))
    assert main(["calendar", "load", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    server_folder = tmp_path / "server" / "calendar"
    assert f"同步服务器从其数据目录的 calendar/ 读取节假日文件（默认 {server_folder}）" in out
    assert f"(default {server_folder})" in out


def test_load_warns_when_official_data_covers_the_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    file = tmp_path / "h2026.json"
    file.write_text(json.dumps({"year": 2026, "issued_by": "国务院办公厅", "notice": "重复导入",
                                "holidays": [{"date": "2026-01-01", "name": "元旦"}]}),
                    encoding="utf-8")
    assert main(["calendar", "load", str(file), "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "本文件不生效" in out and "重新计算" not in out and "recomputed" not in out
