"""Every number of docs/rules.md in one place, with the seed's values as defaults.

A user's `config.toml` overrides any of them; the tables mirror the spec's sections. Models
forbid unknown keys so a typo is refused with the key's name instead of being ignored.
Reading the file is I/O and lives in `csdesk.desk.settings`; this module only validates.
"""

from __future__ import annotations

import math
import typing
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from csdesk.core.profiles import Profile, ProfileError, parse_profiles

DIMENSIONS = ("usage", "engagement", "outcomes", "support", "relationship")

# The sane range of every number of the rules (issue 24): a day count up to a century (the
# rules add them to dates, whose calendar ends in 9999), hours and months to match; any other
# number (points, ratios, multiples, counts, ARR thresholds) up to a billion. None negative.
_MAX_NUMBER = 1_000_000_000
_MAX_BY_UNIT = {"days": 36_600, "hours": 36_600 * 24, "months": 1_200}


def _numeric(annotation) -> bool:
    """Whether a field's annotation holds numbers (int or float, at any depth)."""
    if annotation in (int, float):
        return True
    return any(_numeric(a) for a in typing.get_args(annotation)
               if not isinstance(a, str) and a is not type(None))


def _refused(kind: str, reason: str) -> PydanticCustomError:
    return PydanticCustomError(kind, "{reason}", {"reason": reason})


def _check_number(value, limit: int) -> None:
    if isinstance(value, (list, tuple)):
        for item in value:
            _check_number(item, limit)
        return
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _refused("not_a_number", f"expected a number, not {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _refused("not_finite", f"expected a finite number, not {value}")
    if not 0 <= value <= limit:
        shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        raise _refused("out_of_range", f"{shown} is outside 0..{limit:,}")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _sane_number(cls, value, info: ValidationInfo):
        """Every number finite, in its sane range, and a number (not a string or a boolean)."""
        field = cls.model_fields[info.field_name]
        if _numeric(field.annotation):
            unit = info.field_name.rsplit("_", 1)[-1]
            _check_number(value, _MAX_BY_UNIT.get(unit, _MAX_NUMBER))
        return value


class Weights(_Section):
    """§2 default weights (seed). Integers, each >= 0, summing to 100."""

    usage: int = Field(35, ge=0)
    engagement: int = Field(25, ge=0)
    outcomes: int = Field(20, ge=0)
    support: int = Field(10, ge=0)
    relationship: int = Field(10, ge=0)

    @model_validator(mode="after")
    def _sum_to_100(self) -> "Weights":
        total = sum(self.as_dict().values())
        if total != 100:
            raise ValueError(f"weights must sum to 100, they sum to {total}")
        return self

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in DIMENSIONS}


