"""Random helpers: weighted choices, Poisson counts and a stable 64-bit mixer.

Every stochastic decision goes through ``random.Random`` streams seeded from the run's seed, or through
:func:`mix`, a pure hash used where the same answer must come back every time it is asked (identity noise,
fault values that a corrected re-send repeats). Nothing depends on Python's per-process string hashing.
"""

from __future__ import annotations

import hashlib
import math
import random
from bisect import bisect
from collections.abc import Mapping, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")

_MASK = (1 << 64) - 1


def mix(*parts: int) -> int:
    """A 64-bit hash of integers (SplitMix64 finaliser folded over the parts)."""
    h = 0x9E3779B97F4A7C15
    for part in parts:
        h = (h ^ (part & _MASK)) + 0x9E3779B97F4A7C15 & _MASK
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9 & _MASK
        h = (h ^ (h >> 27)) * 0x94D049BB133111EB & _MASK
        h ^= h >> 31
    return h


def unit(*parts: int) -> float:
    """A number in [0, 1) determined by the parts."""
    return mix(*parts) / 18446744073709551616.0


def text_id(text: str) -> int:
    """A stable 64-bit integer for a text (for use in :func:`mix`)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


class Weighted(Generic[T]):
    """A fixed weighted choice, drawn with one uniform number."""

    __slots__ = ("_cum", "_total", "values")

    def __init__(self, weights: Mapping[T, float] | Sequence[tuple[T, float]]) -> None:
        items = list(weights.items()) if isinstance(weights, Mapping) else list(weights)
        self.values: list[T] = [value for value, _ in items]
        self._cum = list(accumulate(weight for _, weight in items))
        self._total = self._cum[-1]

    def __call__(self, rng: random.Random) -> T:
        return self.values[bisect(self._cum, rng.random() * self._total)]

    def share(self, value: T) -> float:
        """The probability of drawing ``value``."""
        index = self.values.index(value)
        return (self._cum[index] - (self._cum[index - 1] if index else 0.0)) / self._total

    def at(self, u: float) -> T:
        """The value for a given uniform number in [0, 1)."""
        return self.values[bisect(self._cum, u * self._total)]


GOLDEN = 0.6180339887498949  # the golden ratio's fractional part: the most evenly spreading step
SQRT2 = 0.41421356237309515  # sqrt(2) - 1
SQRT3 = 0.7320508075688772  # sqrt(3) - 1


class Spread:
    """Uniform numbers in [0, 1) spread evenly (an irrational-step sequence from a start, the golden ratio's by
    default): a share drawn with them is met within a draw or two over any run of draws, where independent draws
    scatter by chance. For the shares of small groups whose published figures a year at scale 1 must reproduce.

    Spreads with the same step that are advanced together move in lockstep (their numbers keep a fixed offset), so
    draws for different purposes that happen together use different steps (``SQRT2``, ``SQRT3``)."""

    __slots__ = ("_next", "_step")

    def __init__(self, start: float, step: float = GOLDEN) -> None:
        self._next = start
        self._step = step

    def __call__(self) -> float:
        value = self._next
        self._next = (value + self._step) % 1.0
        return value


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson count (Knuth's method for small means, a rounded normal for large ones)."""
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k
