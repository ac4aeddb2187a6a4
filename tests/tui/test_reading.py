"""How amounts and counts read on the workbench, at the sizes a big book reaches."""

import pytest

from csdesk.tui.book_view import money


@pytest.mark.parametrize(("value", "text"), [
    (9_500, "$9,500"),
    (10_000, "$10k"),
    (640_400, "$640k"),
    (999_499, "$999k"),
    (999_500, "$1.0M"),  # not $1000k
    (1_240_000, "$1.2M"),
    (32_940_000, "$32.9M"),
    (99_949_999, "$99.9M"),
    (99_950_000, "$100M"),  # not $100.0M: three figures at most
    (245_200_000, "$245M"),
    (999_499_999, "$999M"),
    (999_500_000, "$1.0B"),  # not $1000M
    (1_380_600_000, "$1.4B"),
])
def test_money_reads_in_the_unit_it_rounds_to(value, text):
    assert money(value) == text