class Bands(_Section):
    """§2 bands (seed): green 75-100, yellow 50-74, red below."""

    green: int = Field(75, ge=0, le=100)
    yellow: int = Field(50, ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> "Bands":
        if self.yellow > self.green:
            raise ValueError("bands.yellow must not be above bands.green")
        return self


class Tiers(_Section):
    """§1 tiers (seed): enterprise ARR > 100,000; mid-market 20,000..100,000; smb < 20,000."""

    enterprise_above: float = 100_000
    smb_below: float = 20_000
    enterprise_cadence_days: int = Field(14, ge=1)
    mid_market_cadence_days: int = Field(30, ge=1)
    smb_cadence_days: int = Field(90, ge=1)
    enterprise_review_days: int | None = Field(91, ge=1)
    mid_market_review_days: int | None = Field(182, ge=1)
    smb_review_days: int | None = None


class Usage(_Section):
    """§2 usage (seed thresholds): ratio of active users to seats in the last 30 days."""

    window_days: int = Field(30, ge=1)
    # (lowest ratio, points), highest first; below the last ratio scores `floor_points`.
    steps: tuple[tuple[float, int], ...] = ((0.75, 100), (0.50, 70), (0.20, 40))
    floor_points: int = 0


class Engagement(_Section):
    """§2 engagement: days since the last completed touchpoint against the tier cadence C."""

    # (multiple of C, points): <= 1C -> 100, <= 2C -> 60, <= 3C -> 30, else 0.
    steps: tuple[tuple[int, int], ...] = ((1, 100), (2, 60), (3, 30))
    floor_points: int = 0
    consecutive_missed: int = Field(2, ge=1)  # seed: two consecutive missed touchpoints -> 0
    # §1/§13: the tiers where an automated `tech_touch` counts as engagement (cadence, last
    # contact); elsewhere only human touchpoints do. No alert or detractor is answered by one.
    tech_touch_tiers: tuple[Literal["enterprise", "mid_market", "smb"], ...] = ("smb",)


class Outcomes(_Section):
    achieved: int = 100
    on_track: int = 70
    not_started: int = 50
    at_risk: int = 30
    missed: int = 0


class Support(_Section):
    window_days: int = 90
    critical_open_points: int = 0
    # (lowest mean CSAT, points), highest first; below the last scores `low_csat_points`.
    csat_steps: tuple[tuple[float, int], ...] = ((4.5, 100), (4.0, 80), (3.0, 60))
    low_csat_points: int = 20
    no_csat_points: int = 70
    spike_window_days: int = 30
    spike_baseline_days: int = 60
    spike_min_tickets: int = 3
    spike_multiple: float = 2.0
    spike_cap: int = 40


class Relationship(_Section):
    champion_points: int = 40
    sponsor_points: int = 30  # active economic buyer or executive sponsor
    nps_window_days: int = 180
    promoter_points: int = 30
    passive_points: int = 15
    detractor_points: int = 0
    no_nps_points: int = 15
    champion_departed_days: int = 90
    champion_departed_cap: int = 20


class Actions(_Section):
    """§3 mandatory action per band (seed SLAs)."""

    yellow_sla_days: int = 7
    red_sla_hours: int = 48


class Alerts(_Section):
    """§4 early-warning alerts (seed)."""

    watch_max_age_days: int = 21
    watch_due_days: int = 7
    warning_yellow_days: int = 21
    warning_due_days: int = 7
    critical_due_hours: int = 48
    # Our choices where §4 is silent: a complaint stays open this long unless answered; the
    # save plan's go/no-go checkpoint falls this many days after the trigger.
    complaint_open_days: int = Field(90, ge=1)
    save_plan_checkpoint_days: int = Field(90, ge=1)


class Signals(_Section):
    """§5 churn signals."""

    login_drop: float = 0.30  # > 30% week over week (seed)
    login_drop_weeks: int = 2  # for >= 2 consecutive weeks (seed)
    spike_csat_below: float = 3.0
    # Our choices where §5 is silent: how far back departures, customer asks (flags) and NPS
    # detractors count as signals.
    departure_days: int = Field(90, ge=1)
    lagging_days: int = Field(90, ge=1)
    # §13 (seed: close the loop on every detractor within 5 business days): detractors of the
    # last 180 days (the relationship score's NPS window) wait for a follow-up, each due
    # 5 business days (Mon-Fri) after the response.
    detractor_followup_window_days: int = Field(180, ge=1)
    detractor_followup_business_days: int = Field(5, ge=0)


class Expansion(_Section):
    """§6 expansion signals and the four gates (seed)."""

    seat_ratio_above: float = 0.80
    green_days: int = 60
    touchpoint_days: int = 30
    renewal_not_within_days: int = 60
    signal_days: int = Field(90, ge=1)  # our choice: logged expansion flags count this long


class Onboarding(_Section):
    """§7 milestone windows (seed), in days from contract start."""

    length_days: int = 90
    m1_days: tuple[int, int] = (1, 7)
    m2_days: tuple[int, int] = (14, 30)
    m3_days: tuple[int, int] = (30, 60)
    m4_days: tuple[int, int] = (60, 90)
    m2_active_users: int = 4  # >= 3 active users beyond the champion
    m3_seat_ratio: float = 0.60
    m1_goals: tuple[int, int] = (3, 5)  # M1's success plan: 3-5 goals with target dates (seed)


class Stakeholders(_Section):
    """The stakeholder map's warnings (docs/workflow.md), our choices: a contact is engaged
    when a completed touchpoint named them in the last `engaged_days`; a high-influence
    skeptic wants one within `skeptic_days`."""

    engaged_days: int = Field(90, ge=1)
    skeptic_days: int = Field(60, ge=1)


class Renewals(_Section):
    window_days: int = 90  # seed: the renewal window opens 90 days out
    at_risk_days: tuple[int, int] = (90, 180)
    default_term_months: int = 12


class Qbr(_Section):
    send_business_days_before: int = 5
    trend_days: int = 90


class Advocacy(_Section):
    promoter_window_days: int = 180


class Calibration(_Section):
    window_days: tuple[int, int] = (80, 100)


class Forecast(_Section):
    """The renewal forecast call and the portfolio's trend (docs/workflow.md §7)."""

    horizon_days: int = Field(180, ge=1)  # renewals within this many days get a call
    churn_flag_days: int = Field(90, ge=1)  # a termination inquiry / data-export request counts
    arr_days: tuple[int, ...] = (90, 180)  # the Renewals header: forecast ARR by call
    trend_months: int = Field(12, ge=1)  # band mix per month (Portfolio, metrics `trend`)
    trend_quarters: int = Field(4, ge=1)  # GRR and NRR per quarter


class Capture(_Section):
    """Capture from calendar and mail files (docs/workflow.md, "Capture"); our choices."""

    past_days: int = Field(365, ge=0)  # meetings and mails older than this are left out
    future_days: int = Field(30, ge=0)  # meetings further ahead are not scheduled yet
    # Addresses here are people, not companies: they match by their own e-mail only.
    free_mail_domains: tuple[str, ...] = (
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
        "protonmail.com", "gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com", "zoho.com",
        "yandex.com", "yandex.ru", "fastmail.com", "hey.com", "qq.com", "163.com")
    # The CSM's own company (else: the calendar's owner, or the domain on most items read).
    own_domains: tuple[str, ...] = ()


class Targets(_Section):
    """§11 seed targets shown beside the metrics."""

    grr: float = 0.90
    nrr: float = 1.10
    logo_churn_rate: float = 0.05
    renewal_rate: float = 0.95
    predictive_accuracy: float = 0.75


class Work(_Section):
    """Working the book (docs/workflow.md): our choices, each overridable."""

    snooze_max_days: int = Field(90, ge=1)
    snooze_critical_max_days: int = Field(7, ge=1)
    expansion_answered_days: int = Field(90, ge=1)  # an expansion touchpoint answers it
    # Queue order: the account's ARR, times this within this many days of its renewal.
    renewal_weight_days: int = Field(90, ge=0)
    renewal_weight_multiple: int = Field(2, ge=1)
    alert_quality_days: int = Field(90, ge=1)
    scheduled_past_days: int = Field(30, ge=0)  # a past scheduled touchpoint asks this long
    # The kind a touchpoint-due item pre-fills, per tier.
    usual_kind: dict[Literal["enterprise", "mid_market", "smb"], str] = {
        "enterprise": "meeting", "mid_market": "call", "smb": "email"}


class Rules(_Section):
    """The whole rule book. `Rules()` is the seed playbook."""

    weights: Weights = Weights()
    bands: Bands = Bands()
    tiers: Tiers = Tiers()
    usage: Usage = Usage()
    engagement: Engagement = Engagement()
    outcomes: Outcomes = Outcomes()
    support: Support = Support()
    relationship: Relationship = Relationship()
    actions: Actions = Actions()
    alerts: Alerts = Alerts()
    signals: Signals = Signals()
    expansion: Expansion = Expansion()
    onboarding: Onboarding = Onboarding()
    stakeholders: Stakeholders = Stakeholders()
    renewals: Renewals = Renewals()
    qbr: Qbr = Qbr()
    advocacy: Advocacy = Advocacy()
    calibration: Calibration = Calibration()
    targets: Targets = Targets()
    work: Work = Work()
    forecast: Forecast = Forecast()
    capture: Capture = Capture()


class Config(_Section):
    """The user's config file: their name plus any rule overrides (tables at the top level)."""

    csm_name: str | None = None
    # Where the workbench's exports (a QBR agenda) go; None: the user's documents folder.
    export_dir: str | None = None
    # [import.profiles.NAME.TABLE]: the CSM's import profiles (docs/import.md, profiles).
    import_profiles: dict[str, Profile] = {}
    rules: Rules = Rules()


class ConfigError(ValueError):
    """A config that cannot be used; `key` names the offending setting (dotted path)."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}" if key else reason)
        self.key = key
        self.reason = reason


def parse_config(data: dict[str, Any]) -> Config:
    """Validate a parsed config.toml. Rule tables sit at the top level, as in the spec's example."""
    data = dict(data)
    csm_name = data.pop("csm_name", None)
    export_dir = data.pop("export_dir", None)
    try:
        profiles = parse_profiles(data.pop("import", None))
    except ProfileError as exc:
        raise ConfigError("", str(exc)) from None
    try:
        return Config(csm_name=csm_name, export_dir=export_dir, import_profiles=profiles,
                      rules=Rules.model_validate(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(part) for part in err["loc"])
        reason = err["msg"]
        if err["type"] == "extra_forbidden":
            reason = "unknown key"
        raise ConfigError(key, reason) from None


def with_weights(rules: Rules, weights: dict[str, int]) -> Rules:
    """The same rules under alternative weights (for calibration); raises ConfigError."""
    merged = rules.weights.as_dict() | weights
    try:
        new = Weights.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(["weights", *(str(p) for p in err["loc"])]).rstrip(".")
        raise ConfigError(key, err["msg"]) from None
    return rules.model_copy(update={"weights": new})
