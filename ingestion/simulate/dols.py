"""Deprivation of Liberty Safeguards applications, held by the council and delivered as a nightly snapshot.

Applications arrive (Worcestershire's 3,963 a year, scaled by adult population), are triaged High, Medium or
Low, and wait long for completion, so about 1,650 wait at any time. Each ``council_dols`` file lists every
application not closed more than two years ago; rows are rendered once per change and reused.

Priorities and waits are evenly spread draws (:class:`.rng.Spread`): how many wait at the year end is a sum over
every application of whether its wait outlasts the year, and independent waits scatter the High priority count
(some 430) by about 5%, half the calibration report's tolerance; spread, it lands within a few of its expectation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import calibration as cal
from .delivery import Deliverer, Row
from .rng import SQRT2, Spread, Weighted, unit
from .schema import COUNCIL_DOLS
from .timefmt import iso
from .truth import COUNCIL_ID
from .world import World

HISTORY_DAYS = 730
SETTING = Weighted({"Care home": 80, "Hospital": 20})
OUTCOME = Weighted({"Granted": 75, "Not granted": 8, "Withdrawn": 17})
PRIORITIES = tuple(cal.DOLS_WAIT_MEAN)
VERY_OLD = Weighted({(75, 84): 35, (85, 94): 52, (95, 101): 13})


@dataclass(slots=True, eq=False)
class Application:
    number: int
    person: int
    cid: int
    received: int
    kind: str
    priority: str
    setting: str
    completed: int | None = None
    outcome: str | None = None
    row: Row | None = None

    def as_row(self) -> Row:
        if self.row is None:
            self.row = Row(
                [
                    f"DOLS{self.number:07d}",
                    COUNCIL_ID.format(self.cid),
                    iso(self.received),
                    self.kind,
                    self.priority,
                    self.setting,
                    iso(self.completed) if self.completed is not None else None,
                    self.outcome,
                ]
            )
        return self.row


class Dols:
    """DoLS applications and their snapshot file."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = world.stream("dols")
        self.applications: dict[int, Application] = {}
        self._unannounced: list[Application] = []
        self._next = 10_001
        self._priority_draws = Spread(unit(world.seed, 51))
        self._wait_draws = {priority: Spread(unit(world.seed, 52, n), SQRT2) for n, priority in enumerate(PRIORITIES)}

    def step(self, day: int) -> None:
        world, rng = self.world, self.rng
        council = world.council
        for _ in range(world.count(rng, cal.DOLS_PER_YEAR)):
            setting = SETTING(rng)
            person = council.care_homes.sample(rng) if setting == "Care home" and rng.random() < 0.75 else None
            if person is None:
                person = world.population.add(day, VERY_OLD, female=0.6)
            client = council.client_of(person, psr_group="memory")
            priority = cal.DOLS_PRIORITY.at(self._priority_draws())
            application = Application(
                self._next, person, client.cid, day, "Urgent" if rng.random() < 0.35 else "Standard", priority, setting
            )
            self._next += 1
            self.applications[application.number] = application
            self._unannounced.append(application)
            # an exponential wait of the priority's mean, at an evenly spread quantile
            wait = round(-cal.DOLS_WAIT_MEAN[priority] * math.log(1.0 - self._wait_draws[priority]()))
            world.at(day + wait, lambda app=application: self._complete(app))

    def _complete(self, application: Application) -> None:
        application.completed = self.world.today
        application.outcome = OUTCOME(self.rng)
        application.row = None

    def deliver(self, day: int, deliverer: Deliverer) -> None:
        oldest = day - HISTORY_DAYS
        for number in [n for n, a in self.applications.items() if a.completed is not None and a.completed < oldest]:
            del self.applications[number]
        truth = deliverer.truth
        for application in self._unannounced:
            if application.number in self.applications:
                truth.person_identity("council", COUNCIL_ID.format(application.cid), application.person)
        self._unannounced.clear()
        rows = [application.as_row() for application in self.applications.values()]
        deliverer.table(COUNCIL_DOLS, f"council_dols_{iso(day).replace('-', '')}.csv", day, rows, "csv")
