"""§12 calibration: red 80-100 days before the renewal predicts churn."""

import datetime as dt

import pytest

from csdesk.core.calibration import calibrate, parse_weights, snapshot_before
from csdesk.core.models import Renewal, Snapshot

from .books import RULES

RENEWAL = dt.date(2026, 10, 1)


def snap(aid, days_before, band, dims=None, score=None):
    return Snapshot(account_id=aid, date=RENEWAL - dt.timedelta(days=days_before), band=band,
                    score=score, coverage=1.0, dimensions=dims or {})


def outcome(aid, kind):
    return Renewal(account_id=aid, date=RENEWAL, outcome=kind)


@pytest.mark.parametrize("days, found", [(79, False), (80, True), (100, True), (101, False)])
def test_window_boundaries(days, found):
    history = [snap("A", days, "red")]
    assert (snapshot_before(outcome("A", "churned"), history, RULES) is not None) is found


def test_the_snapshot_nearest_90_days_is_used():
    history = [snap("A", 100, "green"), snap("A", 91, "red"), snap("A", 80, "green")]
    assert snapshot_before(outcome("A", "churned"), history, RULES).band == "red"


def test_confusion_matrix_by_hand():
    history = {
        "TP": [snap("TP", 90, "red")], "FP": [snap("FP", 90, "red")],
        "TN": [snap("TN", 90, "green")], "FN": [snap("FN", 85, "yellow")],
        "TN2": [snap("TN2", 95, "yellow")], "NONE": [snap("NONE", 30, "red")],
    }
    renewals = [outcome("TP", "churned"), outcome("FP", "renewed"), outcome("TN", "expanded"),
                outcome("FN", "churned"), outcome("TN2", "contracted"), outcome("NONE", "churned")]
    c = calibrate(renewals, history, RULES)
    r = c.result
    assert (r.tp, r.fp, r.tn, r.fn) == (1, 1, 2, 1)
    assert (c.outcomes_total, c.outcomes_without_snapshot) == (6, 1)
    assert r.accuracy == pytest.approx(3 / 5)
    assert r.precision == pytest.approx(1 / 2)
    assert r.recall == pytest.approx(1 / 2)


def test_zero_denominators_are_none():
    c = calibrate([outcome("A", "renewed")], {"A": [snap("A", 90, "green")]}, RULES)
    assert c.result.accuracy == 1.0 and c.result.precision is None and c.result.recall is None
    empty = calibrate([], {}, RULES)
    assert empty.result.accuracy is None


def test_alternative_weights_rescore_the_stored_dimensions():
    dims = {"usage": 0, "engagement": 100, "outcomes": 100, "support": 100, "relationship": 100}
    # seed weights: (0 + 2500 + 2000 + 1000 + 1000) / 100 = 65 yellow -> predicts stay
    # usage 80: (0 + 500 + 500 + 500 + 500)/100 = 20 red -> predicts churn
    history = {"A": [snap("A", 90, "yellow", dims, 65)]}
    renewals = [outcome("A", "churned")]
    assert calibrate(renewals, history, RULES).result.fn == 1
    heavy = {"usage": 80, "engagement": 5, "outcomes": 5, "support": 5, "relationship": 5}
    assert calibrate(renewals, history, RULES, heavy).result.tp == 1


def test_parse_weights():
    assert parse_weights("usage=40, engagement=20") == {"usage": 40, "engagement": 20}
    with pytest.raises(ValueError, match="weights.usage"):
        parse_weights("usage=forty")
    with pytest.raises(ValueError, match="name=integer"):
        parse_weights("usage")


def test_a_tie_around_90_days_takes_the_earlier_snapshot():
    history = [snap("A", 95, "red"), snap("A", 85, "green")]
    assert snapshot_before(outcome("A", "churned"), history, RULES).band == "red"


def test_unknown_bands_are_not_predictions():
    # an unknown snapshot is skipped for a scored one in the window; with no dimensions stored,
    # alternative weights cannot re-score it and it counts as without a snapshot
    history = {"A": [snap("A", 90, "unknown"), snap("A", 99, "red")],
               "B": [snap("B", 90, "red")]}
    renewals = [outcome("A", "churned"), outcome("B", "renewed")]
    c = calibrate(renewals, history, RULES)
    assert (c.result.tp, c.result.fp, c.result.n) == (1, 1, 2)
    alt = calibrate(renewals, history, RULES, dict(RULES.weights.as_dict()))
    assert (alt.result.n, alt.outcomes_without_snapshot) == (0, 2)
    assert alt.result.accuracy is None and alt.result.precision is None
