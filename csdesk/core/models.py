"""The book of business as pydantic models.

These are the shapes every other layer speaks: the store reads rows into them, the rules in
`csdesk.core` compute over them, the TUI and CLI render them. Field names follow the import
columns of docs/import.md so a CSV row, a SQLite row and a model line up one to one.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import re
from enum import StrEnum

from typing import Annotated
from collections.abc import Callable

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError


class Tier(StrEnum):
    enterprise = "enterprise"
    mid_market = "mid_market"
    smb = "smb"


class Band(StrEnum):
    green = "green"
    yellow = "yellow"
    red = "red"
    unknown = "unknown"


class Phase(StrEnum):
    churned = "churned"
    renewal = "renewal"
    onboarding = "onboarding"
    expansion = "expansion"
    adoption = "adoption"


class AccountStatus(StrEnum):
    active = "active"
    churned = "churned"


class Role(StrEnum):
    economic_buyer = "economic_buyer"
    champion = "champion"
    executive_sponsor = "executive_sponsor"
    executive = "executive"
    user = "user"
    skeptic = "skeptic"
    other = "other"


class ContactStatus(StrEnum):
    active = "active"
    departed = "departed"


class Sentiment(StrEnum):
    positive = "positive"
    neutral = "neutral"
    negative = "negative"


class Severity(StrEnum):
    low = "low"
    normal = "normal"
    high = "high"
    critical = "critical"


class TouchpointKind(StrEnum):
    call = "call"
    email = "email"
    meeting = "meeting"
    check_in = "check_in"
    qbr = "qbr"
    ebr = "ebr"
    renewal = "renewal"
    escalation = "escalation"
    executive = "executive"
    training = "training"
    tech_touch = "tech_touch"
    expansion = "expansion"  # the expansion conversation with the AE (docs/workflow.md)


class TouchpointStatus(StrEnum):
    completed = "completed"
    scheduled = "scheduled"
    missed = "missed"


class Flag(StrEnum):
    complaint = "complaint"
    data_export_request = "data_export_request"
    termination_inquiry = "termination_inquiry"
    adjacent_pain = "adjacent_pain"
    org_spread = "org_spread"
    early_renewal = "early_renewal"
    exec_engaged = "exec_engaged"


class Influence(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"


class PlanStatus(StrEnum):
    """A save plan's status (docs/workflow.md): won when the account is back to yellow or green
    at the checkpoint, lost when it churned."""

    open = "open"
    won = "won"
    lost = "lost"


class GoalStatus(StrEnum):
    not_started = "not_started"
    on_track = "on_track"
    at_risk = "at_risk"
    achieved = "achieved"
    missed = "missed"


class Outcome(StrEnum):
    renewed = "renewed"
    expanded = "expanded"
    contracted = "contracted"
    churned = "churned"


class AlertLevel(StrEnum):
    critical = "critical"
    warning = "warning"
    watch = "watch"
    info = "info"


class ItemKind(StrEnum):
    """What a line of the morning brief (`csdesk today`) is about."""

    alert = "alert"
    renewal = "renewal"
    touchpoint_due = "touchpoint_due"
    milestone_overdue = "milestone_overdue"
    expansion = "expansion"
    nps_detractor = "nps_detractor"
    # Working the book (docs/workflow.md): the band's mandatory action, the CSM's own tasks,
    # a save plan's remediation actions, the business-review cadence, a scheduled touchpoint.
    band_action = "band_action"
    task = "task"
    save_plan_action = "save_plan_action"
    ebr_due = "ebr_due"
    scheduled = "scheduled"


class SnoozeReason(StrEnum):
    """Why an item of Today was put aside (docs/workflow.md, snooze)."""

    waiting_on_customer = "waiting_on_customer"
    customer_unavailable = "customer_unavailable"
    handled_elsewhere = "handled_elsewhere"
    not_relevant = "not_relevant"


class Milestone(StrEnum):
    M1 = "M1"
    M2 = "M2"
    M3 = "M3"
    M4 = "M4"


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def __reduce__(self):
        # Pickled as its values in field order, made again without validation (`trusted`):
        # a kept assessment (docs/architecture.md) or a slice's from another process comes
        # back in half the time of pydantic's own state, and takes less room.
        return _unpickled, (type(self), tuple(self.__dict__.values()))


# --- the import tables (docs/import.md "CSV tables") -------------------------------------


# Sane ranges (issue 24): money up to a trillion dollars and finite, counts up to a billion
# (SQLite stores integers up to 2^63), terms up to a century; ids plain text, no controls.
MAX_MONEY = 1e12
MAX_COUNT = 1_000_000_000
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _plain_id(text: str) -> str:
    found = _CONTROL.search(text)
    if found:
        raise PydanticCustomError("control_character", "{reason}", {
            "reason": f"an id may not hold control characters (found \\x{ord(found.group()):02x})"})
    return text


PlainId = Annotated[str, Field(min_length=1), AfterValidator(_plain_id)]


class Account(_Row):
    account_id: PlainId
    name: str = Field(min_length=1)
    arr: float = Field(ge=0, le=MAX_MONEY, allow_inf_nan=False)
    contract_start: dt.date
    renewal_date: dt.date
    seats_licensed: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    term_months: int = Field(default=12, ge=1, le=1200)
    industry: str | None = None
    owner: str | None = None
    status: AccountStatus = AccountStatus.active

    @model_validator(mode="after")
    def _renewal_after_start(self) -> "Account":
        if self.renewal_date < self.contract_start:
            raise PydanticCustomError("date_order", "{reason}", {"reason": (
                f"renewal_date {self.renewal_date} is before contract_start "
                f"{self.contract_start}")})
        return self


class Contact(_Row):
    account_id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    contact_id: str | None = None
    title: str | None = None
    email: str | None = None
    role: Role = Role.other
    status: ContactStatus = ContactStatus.active
    departed_on: dt.date | None = None
    sentiment: Sentiment | None = None
    success_definition: str | None = None
    reports_to: str | None = None  # another contact's email or contact_id (the map's lines)
    influence: Influence | None = None


class Usage(_Row):
    account_id: str = Field(min_length=1)
    date: dt.date
    active_users: int = Field(ge=0, le=MAX_COUNT)
    logins: int | None = Field(default=None, ge=0, le=MAX_COUNT)


class Ticket(_Row):
    ticket_id: PlainId
    account_id: str = Field(min_length=1)
    opened_on: dt.date
    closed_on: dt.date | None = None
    severity: Severity = Severity.normal
    csat: int | None = Field(default=None, ge=1, le=5)

    @model_validator(mode="after")
    def _closed_after_opened(self) -> "Ticket":
        if self.closed_on is not None and self.closed_on < self.opened_on:
            raise PydanticCustomError("date_order", "{reason}", {"reason": (
                f"closed_on {self.closed_on} is before opened_on {self.opened_on}")})
        return self


class Nps(_Row):
    account_id: str = Field(min_length=1)
    date: dt.date
    score: int = Field(ge=0, le=10)
    contact: str | None = None
    comment: str | None = None


class Touchpoint(_Row):
    account_id: str = Field(min_length=1)
    date: dt.date
    kind: TouchpointKind
    status: TouchpointStatus = TouchpointStatus.completed
    summary: str | None = None
    flags: tuple[Flag, ...] = ()
    # Who was met (e-mails or names, as the book knows them) and the Today item it answers.
    contacts: tuple[str, ...] = ()
    responds_to: str | None = None
    # Its stable id (issue 24), kept by export and import; None until stored (the store reads
    # leave it out: no rule needs it).
    uid: str | None = None


class Goal(_Row):
    account_id: str = Field(min_length=1)
    goal: str = Field(min_length=1)
    target_date: dt.date | None = None
    status: GoalStatus = GoalStatus.not_started
    roi_note: str | None = None


class Renewal(_Row):
    """A logged renewal outcome (docs/rules.md §9)."""

    account_id: str = Field(min_length=1)
    date: dt.date
    outcome: Outcome
    previous_arr: float | None = Field(default=None, ge=0, le=MAX_MONEY, allow_inf_nan=False)
    new_arr: float | None = Field(default=None, ge=0, le=MAX_MONEY, allow_inf_nan=False)
    reason: str | None = None
    preventable: bool | None = None
    competitor: str | None = None


# --- csdesk's own tables ----------------------------------------------------------------------


class Note(_Row):
    account_id: str = Field(min_length=1)
    created_at: dt.datetime
    text: str


class MilestoneRecord(_Row):
    """An onboarding milestone created with a new account (§7); `done_on` once complete."""

    account_id: str = Field(min_length=1)
    milestone: Milestone
    due: dt.date
    done_on: dt.date | None = None


class MilestoneItem(_Row):
    """A checklist item the CSM ticked (auto items are derived from usage, not stored)."""

    account_id: str = Field(min_length=1)
    milestone: Milestone
    item: str = Field(min_length=1)
    done_on: dt.date


class Snapshot(_Row):
    """One account's score on one day (docs/rules.md §2: trends read from history)."""

    account_id: str = Field(min_length=1)
    date: dt.date
    score: int | None
    band: Band
    coverage: float = Field(ge=0, le=1)
    dimensions: dict[str, int | None] = Field(default_factory=dict)


