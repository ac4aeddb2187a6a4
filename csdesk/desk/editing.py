"""Plans and corrections as the CLI and the workbench both do them: the store's writes
(`csdesk.store.editing`) plus what follows each (a plan to write into when none exists, an
added or edited account's onboarding milestones and its re-assessment)."""

from __future__ import annotations

import datetime as dt

from csdesk.core.models import Account, SavePlan
from csdesk.core.onboarding import new_milestones
from csdesk.core.plans import current_plan
from csdesk.desk.desk import Desk
from csdesk.store import editing
from csdesk.store.editing import Change


def plan_for(desk: Desk, account_id: str) -> SavePlan | None:
    """The plan the Save plan tab and `csdesk plan` show (the newest open one)."""
    return current_plan(editing.plans_of(desk.db, account_id))


def plan_to_edit(desk: Desk, account_id: str) -> tuple[SavePlan, Change | None]:
    """The plan to write into; a plan written by hand (trigger `manual`, today, the usual
    checkpoint) when the account has none yet, with the change that created it."""
    plan = plan_for(desk, account_id)
    if plan is not None:
        return plan, None
    days = desk.rules.alerts.save_plan_checkpoint_days
    draft = SavePlan(account_id=account_id, trigger="manual", trigger_date=desk.as_of,
                     checkpoint_date=desk.as_of + dt.timedelta(days=days),
                     created_at=dt.datetime.now().replace(microsecond=0))
    change = editing.create_plan(desk.db, draft)
    return plan_for(desk, account_id), change


def add_account(desk: Desk, account: Account) -> Change:
    """A new account (with its onboarding milestones, as the import creates them), assessed
    at once (its snapshot stored)."""
    change = editing.add_account(desk.db, account, new_milestones(account, desk.as_of,
                                                                  desk.rules))
    desk.assess_account(account.account_id)
    return change


def edit_account(desk: Desk, account: Account) -> Change:
    change = editing.edit_account(desk.db, account)
    desk.assess_account(account.account_id)
    return change
