"""Arithmetic shared by the metrics and the patterns (ratios, half-up rounding, shares that add up
to 1, confidence curves), and how an insight words a count or a share."""
import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

ZERO, ONE = Decimal(0), Decimal(1)


def ratio(part, whole) -> Decimal:
    """part / whole (28 significant digits); 0 when whole is 0 (no leads, no share)."""
    return Decimal(part) / Decimal(whole) if whole else ZERO


def rounded(value, places: int = 4) -> float:
    """Half-up rounding to `places` decimals (a float is taken at its exact binary value)."""
    return float(Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def rises_by_more_than(now_part: int, now_whole: int, before_part: int, before_whole: int, change: Fraction) -> bool:
    """now_part/now_whole - before_part/before_whole > change, compared exactly in integers (an
    empty side counts as 0)."""
    if not now_whole:
        now_part, now_whole = 0, 1
    if not before_whole:
        before_part, before_whole = 0, 1
    difference = now_part * before_whole - before_part * now_whole  # over now_whole * before_whole
    return difference * change.denominator > change.numerator * now_whole * before_whole


def confidence(value) -> Decimal:
    """A confidence for growth_brain.confidence NUMERIC(3,2): clamped to 0..1, two decimals."""
    return min(max(Decimal(value), ZERO), ONE).quantize(Decimal("0.01"), ROUND_HALF_UP)


def sample_confidence(leads: int) -> Decimal:
    """How far a figure over `leads` leads can be trusted: n / (n + 10) (0 leads: 0, 10: 0.5, 90: 0.9)."""
    return confidence(ratio(leads, leads + 10))


def evidence_confidence(z: float) -> float:
    """A pattern's confidence from the strength z of its evidence (a z-score): z / (z + 1), at
    most 0.95 (z = 1: 0.5, z = 2: 0.67, z = 4: 0.8); 0 when z <= 0."""
    return 0.0 if z <= 0 else min(0.95, z / (z + 1))


def shares(counts: dict[str, int]) -> dict[str, float]:
    """Each count's share of the total at 4 decimals, largest remainder first, so the
    shares add up to exactly 1 (in decimal); ties go to the larger count, then the name. Keys with
    a zero count are left out, the largest share first; no counts at all gives {}."""
    total = sum(counts.values())
    if not total:
        return {}
    scale = 10_000
    units = {key: n * scale // total for key, n in counts.items() if n}
    leftover = scale - sum(units.values())
    by_remainder = sorted(units, key=lambda key: (-(counts[key] * scale % total), -counts[key], key))
    for key in by_remainder[:leftover]:
        units[key] += 1
    order = sorted(units, key=lambda key: (-units[key], key))
    return {key: units[key] / scale for key in order}


def proportions_z(hits_a: int, total_a: int, hits_b: int, total_b: int) -> float:
    """Two-proportion z-score of a = hits_a/total_a against b = hits_b/total_b (pooled variance);
    0 when either side is empty or the pooled share is 0 or 1. Shares over 1 count as 1."""
    if not total_a or not total_b:
        return 0.0
    a, b = min(1.0, hits_a / total_a), min(1.0, hits_b / total_b)
    pooled = min(1.0, (hits_a + hits_b) / (total_a + total_b))
    variance = pooled * (1 - pooled) * (1 / total_a + 1 / total_b)
    return (a - b) / math.sqrt(variance) if variance > 0 else 0.0


def counts_z(count_a: int, count_b: int) -> float:
    """Poisson z-score of the difference between two counts over equal periods: |a - b| / sqrt(a + b)."""
    return abs(count_a - count_b) / math.sqrt(count_a + count_b) if count_a + count_b else 0.0
