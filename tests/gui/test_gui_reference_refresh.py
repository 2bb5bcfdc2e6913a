"""The operator's panels follow what the centre publishes, without a restart (第三十一条).

A real desk (the composition root's services and windows) against a real sync server
process: the centre publishes emergency lines with another local water-company number
for 合肥 (第十二条(三)) and corrected refusal scripts (第十条); after 立即同步 the
emergency panel's water button shows the new number, Ctrl+6 during a call offers
exactly that number, and the refusal panel reads the corrected script while keeping
the reason the operator had chosen.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from gui_desk_harness import DeskHarness
from gui_live_server import ServerProcess, init_demo
from PySide6.QtCore import Qt

from hotline_desk import paths
from hotline_desk.core.vocabulary import SeatState
from hotline_desk.storage.server.demo import DEMO_PASSWORD

pytestmark = pytest.mark.slow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
BUNDLED_WATER = "0551-64422666"
PUBLISHED_WATER = "0551-63000005"  # test data, not a real number


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data_dir = tmp_path_factory.mktemp("gui-reference") / "data"
    data_dir.mkdir()
    init_demo(data_dir)
    process = ServerProcess(data_dir)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def desk(qtbot, qloop, memory_keyring, tmp_path: Path, server: ServerProcess
         ) -> Iterator[DeskHarness]:
    """operator1 of the demo centre (合肥市12345热线), logged in, its window open."""
    harness = DeskHarness(qtbot, server.url, tmp_path / "cache", "operator1")
    harness.open()
    yield harness
    harness.close()


def _bundled(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(paths.resource("scripts", f"{name}.json").read_text("utf-8"))
    return data


def _publish(server_url: str, name: str, document: dict[str, Any]) -> None:
    """The centre's admin publishes a document (PUT /api/v1/reference/{name})."""
    with httpx.Client(base_url=server_url, timeout=30) as client:
        login = client.post("/api/v1/auth/login",
                            json={"username": "admin", "password": DEMO_PASSWORD})
        login.raise_for_status()
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        answer = client.put(f"/api/v1/reference/{name}", json=document, headers=headers)
        assert answer.status_code == 200, answer.text
        client.post("/api/v1/auth/logout", headers=headers)


def test_published_lines_and_scripts_reach_the_open_operator_window(
        desk: DeskHarness, server: ServerProcess) -> None:
    window = desk.window
    panel = window.emergency

    def water() -> str:
        button = panel.buttons.get("water")
        return button.text() if button is not None else ""

    desk.wait(lambda: BUNDLED_WATER in water(), state=water)  # the bundled 合肥 number
    refusal = window.refusal
    chosen = _bundled("non_acceptance")["reasons"][2]["code"]
    refusal.select(chosen)

    lines = _bundled("emergency_lines")
    lines["version"] += 1
    lines["cities"]["合肥市"]["water"] = {"number": PUBLISHED_WATER, "unit": "测试供水公司",
                                         "source": "测试数据"}
    _publish(server.url, "emergency_lines", lines)
    scripts = _bundled("non_acceptance")
    scripts["version"] += 1
    scripts["reasons"][2]["script"] = "（中心修订口径）" + scripts["reasons"][2]["script"]
    _publish(server.url, "non_acceptance", scripts)

    desk.key(Qt.Key.Key_S, CTRL | SHIFT)  # 立即同步: push, then pull (reference data too)
    desk.wait(lambda: PUBLISHED_WATER in water(), state=water)
    assert BUNDLED_WATER not in water()
    desk.wait(lambda: "（中心修订口径）" in refusal.ui.scriptView.toPlainText(),
              state=refusal.ui.scriptView.toPlainText)
    assert refusal.ui.reasonCombo.currentData() == chosen  # the operator's choice kept

    # one keystroke during a call hands the caller to the water company, new number shown
    window.caller.phone_edit.setText("13700003333")
    desk.qtbot.keyClick(window.caller.phone_edit, Qt.Key.Key_Return)
    desk.wait(lambda: desk.ctx.seat.state is SeatState.ON_CALL)
    desk.key(Qt.Key.Key_6, CTRL)
    desk.wait(lambda: panel.confirm_dialog is not None)
    dialog = panel.confirm_dialog
    assert dialog.ui.numberLabel.text() == PUBLISHED_WATER
    assert "测试供水公司" in dialog.ui.unitLabel.text()
    dialog.reject()
