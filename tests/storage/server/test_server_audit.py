"""The append-only audit log (第三十四–三十五条: 全过程安全管理), on SQLite and PostgreSQL."""

from __future__ import annotations

import peewee
import pytest

from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import (
    close_database,
    open_database,
    read_transaction,
    write_transaction,
)
from hotline_desk.storage.server import audit
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.models import AuditLog


def _fill(db: peewee.Database, clock, count: int) -> list[int]:
    actor = Actor(account_id=7, username="wang", role=Role.OPERATOR, client_address="10.1.2.3")
    ids = []
    with write_transaction(db):
        for n in range(count):
            ids.append(audit.record(db, actor, "kb.edit" if n % 2 else "auth.login",
                                    "kb_entry", f"KB-{n}", {"n": n}, now=clock.advance(1)))
    return ids


def test_records_keep_who_what_when_where(db, clock):
    (record_id,) = _fill(db, clock, 1)
    with read_transaction(db):
        page = audit.page(db)
    (item,) = page.items
    assert item.id == record_id
    assert (item.actor_id, item.actor_username, item.actor_role) == (7, "wang", "operator")
    assert (item.action, item.object_type, item.object_id) == ("auth.login", "kb_entry", "KB-0")
    assert item.client_address == "10.1.2.3"
    assert item.at == clock.now
    assert item.details == {"n": 0}


def test_paging_and_filters(db, clock):
    ids = _fill(db, clock, 7)
    with read_transaction(db):
        first = audit.page(db, limit=3)
        second = audit.page(db, after_id=first.next_after_id, limit=3)
        third = audit.page(db, after_id=second.next_after_id, limit=3)
        edits = audit.page(db, action="kb.edit")
        one = audit.page(db, object_type="kb_entry", object_id="KB-4")
        nobody = audit.page(db, actor_id=8)
    assert [i.id for i in first.items + second.items + third.items] == ids
    assert first.has_more and second.has_more and not third.has_more
    assert [i.object_id for i in edits.items] == ["KB-1", "KB-3", "KB-5"]
    assert [i.object_id for i in one.items] == ["KB-4"]
    assert nobody.items == [] and nobody.next_after_id == 0


def test_a_system_actor_has_no_account(db, clock):
    with write_transaction(db):
        audit.record(db, Actor.system("cli:kb-import"), "kb.import", "kb_entry", now=clock())
    with read_transaction(db):
        (item,) = audit.page(db).items
    assert item.actor_id is None and item.actor_username == "cli:kb-import"
    assert item.actor_role is None


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET action = 'forged'",
    "DELETE FROM audit_log",
])
def test_the_database_refuses_to_change_or_delete_records(db, clock, statement: str):
    _fill(db, clock, 2)
    with pytest.raises(peewee.DatabaseError, match="append-only"), db.connection_context(), \
            db.atomic():
        db.execute_sql(statement)
    with read_transaction(db):
        assert [i.action for i in audit.page(db).items] == ["auth.login", "kb.edit"]


def test_the_peewee_api_is_refused_too(db, clock):
    _fill(db, clock, 1)
    with pytest.raises(peewee.DatabaseError), db.connection_context(), db.atomic():
        AuditLog.update(details={"forged": True}).execute(db)


def test_truncate_is_refused_on_postgresql(pg_server, pg_migrated_template, clock):
    """SQLite has no TRUNCATE (its DELETE is refused above); PostgreSQL's is refused too."""
    name = pg_server.create_database(template=pg_migrated_template)
    db = open_database(pg_server.url(name))
    try:
        _fill(db, clock, 1)
        with pytest.raises(peewee.DatabaseError, match="append-only"), \
                db.connection_context(), db.atomic():
            db.execute_sql("TRUNCATE audit_log")
    finally:
        close_database(db)
        pg_server.drop_database(name)
