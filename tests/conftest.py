import datetime as dt

import pytest

from csdesk.store.schema import open_book


@pytest.fixture
def book(tmp_path):
    """A fresh, empty book on a real SQLite file."""
    db = open_book(tmp_path / "book.db")
    yield db
    db.conn.close()


@pytest.fixture
def as_of():
    return dt.date(2026, 11, 23)
