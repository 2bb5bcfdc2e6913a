"""The fields of an entry the search looks at, in ranking order (title first)."""

from __future__ import annotations

from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.vocabulary import LabeledEnum


class Field(LabeledEnum):
    """A searched field; ``code`` is its rank (0 = title, the most important)."""

    TITLE = ("title", "标题")
    QUESTION = ("questions", "相似问题")
    KEYWORD = ("keywords", "关键词")
    ANSWER = ("answer", "答复口径")

    @property
    def code(self) -> int:
        return _CODES[self]


_CODES = {field: i for i, field in enumerate(Field)}
BY_CODE: tuple[Field, ...] = tuple(Field)


def short_texts(entry: KBEntry) -> list[tuple[Field, int, str]]:
    """The title, questions and keywords of ``entry`` with their item index."""
    texts: list[tuple[Field, int, str]] = [(Field.TITLE, 0, entry.title)]
    texts.extend((Field.QUESTION, i, q) for i, q in enumerate(entry.questions))
    texts.extend((Field.KEYWORD, i, k) for i, k in enumerate(entry.keywords))
    return texts

