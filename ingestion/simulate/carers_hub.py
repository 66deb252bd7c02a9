"""The commissioned Carers Hub: registered unpaid carers, their assessments and the support they get.

Its monthly workbook restates every carer ever registered and lists the month's assessments (referred,
completed or still open) and support. Carers are mostly not council people; the people they care for often
are, though the hub rarely records their council id.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date

from . import calibration as cal
from .delivery import Deliverer
from .population import ETHNICITIES, NoiseRates
from .rng import SQRT3, Spread, Weighted, unit
from .schema import ASSESSMENTS, CARERS, SUPPORT
from .timefmt import iso
from .truth import CARER_REF, COUNCIL_ID
from .workbook import Workbooks
from .world import Pool, World

NOISE = NoiseRates(typo=0.03, swapped=0.01, nickname=0.08, upper=0.03, accent_dropped=0.4, dob_swapped=0.015)
CARED_FOR_NOISE = NoiseRates(typo=0.04, nickname=0.15, accent_dropped=0.5, dob_swapped=0.02)
SYSTEM, CARED_FOR_SYSTEM = 3, 5
CARER_AGES = Weighted({(18, 44): 15, (45, 64): 50, (65, 84): 32, (85, 94): 3})
CARED_FOR_AGES = Weighted({(18, 44): 12, (45, 64): 13, (65, 84): 40, (85, 100): 35})
RELATIONSHIP = Weighted(
    {
        "Spouse or partner": 40,
        "Parent": 30,
        "Son or daughter": 15,
        "Sibling": 4,
        "Friend or neighbour": 5,
        "Other relative": 6,
    }
)
HOURS = Weighted({"0-19 hours": 35, "20-49 hours": 30, "50+ hours": 35})
SEX_TEXT = (
    Weighted({"F": 45, "Female": 35, "female": 12, "F ": 3, "FEMALE": 5}),
    Weighted({"M": 45, "Male": 35, "male": 12, "M ": 3, "MALE": 5}),
)
# population.ETHNICITIES order -> the hub's own short list
HUB_ETHNICITY = (
    "White British",
    "White Other",
    "White Other",
    "White Other",
    "White Other",
    "Mixed",
    "Mixed",
    "Mixed",
    "Mixed",
    "Asian",
    "Asian",
    "Asian",
    "Chinese",
    "Asian",
    "Black",
    "Black",
    "Black",
    "Other",
    "Other",
)
HOLISTIC_SHARE = cal.HOLISTIC_ASSESSMENTS_PER_MONTH / (
    cal.HOLISTIC_ASSESSMENTS_PER_MONTH + cal.CARE_ACT_ASSESSMENTS_PER_MONTH
)
assert len(HUB_ETHNICITY) == len(ETHNICITIES)


@dataclass(slots=True, eq=False)
class Carer:
    ref: int
    person: int
    registered: int
    cared_for: int
    relationship: str
    council_id: int  # the cared-for person's council id as recorded (0: blank)
    hours: str
    closed: int | None = None
    announced: bool = False


@dataclass(slots=True, eq=False)
class Assessment:
    number: int
    carer: Carer
    kind: str
    referred: int
    completed: int | None = None


class CarersHub:
    """The hub's records and its monthly return."""

    def __init__(self, world: World, deliverer: Deliverer) -> None:
        self.world, self.pop = world, world.population
        self.workbooks = Workbooks(deliverer)
        self.rng = world.stream("carers_hub")
        self.carers: list[Carer] = []
        self.carer_of: dict[int, Carer] = {}
        self.active: Pool[Carer] = Pool()
        self.assessments: dict[int, Assessment] = {}
        self.support: list[tuple[Carer, int, str]] = []
        self._next_assessment = 10_001
        # holistic or Care Act compliant: evenly spread, so the year's Care Act count (458 in April-December, a
        # quarter of all) lands within a draw or two of its expected share instead of scattering by some 4%
        self._kind_draws = Spread(unit(world.seed, 34), SQRT3)
        from_contacts = (
            0.5
            * cal.CONTACTS_PER_YEAR
            * (
                cal.FRONT_DOOR_SHARE * cal.FRONT_DOOR_OUTCOME.share("Referred to Carers Hub")
                + (1 - cal.FRONT_DOOR_SHARE) * cal.OTHER_TEAM_OUTCOME.share("Referred to Carers Hub")
            )
        )
        self._registrations = max(0.0, cal.CARER_REGISTRATIONS_PER_YEAR - from_contacts)
        first_assessments = cal.CARER_REGISTRATIONS_PER_YEAR * cal.FIRST_ASSESSMENT_SHARE
        monthly = cal.HOLISTIC_ASSESSMENTS_PER_MONTH + cal.CARE_ACT_ASSESSMENTS_PER_MONTH
        self._other_assessments = max(0.0, monthly * 12 - first_assessments)
        # carers registered and not yet called by the welcome team, oldest first. The team makes the published
        # number of calls (``SUPPORT_PER_MONTH``), new carers first, then other active carers: the count follows
        # the published rate whatever the number of registrations (of the contacts the front door refers to the
        # hub, repeat referrals of people already registered register no one, so registrations run some 5-10% below
        # ``CARER_REGISTRATIONS_PER_YEAR``, and calls drawn as 0.9 a registration plus the rest fell 6-10% short)
        self._awaiting_welcome: deque[Carer] = deque()

    # ---- carers ---------------------------------------------------------------------------------------

    def seed(self, day: int) -> None:
        """Carers registered since the hub opened, before the warm-up."""
        rng = self.rng
        opened = day - round(cal.HUB_OPENED_YEARS_BEFORE_WARM_UP * 365.25)
        count = round(cal.CARER_REGISTRATIONS_PER_YEAR * cal.HUB_OPENED_YEARS_BEFORE_WARM_UP * self.world.scale)
        for registered in sorted(rng.randint(opened, day - 1) for _ in range(count)):
            self._register(self._new_carer_person(day), registered, welcome=False)

    def referral_from_contact(self, person: int, day: int) -> None:
        """The council's front door passed a carer on; about half register."""
        if person in self.carer_of or self.rng.random() >= 0.5:
            return

        def register() -> None:
            today = self.world.today
            if person not in self.carer_of and self.pop.alive(person, today):
                self._register(person, today, welcome=True)

        self.world.at(day + self.rng.randint(0, 7), register)

    def _new_carer_person(self, day: int) -> int:
        person = None
        if self.rng.random() < cal.CARER_IS_COUNCIL_PERSON:
            person = self.world.council.known.sample(self.rng)
        if person is None or person in self.carer_of or not self.pop.alive(person, day):
            person = self.pop.add(day, CARER_AGES, female=0.62)
        return person

    def _register(self, person: int, registered: int, *, welcome: bool) -> None:
        rng, world, pop = self.rng, self.world, self.pop
        council = world.council
        cared_for = None
        if rng.random() < cal.CARED_FOR_IS_COUNCIL_PERSON:
            cared_for = (council.long_term if rng.random() < 0.7 else council.known).sample(rng)
        if cared_for is None or cared_for == person:
            cared_for = pop.add(registered, CARED_FOR_AGES, locality=pop.locality[person])
        client = council.clients.get(cared_for)
        recorded = client.cid if client is not None and rng.random() < cal.CARED_FOR_COUNCIL_ID_RECORDED else 0
        carer = Carer(len(self.carers) + 1, person, registered, cared_for, RELATIONSHIP(rng), recorded, HOURS(rng))
        self.carers.append(carer)
        self.carer_of[person] = carer
        pop.carer_ref[person] = carer.ref
        closes = registered + round(rng.expovariate(1 / (cal.CARER_ACTIVE_YEARS_MEAN * 365.25)))
        if closes < world.today:
            carer.closed = closes
        else:
            self.active.add(carer)
            world.at(closes, lambda: self._close(carer))
        if not welcome:
            return
        self._awaiting_welcome.append(carer)
        if rng.random() < cal.FIRST_ASSESSMENT_SHARE:
            referred = registered + round(rng.expovariate(1 / cal.ASSESSMENT_REFERRAL_GAP_MEAN))
            world.at(referred, lambda: self._refer(carer))

    def _close(self, carer: Carer) -> None:
        carer.closed = self.world.today
        self.active.discard(carer)

    def _support(self, carer: Carer, kind: str) -> None:
        if carer.closed is None:
            self.support.append((carer, self.world.today, kind))

    def _refer(self, carer: Carer) -> None:
        if carer.closed is not None:
            return
        rng, world = self.rng, self.world
        kind = "Holistic" if self._kind_draws() < HOLISTIC_SHARE else "Care Act compliant"
        assessment = Assessment(self._next_assessment, carer, kind, world.today)
        self._next_assessment += 1
        self.assessments[assessment.number] = assessment
        wait = round(rng.gammavariate(2.0, cal.ASSESSMENT_WAIT_MEAN_DAYS[kind] / 2))

        def complete() -> None:
            assessment.completed = world.today

        world.at(world.today + wait, complete)

    # ---- daily ----------------------------------------------------------------------------------------

    def step(self, day: int) -> None:
        world, rng = self.world, self.rng
        for _ in range(world.count(rng, self._registrations)):
            self._register(self._new_carer_person(day), day, welcome=True)
        for _ in range(world.count(rng, self._other_assessments)):
            carer = self.active.sample(rng)
            if carer is not None:
                self._refer(carer)
        for kind, per_month in cal.SUPPORT_PER_MONTH.items():
            for _ in range(world.count(rng, per_month * 12)):
                carer = self._welcome_next() if kind == "Welcome call" else None
                carer = carer or self.active.sample(rng)
                if carer is not None:
                    self._support(carer, kind)

    def _welcome_next(self) -> Carer | None:
        """The longest-waiting newly registered carer still active, if any."""
        while self._awaiting_welcome:
            carer = self._awaiting_welcome.popleft()
            if carer.closed is None:
                return carer
        return None

    # ---- the monthly return ---------------------------------------------------------------------------

    def deliver(self, day: int) -> None:
        """The return for the month ending on ``day`` (written in the background: see :class:`Workbooks`)."""
        month_start = date.fromordinal(day).replace(day=1).toordinal()
        truth, council = self.workbooks.deliverer.truth, self.world.council
        carers_rows: list[list[object]] = []
        notes: dict[int, tuple[tuple[str, str], ...]] = {}
        for carer in self.carers:
            ref = CARER_REF.format(carer.ref)
            if not carer.announced:
                carer.announced = True
                truth.person_identity("carers_hub", ref, carer.person)
                truth.identity("carers_hub_cared_for", ref, carer.cared_for)
                if carer.council_id:
                    truth.person_identity("council", COUNCIL_ID.format(carer.council_id), carer.cared_for)
                if carer.cared_for not in council.clients:
                    notes[len(carers_rows)] = (("unknown_person", "Council ID"),)
            carers_rows.append(self._carer_values(carer, day))
        assessment_rows: list[list[object]] = [
            [
                f"CA{number:06d}",
                CARER_REF.format(assessment.carer.ref),
                assessment.kind,
                date.fromordinal(assessment.referred),
                date.fromordinal(assessment.completed) if assessment.completed is not None else None,
            ]
            for number, assessment in self.assessments.items()
        ]
        support_rows: list[list[object]] = [
            [CARER_REF.format(carer.ref), date.fromordinal(when), kind]
            for carer, when, kind in self.support
            if month_start <= when
        ]
        self.forget_month()
        month = iso(day)[:7]
        title = f"Carers Hub return {date.fromordinal(day).strftime('%B %Y')}"
        self.workbooks.deliver(
            f"carers_hub_return_{month}.xlsx",
            day,
            title,
            [(CARERS, carers_rows, notes), (ASSESSMENTS, assessment_rows, {}), (SUPPORT, support_rows, {})],
        )

    def forget_month(self) -> None:
        """Drop the month's completed assessments and support once its return is made (or skipped)."""
        self.assessments = {n: a for n, a in self.assessments.items() if a.completed is None}
        self.support = []

    def _carer_values(self, carer: Carer, day: int) -> list[object]:
        pop, person, cared_for = self.pop, carer.person, carer.cared_for
        first, last, born = pop.recorded(person, SYSTEM, NOISE)
        cared_first, cared_last, cared_born = pop.recorded(cared_for, CARED_FOR_SYSTEM, CARED_FOR_NOISE)
        seed = pop.noise[person]
        ethnicity = "Prefer not to say" if unit(seed, 80) < 0.05 else HUB_ETHNICITY[pop.ethnicity[person]]
        return [
            CARER_REF.format(carer.ref),
            f"{first} {last}",
            born,
            pop.postcode_at(person, day),
            SEX_TEXT[pop.sex[person]].at(unit(seed, 81)),
            ethnicity,
            date.fromordinal(carer.registered),
            f"{cared_first} {cared_last}",
            cared_born,
            carer.relationship,
            COUNCIL_ID.format(carer.council_id) if carer.council_id else None,
            carer.hours,
            "Closed" if carer.closed is not None and carer.closed <= day else "Active",
        ]
