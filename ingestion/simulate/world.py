"""What every source system shares: the population, the clock and its agenda, the scale and random streams."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Generic, TypeVar

from .population import Population
from .rng import mix, poisson, text_id

if TYPE_CHECKING:
    from .carers_hub import CarersHub
    from .council import Council
    from .dols import Dols
    from .health import Health
    from .injector import Rates
    from .safeguarding import Safeguarding

T = TypeVar("T")


class Pool(Generic[T]):
    """A set that can be sampled uniformly in O(1)."""

    __slots__ = ("_index", "_items")

    def __init__(self) -> None:
        self._items: list[T] = []
        self._index: dict[T, int] = {}

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: T) -> None:
        if item not in self._index:
            self._index[item] = len(self._items)
            self._items.append(item)

    def discard(self, item: T) -> None:
        index = self._index.pop(item, None)
        if index is None:
            return
        last = self._items.pop()
        if index < len(self._items):
            self._items[index] = last
            self._index[last] = index

    def sample(self, rng: random.Random) -> T | None:
        return self._items[rng.randrange(len(self._items))] if self._items else None


class World:
    """The shared state of one simulation run; the systems attach themselves (``council``, ``health``...)."""

    council: Council
    health: Health
    carers_hub: CarersHub
    safeguarding: Safeguarding
    dols: Dols

    def __init__(self, *, scale: float, seed: int, first_day: int, start_day: int, end_day: int, rates: Rates) -> None:
        self.scale, self.seed, self.rates = scale, seed, rates
        self.first_day, self.start_day, self.end_day = first_day, start_day, end_day
        # the reporting year's last day (a year after the start), or the last day simulated if that comes first: what
        # the council's year-end behaviour (its review backlog) works towards, so that simulating days beyond the
        # year leaves the year's files as they were (``ascwh bench-build`` lands a day more of the same history)
        start = date.fromordinal(start_day)
        try:
            year_later = start.replace(year=start.year + 1)
        except ValueError:  # 29 February
            year_later = start.replace(year=start.year + 1, day=28) + timedelta(days=1)
        self.year_end = min(end_day, year_later.toordinal() - 1)
        self.population = Population(seed)
        self._agenda: dict[int, list[Callable[[], None]]] = {}
        self.today = first_day

    def stream(self, name: str) -> random.Random:
        """An independent random stream for one part of the simulation."""
        return random.Random(mix(self.seed, text_id(name)))

    def count(self, rng: random.Random, per_year: float, factor: float = 1.0) -> int:
        """How many of something happen today, for a yearly volume at scale 1."""
        return poisson(rng, per_year * self.scale * factor / 365.25)

    def at(self, day: int, action: Callable[[], None]) -> None:
        """Run ``action`` on ``day`` (today's actions run before today's new arrivals)."""
        if day <= self.today:
            action()
        else:
            self._agenda.setdefault(day, []).append(action)

    def run_agenda(self, day: int) -> None:
        self.today = day
        for action in self._agenda.pop(day, []):
            action()
