"""Fixtures of the server-database tests: every test runs on SQLite and on PostgreSQL
(``backend`` and ``server_database_url`` come from ``tests/pg_fixture.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import peewee
import pytest

from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import close_database, open_database, write_transaction
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.models import Account
from hotline_desk.storage.server.passwords import Passwords, cheapest_hasher


@pytest.fixture
def db(server_database_url: str) -> Iterator[peewee.Database]:
    database = open_database(server_database_url)
    yield database
    close_database(database)


@pytest.fixture(scope="session")
def passwords() -> Passwords:
    return Passwords(cheapest_hasher())


@pytest.fixture
def make_actor(db: peewee.Database, passwords: Passwords) -> Callable[..., Actor]:
    """Create an account row and return it as an acting account."""

    def make(username: str, role: Role, unit: str | None = None,
             password: str = "Passw0rd-test") -> Actor:
        now = datetime(2026, 1, 1, tzinfo=UTC)
        with write_transaction(db):
            account_id = Account.insert(
                username=username, display_name=username.upper(), role=role.value, unit=unit,
                password_hash=passwords.hasher.hash(password), created_at=now, updated_at=now,
            ).execute(db)
        return Actor(account_id=int(account_id), username=username, role=role, unit=unit,
                     client_address="10.0.0.1")

    return make
