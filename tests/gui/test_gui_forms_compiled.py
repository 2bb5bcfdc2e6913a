"""The compiled forms match their Qt Designer sources (hashes, not mtimes)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _compiler():
    spec = importlib.util.spec_from_file_location("compile_forms",
                                                  ROOT / "build" / "compile_forms.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["compile_forms"] = module
    spec.loader.exec_module(module)
    return module


def test_every_form_is_compiled_from_its_current_source() -> None:
    compiler = _compiler()
    sources = sorted((ROOT / "ui").glob("*.ui"))
    assert sources, "no ui/*.ui forms found"
    assert compiler.stale_forms() == [], "run: python build/compile_forms.py"


def test_an_edited_form_is_detected_as_stale(tmp_path, monkeypatch) -> None:
    compiler = _compiler()
    ui_dir = tmp_path / "ui"
    forms_dir = tmp_path / "forms"
    ui_dir.mkdir()
    forms_dir.mkdir()
    source = ROOT / "ui" / "note_dialog.ui"
    copy = ui_dir / "note_dialog.ui"
    copy.write_bytes(source.read_bytes())
    compiled = ROOT / "hotline_desk" / "gui" / "forms" / "ui_note_dialog.py"
    (forms_dir / "ui_note_dialog.py").write_text(compiled.read_text(encoding="utf-8"),
                                                encoding="utf-8")
    monkeypatch.setattr(compiler, "UI_DIR", ui_dir)
    monkeypatch.setattr(compiler, "FORMS_DIR", forms_dir)
    assert compiler.stale_forms() == []
    # CRLF line endings (a Windows checkout) do not count as a change
    copy.write_bytes(source.read_bytes().replace(b"\n", b"\r\n"))
    assert compiler.stale_forms() == []
    copy.write_text(source.read_text(encoding="utf-8").replace("说明", "备注"), encoding="utf-8")
    assert compiler.stale_forms() == ["note_dialog.ui"]
