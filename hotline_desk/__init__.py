"""Hotline Desk: the 12345 government service hotline seat workstation and its sync server.

Layers (enforced by import-linter, see pyproject.toml):
``gui -> services -> storage -> core`` and ``server -> storage -> core``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hotline-desk")
except PackageNotFoundError:  # running from a source tree or a frozen bundle
    __version__ = "0.1.0"
