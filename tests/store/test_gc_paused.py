"""gc_paused: no collections while a book is built; a kept book frozen out of the collector's
sight, and only when the work succeeded."""

import gc

import pytest

from csdesk.store.queries import gc_paused


@pytest.fixture(autouse=True)
def _restore_the_collector():
    was = gc.isenabled()
    yield
    gc.unfreeze()
    (gc.enable if was else gc.disable)()


def test_collection_is_paused_inside_and_restored_after():
    gc.enable()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_kept_book_is_frozen_on_success():
    gc.unfreeze()
    book = [[] for _ in range(1000)]
    with gc_paused(freeze=True):
        book.append([])
    assert gc.get_freeze_count() >= len(book)


def test_a_failure_freezes_nothing_and_restores_the_collector():
    gc.unfreeze()
    gc.enable()
    with pytest.raises(ValueError), gc_paused(freeze=True):
        raise ValueError("refused import")
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
