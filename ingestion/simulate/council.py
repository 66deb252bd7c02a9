"""The council's adult social care case management system: front door contacts and Client Level Data events.

People reach the front door (contacts); some become requests, requests lead to assessments after a wait,
assessments to short-term (ST-Max) or long-term services, long-term clients are reviewed and reassessed, and
they die or leave. Each change of an event is visible from the day it is recorded, which is sometimes weeks
after it happened (a late update). A few events are duplicates recorded in error and deleted later. The
nightly files are written by :mod:`.council_extract`.
"""

from __future__ import annotations

import math
import random
from datetime import date

from . import calibration as cal
from .council_extract import CouncilExtract
from .council_model import (
    ASSESSMENT,
    CALLER_NOISE,
    CALLER_SYSTEMS,
    CARER,
    CARER_COMPONENT,
    COMMUNITY_ACCOMMODATION,
    CONTINUATION,
    DECEASED,
    DETAIL_COLUMNS,
    DISABILITY,
    FUNDING,
    GENDER,
    GENDER_SAME_AS_BIRTH,
    HAS_CARER,
    MARITAL_STATUS,
    PROGRESS_ASSESSMENT,
    PROGRESS_SERVICES,
    PROGRESS_STMAX,
    PSR_GIVEN_WORKING_AGE,
    RECORDED_ETHNICITY_GAP,
    RELIGION,
    REQUEST,
    REVIEW,
    SERVICE,
    SERVICE_CATALOGUE,
    SERVICE_MIX,
    SERVICE_USER,
    SETTING_ACCOMMODATION,
    SEXUAL_ORIENTATION,
    Client,
    Event,
)
from .delivery import Deliverer, Row
from .population import LOCALITIES
from .rng import GOLDEN, SQRT2, SQRT3, Spread, Weighted, mix, text_id, unit
from .timefmt import local_timestamp
from .truth import COUNCIL_ID
from .world import Pool, World

# the review backlog (``_hold_backlog``): overdue since 2021 or earlier (supported since 2020 or earlier, never
# reviewed), and the later backlog, whose reviews fell due from 2022 until the reporting year
BACKLOG_OLD_LAST_START = date(2020, 12, 31).toordinal()
BACKLOG_LATER_FROM = date(2022, 1, 1).toordinal()


