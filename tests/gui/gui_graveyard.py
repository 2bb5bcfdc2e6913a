"""Qt-backed objects kept alive for the whole test session.

Left to Python's garbage collector, their QObjects could be deleted in the middle of
a later test's event dispatch (a timer event to a freed object crashes Qt). A module
of its own, not ``conftest``: several test folders have a ``conftest.py`` and only
one of them can be importable under that name.
"""

from __future__ import annotations

GRAVEYARD: list[object] = []
