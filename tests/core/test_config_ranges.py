"""Every number of the rules has a sane range; anything else is refused naming the key (issue 24)."""

from __future__ import annotations

import pytest

from csdesk.core.config import ConfigError, Rules, parse_config


@pytest.mark.parametrize(("data", "key", "says"), [
    ({"alerts": {"watch_due_days": 1e12}}, "alerts.watch_due_days", "outside"),
    ({"alerts": {"watch_due_days": 10**12}}, "alerts.watch_due_days", "outside"),
    ({"alerts": {"watch_due_days": float("nan")}}, "alerts.watch_due_days", "finite"),
    ({"support": {"spike_multiple": float("inf")}}, "support.spike_multiple", "finite"),
    ({"support": {"spike_multiple": float("-inf")}}, "support.spike_multiple", "finite"),
    ({"alerts": {"watch_due_days": "7"}}, "alerts.watch_due_days", "expected a number"),
    ({"alerts": {"watch_due_days": True}}, "alerts.watch_due_days", "expected a number"),
    ({"tiers": {"enterprise_above": "100k"}}, "tiers.enterprise_above", "expected a number"),
    ({"qbr": {"trend_days": -1}}, "qbr.trend_days", "outside"),
    ({"actions": {"red_sla_hours": 10**9}}, "actions.red_sla_hours", "outside"),
    ({"renewals": {"default_term_months": 5000}}, "renewals.default_term_months", "outside"),
    ({"usage": {"steps": [[0.75, 100], [0.5, 1e12]]}}, "usage.steps", "outside"),
    ({"usage": {"steps": [[0.75, 100], [float("nan"), 70]]}}, "usage.steps", "finite"),
    ({"forecast": {"arr_days": [90, 10**8]}}, "forecast.arr_days", "outside"),
    ({"onboarding": {"m1_days": [1, True]}}, "onboarding.m1_days", "expected a number"),
    ({"tiers": {"smb_below": 1e400}}, "tiers.smb_below", "finite"),
])
def test_absurd_numbers_are_refused_naming_the_key(data, key, says):
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    assert caught.value.key == key
    assert says in caught.value.reason


@pytest.mark.parametrize("data", [
    {},
    {"alerts": {"watch_due_days": 36_600}},
    {"alerts": {"watch_due_days": 0}},
    {"tiers": {"enterprise_above": 1_000_000_000, "smb_review_days": None}},
    {"support": {"spike_multiple": 2}},
    {"usage": {"steps": [[0.75, 100], [0.5, 70]]}},
])
def test_sane_numbers_pass(data):
    assert isinstance(parse_config(data).rules, Rules)


def test_the_cli_refuses_a_bad_config_with_exit_2(tmp_path, capsys):
    from csdesk.cli.app import main

    config = tmp_path / "config.toml"
    config.write_text("[alerts]\nwatch_due_days = 1e12\n")
    code = main(["today", "--db", str(tmp_path / "book.db"), "--config", str(config)])
    assert code == 2
    assert "alerts.watch_due_days" in capsys.readouterr().err
