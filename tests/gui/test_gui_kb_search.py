"""The knowledge-base search panel (第十二条(一): answer on the spot from the KB).

Against the real search index built from the bundled seed knowledge base.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from hotline_desk.core.errors import HotlineError
from hotline_desk.core.kb.search import SearchIndex
from hotline_desk.gui.widgets.highlight import (
    HTML_ROLE,
    MARK_OPEN,
    highlight_html,
    merge_spans,
    snippet,
)
from hotline_desk.gui.widgets.kb_search import KBSearchPanel


def _panel(qtbot, index: SearchIndex) -> KBSearchPanel:
    panel = KBSearchPanel(lambda q, limit: index.search(q, date(2026, 6, 1), limit))
    qtbot.addWidget(panel)
    panel.resize(700, 600)
    panel.show()
    return panel


def test_results_update_on_every_keystroke_with_highlights(qtbot, seed_index, type_text) -> None:
    """第十二条(一): typing shows hits at once, the matched characters marked."""
    panel = _panel(qtbot, seed_index)
    seen: list[int] = []
    panel.search_edit.textChanged.connect(lambda _t: seen.append(panel.model.rowCount()))
    type_text(panel.search_edit, "公积")
    assert len(seen) == 2 and seen[-1] > 0
    type_text(panel.search_edit, "金提取")
    assert panel.model.rowCount() > 0
    markup = panel.model.data(panel.model.index(0), HTML_ROLE)
    assert MARK_OPEN + "公积金" in markup.replace("</span>" + MARK_OPEN, "")
    # the first hit is selected and its answer is shown in the answer view
    entry = panel.current_entry()
    assert entry is not None and "公积金" in entry.title
    # the answer wording is rendered on the next turn of the event loop
    qtbot.waitUntil(lambda: entry.answer[:10] in panel.answer_view.toPlainText(), timeout=2000)


def test_pinyin_initials_find_chinese_entries(qtbot, seed_index) -> None:
    panel = _panel(qtbot, seed_index)
    qtbot.keyClicks(panel.search_edit, "gjj")
    assert panel.model.rowCount() > 0
    assert "公积金" in panel.model.hit(0).entry.title


def test_arrow_keys_move_the_selection_from_the_search_box(qtbot, seed_index, type_text) -> None:
    panel = _panel(qtbot, seed_index)
    type_text(panel.search_edit, "社保")
    assert panel.model.rowCount() > 2
    first = panel.current_entry()
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Down)
    second = panel.current_entry()
    assert second is not None and first is not None and second.id != first.id
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Up)
    assert panel.current_entry().id == first.id
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Escape)
    assert panel.search_edit.text() == "" and panel.model.rowCount() == 0


def test_answered_emits_the_selected_entry_only_when_allowed(qtbot, seed_index,
                                                           type_text) -> None:
    """第十二条(一): 解答完毕 records which entry answered the call."""
    panel = _panel(qtbot, seed_index)
    panel.set_answer_allowed(False, "接听来电后才能解答完毕")
    type_text(panel.search_edit, "身份证")
    assert not panel.answer_button.isEnabled()
    panel.set_answer_allowed(True)
    assert panel.answer_button.isEnabled()
    with qtbot.waitSignal(panel.answered) as blocker:
        panel.answer_button.click()
    assert blocker.args == [panel.current_entry().id]


def test_no_match_and_search_errors_are_shown_not_raised(qtbot, type_text) -> None:
    def failing(_query: str, _limit: int):
        raise HotlineError("index not ready", "知识库正在加载，请稍候")

    panel = KBSearchPanel(failing)
    qtbot.addWidget(panel)
    type_text(panel.search_edit, "社保")
    assert panel.count_label.text() == "知识库正在加载，请稍候"
    assert panel.model.rowCount() == 0


def test_refresh_reruns_the_query_after_an_index_change(qtbot, seed_entries) -> None:
    index = SearchIndex.build(seed_entries[:50])
    panel = _panel(qtbot, index)
    target = seed_entries[60]
    panel.search_edit.setText(target.title)
    assert all(panel.model.hit(r).id != target.id for r in range(panel.model.rowCount()))
    index.upsert(target)
    panel.refresh()
    assert panel.model.hit(0).id == target.id


# ---------------------------------------------------------------- highlight helpers


@given(st.text(max_size=40), st.lists(st.tuples(st.integers(-5, 45), st.integers(-5, 45))))
@settings(max_examples=200)
def test_highlight_keeps_the_text_and_marks_only_spans(text, raw_spans) -> None:
    spans = [(min(a, b), max(a, b)) for a, b in raw_spans]
    merged = merge_spans(spans, len(text))
    assert all(0 <= s < e <= len(text) for s, e in merged)
    assert all(merged[i][1] < merged[i + 1][0] for i in range(len(merged) - 1))
    markup = highlight_html(text, spans)
    import re
    from html import unescape

    assert unescape(re.sub(r"<[^>]+>", "", markup)) == text
    assert markup.count(MARK_OPEN) == len(merged)


def test_snippet_windows_around_the_first_match() -> None:
    text = "甲" * 100 + "公积金" + "乙" * 100
    shown, spans = snippet(text, [(100, 103)], width=30)
    assert shown.startswith("…") and shown.endswith("…")
    start, end = spans[0]
    assert shown[start:end] == "公积金"
