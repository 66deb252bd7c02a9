"""The adult safeguarding case system: concerns, decisions and enquiries, delivered daily as a 24-month snapshot.

Volumes are Worcestershire's, scaled by adult population: concerns, 27% of which lead to an enquiry (mostly
Section 42), Making Safeguarding Personal answers on concluded enquiries. Most concerns are about people the
council knows; about a fifth are not (yet) on its system. Rows are rendered once per change and reused.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import calibration as cal
from .delivery import Deliverer, Row
from .population import LOCALITIES, NoiseRates
from .rng import Weighted
from .schema import SAFEGUARDING_CONCERNS, SAFEGUARDING_ENQUIRIES
from .timefmt import iso
from .truth import COUNCIL_ID
from .world import World

HISTORY_DAYS = 730
NOISE = NoiseRates(typo=0.02, swapped=0.005, nickname=0.05, upper=0.03, accent_dropped=0.3, dob_swapped=0.01)
SYSTEM = 4
ADULT_AGES = Weighted({(18, 24): 6, (25, 44): 16, (45, 64): 18, (65, 74): 14, (75, 84): 22, (85, 101): 24})
REFERRAL_SOURCE = Weighted(
    {
        "Self": 4,
        "Family or friend": 9,
        "Social care staff": 22,
        "Health staff - primary care": 6,
        "Health staff - secondary care": 12,
        "Health staff - mental health": 6,
        "Care provider": 19,
        "Police": 12,
        "Housing": 4,
        "Other": 6,
    }
)
RISK_TYPES = Weighted(
    {
        "Neglect and acts of omission": 30,
        "Physical abuse": 15,
        "Financial or material abuse": 14,
        "Psychological abuse": 12,
        "Self-neglect": 10,
        "Domestic abuse": 8,
        "Organisational abuse": 4,
        "Sexual abuse": 3,
        "Discriminatory abuse": 1,
        "Sexual exploitation": 1,
        "Modern slavery": 1,
    }
)
LOCATION = Weighted(
    {
        "Own home": 45,
        "In the community (excluding community services)": 7,
        "In a community service": 4,
        "Care home - nursing": 12,
        "Care home - residential": 20,
        "Hospital - acute": 5,
        "Hospital - mental health": 2,
        "Hospital - community": 1,
        "Other": 4,
    }
)
SOURCE_OF_RISK = Weighted(
    {"Service provider": 35, "Other - known to individual": 55, "Other - unknown to individual": 10}
)
RISK_OUTCOME = Weighted({"Risk removed": 30, "Risk reduced": 60, "Risk remains": 10})
CAPACITY = Weighted({"Yes": 30, "No": 60, "Not recorded": 10})


ADVOCATE = {
    True: Weighted({"Yes": 70, "No": 25, "Not recorded": 5}),  # lacks capacity
    False: Weighted({"Yes": 5, "No": 85, "Not recorded": 10}),
}
# concerns not raised through the council's front door
INDEPENDENT_CONCERNS_PER_YEAR = cal.CONCERNS_PER_YEAR - cal.CONTACTS_PER_YEAR * (
    cal.FRONT_DOOR_SHARE * cal.FRONT_DOOR_OUTCOME.share("Safeguarding concern raised")
    + (1 - cal.FRONT_DOOR_SHARE) * cal.OTHER_TEAM_OUTCOME.share("Safeguarding concern raised")
)


@dataclass(slots=True, eq=False)
class Concern:
    number: int
    person: int
    received: int
    cid: int  # 0: not known to the council when raised
    source: str
    values: list[object]
    decision: str | None = None
    decision_day: int | None = None
    enquiry: Enquiry | None = None
    row: Row | None = None
    announced: bool = False

    def as_row(self) -> Row:
        if self.row is None:
            values = list(self.values)
            values[12] = self.decision
            values[13] = iso(self.decision_day) if self.decision_day is not None else None
            notes = (("unknown_person", "LA_Person_Unique_Identifier"),) if not self.cid and not self.announced else ()
            self.row = Row(values, notes)
        return self.row


@dataclass(slots=True, eq=False)
class Enquiry:
    number: int
    concern: Concern
    kind: str
    started: int
    concluded: int | None = None
    answers: tuple[str | None, ...] = (None, None, None, None, None)
    row: Row | None = None

    def as_row(self) -> Row:
        if self.row is None:
            self.row = Row(
                [
                    f"SGE{self.number:07d}",
                    f"SGC{self.concern.number:07d}",
                    self.kind,
                    iso(self.started),
                    iso(self.concluded) if self.concluded is not None else None,
                    *self.answers,
                ]
            )
        return self.row


class Safeguarding:
    """Concerns and enquiries, and the two daily snapshot files."""

    def __init__(self, world: World) -> None:
        self.world, self.pop = world, world.population
        self.rng = world.stream("safeguarding")
        self.concerns: dict[int, Concern] = {}
        self._unannounced: list[Concern] = []
        self._next_concern, self._next_enquiry = 100_001, 50_001

    def step(self, day: int) -> None:
        world, rng = self.world, self.rng
        for _ in range(world.count(rng, INDEPENDENT_CONCERNS_PER_YEAR)):
            person: int | None = None
            if rng.random() >= cal.CONCERN_ABOUT_UNKNOWN_PERSON:
                pool = world.council.long_term if rng.random() < 0.5 else world.council.known
                person = pool.sample(rng)
            if person is None or not self.pop.alive(person, day):
                person = self.pop.add(day, ADULT_AGES, female=0.6)
            self._raise(person, day, REFERRAL_SOURCE(rng))

    def concern_from_contact(self, person: int, day: int) -> None:
        """The council's front door raised a concern."""
        self._raise(person, day, "Social care staff")

    def _raise(self, person: int, day: int, source: str) -> None:
        rng, pop, world = self.rng, self.pop, self.world
        client = world.council.clients.get(person)
        first, last, born = pop.recorded(person, SYSTEM, NOISE)
        types = {RISK_TYPES(rng) for _ in range(1 if rng.random() < 0.7 else 2)}
        values: list[object] = [
            f"SGC{self._next_concern:07d}",
            iso(day),
            COUNCIL_ID.format(client.cid) if client else None,
            pop.nhs_number(person),
            first,
            last,
            born.isoformat(),
            pop.postcode_at(person, day),
            source,
            ";".join(sorted(types)),
            LOCATION(rng),
            SOURCE_OF_RISK(rng),
            None,
            None,
            LOCALITIES[pop.locality[person]],
        ]
        concern = Concern(self._next_concern, person, day, client.cid if client else 0, source, values)
        self._next_concern += 1
        self.concerns[concern.number] = concern
        self._unannounced.append(concern)
        world.at(day + min(rng.randint(0, 3) + round(rng.expovariate(1 / 2)), 20), lambda: self._decide(concern))
        if client is None and rng.random() < 0.2:  # later known to the council
            world.at(day + rng.randint(1, 30), lambda: world.council.referral_from_safeguarding(person))

    def _decide(self, concern: Concern) -> None:
        rng, world = self.rng, self.world
        draw = rng.random()
        day = world.today
        concern.decision_day = day
        concern.row = None
        if draw >= cal.S42_SHARE + cal.OTHER_ENQUIRY_SHARE:
            concern.decision = "No enquiry"
            return
        section_42 = draw < cal.S42_SHARE
        concern.decision = "Section 42 enquiry" if section_42 else "Other enquiry"
        enquiry = Enquiry(self._next_enquiry, concern, "Section 42" if section_42 else "Other", day)
        self._next_enquiry += 1
        concern.enquiry = enquiry
        mean = cal.ENQUIRY_DAYS_MEAN if day >= world.start_day else cal.ENQUIRY_DAYS_MEAN_BEFORE
        world.at(day + 1 + round(rng.gammavariate(2.0, mean / 2)), lambda: self._conclude(enquiry))

    def _conclude(self, enquiry: Enquiry) -> None:
        rng = self.rng
        asked = cal.MSP_ASKED(rng)
        achieved = cal.OUTCOMES_ACHIEVED(rng) if asked == "Yes - asked and outcomes expressed" else None
        capacity = CAPACITY(rng)
        advocate = ADVOCATE[capacity == "Yes"](rng)
        enquiry.concluded = self.world.today
        enquiry.answers = (asked, achieved, RISK_OUTCOME(rng), capacity, advocate)
        enquiry.row = None

    def deliver(self, day: int, deliverer: Deliverer) -> None:
        oldest = day - HISTORY_DAYS
        for number in [n for n, c in self.concerns.items() if c.received < oldest]:
            del self.concerns[number]
        truth = deliverer.truth
        for concern in self._unannounced:
            if concern.number in self.concerns:
                truth.identity("safeguarding", f"SGC{concern.number:07d}", concern.person)
                if concern.cid:
                    truth.person_identity("council", COUNCIL_ID.format(concern.cid), concern.person)
        stamp = iso(day).replace("-", "")
        concerns = [concern.as_row() for concern in self.concerns.values()]
        deliverer.table(SAFEGUARDING_CONCERNS, f"safeguarding_concerns_{stamp}.csv", day, concerns, "csv")
        for concern in self._unannounced:
            concern.announced = True
        self._unannounced.clear()
        enquiries = [c.enquiry.as_row() for c in self.concerns.values() if c.enquiry is not None]
        deliverer.table(SAFEGUARDING_ENQUIRIES, f"safeguarding_enquiries_{stamp}.csv", day, enquiries, "csv")
