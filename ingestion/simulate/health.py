"""The community NHS trust: delegated occupational therapy, mental health social work, reablement, Home First
hospital discharge and AMHP work. It knows patients by its own number and their NHS number, never by council id.

``health_referrals`` lists every referral changed the day before (a full line per change);
``health_waiting_list`` is the midnight snapshot of everyone waiting.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import calibration as cal
from .delivery import Deliverer, Row
from .population import LOCALITIES, MH_LOCALITY, NoiseRates
from .rng import Spread, Weighted, unit
from .schema import HEALTH_REFERRALS, HEALTH_WAITING_LIST
from .timefmt import iso, iso_timestamp
from .truth import TRUST_ID
from .world import Pool, World

NOISE = NoiseRates(typo=0.015, swapped=0.005, nickname=0.03, upper=0.05, accent_dropped=0.2, dob_swapped=0.005)
SYSTEM = 2
# Release 2 ethnicity (population.ETHNICITIES order) -> NHS ethnic category code
NHS_ETHNIC_CODE = ("A", "B", "C", "C", "C", "D", "E", "F", "G", "H", "J", "K", "R", "L", "N", "M", "P", "S", "S")
RECORDED_ETHNIC_GAP = Weighted({None: 90, "Z": 6, "99": 4})
OT, MH, REABLEMENT, HOME_FIRST, AMHP = (
    "Occupational Therapy",
    "Mental Health Social Work",
    "Reablement",
    "Hospital Discharge",
    "AMHP",
)
TEAM_PREFIX = {OT: "OT", MH: "MHSW", REABLEMENT: "Reablement", HOME_FIRST: "Home First", AMHP: "AMHP"}
EPISODE_OUTCOME = Weighted(
    {
        "Independent - no ongoing support": 55,
        "Ongoing support from social care": 20,
        "Moved to residential or nursing care": 5,
        "Admitted to hospital": 5,
        "Deceased": 3,
        "Declined": 5,
        "Transferred to another service": 7,
    }
)
AT_HOME_OUTCOME = Weighted(
    {"Independent - no ongoing support": 62, "Ongoing support from social care": 32, "Declined": 6}
)
NOT_AT_HOME_OUTCOME = Weighted({"Admitted to hospital": 50, "Moved to residential or nursing care": 30, "Deceased": 20})
AMHP_OUTCOME = Weighted(
    {"Admitted to hospital": 55, "Ongoing support from social care": 25, "Independent - no ongoing support": 20}
)
PATHWAY = Weighted({0: 10, 1: 70, 2: 15, 3: 5})
AGES = {
    OT: cal.CONTACT_AGES,
    MH: cal.MENTAL_HEALTH_AGES,
    REABLEMENT: cal.OLDER_AGES,
    HOME_FIRST: cal.OLDER_AGES,
    AMHP: cal.WORKING_AGES,
}


@dataclass(slots=True, eq=False)
class Referral:
    number: int
    person: int
    service: str
    team: str
    received: tuple[int, int]  # (day, minute)
    triage: str | None = None
    assessment_started: tuple[int, int] | None = None
    assessment_completed: tuple[int, int] | None = None
    discharged: tuple[int, int] | None = None
    pathway: int | None = None
    episode_ended: tuple[int, int] | None = None
    outcome: str | None = None
    at_home: bool | None = None
    updated: tuple[int, int] = (0, 0)
    waiting_since: int | None = None
    priority: str | None = None
    waiting_row: Row | None = None

    @property
    def referral_id(self) -> str:
        return f"R{self.number:08d}"


def _stamp(moment: tuple[int, int] | None) -> str | None:
    return iso_timestamp(*moment) if moment is not None else None


class Health:
    """The trust's referrals, its waiting lists and its two daily files."""

    def __init__(self, world: World) -> None:
        self.world, self.pop = world, world.population
        self.rng = world.stream("health")
        self._mh_long_draws = Spread(unit(world.seed, 53))  # West's longest waits (``cal.MH_WEST_LONG_WAIT``)
        self.changed: dict[int, dict[int, Referral]] = {}
        self.waiting: dict[int, Referral] = {}
        self.patients: Pool[int] = Pool()
        self._next_referral, self._next_patient = 1_000_001, 1_200_001

    # ---- arrivals -------------------------------------------------------------------------------------

    def step(self, day: int) -> None:
        world, rng = self.world, self.rng
        for service, per_year in (
            (OT, cal.OT_REFERRALS_FROM_ELSEWHERE_PER_YEAR),
            (MH, cal.MH_REFERRALS_PER_YEAR),
            (REABLEMENT, cal.REABLEMENT_PER_YEAR),
            (HOME_FIRST, cal.HOME_FIRST_PER_YEAR),
            (AMHP, cal.AMHP_PER_YEAR),
        ):
            for _ in range(world.count(rng, per_year)):
                self._refer(self._patient(service, day), service, day)

    def referral_from_council(self, person: int, day: int) -> None:
        """The council's front door passed someone to the trust's OT referral centre."""
        self.world.at(day + self.rng.randint(0, 3), lambda: self._refer(person, OT, self.world.today))

    def _patient(self, service: str, day: int) -> int:
        rng, world = self.rng, self.world
        person: int | None = None
        if rng.random() < cal.HEALTH_REPEAT_PATIENT:
            person = self.patients.sample(rng)
        elif rng.random() < cal.HEALTH_PATIENT_IS_COUNCIL_PERSON:
            person = world.council.known.sample(rng)
        if person is None or not self.pop.alive(person, day):
            person = self.pop.add(day, AGES[service], female=0.55)
        return person

    def _refer(self, person: int, service: str, day: int) -> None:
        rng, pop = self.rng, self.pop
        if not pop.alive(person, day):
            return
        if not pop.trust_id[person]:
            pop.trust_id[person] = self._next_patient
            self._next_patient += 1 + (rng.random() < 0.3)
        self.patients.add(person)
        locality = LOCALITIES[pop.locality[person]]
        referral = Referral(
            self._next_referral,
            person,
            service,
            f"{TEAM_PREFIX[service]} {locality}",
            (day, rng.randrange(8 * 60, 18 * 60)),
        )
        self._next_referral += 1
        self._touch(referral, referral.received)
        handler = {
            OT: self._ot,
            MH: self._mh,
            REABLEMENT: self._reablement,
            HOME_FIRST: self._home_first,
            AMHP: self._amhp,
        }[service]
        handler(referral, day)

    def _touch(self, referral: Referral, moment: tuple[int, int]) -> None:
        referral.updated = max(referral.updated, moment)
        self.changed.setdefault(moment[0], {})[referral.number] = referral

    def _moment(self, day: int, referral: Referral) -> tuple[int, int]:
        """A time on ``day`` for the referral's next change: never before its last one (received first)."""
        minute = self.rng.randrange(8 * 60, 19 * 60)
        last_day, last_minute = referral.updated
        if last_day == day:
            minute = max(minute, min(last_minute + 1, 24 * 60 - 1))
        return day, minute

    def _then(self, referral: Referral, day: int, change: str, value: object = None) -> None:
        """On ``day``, record a change of the referral (a field set to a moment or a value)."""

        def apply() -> None:
            moment = self._moment(self.world.today, referral)
            setattr(referral, change, moment if value is None else value)
            self._touch(referral, moment)

        self.world.at(day, apply)

    # ---- pathways -------------------------------------------------------------------------------------

    def _triage(self, referral: Referral, day: int, outcome: str) -> None:
        def apply() -> None:
            moment = self._moment(self.world.today, referral)
            referral.triage = outcome
            if outcome != "Added to waiting list":
                referral.episode_ended = moment
                referral.outcome = (
                    "Independent - no ongoing support"
                    if outcome == "Resolved at referral centre"
                    else "Transferred to another service"
                )
            self._touch(referral, moment)

        self.world.at(day, apply)

    def _wait_then_assess(self, referral: Referral, day: int, wait: int, priority: str) -> None:
        rng, world = self.rng, self.world

        def join() -> None:
            referral.waiting_since, referral.priority = world.today, priority
            self.waiting[referral.number] = referral
            world.at(world.today + wait, start)

        def start() -> None:
            self.waiting.pop(referral.number, None)
            moment = self._moment(world.today, referral)
            referral.assessment_started = moment
            self._touch(referral, moment)
            completed = world.today + rng.randint(0, 14)
            self._then(referral, completed, "assessment_completed")
            ended = completed + rng.randint(0, 60)
            self._then(referral, ended, "outcome", EPISODE_OUTCOME(rng))
            self._then(referral, ended, "episode_ended")

        world.at(day, join)

    def _ot(self, referral: Referral, day: int) -> None:
        rng = self.rng
        triage_day = day + rng.randint(0, 3)
        outcome = cal.OT_TRIAGE(rng)
        self._triage(referral, triage_day, outcome)
        if outcome == "Added to waiting list":
            locality = LOCALITIES[self.pop.locality[referral.person]]
            urgent = rng.random() < 0.12
            share, low, high = cal.OT_COTSWOLD_LONG_WAIT
            if locality == "Cotswold" and not urgent and rng.random() < share:
                wait = rng.randint(low, high)
            else:
                mean = cal.OT_WAIT_MEAN[locality] / (4 if urgent else 1)
                wait = round(rng.expovariate(1 / mean))
                while wait > cal.OT_WAIT_CAP:
                    wait = round(rng.expovariate(1 / mean))
            self._wait_then_assess(referral, triage_day, wait, "Urgent" if urgent else "Routine")

    def _mh(self, referral: Referral, day: int) -> None:
        rng = self.rng
        triage_day = day + rng.randint(0, 5)
        if rng.random() < cal.MH_WAITING_SHARE:
            self._triage(referral, triage_day, "Added to waiting list")
            area = MH_LOCALITY[LOCALITIES[self.pop.locality[referral.person]]]
            low, high = cal.MH_WAIT[area]
            share, longest_low, longest_high = cal.MH_WEST_LONG_WAIT
            if area == "East":
                wait = rng.randint(low, high)
            elif (long_wait := self._mh_long_draws()) < share:
                wait = longest_low + round((longest_high - longest_low) * long_wait / share)
            else:
                wait = min(high, low + round(rng.expovariate(1 / cal.MH_WEST_WAIT_MEAN_EXTRA)))
            self._wait_then_assess(referral, triage_day, wait, "Routine")
        else:
            self._triage(referral, triage_day, "Resolved at referral centre" if rng.random() < 0.6 else "Not accepted")

    def _reablement(self, referral: Referral, day: int) -> None:
        rng = self.rng
        if rng.random() < cal.REABLEMENT_FROM_HOSPITAL:
            referral.discharged, referral.pathway = referral.received, 1
        self._then(referral, day + rng.randint(0, 2), "assessment_started")
        self._then(referral, day + rng.randint(3, 5), "assessment_completed")
        at_home = rng.random() < cal.AT_HOME_91_DAYS
        ended = day + rng.randint(10, 42)
        self._then(referral, ended, "outcome", (AT_HOME_OUTCOME if at_home else NOT_AT_HOME_OUTCOME)(rng))
        self._then(referral, ended, "episode_ended")
        if referral.discharged is not None:
            self._then(referral, day + 91, "at_home", at_home)

    def _home_first(self, referral: Referral, day: int) -> None:
        rng = self.rng
        discharged = day + rng.randint(0, 5)
        pathway = PATHWAY(rng)
        self._then(referral, discharged, "pathway", pathway)
        self._then(referral, discharged, "discharged")
        ended = discharged + rng.randint(0, 14)
        outcome = (
            "Moved to residential or nursing care"
            if pathway == 3
            else AT_HOME_OUTCOME(rng)
            if pathway < 2
            else EPISODE_OUTCOME(rng)
        )
        self._then(referral, ended, "outcome", outcome)
        self._then(referral, ended, "episode_ended")

    def _amhp(self, referral: Referral, day: int) -> None:
        rng = self.rng
        assessed = day + rng.randint(0, 1)
        self._then(referral, assessed, "assessment_started")
        self._then(referral, assessed, "assessment_completed")
        self._then(referral, assessed, "outcome", AMHP_OUTCOME(rng))
        self._then(referral, assessed, "episode_ended")

    # ---- files ----------------------------------------------------------------------------------------

    def end_of_day(self, day: int) -> None:
        self.changed.pop(day - 1, None)

    def deliver(self, day: int, deliverer: Deliverer) -> None:
        stamp = iso(day).replace("-", "")
        truth = deliverer.truth
        rows = []
        for referral in self.changed.get(day - 1, {}).values():
            truth.person_identity("health", TRUST_ID.format(self.pop.trust_id[referral.person]), referral.person)
            rows.append(Row(self._values(referral)))
        deliverer.table(HEALTH_REFERRALS, f"health_referrals_{stamp}.jsonl", day, rows, "jsonl")
        waiting = []
        for referral in self.waiting.values():
            if referral.waiting_row is None:
                referral.waiting_row = Row(
                    [
                        referral.referral_id,
                        referral.service,
                        referral.team,
                        iso(referral.waiting_since or 0),
                        referral.priority,
                    ]
                )
            waiting.append(referral.waiting_row)
        deliverer.table(HEALTH_WAITING_LIST, f"health_waiting_list_{stamp}.jsonl", day, waiting, "jsonl")

    def _values(self, referral: Referral) -> list[object]:
        pop, person = self.pop, referral.person
        first, last, born = pop.recorded(person, SYSTEM, NOISE)
        seed = pop.noise[person]
        gender = ("2", "1")[pop.sex[person]] if unit(seed, 60) > 0.004 else ("9", "X")[seed % 2]
        ethnic = RECORDED_ETHNIC_GAP.at(unit(seed, 61)) or NHS_ETHNIC_CODE[pop.ethnicity[person]]
        return [
            referral.referral_id,
            TRUST_ID.format(pop.trust_id[person]),
            pop.nhs_number(person),
            first,
            last,
            born.isoformat(),
            gender,
            ethnic,
            pop.postcode_at(person, referral.received[0]),
            referral.service,
            referral.team,
            _stamp(referral.received),
            referral.triage,
            _stamp(referral.assessment_started),
            _stamp(referral.assessment_completed),
            _stamp(referral.discharged),
            referral.pathway,
            _stamp(referral.episode_ended),
            referral.outcome,
            referral.at_home,
            _stamp(referral.updated),
        ]
