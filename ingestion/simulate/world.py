"""What every source system shares: the population, the clock and its agenda, the scale and random streams."""

from __future__ import annotations

import random
from collections.abc import Callable
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
