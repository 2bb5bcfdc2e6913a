"""Rich text for search hits: the matched parts highlighted, from the hits' spans.

The search engine (``core.kb.search``) returns, per hit, the matched character
spans of each field. :func:`highlight_html` turns one text and its spans into
escaped HTML with the matches marked; :func:`hit_html` builds the two lines a
result shows (the title, then the best other match: a similar question, a
keyword or a window of the answer); :class:`HighlightDelegate` paints that HTML
in a list view with a :class:`QTextDocument`.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from hotline_desk.core.kb.search import Field, SearchHit

Span = tuple[int, int]

MARK_OPEN = '<span style="background-color:#ffe08a;color:#7a2e00;font-weight:600">'
MARK_CLOSE = "</span>"
#: Characters of answer text shown around the first match.
SNIPPET_CHARS = 46

#: The item-data role carrying the hit's HTML.
HTML_ROLE = int(Qt.ItemDataRole.UserRole) + 1


def merge_spans(spans: Iterable[Span], length: int) -> list[Span]:
    """Spans clipped to ``[0, length]``, sorted, overlapping/adjacent ones merged."""
    clipped = sorted((max(0, s), min(length, e)) for s, e in spans if min(length, e) > max(0, s))
    merged: list[Span] = []
    for start, end in clipped:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight_html(text: str, spans: Iterable[Span]) -> str:
    """``text`` as escaped HTML with every span marked."""
    parts: list[str] = []
    at = 0
    for start, end in merge_spans(spans, len(text)):
        parts.append(html.escape(text[at:start]))
        parts.append(MARK_OPEN + html.escape(text[start:end]) + MARK_CLOSE)
        at = end
    parts.append(html.escape(text[at:]))
    return "".join(parts)


def snippet(text: str, spans: Sequence[Span], width: int = SNIPPET_CHARS) -> tuple[str, list[Span]]:
    """A window of ``text`` around its first span, with the spans shifted into it."""
    if len(text) <= width:
        return text, list(spans)
    first = min((s for s, _ in spans), default=0)
    start = max(0, min(first - width // 4, len(text) - width))
    end = start + width
    shifted = [(s - start, e - start) for s, e in spans if e > start and s < end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    offset = len(prefix)
    return (prefix + text[start:end] + suffix,
            [(s + offset, e + offset) for s, e in merge_spans(shifted, width)])


def _field_text(hit: SearchHit, field: Field, item: int) -> str:
    entry = hit.entry
    if field is Field.TITLE:
        return entry.title
    if field is Field.QUESTION and item < len(entry.questions):
        return entry.questions[item]
    if field is Field.KEYWORD and item < len(entry.keywords):
        return entry.keywords[item]
    if field is Field.ANSWER:
        return entry.answer
    return ""


def hit_html(hit: SearchHit) -> str:
    """Two lines: the highlighted title, then the best other matching text, smaller."""
    title_spans = [s for m in hit.matches if m.field is Field.TITLE for s in m.spans]
    lines = [f'<div style="font-size:13pt">{highlight_html(hit.entry.title, title_spans)}</div>']
    others = [m for m in hit.matches if m.field is not Field.TITLE and m.spans]
    if others:
        best = max(others, key=lambda m: (sum(e - s for s, e in m.spans), -m.field.code))
        text = _field_text(hit, best.field, best.item)
        shown, spans = snippet(text, best.spans)
        lines.append(
            f'<div style="color:#5f6b7a;font-size:10pt">{best.field.label}：'
            f"{highlight_html(shown, spans)}</div>")
    else:
        owner = html.escape(hit.entry.owner_unit)
        if owner:
            lines.append(f'<div style="color:#5f6b7a;font-size:10pt">{owner}</div>')
    return "".join(lines)


class HighlightDelegate(QStyledItemDelegate):
    """Paints the HTML of :data:`HTML_ROLE` with a QTextDocument (selection-aware).

    Laid-out documents are cached per (markup, width): the view asks for every row's
    size and paints the visible ones on each keystroke, and laying out rich text is
    the expensive part.
    """

    CACHE_SIZE = 128

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cache: OrderedDict[tuple[str, int, str], QTextDocument] = OrderedDict()

    def _document(self, option: QStyleOptionViewItem, markup: str) -> QTextDocument:
        width = option.rect.width()
        view = option.widget
        if width <= 0 and view is not None:
            viewport = getattr(view, "viewport", None)
            width = viewport().width() if callable(viewport) else view.width()
        width = max(width, 120)
        key = (markup, width, option.font.key())
        doc = self._cache.get(key)
        if doc is not None:
            self._cache.move_to_end(key)
            return doc
        doc = self._layout(option, markup, width)
        self._cache[key] = doc
        if len(self._cache) > self.CACHE_SIZE:
            self._cache.popitem(last=False)
        return doc

    @staticmethod
    def _layout(option: QStyleOptionViewItem, markup: str, width: int) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(4)
        doc.setHtml(markup)
        doc.setTextWidth(width)
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        markup = str(index.data(HTML_ROLE) or html.escape(str(opt.text)))
        opt.text = ""
        widget: QWidget | None = opt.widget
        style = widget.style() if widget is not None else None
        painter.save()
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        doc = self._document(opt, markup)
        painter.translate(opt.rect.topLeft())
        context = QAbstractTextDocumentLayout.PaintContext()
        if opt.state & QStyle.StateFlag.State_Selected:
            context.palette.setColor(QPalette.ColorRole.Text,
                                     opt.palette.color(QPalette.ColorRole.HighlightedText))
        else:
            context.palette.setColor(QPalette.ColorRole.Text,
                                     opt.palette.color(QPalette.ColorRole.Text))
        context.clip = QRectF(0, 0, opt.rect.width(), opt.rect.height())
        painter.setClipRect(context.clip)
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        doc = self._document(opt, str(index.data(HTML_ROLE) or ""))
        # the text width, not idealWidth(): that one lays the document out again
        return QSize(int(doc.textWidth()), int(doc.size().height()) + 2)