class Task(_Row):
    """A follow-up the CSM set themselves (docs/workflow.md, tasks): typed, or the "next step"
    of a touchpoint (`source`)."""

    id: int
    account_id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    due: dt.date | None = None
    created_on: dt.date
    done_on: dt.date | None = None
    source: str = "typed"


class Snooze(_Row):
    """A Today item put aside until a day, with a reason; kept, never deleted (`cleared_on`
    once unsnoozed)."""

    item_id: str = Field(min_length=1)
    account_id: str = Field(min_length=1)
    until: dt.date
    reason: SnoozeReason
    created_on: dt.date
    cleared_on: dt.date | None = None


class SavePlan(_Row):
    """The seed's save-plan template (§4), one per critical alert."""

    account_id: str = Field(min_length=1)
    trigger: str
    trigger_date: dt.date
    root_cause: str = ""
    executive_alignment: str = ""
    remediation_actions: tuple[RemediationAction, ...] = ()
    success_criteria_30: str = ""
    success_criteria_60: str = ""
    success_criteria_90: str = ""
    checkpoint_date: dt.date | None = None
    created_at: dt.datetime | None = None
    id: int | None = None  # the stored plan's row id (None: not stored yet)
    status: PlanStatus = PlanStatus.open


class RemediationAction(_Row):
    action: str
    owner: str = ""
    due: dt.date | None = None
    id: int | None = None  # save_plan_actions.id once stored
    done_on: dt.date | None = None


