"""Feed counters and server configuration (第三条: the centre's name is configured)."""

from __future__ import annotations

import pytest

from hotline_desk.core.errors import DataFormatError, StorageError
from hotline_desk.storage.db import read_transaction, write_transaction
from hotline_desk.storage.server import config, counters


def test_counters_only_move_forward(db):
    with write_transaction(db):
        assert counters.bump(db, counters.SEATS_VERSION) == 1
        assert counters.bump(db, counters.SEATS_VERSION, 5) == 6
        counters.raise_to(db, counters.SEATS_VERSION, 3)
        assert counters.read(db, counters.SEATS_VERSION) == 6
        counters.raise_to(db, counters.SEATS_VERSION, 9)
        assert counters.read(db, counters.SEATS_VERSION) == 9
        with pytest.raises(ValueError):
            counters.bump(db, counters.SEATS_VERSION, 0)
        with pytest.raises(StorageError):
            counters.bump(db, "no_such_feed")


def test_the_centre_name_is_configured_and_validated(db):
    with read_transaction(db):
        assert config.centre(db) is None
    with write_transaction(db):
        name = config.set_centre(db, "芜湖")
        assert name.full_name == "芜湖市12345政务服务便民热线"
        with pytest.raises(DataFormatError):
            config.set_centre(db, "上海")
    with read_transaction(db):
        assert config.get_value(db, config.CENTRE_KEY) == "city:芜湖市"
        assert config.centre(db).short_name == "芜湖市12345热线"
    with write_transaction(db):
        config.set_value(db, config.CENTRE_KEY, "garbage")
    with read_transaction(db):
        assert config.centre(db) is None
