import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csdesk.core.config import Bands, Weights
from csdesk.core.health import band_for, composite, divide_half_up, round_half_up
from csdesk.core.models import Band

SEED = Weights().as_dict()


@pytest.mark.parametrize("value, expected", [
    (Fraction(149, 2), 75),   # 74.5 rounds up (Python's round would give 74)
    (Fraction(1489, 20), 74),  # 74.45
    (Fraction(99, 2), 50),    # 49.5
    (Fraction(0), 0),
    (Fraction(100), 100),
])
def test_round_half_up(value, expected):
    assert round_half_up(value) == expected


@given(st.integers(-10**6, 10**6), st.integers(1, 10**4))
def test_divide_half_up_is_floor_of_the_exact_quotient_plus_a_half(numerator, denominator):
    exact_value = Fraction(numerator, denominator)
    expected = math.floor(exact_value + Fraction(1, 2))
    assert divide_half_up(numerator, denominator) == expected == round_half_up(exact_value)


@pytest.mark.parametrize("score, band", [
    (None, Band.unknown), (0, Band.red), (49, Band.red), (50, Band.yellow), (74, Band.yellow),
    (75, Band.green), (100, Band.green),
])
def test_band_boundaries(score, band):
    assert band_for(score, Bands()) is band


def test_composite_all_dimensions():
    dims = {"usage": 100, "engagement": 60, "outcomes": 70, "support": 80, "relationship": 55}
    # 35*100 + 25*60 + 20*70 + 10*80 + 10*55 = 3500+1500+1400+800+550 = 7750 / 100
    assert composite(dims, SEED) == (78, 1.0)


def test_composite_reweights_over_dimensions_with_data():
    dims = {"usage": 70, "engagement": 100, "outcomes": None, "support": None, "relationship": 40}
    # (35*70 + 25*100 + 10*40) / 70 = (2450+2500+400)/70 = 76.43 -> 76
    score, coverage = composite(dims, SEED)
    assert score == 76
    assert coverage == pytest.approx(0.70)


def test_composite_half_up_at_74_5():
    # usage 70, engagement 79 with only those two... use weights that make 74.5 exactly
    weights = {"usage": 50, "engagement": 50, "outcomes": 0, "support": 0, "relationship": 0}
    dims = {"usage": 70, "engagement": 79, "outcomes": None, "support": None, "relationship": None}
    assert composite(dims, weights)[0] == 75


def test_composite_unknown_below_half_coverage():
    dims = {"usage": None, "engagement": None, "outcomes": 100, "support": 100, "relationship": 100}
    assert composite(dims, SEED) == (None, pytest.approx(0.40))


def test_composite_exactly_half_coverage_is_scored():
    weights = {"usage": 50, "engagement": 20, "outcomes": 10, "support": 10, "relationship": 10}
    dims = {"usage": 40, "engagement": None, "outcomes": None, "support": None, "relationship": None}
    assert composite(dims, weights) == (40, 0.5)
