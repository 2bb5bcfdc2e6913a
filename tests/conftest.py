"""Suite-wide pytest configuration: registers the PostgreSQL test-server plugin."""

pytest_plugins = ("pg_fixture",)
