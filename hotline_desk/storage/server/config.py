"""Server-wide settings kept in the database (``server_config``), e.g. the centre's name.

The centre is configured, never hard-coded (第三条): the value stored under
:data:`CENTRE_KEY` is a ``core.centre`` configuration value such as ``city:合肥市``.
"""

from __future__ import annotations

import peewee

from hotline_desk.core.centre import CentreName, centre_name
from hotline_desk.core.errors import DataFormatError
from hotline_desk.storage.server.models import ServerConfig

CENTRE_KEY = "centre"


def get_value(db: peewee.Database, key: str) -> str | None:
    row = ServerConfig.select(ServerConfig.value).where(ServerConfig.key == key).tuples()
    found = row.get_or_none(db)
    return None if found is None else str(found[0])


def set_value(db: peewee.Database, key: str, value: str) -> None:
    (ServerConfig.insert(key=key, value=value)
     .on_conflict(conflict_target=[ServerConfig.key], update={ServerConfig.value: value})
     .execute(db))


def centre(db: peewee.Database) -> CentreName | None:
    """The configured centre, or ``None`` when unset or unreadable."""
    value = get_value(db, CENTRE_KEY)
    if not value:
        return None
    try:
        return centre_name(value)
    except DataFormatError:
        return None


def set_centre(db: peewee.Database, config_value: str) -> CentreName:
    """Validate (``core.centre``) and store the centre configuration value."""
    name = centre_name(config_value)
    set_value(db, CENTRE_KEY, name.config_value)
    return name
