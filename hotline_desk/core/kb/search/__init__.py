"""Knowledge-base search: Chinese, pinyin, initials, typos and places, per keystroke.

See :mod:`hotline_desk.core.kb.search.index` for the index and
:mod:`hotline_desk.core.kb.search.ranking` for how hits are ordered.
"""

from hotline_desk.core.kb.search.fields import Field
from hotline_desk.core.kb.search.highlight import FieldMatch
from hotline_desk.core.kb.search.index import SearchHit, SearchIndex
from hotline_desk.core.kb.search.query import ParsedQuery, parse

__all__ = ["Field", "FieldMatch", "ParsedQuery", "SearchHit", "SearchIndex", "parse"]
