"""Where things live on disk: bundled resources and the local cache folder.

A source checkout and a portable install keep their cache in ``local_cache/``
next to the package; an installed desk uses the platform's *local* (not roaming)
data directory. PyInstaller bundles put ``resources/`` under ``sys._MEIPASS``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "HotlineDesk"


def project_root() -> Path:
    """The folder holding ``resources/`` (the checkout, or the frozen bundle)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    override = os.environ.get("HOTLINE_DESK_RESOURCES")
    return Path(override) if override else project_root() / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def local_cache_dir() -> Path:
    """The desk's cache folder.

    ``HOTLINE_DESK_CACHE`` wins; a source checkout (or a portable install with a
    ``local_cache`` folder beside it) uses that folder; otherwise the platform's
    local app-data directory (on Windows ``%LOCALAPPDATA%``, never roaming).
    """
    override = os.environ.get("HOTLINE_DESK_CACHE")
    if override:
        return Path(override)
    portable = project_root() / "local_cache"
    if portable.is_dir() and not getattr(sys, "frozen", False):
        return portable
    if getattr(sys, "frozen", False):
        beside = Path(sys.executable).resolve().parent / "local_cache"
        if beside.is_dir():
            return beside
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=False))
