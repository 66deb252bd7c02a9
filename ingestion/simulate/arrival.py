"""When each delivered file arrives: the modification time it is given, as the sender's rename completes it.

Senders write a temporary name and rename it once the file is complete, so a landed file's modification time
is when it arrived (ingestion records it as ``ingest.deliveries.received_at``). Arrival times are a pure hash
of the seed, the feed, the extract date and the file name: never a draw from the simulation's random streams,
so every file's bytes and every other draw are what they were without them.

- Nightly and daily feeds arrive in the early hours (UK time) of the day after the extract date, the files of
  one extract date within minutes of each other; the Carers Hub's monthly return arrives in office hours one
  to five days after the month's end.
- ``late_delivery`` (its rate is per feed and extract date: every file of a late extract date is late) adds
  days enough to miss the deadline ``fct_feed_deliveries_daily`` measures (the end of the day after the
  extract date; ten days after it for the monthly return).
- A re-delivery (a duplicate or a corrected re-send) arrives one to 72 hours after its first delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .rng import mix, text_id, unit
from .timefmt import iso_timestamp

_LATE, _WHEN, _REDELIVERY = (text_id(name) for name in ("late_delivery", "arrival", "redelivery"))
_HOUR = 3600


@dataclass(frozen=True)
class Window:
    """When a feed's delivery for an extract date normally arrives, and how much later a late one does."""

    after_days: int  # the first day of the window, in days after the extract date
    days: int  # days in the window
    from_minute: int  # the window's time of day (UK local), in minutes after midnight
    minutes: int
    late_days: tuple[int, int]  # days a late delivery adds (inclusive range)


DAILY = Window(after_days=1, days=1, from_minute=60, minutes=240, late_days=(2, 5))  # 01:00-05:00, next day
MONTHLY = Window(after_days=1, days=5, from_minute=9 * 60, minutes=8 * 60, late_days=(10, 20))  # 09:00-17:00
WINDOWS = {"council": DAILY, "health": DAILY, "safeguarding": DAILY, "carers_hub": MONTHLY}
FILE_SPREAD_MINUTES = 10  # the files of one extract date complete within this many minutes of each other


def is_late(seed: int, feed: str, extract_day: int, rate: float) -> bool:
    """Whether the feed's delivery for the extract date is late (``late_delivery``)."""
    return unit(seed, text_id(feed), extract_day, _LATE) < rate


def arrival(seed: int, feed: str, file_name: str, extract_day: int, *, late: bool, redelivery: bool) -> int:
    """When a file arrives, in seconds since the epoch (a whole second)."""
    window = WINDOWS[feed]
    when = mix(seed, text_id(feed), extract_day, _WHEN)
    file_key = text_id(f"{feed}/{file_name}")
    day = extract_day + window.after_days + when % window.days
    minute = window.from_minute + (when >> 16) % window.minutes + mix(seed, file_key) % FILE_SPREAD_MINUTES
    if late:
        low, high = window.late_days
        day += low + (when >> 40) % (high - low + 1)
    day, minute = day + minute // 1440, minute % 1440
    seconds = int(datetime.fromisoformat(iso_timestamp(day, minute)).timestamp())
    if redelivery:
        seconds += _HOUR * (1 + mix(seed, file_key, _REDELIVERY) % 72)
    return seconds
