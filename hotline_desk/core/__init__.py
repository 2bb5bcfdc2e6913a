"""The domain core: the 12345 regulation as pure, typed code.

No Qt, no network, no database, no file I/O: callers hand it text and values and
get values back. Enforced by the import-linter contracts in pyproject.toml.
"""
