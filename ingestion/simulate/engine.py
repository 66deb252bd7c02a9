"""The simulation run: warm up, then day by day simulate the four systems and deliver their files."""

from __future__ import annotations

import shutil
import time
from collections.abc import Mapping
from contextlib import closing, nullcontext
from datetime import date
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import calibration as cal
from .carers_hub import CarersHub
from .council import Council
from .delivery import Deliverer
from .dols import Dols
from .health import Health
from .injector import Rates
from .safeguarding import Safeguarding
from .schema import FEEDS
from .timefmt import month_end
from .truth import Truth
from .world import World


def simulate(
    out: Path,
    *,
    scale: float = 1.0,
    start: date = date(2023, 4, 1),
    end: date = date(2024, 3, 31),
    seed: int = 0,
    fault_rates: Mapping[str, float] | None = None,
    progress: bool = True,
) -> dict:
    """Simulate the four source systems and write their deliveries for extract dates in [start, end].

    Writes ``OUT/<feed>/`` (first deliveries), ``OUT/redeliveries/<feed>/`` and ``OUT/truth/``; returns a
    summary: files per feed, rows per entity, faults per code, people and seconds. ``fault_rates`` overrides
    entries of :data:`DEFAULT_FAULT_RATES`; all zero gives a delivery without faults (the restatements and
    unknown people the specification itself implies remain in the truth).
    """
    began = time.perf_counter()
    if end < start:
        raise ValueError("end is before start")
    if scale <= 0:
        raise ValueError("scale must be positive")
    out = Path(out)
    for folder in (*FEEDS, "redeliveries", "truth"):
        shutil.rmtree(out / folder, ignore_errors=True)
    for feed in FEEDS:
        (out / feed).mkdir(parents=True, exist_ok=True)
    rates = Rates(fault_rates)
    start_day, end_day = start.toordinal(), end.toordinal()
    first_day = start_day - cal.WARM_UP_DAYS
    world = World(scale=scale, seed=seed, first_day=first_day, start_day=start_day, end_day=end_day, rates=rates)
    world.council = council = Council(world)
    world.health = health = Health(world)
    world.safeguarding = safeguarding = Safeguarding(world)
    world.dols = dols = Dols(world)
    truth = Truth(out / "truth")
    deliverer = Deliverer(out, rates, seed, truth)
    world.carers_hub = carers_hub = CarersHub(world, deliverer)
    council.seed(first_day)
    carers_hub.seed(first_day)
    bar = (
        Progress(TextColumn("simulating {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        if progress
        else nullcontext()
    )
    with bar, closing(carers_hub.workbooks):
        task = bar.add_task("warm-up", total=end_day - first_day + 1) if isinstance(bar, Progress) else None
        for day in range(first_day, end_day + 1):
            if day >= start_day:
                council.deliver(day, deliverer)
                health.deliver(day, deliverer)
                safeguarding.deliver(day, deliverer)
            world.run_agenda(day)
            council.step(day)
            health.step(day)
            safeguarding.step(day)
            dols.step(day)
            carers_hub.step(day)
            council.end_of_day(day)
            health.end_of_day(day)
            if month_end(day):
                if day >= start_day:
                    carers_hub.deliver(day)
                else:
                    carers_hub.forget_month()
            if task is not None:
                bar.update(task, advance=1, description=date.fromordinal(day).isoformat())
    people = truth.close(world.population, end_day)
    files: dict[str, int] = dict(sorted(truth.files_written.items()))
    return {
        "files": files,
        "rows": dict(sorted(truth.rows_written.items())),
        "faults": dict(sorted(truth.fault_counts.items())),
        "people": people,
        "seconds": round(time.perf_counter() - began, 1),
    }
