"""Fixtures of the platform API tests (see ``platform_kit.py``)."""

from platform_kit import server_api

__all__ = ["server_api"]
