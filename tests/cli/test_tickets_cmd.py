"""``hotline-desk tickets prefix``: the configurable prefix of public ticket numbers
(第三条 the centre is configured; 第十九条 the number finds the ticket again)."""

from __future__ import annotations

from hotline_desk.cli import main


def test_show_set_and_refuse_a_prefix(tmp_path, capsys):
    assert main(["server", "migrate", "--data-dir", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["tickets", "prefix", "--data-dir", str(tmp_path)]) == 0
    assert "工单编号前缀：AH" in capsys.readouterr().out
    assert main(["tickets", "prefix", "hf", "--data-dir", str(tmp_path)]) == 0
    assert "工单编号前缀：HF" in capsys.readouterr().out
    assert main(["tickets", "prefix", "合肥", "--data-dir", str(tmp_path)]) == 1
    assert "英文大写字母" in capsys.readouterr().err
    assert main(["tickets", "prefix", "--data-dir", str(tmp_path)]) == 0
    assert "工单编号前缀：HF" in capsys.readouterr().out


def test_an_unmigrated_database_is_refused(tmp_path, capsys):
    assert main(["tickets", "prefix", "--data-dir", str(tmp_path)]) == 1
    assert "数据库尚未升级" in capsys.readouterr().err