class Council:
    """State and daily behaviour of the council system, and its nightly files."""

    def __init__(self, world: World) -> None:
        self.world, self.pop = world, world.population
        self.rng = world.stream("council")
        self.clients: dict[int, Client] = {}
        self.known: Pool[int] = Pool()  # people with a council id, alive
        self.long_term: Pool[int] = Pool()  # people with an open long-term service
        # the same people by need and age group (working age when the service started), for ``_unplanned_review_client``
        self.long_term_groups: dict[tuple[str, bool], Pool[int]] = {}
        self._long_term_group: dict[int, tuple[str, bool]] = {}
        self.care_homes: Pool[int] = Pool()  # long-term clients in residential or nursing care
        self.extract = CouncilExtract(self.pop, self.clients, world.start_day)
        self.recent_callers: list[list[int]] = [[] for _ in LOCALITIES]  # per locality, most recent last
        self._next_cid, self._next_event, self._next_contact = 10_001, 100_001, 1_000_001
        self._provider_ids = [f"1-{100_000_000 + mix(world.seed, 77, index) % 900_000_000}" for index in range(240)]
        # new clients' primary support reasons and carers' direct payments: evenly spread. The reasons are drawn
        # from one sequence per age group (working age or older) and first request's path (straight to assessment
        # or not), so that those the year's assessments count show the shares within a draw or two
        self._psr_draws = {
            (working, assessing): Spread(unit(world.seed, 31, working, assessing))
            for working in (True, False)
            for assessing in (True, False)
        }
        self._carer_dp_draws = Spread(unit(world.seed, 32))
        # carers' support lengths, spread with the direct payment draws (a different step): which services of an
        # earlier year still run into the reporting year then leaves the direct payment share as drawn
        self._carer_length_draws = Spread(unit(world.seed, 42), SQRT2)
        # the long-term clients seeded at the start of the warm-up: their (need, ages) mix, evenly spread
        self._long_term_draws = Spread(unit(world.seed, 33), SQRT2)
        # which need and age group an unplanned review falls on, evenly spread by the groups' sizes
        self._unplanned_draws = Spread(unit(world.seed, 54))
        # per-purpose evenly spread draws by need and age group (see ``_spread``)
        self._spreads: dict[tuple[int, str, bool], Spread] = {}
        self._seeded: list[Client] = []  # the seeded long-term clients, until the backlog is held (``_hold_backlog``)
        self._held: list[list[Client]] = []  # the backlog's held cases: since 2021, later (``_hold_backlog``)
        self._repeat_window = [
            max(50, int(cal.REPEAT_WINDOW * world.scale * cal.CONTACT_LOCALITY.share(name))) for name in LOCALITIES
        ]

    def _spread(self, purpose: int, step: float, client: Client, day: int) -> float:
        """The next evenly spread draw for ``purpose`` among clients of the same need and age group (working age or
        older on ``day``): the assessments a year counts by need and age are then those of the draws' shares within a
        draw or two, where independent draws for the few working-age clients with a small need scatter by several
        points. Purposes advanced together use different steps."""
        key = (purpose, client.psr_group, self.pop.age(client.person, day) < 65)
        spread = self._spreads.get(key)
        if spread is None:
            spread = self._spreads[key] = Spread(unit(self.world.seed, purpose, text_id(key[1]), key[2]), step)
        return spread()

    # ---- people ---------------------------------------------------------------------------------------

    def client_of(
        self, person: int, *, client_type: str = SERVICE_USER, psr_group: str | None = None, assessing: bool = False
    ) -> Client:
        """The person's council record, created (with a new council id) the first time it is needed; ``assessing``:
        their first request goes straight to assessment."""
        client = self.clients.get(person)
        if client is not None:
            return client
        rng, day = self.rng, self.world.today
        working_age = self.pop.age(person, day) < 65
        group = psr_group or PSR_GIVEN_WORKING_AGE[working_age].at(self._psr_draws[working_age, assessing]())
        psr = cal.PSR_VALUES[group](rng) if client_type == SERVICE_USER else None
        seed = self.pop.noise[person]
        traits = tuple(
            table.at(unit(seed, 40 + index))
            for index, table in enumerate(
                (RECORDED_ETHNICITY_GAP, RELIGION, SEXUAL_ORIENTATION, MARITAL_STATUS, GENDER_SAME_AS_BIRTH, DISABILITY)
            )
        )
        client = Client(
            person=person,
            cid=self._next_cid,
            psr_group=group,
            psr=psr,
            client_type=client_type,
            accommodation=COMMUNITY_ACCOMMODATION(rng),
            funding=FUNDING(rng),
            has_carer=HAS_CARER(rng) if client_type == SERVICE_USER else None,
            traits=traits,
        )
        self._next_cid += 1
        self.pop.council_id[person] = client.cid
        self.clients[person] = client
        self.known.add(person)
        return client

    def die(self, client: Client, day: int) -> None:
        """Record a death and close everything the person had open."""
        if client.death:
            return
        client.death = day
        self.pop.death_day[client.person] = day
        self.known.discard(client.person)
        for event in [client.lt, client.st, *client.open]:
            if event is not None and not event.done:
                self.close(event, day, DECEASED)

    # ---- events ---------------------------------------------------------------------------------------

    def _event(self, client: Client, kind: str, start: int, team: str, **detail: object) -> Event:
        values: list[object] = [None] * len(DETAIL_COLUMNS)
        for name, value in detail.items():
            values[DETAIL_COLUMNS.index(name)] = value
        if client.linked is not None:
            values[-1] = COUNCIL_ID.format(client.linked.cid)
        event = Event(self._next_event, client, kind, start, team, values, client.client_type)
        self._next_event += 1
        self.extract.touch(event, self.world.today)
        if self.rng.random() < self.world.rates("deleted_event"):
            self._duplicate_in_error(event)
        return event

    def _duplicate_in_error(self, event: Event) -> None:
        twin = Event(
            self._next_event,
            event.client,
            event.kind,
            event.start,
            event.team,
            list(event.detail),
            event.client_type,
            doomed=True,
        )
        self._next_event += 1
        self.extract.touch(twin, self.world.today)
        self.world.at(self.world.today + self.rng.randint(1, 20), lambda: self._delete(twin))

    def _delete(self, event: Event) -> None:
        day = self.world.today
        self.extract.delete(event, day, local_timestamp(day, self.rng.randrange(8 * 60, 18 * 60)))

    def close(self, event: Event, end: int, outcome: str) -> None:
        """End an event on ``end``; it is recorded then, a day or two later, or (a late update) weeks later."""
        if event.done:
            return
        event.done = True
        end = max(end, event.start)  # a service starting tomorrow (after a reassessment) ends no earlier
        client = event.client
        client.open.discard(event)
        if client.lt is event:
            client.lt = None
            self.long_term.discard(client.person)
            self.long_term_groups[self._long_term_group.pop(client.person)].discard(client.person)
            self.care_homes.discard(client.person)
        if client.st is event:
            client.st = None
        rng = self.rng
        if rng.random() < self.world.rates("late_update"):
            lag, late = rng.randint(*cal.LATE_UPDATE_DAYS), True
        else:
            lag, late = (0 if rng.random() < 0.7 else rng.randint(1, 3)), False

        def record() -> None:
            event.end, event.outcome, event.late = end, outcome, late
            self.extract.touch(event, self.world.today)

        self.world.at(end + lag, record)

    # ---- seeding --------------------------------------------------------------------------------------

    def seed(self, day: int) -> None:
        """Long-term clients already supported when the warm-up starts."""
        rng, pop = self.rng, self.pop
        for _ in range(round(cal.LONG_TERM_CLIENTS * self.world.scale)):
            group, ages = cal.LONG_TERM_MIX.at(self._long_term_draws())
            bands = (
                cal.OLDER_AGES if ages == "older" else cal.WORKING_AGES if ages == "working" else cal.LONG_TERM_MH_AGES
            )
            locality = LOCALITIES.index(cal.CONTACT_LOCALITY(rng))
            person = pop.add(day, bands, female=0.58, locality=locality)
            client = self.client_of(person, psr_group=group)
            self._start_long_term(client, day - rng.randint(30, 2500))
            self._due_for_review(client, day + rng.randint(0, 365))
            self._seeded.append(client)
        self.world.at(self.world.start_day, self._hold_backlog)

    def _hold_backlog(self) -> None:
        """At the start of the reporting year, pick the backlog's cases left unreviewed through it, among the
        long-term clients whose support lasts the year: exactly ``REVIEW_BACKLOG_HELD`` (scaled) of those supported
        since 2020 or earlier and never reviewed (overdue since 2021 or earlier) and ``REVIEW_BACKLOG_HELD_RECENT``
        of those whose review fell due in 2022 or early 2023 and is still pending (settled a month before the year
        ends: ``_settle_backlog``). No review of a held case starts while it is held (``_review``); the rest of the
        backlog is cleared by the year end (``_due_for_review``)."""
        world = self.world
        seeded = {id(client) for client in self._seeded}

        def holdable(client: Client) -> bool:
            return (
                client.lt is not None
                and not client.death
                and client.supported_until > world.year_end
                and not client.in_review
            )

        since_2021 = [
            client
            for client in self._seeded
            if holdable(client)
            and client.lt is not None
            and client.lt.start <= BACKLOG_OLD_LAST_START
            and not client.reviewed
        ]
        recent = [
            client
            for client in self.clients.values()
            if holdable(client)
            and (client.reviewed or id(client) not in seeded)
            and BACKLOG_LATER_FROM <= client.review_due < world.start_day < client.next_review
        ]
        for candidates, count in ((since_2021, cal.REVIEW_BACKLOG_HELD), (recent, cal.REVIEW_BACKLOG_HELD_RECENT)):
            chosen = self.rng.sample(candidates, min(len(candidates), round(count * world.scale)))
            for client in chosen:
                client.held = True
                client.next_review = world.year_end + 1  # no planned review before the year ends
            self._held.append(chosen)
        self._seeded = []
        world.at(world.year_end - cal.REVIEW_SETTLE_DAYS, self._settle_backlog)

    def _settle_backlog(self) -> None:
        """A month before the year ends, settle how many of the later backlog's held cases stay overdue: the
        published count (``REVIEW_OVERDUE``) less the cases held since 2021 and less the reviews the year itself
        will leave overdue, projected from the reviews already planned (due by the year end and planned too late to
        be completed by it, or dropped). Held cases beyond that are reviewed before the year ends; if the year's
        own overdue reviews are fewer, more of the pending later backlog is held."""
        world, rng = self.world, self.rng
        end, today = world.year_end, world.today
        projected = 0.0
        for client in self.clients.values():
            if client.lt is None or client.death or client.held or client.client_type != SERVICE_USER:
                continue
            if client.review_due > end or client.in_review:
                continue
            # a review takes 0-14 days to complete; a planned review already past was dropped (support restarted)
            planned = client.next_review
            projected += 1.0 if planned < today else 1.0 - min(15, max(0, end - planned)) / 15
        since_2021, recent = self._held
        wanted = round(cal.REVIEW_OVERDUE * world.scale) - len(since_2021) - round(projected)
        if wanted < len(recent):
            last = max(today, end - cal.REVIEW_BACKLOG_LAST_DAYS)
            for client in rng.sample(recent, len(recent) - max(0, wanted)):
                client.held = False
                self._schedule_review(client, rng.randint(today, last), client.review_due)
        elif wanted > len(recent):
            pending = [
                client
                for client in self.clients.values()
                if client.lt is not None
                and not client.death
                and not client.held
                and client.client_type == SERVICE_USER
                and not client.in_review
                and BACKLOG_LATER_FROM <= client.review_due < world.start_day
                and client.next_review > today
            ]
            for client in rng.sample(pending, min(len(pending), wanted - len(recent))):
                client.held = True
                client.next_review = end + 1

    # ---- daily behaviour ------------------------------------------------------------------------------

    def step(self, day: int) -> None:
        rng, world = self.rng, self.world
        weekday = cal.WEEKDAY_FACTORS[(day + 6) % 7]
        for _ in range(world.count(rng, cal.CONTACTS_PER_YEAR, weekday)):
            self._contact(day)
        for _ in range(world.count(rng, cal.CARER_ASSESSMENTS_PER_YEAR)):
            self._carer_assessment(day)
        clients = len(self.long_term) / world.scale
        for _ in range(world.count(rng, cal.UNPLANNED_REVIEWS_PER_CLIENT_YEAR * clients)):
            person = self._unplanned_review_client()
            if person is not None:
                self._review(self.clients[person], day, planned=False)

    def _unplanned_review_client(self) -> int | None:
        """A long-term client for an unplanned review: the need and age group by an evenly spread draw weighted by
        the groups' sizes, then a client of that group at random. Picking among all clients at random put from one
        to nine of a year's unplanned reviews (and so reassessments) on the 30-40 working-age clients with sensory
        needs, the scatter that moved their published share of assessments (31%) by more than its tolerance."""
        groups = [(key, len(pool)) for key, pool in sorted(self.long_term_groups.items()) if len(pool)]
        if not groups:
            return None
        return self.long_term_groups[Weighted(groups).at(self._unplanned_draws())].sample(self.rng)

    def _contact(self, day: int) -> None:
        rng, pop = self.rng, self.pop
        draw = rng.random()
        locality = LOCALITIES.index(cal.CONTACT_LOCALITY(rng))
        callers = self.recent_callers[locality]
        person: int | None = None
        if draw < cal.CONTACT_CURRENT_CLIENT:
            person = self.long_term.sample(rng)
        elif draw > cal.CONTACT_NEW_PERSON + cal.CONTACT_CURRENT_CLIENT and callers:
            person = callers[rng.randrange(len(callers))]
        if person is None or not pop.alive(person, day):
            person = pop.add(day, cal.CONTACT_AGES, female=cal.CONTACT_FEMALE, locality=locality)
        callers = self.recent_callers[pop.locality[person]]
        callers.append(person)
        if len(callers) > 2 * self._repeat_window[pop.locality[person]]:
            del callers[: -self._repeat_window[pop.locality[person]]]
        front_door = rng.random() < cal.FRONT_DOOR_SHARE
        if front_door:
            team = cal.FRONT_DOOR_TEAM(rng)
            outcome = cal.FRONT_DOOR_OUTCOME(rng)
        else:
            team = cal.OTHER_TEAM(rng)
            if team == "locality":
                team = f"{LOCALITIES[pop.locality[person]]} Locality Team"
            outcome = cal.OTHER_TEAM_OUTCOME(rng)
        minute = rng.randrange(8 * 60, 18 * 60) if rng.random() < 0.93 else rng.randrange(0, 24 * 60)
        self.extract.contact(day, person, self._contact_row(person, day, minute, team, outcome))
        self._after_contact(person, day, team, outcome)

    def _contact_row(self, person: int, day: int, minute: int, team: str, outcome: str) -> Row:
        rng, pop = self.rng, self.pop
        client = self.clients.get(person)
        contact_id = f"CT{self._next_contact:08d}"
        self._next_contact += 1
        system = CALLER_SYSTEMS[rng.randrange(len(CALLER_SYSTEMS))]
        first, last, born = pop.recorded(person, system, CALLER_NOISE)
        dob = born.isoformat() if rng.random() < 0.8 else None
        values: list[object] = [
            contact_id,
            local_timestamp(day, minute),
            cal.CONTACT_CHANNEL(rng),
            cal.CONTACT_SOURCE(rng),
            COUNCIL_ID.format(client.cid) if client else None,
            first,
            last,
            dob,
            pop.postcode_at(person, day) if rng.random() < 0.85 else None,
            pop.nhs_number(person),
            GENDER[pop.sex[person]] if rng.random() < 0.92 else None,
            team,
            LOCALITIES[pop.locality[person]] if rng.random() < 0.96 else None,
            outcome,
        ]
        return Row(values)

    def _after_contact(self, person: int, day: int, team: str, outcome: str) -> None:
        world = self.world
        if outcome in ("Referred to locality team", "Referred for short term support"):
            client = self.clients.get(person)
            if client is not None and client.lt is not None:
                if self.rng.random() < cal.CONTACT_TRIGGERS_REVIEW:
                    self._review(client, day, planned=False)
            elif (client is None or not (client.pending or client.open or client.st)) and (
                self.rng.random() < cal.REFERRAL_BECOMES_REQUEST
            ):
                hospital = team == "Hospital Discharge Team" or self.rng.random() < cal.HOSPITAL_ROUTE_SHARE
                self._client_request(person, day, hospital=hospital)
        elif outcome == "Referred to occupational therapy":
            world.health.referral_from_council(person, day)
        elif outcome == "Safeguarding concern raised":
            world.safeguarding.concern_from_contact(person, day)
        elif outcome == "Referred to Carers Hub":
            world.carers_hub.referral_from_contact(person, day)

    def referral_from_safeguarding(self, person: int) -> None:
        """Someone a safeguarding concern was about becomes known to the council."""
        if person not in self.clients and self.pop.alive(person, self.world.today):
            self._client_request(person, self.world.today, hospital=False)

    def _client_request(self, person: int, day: int, *, hospital: bool) -> None:
        """A request about someone who may be new to the council: its outcome is decided before their record is
        made, so that a new client's primary support reason comes from the sequence of their path."""
        known = self.clients.get(person)
        outcome = self._request_outcome(hospital, known, day)
        client = known or self.client_of(person, assessing=outcome == PROGRESS_ASSESSMENT)
        self._request(client, day, hospital=hospital, outcome=outcome)

    def _request_outcome(self, hospital: bool, known: Client | None, day: int) -> str:
        """A request's outcome; a known client's repeat request's is drawn evenly spread by their need and age."""
        if hospital and self.rng.random() < 0.6:
            return PROGRESS_STMAX
        if known is None:
            return cal.REQUEST_OUTCOME(self.rng)
        return cal.REQUEST_OUTCOME.at(self._spread(38, GOLDEN, known, day))

    def _locality_team(self, client: Client) -> str:
        return f"{LOCALITIES[self.pop.locality[client.person]]} Locality Team"

    def _request(self, client: Client, day: int, *, hospital: bool, outcome: str) -> None:
        rng, world = self.rng, self.world
        route = "Discharge from hospital" if hospital else cal.REQUEST_ROUTE(rng)
        team = "Hospital Discharge Team" if hospital else self._locality_team(client)
        request = self._event(client, REQUEST, day, team, Request_Route_of_Access=route)
        client.open.add(request)
        decided = day + (rng.randint(0, 2) if hospital else rng.randint(0, 5))

        def decide() -> None:
            if request.done:
                return
            self.close(request, world.today, outcome)
            if outcome == PROGRESS_ASSESSMENT:
                client.pending = True
                if hospital:
                    wait = rng.randint(*cal.HOSPITAL_ASSESSMENT_WAIT)
                else:
                    locality = LOCALITIES[self.pop.locality[client.person]]
                    mean, shape = cal.ASSESSMENT_WAIT[locality]
                    wait = round(rng.gammavariate(shape, mean / shape))
                    wait = min(wait, cal.ASSESSMENT_WAIT_LONGEST[locality])
                world.at(max(world.today, day + wait), lambda: self._assessment(client, world.today, team))
            elif outcome == PROGRESS_STMAX:
                world.at(world.today + rng.randint(0, 3), lambda: self._st_max(client, world.today))

        world.at(decided, decide)

    def _assessment(self, client: Client, day: int, team: str) -> None:
        if client.death:
            return
        client.pending = False
        rng, world = self.rng, self.world
        if client.client_type == CARER:
            kind = "Unpaid carer assessment" if rng.random() < 0.8 else "Joint unpaid carer assessment"
        else:
            kind = "Long term assessment" if rng.random() < 0.8 else "Short term assessment"
        mean = cal.ASSESSMENT_DAYS_MEAN.get(kind, 10.0)
        end = day + round(rng.gammavariate(2.0, mean / 2.0))
        eligible = (
            rng.random() < 0.75
            if client.client_type == CARER
            else self._spread(36, SQRT3, client, day) < cal.ELIGIBLE_SHARE
        )
        assessment = self._event(client, ASSESSMENT, day, team, Assessment_Type=kind, Eligible_Needs_Identified=None)
        client.open.add(assessment)

        def complete() -> None:
            if assessment.done:
                return
            assessment.detail[DETAIL_COLUMNS.index("Eligible_Needs_Identified")] = "Yes" if eligible else "No"
            if not eligible:
                self.close(assessment, world.today, cal.NOT_ELIGIBLE_OUTCOME(rng))
                return
            existing = client.lt
            if client.client_type == CARER:
                self.close(assessment, world.today, PROGRESS_SERVICES)
                self._carer_service(client, world.today + rng.randint(0, 10))
            elif existing is None:
                self.close(assessment, world.today, PROGRESS_SERVICES)
                start = world.today + round(rng.expovariate(1 / cal.BROKERAGE_DAYS_MEAN))
                world.at(start, lambda: self._start_long_term(client, world.today) if not client.death else None)
            elif rng.random() < cal.REASSESSMENT_CHANGES_SERVICE:
                self.close(assessment, world.today, PROGRESS_SERVICES)
                self.close(existing, world.today, PROGRESS_SERVICES)
                self._start_long_term(client, world.today + 1)
            else:
                self.close(assessment, world.today, CONTINUATION)

        world.at(end, complete)

    def _st_max(self, client: Client, day: int) -> None:
        if client.death or client.st is not None:
            return
        rng, world = self.rng, self.world
        service = self._event(
            client,
            SERVICE,
            day,
            self._locality_team(client),
            Service_Type="Short term support: ST-Max",
            Service_Component="Reablement",
            Delivery_Mechanism="CASSR commissioned support",
            Provider_CQC_Location_ID=self._provider(rng),
            Unit_Cost="0.00",
            Cost_Frequency="No charge to client",
            Planned_Units_Per_Week=f"{rng.randint(5, 21)}.0",
        )
        client.st = service
        outcome = cal.STMAX_OUTCOME.at(self._spread(39, GOLDEN, client, day))

        def finish() -> None:
            if service.done:
                return
            if outcome == DECEASED:
                self.die(client, world.today)
                return
            self.close(service, world.today, outcome)
            if outcome == PROGRESS_ASSESSMENT:
                world.at(
                    world.today + rng.randint(0, 7),
                    lambda: self._assessment(client, world.today, self._locality_team(client)),
                )
            elif outcome == PROGRESS_SERVICES and client.lt is None:
                self._start_long_term(client, world.today + rng.randint(1, 14))

        world.at(day + rng.randint(*cal.STMAX_DAYS), finish)

    def _provider(self, rng: random.Random) -> str:
        return self._provider_ids[rng.randrange(len(self._provider_ids))]

    def _start_long_term(self, client: Client, start: int) -> None:
        """Open a long-term service (back-dated starts are allowed when seeding)."""
        if client.death or client.lt is not None:
            return
        rng, world, pop = self.rng, self.world, self.pop
        older = pop.age(client.person, start) >= 65
        group = client.psr_group
        mix_key = f"physical_{'older' if older else 'working'}" if group == "physical" else group
        component = SERVICE_MIX.get(mix_key, SERVICE_MIX["other"])(rng)
        service_type, setting, (low, high), frequency, (units_low, units_high) = SERVICE_CATALOGUE[component]
        mechanism = "CASSR managed personal budget" if rng.random() < 0.12 else "CASSR commissioned support"
        provider: str | None = self._provider(rng)
        if setting == "community" and rng.random() < cal.DIRECT_PAYMENT_SHARE:
            component, mechanism, provider, frequency = "Direct payment", "Direct payment", None, "Weekly"
            low, high, units_low, units_high = 250.0, 520.0, 1, 1
        units = rng.randint(int(units_low), int(units_high))
        service = self._event(
            client,
            SERVICE,
            start,
            self._locality_team(client),
            Service_Type=service_type,
            Service_Component=component,
            Delivery_Mechanism=mechanism,
            Provider_CQC_Location_ID=provider,
            Unit_Cost=f"{rng.uniform(low, high):.2f}",
            Cost_Frequency=frequency,
            Planned_Units_Per_Week=f"{units}.0",
        )
        client.lt = service
        # in the pools before a review can close the service (one due today runs at once)
        self.long_term.add(client.person)
        key = self._long_term_group[client.person] = (group, not older)
        self.long_term_groups.setdefault(key, Pool()).add(client.person)
        if setting != "community":
            self.care_homes.add(client.person)
        if not client.next_review:
            self._due_for_review(client, start + 365)
        client.accommodation = SETTING_ACCOMMODATION.get(setting, client.accommodation)
        lifelong = group in cal.LIFELONG_NEEDS
        kind = "working" if lifelong or not older else "community_older"
        mortality = cal.ANNUAL_MORTALITY[kind if setting == "community" else setting]
        other_years = cal.OTHER_END_YEARS * (
            cal.LIFELONG_FACTOR if lifelong else 1 if older else cal.WORKING_AGE_FACTOR
        )
        # a back-dated (seeded) service has lasted until today: its remaining time runs from today (memoryless); a
        # held backlog case was chosen among those whose support outlasts the year, so a change of service keeps it
        origin = max(start, world.today, world.year_end + 1 if client.held else 0)
        death = origin + round(rng.expovariate(-math.log1p(-mortality) / 365.25))
        other_end = origin + round(rng.expovariate(1 / (other_years * 365.25)))
        client.supported_until = min(death, other_end)
        if death <= other_end:
            world.at(death, lambda: self.die(client, world.today))
        else:
            outcome = (
                "NFA: Support ended for other reason"
                if rng.random() < 0.85
                else "NFA: Responsibility moved to another local authority"
            )
            world.at(other_end, lambda: self.close(service, world.today, outcome))

    def _due_for_review(self, client: Client, due: int) -> None:
        """Plan the client's next review: due a year after the last, done after a delay that depends on how
        stretched the teams are when it falls due; the backlog from before the reporting year is mostly cleared
        in its first months (reviews up to date rose from 50% to 67% in the year)."""
        world, rng = self.world, self.rng
        if due >= world.start_day:
            planned = due + round(rng.expovariate(1 / cal.REVIEW_DELAY_REPORTING_YEAR))
        else:
            planned = due + round(rng.expovariate(1 / cal.REVIEW_DELAY_WARM_UP))
            old = due < world.start_day - cal.REVIEW_BACKLOG_OLD_DAYS
            if planned > world.start_day:
                # the backlog: mostly cleared in the year's first months, the rest by its end (the harder, older
                # cases in its last weeks), except the cases held over (``_hold_backlog``)
                year_end_push = world.year_end - cal.REVIEW_BACKLOG_LAST_DAYS
                if rng.random() < (cal.REVIEW_BACKLOG_OLD_CLEARED if old else cal.REVIEW_BACKLOG_CLEARED):
                    planned = min(planned, world.start_day + rng.randint(0, cal.REVIEW_BACKLOG_DAYS))
                elif old:
                    planned = year_end_push - rng.randint(0, 13)
                else:
                    planned = min(planned, year_end_push)
        self._schedule_review(client, planned, due)

    def _schedule_review(self, client: Client, planned: int, due: int) -> None:
        world = self.world
        client.next_review, client.review_due = planned, due

        def review() -> None:
            if client.next_review == planned and client.lt is not None and not client.death:
                self._review(client, world.today, planned=True)

        world.at(planned, review)

    def _review(self, client: Client, day: int, *, planned: bool) -> None:
        if client.lt is None or client.death or client.held or client.in_review:
            return
        rng, world = self.rng, self.world
        reason = "Planned review of long term support" if planned else "Unplanned review of long term support"
        review = self._event(client, REVIEW, day, self._locality_team(client), Review_Reason=reason)
        client.open.add(review)
        draw = self._spread(35 if planned else 37, SQRT2, client, day)
        if not planned:
            outcome = PROGRESS_ASSESSMENT if draw < 0.8 else CONTINUATION
        elif client.psr_group in cal.LIFELONG_NEEDS or self.pop.age(client.person, day) < 65:
            outcome = cal.REVIEW_OUTCOME_STABLE.at(draw)
        else:
            outcome = cal.REVIEW_OUTCOME.at(draw)

        def finish() -> None:
            if review.done:
                return
            if planned:
                review.detail[DETAIL_COLUMNS.index("Review_Outcomes_Achieved")] = cal.REVIEW_ACHIEVED(rng)
            self.close(review, world.today, outcome)
            client.reviewed = True
            if outcome == PROGRESS_ASSESSMENT:
                world.at(
                    world.today + rng.randint(0, 21),
                    lambda: self._assessment(client, world.today, self._locality_team(client)),
                )
            elif outcome.startswith("NFA") and client.lt is not None:
                self.close(client.lt, world.today, outcome)
            self._due_for_review(client, world.today + 365)

        world.at(day + rng.randint(0, 14), finish)

    def _carer_assessment(self, day: int) -> None:
        rng = self.rng
        cared_for = self.long_term.sample(rng)
        if cared_for is None:
            return
        carer_person = self.pop.add(
            day,
            cal.WORKING_AGES if rng.random() < 0.6 else cal.OLDER_AGES,
            female=0.62,
            locality=self.pop.locality[cared_for],
        )
        carer = self.client_of(carer_person, client_type=CARER)
        carer.linked = self.clients[cared_for]
        self._assessment(carer, day, self._locality_team(carer))

    def _carer_service(self, carer: Client, start: int) -> None:
        rng = self.rng
        direct_payment = self._carer_dp_draws() < cal.CARER_DIRECT_PAYMENT_SHARE
        component = "Direct payment" if direct_payment else CARER_COMPONENT(rng)
        service = self._event(
            carer,
            SERVICE,
            start,
            self._locality_team(carer),
            Service_Type="Unpaid carer support: Direct to unpaid carer",
            Service_Component=component,
            Delivery_Mechanism="Direct payment" if direct_payment else "CASSR commissioned support",
            Provider_CQC_Location_ID=None if direct_payment else self._provider(rng),
            Unit_Cost=f"{rng.uniform(150, 450) if direct_payment else rng.uniform(40, 80):.2f}",
            Cost_Frequency="One-off" if direct_payment else "Per session",
            Planned_Units_Per_Week=None if direct_payment else f"{rng.randint(1, 3)}.0",
        )
        length = 30 + int(self._carer_length_draws() * 336)  # 30 to 365 days
        self.world.at(start + length, lambda: self.close(service, self.world.today, "NFA: Support ended as planned"))

    # ---- files ----------------------------------------------------------------------------------------

    def end_of_day(self, day: int) -> None:
        self.extract.end_of_day(day)

    def deliver(self, day: int, deliverer: Deliverer) -> None:
        """The council's nightly files with extract date ``day`` (DoLS: see :mod:`.dols`)."""
        self.extract.deliver(day, deliverer)
        self.world.dols.deliver(day, deliverer)
