"""The demo centre (第三条: 合肥市12345热线), its accounts and seed knowledge base."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from hotline_desk.core.errors import DataFormatError
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import read_transaction
from hotline_desk.storage.server import accounts, audit, config, kb_entries, kb_feed, login
from hotline_desk.storage.server.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, init_demo
from hotline_desk.storage.server.login_throttle import ThrottlePolicy

ENTRY = {"id": "KB-DEMO-{n}", "title": "合肥市居住证办理", "answer": "携带身份证到派出所办理。",
         "category": "social", "owner_unit": "合肥市公安局",
         "region": {"province": "安徽省", "city": "合肥市", "district": ""},
         "review_state": "published", "version": 1}


def _seed(folder: Path, count: int, name: str = "a.jsonl") -> Path:
    folder.mkdir(exist_ok=True)
    lines = [json.dumps({**ENTRY, "id": f"KB-DEMO-{n}"}, ensure_ascii=False)
             for n in range(count)]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_init_demo_is_complete_and_idempotent(db, passwords, clock, tmp_path):
    seed = _seed(tmp_path / "seed", 3)
    first = init_demo(db, passwords, seed, now=clock)
    assert first.centre == "合肥市12345政务服务便民热线"
    assert first.accounts_created == [a.username for a in DEMO_ACCOUNTS]
    assert (first.kb.created, first.kb.kb_version) == (3, 3)
    second = init_demo(db, passwords, seed, now=clock)
    assert second.accounts_created == [] and second.kb.unchanged == 3
    assert second.kb.kb_version == 3  # nothing changed, no version spent
    with read_transaction(db):
        roles = {a.role for a in accounts.list_all(db)}
        assert config.centre(db).short_name == "合肥市12345热线"
        assert len(kb_entries.export_entries(db)) == 3
    assert roles == set(Role)  # an account of every role
    with read_transaction(db):
        actions = [r.action for r in audit.page(db, limit=100).items]
    assert actions.count("config.set") == 1 and actions.count("kb.import") == 1
    assert actions.count("account.create") == len(DEMO_ACCOUNTS)


def test_every_demo_account_logs_in_with_the_documented_password(db, passwords, clock,
                                                                 tmp_path):
    init_demo(db, passwords, tmp_path / "no-seed-here", now=clock)
    for account in DEMO_ACCOUNTS:
        result = login.login(db, passwords, account.username, DEMO_PASSWORD,
                             client_address="127.0.0.1", now=clock(),
                             ttl=timedelta(hours=1),
                             policy=ThrottlePolicy())
        assert result.account.role is account.role and result.account.unit == account.unit


def test_a_bad_seed_file_changes_nothing(db, passwords, clock, tmp_path):
    seed = _seed(tmp_path / "seed", 2)
    (seed / "b.jsonl").write_text('{"id": "KB-BAD"}\n', encoding="utf-8")
    with pytest.raises(DataFormatError):
        init_demo(db, passwords, seed, now=clock)
    with read_transaction(db):
        assert accounts.list_all(db) == [] and kb_feed.current_version(db) == 0
