"""The council system's records: clients, CLD events, and the tables its recording practice is drawn from.

Tables are weights at scale-free level: services by need and age (with costs), accommodation, funding, and
protected characteristics (mostly blank, with "not stated", "refused" and "not known" kept distinct).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import calibration as cal
from .population import NoiseRates
from .rng import Weighted
from .schema import COUNCIL_EVENTS

LA_CODE = "E10000013"
NOISE = NoiseRates(typo=0.01, swapped=0.003, nickname=0.015, upper=0.02, accent_dropped=0.3, dob_swapped=0.005)
CALLER_NOISE = NoiseRates(typo=0.03, swapped=0.01, nickname=0.1, upper=0.01, accent_dropped=0.6, dob_swapped=0.01)
SYSTEM = 1
CALLER_SYSTEMS = (101, 102, 103)  # a caller may give any of a few versions of a person's details

REQUEST, ASSESSMENT, SERVICE, REVIEW = "Request", "Assessment", "Service", "Review"
FIELD = {name: index for index, name in enumerate(COUNCIL_EVENTS.columns)}
DETAIL_COLUMNS = COUNCIL_EVENTS.columns[FIELD["Request_Route_of_Access"] : FIELD["Linked_Person_ID"] + 1]

SERVICE_USER, CARER = "Service user", "Unpaid carer"
PROGRESS_ASSESSMENT = "Progress to assessment, review or reassessment"
PROGRESS_SERVICES = "Progress to support planning or services"
PROGRESS_STMAX = "Progress to reablement/ST-Max"
CONTINUATION = "Continuation of support or services"
DECEASED = "NFA: Deceased"

# (service type, setting, cost range, cost frequency, planned units per week range)
SERVICE_CATALOGUE: dict[str, tuple[str, str, tuple[float, float], str, tuple[float, float]]] = {
    "Home support": ("Long term support: Community", "community", (22.0, 27.5), "Hourly", (4, 21)),
    "Community supported living": ("Long term support: Community", "community", (1100, 1900), "Weekly", (1, 1)),
    "Day support": ("Long term support: Community", "community", (45, 70), "Per session", (1, 5)),
    "Shared Lives": ("Long term support: Community", "community", (450, 650), "Weekly", (1, 1)),
    "Extra care housing": ("Long term support: Community", "community", (180, 320), "Weekly", (1, 1)),
    "Long term residential care": ("Long term support: Residential care", "residential", (780, 1150), "Weekly", (1, 1)),
    "Long term nursing care": ("Long term support: Nursing care", "nursing", (950, 1400), "Weekly", (1, 1)),
}
SERVICE_MIX: dict[str, Weighted[str]] = {
    "physical_older": Weighted(
        {
            "Home support": 62,
            "Long term residential care": 17,
            "Long term nursing care": 11,
            "Extra care housing": 5,
            "Day support": 5,
        }
    ),
    "physical_working": Weighted(
        {
            "Home support": 65,
            "Day support": 8,
            "Community supported living": 10,
            "Long term residential care": 8,
            "Long term nursing care": 4,
            "Extra care housing": 5,
        }
    ),
    "learning": Weighted(
        {
            "Community supported living": 42,
            "Home support": 15,
            "Day support": 18,
            "Shared Lives": 7,
            "Long term residential care": 18,
        }
    ),
    "memory": Weighted(
        {"Home support": 45, "Long term residential care": 33, "Long term nursing care": 20, "Day support": 2}
    ),
    "mental": Weighted(
        {"Community supported living": 35, "Home support": 35, "Long term residential care": 25, "Day support": 5}
    ),
    "other": Weighted({"Home support": 80, "Day support": 10, "Long term residential care": 10}),
}
COMMUNITY_ACCOMMODATION = Weighted(
    {
        "Owner occupier or shared ownership scheme": 44,
        "Tenant": 15,
        "Tenant - private landlord": 6,
        "Settled mainstream housing with family / friends": 14,
        "Sheltered housing / extra care housing / other sheltered housing": 8,
        "Supported accommodation / supported lodgings / supported group home": 6,
        "Shared Lives scheme": 1,
        "Staying with family / friends as a short-term guest": 1,
        "Unknown": 5,
    }
)
SETTING_ACCOMMODATION = {"residential": "Registered care home", "nursing": "Registered nursing home"}
FUNDING = Weighted(
    {"Fully social care funded": 35, "Joint client and social care funded": 50, "Fully client funded": 8, "Unknown": 7}
)
HAS_CARER = Weighted({"Yes": 55, "No": 35, "Unknown": 10})
CARER_COMPONENT = Weighted(
    {"Unpaid carer respite": 50, "Unpaid carer sitting service": 20, "Other short term support": 30}
)
# protected characteristics, mostly blank; "not stated", "refused" and "not known" are distinct values
RELIGION = Weighted(
    {
        None: 82,
        "Christian": 8,
        "No religion": 5.5,
        "Not stated": 2.2,
        "Refused": 0.9,
        "Muslim": 0.5,
        "Hindu": 0.2,
        "Sikh": 0.1,
        "Buddhist": 0.2,
        "Jewish": 0.1,
        "Other religion": 0.3,
    }
)
SEXUAL_ORIENTATION = Weighted(
    {
        None: 88,
        "Heterosexual or straight": 8.4,
        "Not stated (declined)": 1.5,
        "Not known": 1.2,
        "Gay or lesbian": 0.4,
        "Bisexual": 0.2,
        "Person asked and does not know or is not sure": 0.2,
        "Other sexual orientation": 0.1,
    }
)
MARITAL_STATUS = Weighted(
    {
        None: 35,
        "Married or in a civil partnership": 23,
        "Widowed or surviving civil partner": 19,
        "Single": 10,
        "Divorced or civil partnership dissolved": 6.5,
        "Separated": 1.5,
        "Not stated": 3,
        "Unknown": 2,
    }
)
GENDER_SAME_AS_BIRTH = Weighted({None: 85, "Yes": 13.5, "No": 0.2, "Prefer not to say": 1.3})
DISABILITY = Weighted({None: 60, "Yes": 28, "No": 8, "Not stated": 4})
RECORDED_ETHNICITY_GAP = Weighted({None: 94.5, "No data: Undeclared or not known": 4, "No data: Refused": 1.5})
GENDER = ("Female", "Male")


def _psr_given_age() -> dict[bool, Weighted[str]]:
    working = {group: weight * split for group, (weight, split) in cal.PSR_NEW_CLIENT.items()}
    older = {group: weight * (1 - split) for group, (weight, split) in cal.PSR_NEW_CLIENT.items()}
    return {True: Weighted(working), False: Weighted(older)}


PSR_GIVEN_WORKING_AGE = _psr_given_age()


@dataclass(slots=True, eq=False)
class Client:
    """A person known to the council (has a council id)."""

    person: int
    cid: int
    psr_group: str
    psr: str | None
    client_type: str
    accommodation: str
    funding: str
    has_carer: str | None
    traits: tuple[str | None, ...]  # ethnicity gap, religion, sexual orientation, marital, gender same, disability
    linked: Client | None = None  # carers: the person cared for
    lt: Event | None = None
    st: Event | None = None
    open: set[Event] = field(default_factory=set)  # open requests, assessments and reviews
    pending: bool = False  # a request is waiting for its assessment
    next_review: int = 0  # day the next planned review will happen (0: none planned)
    review_due: int = 0  # the day that review fell due
    death: int = 0
    reviewed: bool = False  # a review of their long-term support has been completed
    supported_until: int = 0  # the day their current long-term service is set to end (by death or otherwise)
    held: bool = False  # one of the backlog's cases left unreviewed through the reporting year

    @property
    def in_review(self) -> bool:
        """A review of their long-term support is open."""
        return any(event.kind == REVIEW for event in self.open)


@dataclass(slots=True, eq=False)
class Event:
    """A CLD event. ``end``/``outcome`` are as recorded; ``done`` is set when it really ended."""

    ref: int
    client: Client
    kind: str
    start: int
    team: str
    detail: list[object]
    client_type: str
    end: int | None = None
    outcome: str | None = None
    changed: int = 0
    done: bool = False
    delivered: bool = False
    restated: bool = False
    late: bool = False
    doomed: bool = False  # a duplicate recorded in error, to be deleted

    def as_spooled(self) -> tuple[object, ...]:
        """The event as the full extract needs it, once it is closed (see ``council_extract``)."""
        return (self.ref, self.client.person, self.kind, self.start, self.team, self.detail, self.client_type,
                self.end, self.outcome)  # fmt: skip

    @classmethod
    def from_spooled(cls, spooled: tuple, clients: dict[int, Client]) -> Event:
        ref, person, kind, start, team, detail, client_type, end, outcome = spooled
        return cls(ref, clients[person], kind, start, team, detail, client_type, end, outcome)
