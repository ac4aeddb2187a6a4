"""§2 Health score: the composite, the band, and (below) the five dimensions."""

from __future__ import annotations

from fractions import Fraction

from csdesk.core.config import DIMENSIONS, Bands
from csdesk.core.models import Band


def round_half_up(value: Fraction) -> int:
    """74.5 -> 75, 74.4999 -> 74; exact on Fractions (Python's round() is half-to-even)."""
    return int((value * 2 + 1) // 2)


def composite(dimensions: dict[str, int | None], weights: dict[str, int]) -> tuple[int | None, float]:
    """Σ wᵢ·sᵢ / Σ wᵢ over dimensions with data, rounded half up; and the coverage (0-1).

    The score is None when the dimensions with data carry less than half the total weight:
    "not enough data", never a guess.
    """
    total = sum(weights[name] for name in DIMENSIONS)
    covered = sum(weights[name] for name in DIMENSIONS if dimensions.get(name) is not None)
    coverage = covered / total if total else 0.0
    if covered == 0 or covered * 2 < total:
        return None, coverage
    weighted = sum(weights[name] * dimensions[name] for name in DIMENSIONS
                   if dimensions.get(name) is not None)
    return round_half_up(Fraction(weighted, covered)), coverage


def band_for(score: int | None, bands: Bands) -> Band:
    """The one place that decides a band (seed: green 75-100, yellow 50-74, red 0-49)."""
    if score is None:
        return Band.unknown
    if score >= bands.green:
        return Band.green
    if score >= bands.yellow:
        return Band.yellow
    return Band.red
