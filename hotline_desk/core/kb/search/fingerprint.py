"""A fingerprint of what a search index is built from, to tell when a saved one is stale.

第三十条 (谁提供、谁维护、谁更新): entries are revised, retired, added and removed all
the time; a saved index is reused only if it was built from exactly the searchable
content the desk now holds — every entry's id, title, questions, keywords, answer,
city, district, review state and validity dates. Fields the index does not read
(owner unit, policy basis, category, version, update time) are left out: hits carry
the caller's current entry objects, so those are always up to date anyway.

Each field is gathered over all entries into one string or number array and hashed
in one go, rather than formatted entry by entry.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable
from operator import attrgetter

from hotline_desk.core.kb.entry import KBEntry

_ENTRY = "\x1e"
FINGERPRINT_VERSION = 1


def entries_fingerprint(entries: Iterable[KBEntry]) -> str:
    """Hex digest of the indexed fields of ``entries``, independent of their order."""
    ordered = sorted(entries, key=attrgetter("id"))
    regions = [e.region for e in ordered]
    texts = (
        [e.id for e in ordered],
        [e.title for e in ordered],
        [e.answer for e in ordered],
        [q for e in ordered for q in e.questions],
        [k for e in ordered for k in e.keywords],
        [r.city for r in regions],
        [r.district for r in regions],
        [e.review_state for e in ordered],
    )
    numbers = (
        array("q", [len(e.questions) for e in ordered]),
        array("q", [len(e.keywords) for e in ordered]),
        array("q", [e.valid_from.toordinal() if e.valid_from else -1 for e in ordered]),
        array("q", [e.valid_to.toordinal() if e.valid_to else -1 for e in ordered]),
    )
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(f"v{FINGERPRINT_VERSION}:{len(ordered)}".encode())
    for column in texts:
        digest.update(_ENTRY.join(column).encode("utf-16-le", "surrogatepass"))
        digest.update(b"\x1f\x00\x1f\x00")
    for values in numbers:
        digest.update(values.tobytes())
    return digest.hexdigest()