SavePlan.model_rebuild()


_DATE = operator.attrgetter("date")


class AccountData(BaseModel):
    """Everything the rules need to know about one account, as of some day.

    The store fills it in set-based reads (one query per table for the whole book); rules that
    look at a window (`last 90 days`) filter by `as_of` themselves, and every rule ignores rows
    dated after `as_of`.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    account: Account
    contacts: tuple[Contact, ...] = ()
    usage: tuple[Usage, ...] = ()  # ascending by date
    tickets: tuple[Ticket, ...] = ()
    nps: tuple[Nps, ...] = ()  # ascending by date
    touchpoints: tuple[Touchpoint, ...] = ()  # ascending by date
    goals: tuple[Goal, ...] = ()
    renewals: tuple[Renewal, ...] = ()  # ascending by date
    milestones: tuple[MilestoneRecord, ...] = ()  # empty: the account is past onboarding
    milestone_items: tuple[MilestoneItem, ...] = ()
    notes: tuple[Note, ...] = ()
    save_plans: tuple[SavePlan, ...] = ()
    history: tuple[Snapshot, ...] = ()  # earlier snapshots, ascending by date, before as_of
    tasks: tuple[Task, ...] = ()  # open ones (done_on None or after as_of)
    snoozes: tuple[Snooze, ...] = ()  # not cleared

    @field_validator("usage", "nps", "touchpoints", "renewals", "history")
    @classmethod
    def _in_date_order(cls, rows: tuple) -> tuple:
        """Dated rows ascending by date, a day's rows in the order given (a stable sort). The
        rules read the latest rows from the end and stop at the first too old; the store reads
        rows in this order already (and builds AccountData without validation)."""
        if any(a.date > b.date for a, b in itertools.pairwise(rows)):
            return tuple(sorted(rows, key=_DATE))
        return rows


# --- what the rules conclude (computed, never stored except as snapshots) ----------------------


class HealthScore(_Row):
    """§2: the composite, its band, and each dimension (None = N/A, no data)."""

    score: int | None
    band: Band
    coverage: float  # share of the total weight carried by dimensions with data, 0-1
    dimensions: dict[str, int | None]
    weights: dict[str, int]


class BandAction(_Row):
    """§3: the mandatory action for the band and when it is due."""

    text: str
    due: dt.date | None
    # WORKFLOW §2: the SLA counts from the start of the band's current run (`since`); done
    # once its response is logged on or after that day (`done_on`), else overdue past `due`.
    since: dt.date | None = None
    done_on: dt.date | None = None
    overdue: bool = False


class Alert(_Row):
    """§4: an early-warning alert that has not been cleared."""

    level: AlertLevel
    trigger: str  # machine-readable: band_green_to_yellow, yellow_21_days, dimension_zero, band_red, champion_departed, formal_complaint
    title: str  # what a CSM reads, e.g. "Champion Maria Lopez departed"
    response: str
    trigger_date: dt.date
    due: dt.date
    overdue: bool


class ChurnSignals(_Row):
    leading: tuple[str, ...] = ()
    lagging: tuple[str, ...] = ()
    expansion: tuple[str, ...] = ()


class ExpansionGates(_Row):
    """§6: the four gates; qualified only when all hold."""

    green_60_days: bool
    goal_with_roi: bool
    champion_engaged: bool
    renewal_not_within_60_days: bool

    @property
    def qualified(self) -> bool:
        return all(
            (self.green_60_days, self.goal_with_roi, self.champion_engaged,
             self.renewal_not_within_60_days)
        )


class ChecklistItem(_Row):
    key: str  # stable id stored in milestone_items.item
    text: str
    auto: bool  # derived from usage, not ticked by hand
    done: bool
    done_on: dt.date | None = None
    detail: str | None = None  # for auto items: the data, e.g. "6 active users"


class MilestoneStatus(_Row):
    milestone: Milestone
    name: str  # "M1 Technical kickoff"
    window: tuple[int, int]
    due: dt.date
    done: bool
    done_on: dt.date | None
    overdue: bool
    items: tuple[ChecklistItem, ...]


class Assessment(_Row):
    """One account's full picture as of a day: what `csdesk account` shows."""

    account: Account
    as_of: dt.date
    tier: Tier
    health: HealthScore | None  # None: not scored (contract not started, or churned)
    phase: Phase
    days_to_renewal: int
    action: BandAction | None
    alerts: tuple[Alert, ...]
    signals: ChurnSignals | None  # None: a whole-book run, where no list shows them (`assess`)
    expansion_gates: ExpansionGates
    milestones: tuple[MilestoneStatus, ...]
    reference_candidate: bool
    time_to_first_value_days: int | None = None
    trend_delta_30: int | None = None  # score now minus the score ~30 days ago
    # What the morning brief needs beyond the conclusions above (csdesk.core.brief):
    next_touchpoint_due: dt.date | None = None  # last completed touchpoint + tier cadence
    renewal_touchpoint_logged: bool = False  # a `renewal` touchpoint since the window opened
    unanswered_detractors: tuple[Nps, ...] = ()  # recent detractors not yet followed up
    next_review_due: dt.date | None = None  # §13: last completed qbr/ebr + the tier's cadence
    expansion_signals: tuple[str, ...] = ()  # §6, also in a whole-book run (the pipeline, §11)
    # Open remediation actions of the account's open save plans (Today's save_plan_action).
    plan_actions: tuple[RemediationAction, ...] = ()
    # Working the book (csdesk.core.work): open tasks, snoozes in force, scheduled touchpoints
    # to show, the last expansion conversation, and what a partly answered alert still needs.
    tasks: tuple[Task, ...] = ()
    snoozes: tuple[Snooze, ...] = ()
    scheduled: tuple[Touchpoint, ...] = ()
    last_expansion_touch: dt.date | None = None  # a completed `expansion` touchpoint
    alert_left: tuple[str, ...] = ()  # per alert: what is left of a partial response, or ""

    @property
    def expansion_qualified(self) -> bool:
        return self.expansion_gates.qualified


