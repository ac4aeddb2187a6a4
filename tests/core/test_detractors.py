"""§13 detractors (seed: close the loop on every detractor within 5 business days): every
detractor response of the last 180 days that no completed human touchpoint has followed is a
Today item, due 5 business days (Mon-Fri) after the response."""

import datetime as dt

import pytest

from csdesk.core.assess import assess
from csdesk.core.brief import build_brief
from csdesk.core.models import ItemKind
from csdesk.core.signals import unanswered_detractors
from tests.core.books import AS_OF, RULES, ago, book, healthy, nps, touch

MONDAY = AS_OF  # 2026-11-23
assert MONDAY.weekday() == 0


def detractor_items(data, as_of=AS_OF):
    return [i for i in build_brief([assess(data, as_of, RULES)], as_of, RULES)
            if i.kind == ItemKind.nps_detractor]


@pytest.mark.parametrize("response_ago, listed", [
    (10, True), (31, True),   # older than the 30 days of round one: still unanswered
    (179, True), (180, True),  # the relationship score's window, inclusive
    (181, False),
])
def test_every_unanswered_detractor_of_the_last_180_days(response_ago, listed):
    data = healthy(nps=(nps(response_ago, 4, "cfo"),), touchpoints=(touch(200),))
    assert len(unanswered_detractors(data, AS_OF, RULES)) == int(listed)
    assert len(detractor_items(data)) == int(listed)


@pytest.mark.parametrize("response, due", [
    (dt.date(2026, 11, 16), dt.date(2026, 11, 23)),  # Monday -> the next Monday
    (dt.date(2026, 11, 13), dt.date(2026, 11, 20)),  # Friday -> the next Friday
    (dt.date(2026, 11, 14), dt.date(2026, 11, 20)),  # Saturday -> Friday, never a weekend
    (dt.date(2026, 11, 15), dt.date(2026, 11, 20)),  # Sunday -> Friday
    (dt.date(2026, 11, 18), dt.date(2026, 11, 25)),  # Wednesday -> the next Wednesday
])
def test_due_five_business_days_after_the_response(response, due):
    data = healthy(nps=(nps((AS_OF - response).days, 2, "cfo"),), touchpoints=(touch(200),))
    [item] = detractor_items(data)
    assert (item.due, item.overdue) == (due, AS_OF > due)


def test_a_completed_human_touchpoint_on_or_after_the_response_answers_it():
    data = healthy(nps=(nps(60, 3),), touchpoints=(touch(61),))
    assert len(detractor_items(data)) == 1
    data = healthy(nps=(nps(60, 3),), touchpoints=(touch(60),))
    assert detractor_items(data) == []
