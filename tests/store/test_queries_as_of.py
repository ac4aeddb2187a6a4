"""Reading the book as of a past day: what happened later has not happened yet."""

import datetime as dt

from csdesk.store.queries import load_book


def _book(book):
    book["accounts"].insert_all([
        dict(account_id="A", name="Acme", arr=60_000, contract_start="2024-01-01",
             renewal_date="2027-09-01", status="active"),
        dict(account_id="B", name="Beta", arr=8_000, contract_start="2024-01-01",
             renewal_date="2026-09-01", status="churned"),
    ])
    book["renewals"].insert_all([
        dict(account_id="A", date="2026-09-01", outcome="expanded", previous_arr=40_000,
             new_arr=60_000),
        dict(account_id="B", date="2026-09-01", outcome="churned", previous_arr=8_000, new_arr=0),
    ])


def test_before_an_outcome_the_account_is_as_it_was(book):
    _book(book)
    acme, beta = load_book(book, dt.date(2026, 8, 1))
    assert (acme.account.arr, acme.account.renewal_date) == (40_000, dt.date(2026, 9, 1))
    assert beta.account.status == "active" and beta.account.arr == 8_000
    assert acme.renewals == () and beta.renewals == ()


def test_on_and_after_the_outcome_the_account_has_moved_on(book):
    _book(book)
    acme, beta = load_book(book, dt.date(2026, 9, 1))
    assert (acme.account.arr, acme.account.renewal_date) == (60_000, dt.date(2027, 9, 1))
    assert beta.account.status == "churned"
    assert [r.outcome for r in beta.renewals] == ["churned"]