class BriefItem(_Row):
    """One line of the morning brief (`csdesk today`)."""

    account_id: str
    name: str
    kind: ItemKind
    level: AlertLevel
    title: str
    action: str
    due: dt.date | None
    overdue: bool
    # docs/workflow.md: a stable id while the same trigger holds, what removes the item, the
    # touchpoint kind that answers it (`t` pre-fills it; None: nothing to log), and the
    # account's weight in the queue order (ARR, doubled within 90 days of renewal).
    id: str = ""
    clears_when: str = ""
    respond_with: TouchpointKind | None = None
    weight: float = 0.0


class RenewalLogged(_Row):
    """§9: what logging a renewal outcome records and how the account moves on."""

    renewal: Renewal
    new_arr: float
    next_renewal_date: dt.date | None  # None when churned
    churned: bool


# --- fast construction from trusted values ------------------------------------------------------


def trusted(cls, *, positional: bool = False):
    """A constructor of `cls` that runs no validation: for values already of the fields' types
    (the rules' conclusions, and rows csdesk itself wrote to the book).

    By keyword (defaults as declared), or with `positional` every field in field order. The
    instance is what validation would make of those values (a model instance, an enum member,
    a tuple, passed through as is): the same `__dict__` in field order, every field set, no
    extras, no private state. The fields-set is shared by the instances of a class: the models
    are frozen, and `model_copy` copies it before changing it. At 10,000 accounts the book and
    its conclusions are about a million models: this is most of the cost of reading a book.
    """
    from pydantic_core import PydanticUndefined

    fields = cls.model_fields
    assert not cls.__pydantic_post_init__ and cls.model_config.get("extra") != "allow"
    assert cls.model_config.get("frozen") and all(f.isidentifier() for f in fields)
    scope = {"new": object.__new__, "setattr_": object.__setattr__, "cls": cls,
             "fields_set": set(fields)}
    params = []
    for name, info in fields.items():
        if positional or info.default is PydanticUndefined:
            assert positional or info.default_factory is None, (cls, name)
            params.append(name)
        else:
            scope[f"_default_{name}"] = info.default
            params.append(f"{name}=_default_{name}")
    body = ", ".join(f"{name!r}: {name}" for name in fields)
    exec(  # noqa: S102 - a constructor generated from the model's own field names
        f"def make({'' if positional else '*, '}{', '.join(params)}):\n"
        f"    obj = new(cls)\n"
        f"    setattr_(obj, '__dict__', {{{body}}})\n"
        f"    setattr_(obj, '__pydantic_fields_set__', fields_set)\n"
        f"    setattr_(obj, '__pydantic_extra__', None)\n"
        f"    setattr_(obj, '__pydantic_private__', None)\n"
        f"    return obj\n", scope)
    make = scope["make"]
    make.__qualname__ = f"trusted({cls.__name__})"
    return make


_MAKERS: dict[type, Callable] = {}


def _unpickled(cls, values: tuple):
    """A `_Row` from its pickle (`_Row.__reduce__`)."""
    make = _MAKERS.get(cls)
    if make is None:
        make = _MAKERS[cls] = trusted(cls, positional=True)
    return make(*values)
