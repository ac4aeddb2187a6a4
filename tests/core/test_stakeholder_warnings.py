"""Thin or broken stakeholder coverage (docs/workflow.md): the warnings the Stakeholders tab
shows, decided in core once."""

import pytest

from csdesk.core.stakeholders import stakeholder_warnings
from tests.core.books import contact

SINGLE = "Single-threaded: {} active stakeholder{} (fewer than two)"
NO_SPONSOR = "No executive sponsor mapped"


@pytest.mark.parametrize("contacts, expected", [
    ([], [SINGLE.format(0, "s"), NO_SPONSOR]),
    ([contact("Ana", "champion")], [SINGLE.format(1, ""), NO_SPONSOR]),
    ([contact("Ana", "champion"), contact("Bo", "executive_sponsor")], []),
    ([contact("Ana", "user"), contact("Bo", "executive_sponsor", status="departed")],
     [SINGLE.format(1, ""), NO_SPONSOR]),
    ([contact("Ana", "champion", status="departed", departed_ago=3),
      contact("Bo", "executive_sponsor"), contact("Cy", "user")],
     ["Champion departed (Ana) with no active replacement"]),
    # a champion who left is replaced: no warning
    ([contact("Ana", "champion", status="departed", departed_ago=3),
      contact("Dee", "champion"), contact("Bo", "executive_sponsor")], []),
    # the last champion to leave is the one named
    ([contact("Ana", "champion", status="departed", departed_ago=30),
      contact("Eve", "champion", status="departed", departed_ago=3),
      contact("Bo", "executive_sponsor"), contact("Cy", "user")],
     ["Champion departed (Eve) with no active replacement"]),
])
def test_stakeholder_warnings(contacts, expected):
    assert stakeholder_warnings(contacts) == expected
