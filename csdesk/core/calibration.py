"""§12 Calibration: did "red 80–100 days before the renewal" predict churn?

For every renewal outcome with a score snapshot 80–100 days before its date (the one nearest
90 days), predict churn when that snapshot's band was red. The same snapshots are re-scored
under alternative weights from their stored dimensions, so a CSM can tune the model against
their own history (seed: tune until accuracy > 75%).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from csdesk.core.config import Rules
from csdesk.core.health import band_for, composite
from csdesk.core.models import Band, Outcome, Renewal, Snapshot


class Confusion(BaseModel):
    model_config = ConfigDict(frozen=True)

    tp: int = 0  # predicted churn, churned
    fp: int = 0  # predicted churn, stayed
    tn: int = 0  # predicted stay, stayed
    fn: int = 0  # predicted stay, churned

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def accuracy(self) -> float | None:
        return (self.tp + self.tn) / self.n if self.n else None

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def as_dict(self) -> dict:
        return {"n": self.n, "accuracy": self.accuracy, "precision": self.precision,
                "recall": self.recall,
                "confusion": {"tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn}}


class Calibration(BaseModel):
    model_config = ConfigDict(frozen=True)

    weights: dict[str, int]
    result: Confusion
    outcomes_total: int  # renewal outcomes in the book
    outcomes_without_snapshot: int


def snapshot_before(renewal: Renewal, history: Sequence[Snapshot], rules: Rules
                    ) -> Snapshot | None:
    """The snapshot 80–100 days before the renewal date nearest to 90 days (earlier on a tie)."""
    low, high = rules.calibration.window_days
    middle = (low + high) / 2
    candidates = [s for s in history
                  if low <= (renewal.date - s.date).days <= high and s.band != Band.unknown]
    if not candidates:
        return None
    return min(candidates, key=lambda s: (abs((renewal.date - s.date).days - middle), s.date))


def _band_under(snapshot: Snapshot, weights: Mapping[str, int] | None, rules: Rules) -> Band:
    if weights is None:
        return Band(snapshot.band)
    score, _ = composite(snapshot.dimensions, weights)
    return band_for(score, rules.bands)


def calibrate(renewals: Iterable[Renewal], history: Mapping[str, Sequence[Snapshot]],
              rules: Rules, weights: Mapping[str, int] | None = None) -> Calibration:
    """The confusion matrix of "red predicts churn" over the book's renewal outcomes.

    With `weights`, each snapshot is re-scored from its stored dimensions under those weights;
    without, the band stored at the time is used.
    """
    tp = fp = tn = fn = 0
    total = missing = 0
    for renewal in renewals:
        total += 1
        snapshot = snapshot_before(renewal, history.get(renewal.account_id, ()), rules)
        if snapshot is None:
            missing += 1
            continue
        band = _band_under(snapshot, weights, rules)
        if band == Band.unknown:
            missing += 1
            continue
        predicted = band == Band.red
        churned = renewal.outcome == Outcome.churned
        tp += predicted and churned
        fp += predicted and not churned
        tn += not predicted and not churned
        fn += not predicted and churned
    return Calibration(
        weights=dict(weights) if weights is not None else rules.weights.as_dict(),
        result=Confusion(tp=tp, fp=fp, tn=tn, fn=fn),
        outcomes_total=total, outcomes_without_snapshot=missing)


def parse_weights(text: str) -> dict[str, int]:
    """`usage=40,engagement=20,...` -> {"usage": 40, ...}; ValueError naming the bad part."""
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"--weights: {part!r} is not name=integer")
        try:
            out[name.strip()] = int(value)
        except ValueError:
            raise ValueError(f"--weights: weights.{name.strip()}: {value!r} is not an integer"
                             ) from None
    return out

