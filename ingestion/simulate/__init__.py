"""Simulator of the four source systems of the warehouse (see ``shared/source-feeds/README.md``).

``simulate(out, scale=..., start=..., end=..., seed=..., fault_rates=...)`` writes a year (or any period) of
deliveries with injected faults, and the ground truth to score the warehouse against.
"""

from .engine import simulate
from .injector import DEFAULT_FAULT_RATES

__all__ = ["DEFAULT_FAULT_RATES", "simulate"]
