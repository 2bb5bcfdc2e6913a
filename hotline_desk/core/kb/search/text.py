"""Length-preserving text normalisation shared by the index, the query and highlighting.

Full-width ASCII (ＡＢＣ１２３, typed with a Chinese IME in full-width mode) becomes
half-width, Latin letters become lower case, the ideographic space a space. Every
character maps to exactly one character, so offsets in the normalised text are
offsets in the original: highlight spans point into what the operator sees.
"""

from __future__ import annotations

import re

_TABLE: dict[int, int] = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}
for _code in range(0xFF01, 0xFF5F):
    _half = _code - 0xFEE0
    _TABLE[_code] = _half + 32 if ord("A") <= _half <= ord("Z") else _half
_TABLE[0x3000] = 0x20
_TABLE[0] = 0x20

_FOLDED = re.compile("[A-Z\uff01-\uff5e\u3000\x00]")


def normalize(text: str) -> str:
    """Lower-case, half-width copy of ``text`` with the same length."""
    if _FOLDED.search(text) is None:  # the common case: nothing to fold
        return text
    return text.translate(_TABLE)


def is_han(char: str) -> bool:
    """A CJK ideograph (basic block, extension A, compatibility, extensions B+)."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
    )

