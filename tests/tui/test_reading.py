"""How amounts and counts read on the workbench, at the sizes a big book reaches."""

import pytest

from csdesk.tui.data import money


@pytest.mark.parametrize(("value", "text"), [
    (9_500, "$9,500"),
    (10_000, "$10k"),
    (640_400, "$640k"),
    (999_499, "$999k"),
    (999_500, "$1.0M"),  # not $1000k
    (1_240_000, "$1.2M"),
    (999_949_999, "$999.9M"),
    (999_950_000, "$1.0B"),  # not $1000.0M
    (1_380_600_000, "$1.4B"),
])
def test_money_reads_in_the_unit_it_rounds_to(value, text):
    assert money(value) == text
