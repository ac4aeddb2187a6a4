"""`trusted`: the constructors that skip validation make what validation would make."""

from __future__ import annotations

import datetime as dt

import pytest

from csdesk.core.models import (
    Account,
    AccountStatus,
    Alert,
    AlertLevel,
    BandAction,
    Contact,
    ContactStatus,
    Role,
    Usage,
    trusted,
)

D = dt.date

CASES = [
    (Usage, dict(account_id="A1", date=D(2026, 11, 1), active_users=12, logins=40)),
    (Contact, dict(account_id="A1", name="Ana Ruiz", contact_id="c1", title="VP", email="a@x.co",
                   role=Role.champion, status=ContactStatus.active, departed_on=None, sentiment=None,
                   success_definition=None, reports_to="ceo@x.co", influence=None)),
    (Account, dict(account_id="A1", name="Acme", arr=100_000.0, contract_start=D(2026, 1, 1),
                   renewal_date=D(2027, 1, 1), seats_licensed=50, term_months=12,
                   industry="SaaS", owner="me", status=AccountStatus.active)),
    (Alert, dict(level=AlertLevel.critical, trigger="champion_departed", title="Champion left",
                 response="Call the sponsor", trigger_date=D(2026, 11, 20),
                 due=D(2026, 11, 21), overdue=False)),
]


@pytest.mark.parametrize(("cls", "values"), CASES, ids=[c.__name__ for c, _ in CASES])
def test_trusted_makes_what_validation_makes(cls, values):
    validated = cls(**values)
    by_keyword = trusted(cls)(**values)
    by_position = trusted(cls, positional=True)(*values.values())
    for made in (by_keyword, by_position):
        assert type(made) is cls
        assert made == validated
        assert made.model_dump() == validated.model_dump()
        assert made.model_dump_json() == validated.model_dump_json()
        assert made.model_fields_set == validated.model_fields_set
        assert made.model_copy(update={"account_id" if "account_id" in values else "title":
                                       "changed"}) != made


def test_trusted_by_keyword_takes_declared_defaults():
    made = trusted(Contact)(account_id="A1", name="Ana Ruiz")
    assert made == Contact(account_id="A1", name="Ana Ruiz")
    assert made.role == Role.other and made.status == ContactStatus.active


def test_trusted_by_keyword_requires_fields_without_defaults():
    with pytest.raises(TypeError):
        trusted(BandAction)(text="Ask for a reference")


def test_trusted_instances_stay_frozen():
    usage = trusted(Usage)(account_id="A1", date=D(2026, 11, 1), active_users=1, logins=2)
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        usage.active_users = 3
