"""§13 history is the whole history: runs read from their true start however old, and the
earliest day an alert read from a history can have been triggered (`current_runs_start`)."""

import pytest

from csdesk.core.alerts import active_alerts
from csdesk.core.models import HealthScore, RemediationAction, SavePlan
from csdesk.core.timeline import current_runs_start
from tests.core.books import AS_OF, RULES, ago, book, daily, snap, touch


@pytest.mark.parametrize("history, start", [
    ((), None),
    (daily("red", 150, 1), 150),                                  # one long run
    (daily("green", 200, 151) + daily("red", 150, 1), 150),       # the band before ends it
    ((snap(300, "red", usage=0), snap(100, "yellow", usage=0), snap(5, "yellow", usage=0)),
     300),                                                        # usage at 0 since before
    ((snap(300, "red", usage=70), snap(100, "yellow", usage=0), snap(5, "yellow", usage=40)),
     100),                                                        # usage back above 0
    ((snap(9, "yellow"), snap(8, "green"), snap(7, "yellow")), 7),
])
def test_current_runs_start(history, start):
    assert current_runs_start(history) == (None if start is None else ago(start))


def test_a_red_run_of_150_days_is_red_since_its_first_day_and_answered_stays_answered():
    red = HealthScore(score=30, band="red", coverage=1.0,
                      dimensions=dict.fromkeys(("usage", "engagement", "outcomes", "support",
                                                "relationship"), 30),
                      weights=RULES.weights.as_dict())
    history = daily("yellow", 200, 151) + daily("red", 150, 1)
    [alert] = active_alerts(book(history=history), red, AS_OF, RULES)
    assert alert.trigger_date == ago(150) and f"since {ago(150)}" in alert.title
    plan = SavePlan(account_id="A1", trigger="band_red", trigger_date=ago(150),
                    root_cause="Budget moved",
                    remediation_actions=(RemediationAction(action="Exec call", owner="Dana",
                                                           due=ago(148)),))
    answered = book(history=history, touchpoints=(touch(149, kind="executive"),),
                    save_plans=(plan,))
    assert active_alerts(answered, red, AS_OF, RULES) == ()
