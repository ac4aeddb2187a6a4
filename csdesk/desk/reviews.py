"""Reviews and the portfolio over the book (store + core), shared by the CLI and the TUI."""

from __future__ import annotations

import datetime as dt

from csdesk.core.calibration import Calibration, calibrate
from csdesk.core.config import with_weights
from csdesk.core.metrics import REVIEW_KINDS, Metrics
from csdesk.core.metrics import portfolio_metrics as compute_metrics
from csdesk.core.models import Assessment
from csdesk.core.qbr import render_qbr
from csdesk.desk.desk import Desk
from csdesk.store import queries


def qbr_markdown(desk: Desk, account_id: str, qbr_date: dt.date,
                 audience: str = "internal") -> str:
    """The QBR agenda (§10) for one account as Markdown: `customer`, the agenda to send
    (`csdesk.core.qbr_customer`), or `internal`, the CSM's prep sheet."""
    assessment, data = desk.assess_account(account_id)
    if audience == "customer":
        from csdesk.core.qbr_customer import render_customer_qbr

        return render_customer_qbr(assessment, data, qbr_date, desk.rules,
                                   desk.config.csm_name)
    return render_qbr(assessment, data, qbr_date, desk.rules, desk.config.csm_name)


def portfolio_metrics(desk: Desk, start: dt.date, end: dt.date,
                      assessments: list[Assessment] | None = None) -> Metrics:
    """§11 metrics for [start, end), with the band mix of today's assessments (pass them when
    they are at hand, as the workbench does, to spare a second scoring run)."""
    if assessments is None:
        assessments = desk.assess_all()
    return compute_metrics(
        accounts=queries.load_accounts(desk.db), renewals=queries.load_renewals(desk.db),
        nps=queries.load_nps(desk.db),
        touchpoints=queries.load_touchpoints(desk.db, start, end, kinds=REVIEW_KINDS),
        assessments=assessments, start=start, end=end, rules=desk.rules)


def calibration(desk: Desk, weights: dict[str, int] | None = None) -> tuple[Calibration,
                                                                          Calibration | None]:
    """§12 over every renewal outcome in the book: the model as it scored then, and (when
    `weights` are given) the same snapshots re-scored under them. ConfigError on bad weights."""
    renewals = [r for r in queries.load_renewals(desk.db) if r.date <= desk.as_of]
    low, high = desk.rules.calibration.window_days
    history = queries.load_snapshots_before_renewals(desk.db, desk.as_of, low, high)
    current = calibrate(renewals, history, desk.rules)
    if weights is None:
        return current, None
    rules = with_weights(desk.rules, weights)
    return current, calibrate(renewals, history, rules, rules.weights.as_dict())
