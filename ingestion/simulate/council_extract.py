"""The council system's nightly files: events (changed since the previous file, plus a 7-day overlap), events
deleted, and the previous day's contacts.

The first file a run writes is the system's full extract: every event recorded so far. Closed events leave
memory once they are out of the overlap window; before that first file they are spooled to a temporary file
instead, so that it can list them without the whole history ever being in memory.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator

from .council_model import GENDER, LA_CODE, NOISE, SERVICE_USER, SYSTEM, Client, Event
from .delivery import Deliverer, Row
from .population import ETHNICITY_LABELS, LOCALITIES, Population
from .schema import COUNCIL_CONTACTS, COUNCIL_DELETED_EVENTS, COUNCIL_EVENTS
from .timefmt import iso
from .truth import COUNCIL_ID, Truth

OVERLAP_DAYS = 7


class CouncilExtract:
    """What the council's extract knows: recent and open events, deletions and contacts not yet delivered."""

    def __init__(self, population: Population, clients: dict[int, Client], start_day: int) -> None:
        self.pop, self.clients, self.start_day = population, clients, start_day
        self.events: dict[int, Event] = {}  # open, or changed within the overlap window
        self.changed: dict[int, dict[int, Event]] = {}  # day recorded -> events changed that day
        self.deleted: dict[int, list[tuple[str, str]]] = {}  # day -> (event reference, deleted at)
        self.contacts: dict[int, list[tuple[int, Row]]] = {}  # day received -> (person, contact)
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - lives until the first full extract
        self._spooled = 0
        self._first_file_written = False

    def touch(self, event: Event, day: int) -> None:
        """Record that an event was created or changed on ``day``. An event planned to start later is first
        listed once it has started: no extract holds an event starting after its extract date."""
        day = max(day, event.start)
        self.events[event.ref] = event
        event.changed = day
        self.changed.setdefault(day, {})[event.ref] = event

    def delete(self, event: Event, day: int, at: str) -> None:
        self.events.pop(event.ref, None)
        self.changed.get(event.changed, {}).pop(event.ref, None)
        self.deleted.setdefault(day, []).append((f"E{event.ref:09d}", at))

    def contact(self, day: int, person: int, row: Row) -> None:
        self.contacts.setdefault(day, []).append((person, row))

    def end_of_day(self, day: int) -> None:
        """Forget (or, before the first file, spool) events closed and out of the overlap window, and drop
        warm-up contacts and deletions no file will list."""
        if day < self.start_day - 1:
            self.contacts.pop(day, None)
            self.deleted.pop(day, None)
        stale = self.changed.pop(day - OVERLAP_DAYS - 1, None)
        for event in (stale or {}).values():
            if event.changed != day - OVERLAP_DAYS - 1 or event.end is None or event.doomed:
                continue
            del self.events[event.ref]
            if not self._first_file_written:
                pickle.dump(event.as_spooled(), self._spool, protocol=pickle.HIGHEST_PROTOCOL)
                self._spooled += 1

    def deliver(self, day: int, deliverer: Deliverer) -> None:
        """The events, deleted events and contacts files with extract date ``day``."""
        stamp = iso(day).replace("-", "")
        truth = deliverer.truth
        rows: _FullExtract | list[Row]
        if self._first_file_written:
            recent: dict[int, Event] = {}
            for changed_day in range(day - OVERLAP_DAYS - 1, day):
                recent.update(self.changed.get(changed_day, {}))
            rows = [self.row(event, day, truth) for _, event in sorted(recent.items())]
        else:
            rows = _FullExtract(self, day, truth)
        deliverer.table(COUNCIL_EVENTS, f"council_events_{stamp}.csv", day, rows, "csv")
        if not self._first_file_written:
            self._first_file_written = True
            self._spool.close()
        deleted = [
            Row([ref, at], notes=(("deleted_event", "Event_Reference"),)) for ref, at in self.deleted.pop(day - 1, [])
        ]
        deliverer.table(COUNCIL_DELETED_EVENTS, f"council_deleted_events_{stamp}.csv", day, deleted, "csv")
        contacts = self.contacts.pop(day - 1, [])
        for person, row in contacts:
            if row.values[4]:
                truth.person_identity("council", str(row.values[4]), person)
            else:
                truth.identity("council_contact", str(row.values[0]), person)
        deliverer.table(COUNCIL_CONTACTS, f"council_contacts_{stamp}.csv", day, [row for _, row in contacts], "csv")

    def row(self, event: Event, day: int, truth: Truth, *, again: bool = False) -> Row:
        """An event's row, noting its first restatement and a late update; ``again`` when the same file is
        written a second time (a corrected re-send)."""
        notes: list[tuple[str, str]] = []
        if event.delivered and not event.restated and not again:
            event.restated = True
            notes.append(("restated_event", "Event_Reference"))
        if event.late and event.end is not None and not again:
            event.late = False
            notes.append(("late_update", "Event_End_Date"))
        event.delivered = True
        return Row(self.values(event, day, truth), tuple(notes))

    def values(self, event: Event, day: int, truth: Truth) -> list[object]:
        """One ``council_events`` row: the person as the system holds them today, then the event."""
        pop, client = self.pop, event.client
        person = client.person
        first, last, born = pop.recorded(person, SYSTEM, NOISE)
        death = pop.death_day[person]
        ethnicity_gap, religion, orientation, marital, same_gender, disability = client.traits
        cid = COUNCIL_ID.format(client.cid)
        truth.person_identity("council", cid, person)
        service_user = event.client_type == SERVICE_USER
        return [
            LA_CODE,
            cid,
            pop.nhs_number(person),
            first,
            last,
            born.isoformat(),
            iso(death) if death and death < day else None,
            GENDER[pop.sex[person]],
            ethnicity_gap or ETHNICITY_LABELS[pop.ethnicity[person]],
            pop.postcode_at(person, day),
            event.client_type,
            client.psr if service_user else None,
            client.accommodation if service_user else None,
            client.has_carer,
            client.funding if service_user else None,
            event.kind,
            f"E{event.ref:09d}",
            iso(event.start),
            iso(event.end) if event.end is not None else None,
            event.outcome,
            *event.detail,
            event.team,
            LOCALITIES[pop.locality[person]],
            religion,
            orientation,
            marital,
            same_gender,
            disability,
        ]


class _FullExtract:
    """The first file's rows: spooled events, then those still in memory (re-iterable, for a re-send)."""

    def __init__(self, extract: CouncilExtract, day: int, truth: Truth) -> None:
        self.extract, self.day, self.truth = extract, day, truth
        self._passes = 0
        self._current = [event for event in extract.events.values() if event.start < day]

    def __len__(self) -> int:
        return self.extract._spooled + len(self._current)

    def __iter__(self) -> Iterator[Row]:
        extract = self.extract
        again = self._passes > 0
        self._passes += 1
        spool = extract._spool
        spool.seek(0)
        for _ in range(extract._spooled):
            event = Event.from_spooled(pickle.load(spool), extract.clients)
            yield Row(extract.values(event, self.day, self.truth))
        for event in self._current:
            yield extract.row(event, self.day, self.truth, again=again)
