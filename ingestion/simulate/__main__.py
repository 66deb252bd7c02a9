"""``python -m ingestion.simulate OUT [--scale S] [--start DATE] [--end DATE] [--seed N] [--fault-rate CODE=RATE]``"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from . import simulate


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m ingestion.simulate", description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2023, 4, 1))
    parser.add_argument("--end", type=date.fromisoformat, default=date(2024, 3, 31))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fault-rate", action="append", default=[], metavar="CODE=RATE")
    args = parser.parse_args()
    rates = {code: float(rate) for code, rate in (item.split("=", 1) for item in args.fault_rate)}
    summary = simulate(args.out, scale=args.scale, start=args.start, end=args.end, seed=args.seed, fault_rates=rates)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
