"""The palette's pre-test of a name: exactly the fuzzy matcher's condition for a match."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from textual.fuzzy import FuzzySearch

from csdesk.tui.palette import letters_in_order

# Letters that repeat, regex syntax (in and out of a class), case, and a few beyond ASCII.
TEXT = st.text(alphabet="abAB c-]^\\.*[(é", max_size=14)


@given(query=TEXT.filter(bool), name=TEXT)
def test_a_name_passes_exactly_when_the_matcher_would_score_it(query, name):
    scored = FuzzySearch().match(query, name)[0] > 0
    assert bool(letters_in_order(query)(name.lower())) == scored

