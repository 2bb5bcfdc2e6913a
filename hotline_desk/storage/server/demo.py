"""The demo centre: 合肥市12345热线, accounts of every role, and the seed knowledge base.

``hotline-desk server init-demo`` (and ``hotline-desk demo`` / ``python3 dev.py
start``) call :func:`init_demo`. It is idempotent: missing accounts are created,
existing ones are left as they are (their passwords too); seed entries are
imported and an unchanged entry is not touched (no KB version is spent on it).

Demo accounts — every one has the password :data:`DEMO_PASSWORD` (``Hotline12345``):

=============  ============  ==========================================
user name      role          unit
=============  ============  ==========================================
``admin``      admin         —
``operator1``  operator      —
``operator2``  operator      —
``expert1``    expert        合肥市人力资源和社会保障局 (第八条 专家座席)
``teamlead1``  team_lead     —
``unit_gjj``   unit_handler  合肥市住房公积金管理中心
``unit_rsj``   unit_handler  合肥市人力资源和社会保障局
=============  ============  ==========================================

These accounts exist only in a demo database; never run ``init-demo`` on a real one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import peewee

from hotline_desk.core.kb.entry import KBEntry
from hotline_desk.core.protocol import AccountCreate
from hotline_desk.core.vocabulary import Role
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.kb_files import read_kb_file
from hotline_desk.storage.migrations import migrate
from hotline_desk.storage.server import accounts, audit, config, kb_entries
from hotline_desk.storage.server.audit import Actor
from hotline_desk.storage.server.kb_entries import ImportResult
from hotline_desk.storage.server.passwords import Passwords

DEMO_CENTRE = "city:合肥市"
DEMO_PASSWORD = "Hotline12345"


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    role: Role
    display_name: str
    unit: str | None = None


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", Role.ADMIN, "系统管理员"),
    DemoAccount("operator1", Role.OPERATOR, "王晓梅"),
    DemoAccount("operator2", Role.OPERATOR, "刘志强"),
    DemoAccount("expert1", Role.EXPERT, "赵建国", "合肥市人力资源和社会保障局"),
    DemoAccount("teamlead1", Role.TEAM_LEAD, "陈静"),
    DemoAccount("unit_gjj", Role.UNIT_HANDLER, "公积金中心承办人", "合肥市住房公积金管理中心"),
    DemoAccount("unit_rsj", Role.UNIT_HANDLER, "人社局承办人", "合肥市人力资源和社会保障局"),
)


@dataclass(frozen=True, slots=True)
class DemoReport:
    centre: str
    accounts_created: list[str]
    seed_files: list[str]
    kb: ImportResult


def read_seed(seed_dir: Path) -> tuple[list[str], list[KBEntry]]:
    """Every entry of ``seed_dir/*.jsonl`` (sorted by file name); DataFormatError if bad."""
    files = sorted(seed_dir.glob("*.jsonl")) if seed_dir.is_dir() else []
    entries: list[KBEntry] = []
    for file in files:
        entries.extend(read_kb_file(file))
    return [file.name for file in files], entries


def init_demo(
    db: peewee.Database, passwords: Passwords, seed_dir: Path, *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> DemoReport:
    migrate(db, now=now)
    files, entries = read_seed(seed_dir)  # before any write: a bad seed changes nothing
    actor = Actor.system("cli:init-demo")
    with read_transaction(db):
        missing = [account for account in DEMO_ACCOUNTS
                   if accounts.find_by_username(db, account.username) is None]
    hashes = {account.username: passwords.hash_new(DEMO_PASSWORD) for account in missing}
    created: list[str] = []
    with write_transaction(db):
        centre = config.centre(db)
        if centre is None:
            centre = config.set_centre(db, DEMO_CENTRE)
            audit.record(db, actor, "config.set", "server_config", config.CENTRE_KEY,
                         {"value": centre.config_value}, now=now())
        for account in missing:
            if accounts.find_by_username(db, account.username) is not None:
                continue  # created meanwhile by a concurrent init-demo
            accounts.create(
                db,
                AccountCreate(username=account.username, display_name=account.display_name,
                              role=account.role, unit=account.unit, password=DEMO_PASSWORD),
                password_hash=hashes[account.username], actor=actor, now=now())
            created.append(account.username)
        result = kb_entries.import_entries(db, entries, actor=actor, now=now())
    return DemoReport(centre=centre.full_name, accounts_created=created, seed_files=files,
                      kb=result)
