"""The goal-status cycle the CSM steps through (the workbench's space key), in core once."""

import pytest

from csdesk.core.models import GoalStatus
from csdesk.core.plans import next_goal_status


@pytest.mark.parametrize("status, following", [
    ("not_started", GoalStatus.on_track),
    ("on_track", GoalStatus.at_risk),
    ("at_risk", GoalStatus.achieved),
    ("achieved", GoalStatus.missed),
    ("missed", GoalStatus.not_started),  # round again
    (GoalStatus.on_track, GoalStatus.at_risk),  # the enum or its text
])
def test_next_goal_status(status, following):
    assert next_goal_status(status) == following


def test_five_steps_come_back_to_the_start():
    for start in GoalStatus:
        status = start
        for _ in range(len(GoalStatus)):
            status = next_goal_status(status)
        assert status == start


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError):
        next_goal_status("done")
