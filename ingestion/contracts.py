"""The feeds' contracts: which files each feed delivers, their columns, types, code lists and rules.

This module is the machine-readable form of ``docs/source-feeds.md`` (the specification the senders follow).
Everything downstream is generated from it: the normalising SQL, the Great Expectations suites in
``expectations/`` and the raw tables' DDL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Kind(StrEnum):
    """How a column is parsed and checked."""

    KEY = "key"  # required identifier: blank rejects the row
    TEXT = "text"  # free text: trimmed, blank is null
    ID = "id"  # an identifier from another system: trimmed, upper case
    CODE = "code"  # a value from a code list: variants mapped, unknown flagged
    CODES = "codes"  # several code-list values separated by ';'
    DATE = "date"
    TIMESTAMP = "timestamp"  # local time, no offset
    TIMESTAMPTZ = "timestamptz"  # ISO 8601 with offset, stored in UTC
    DECIMAL = "decimal"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    NHS_NUMBER = "nhs_number"
    POSTCODE = "postcode"


@dataclass(frozen=True)
class Column:
    """One column of a source entity, under the name the specification gives it."""

    name: str
    kind: Kind = Kind.TEXT
    code_list: str | None = None  # file name (without .csv) under the code lists, or an inline list name
    required: bool = False  # a required value: blank or unparseable rejects the row
    past_only: bool = False  # a date that cannot be after the extract date (birth, death): flagged and nulled

    @property
    def raw_name(self) -> str:
        """The snake_case name used in the raw tables."""
        return snake(self.name)


@dataclass(frozen=True)
class Entity:
    """One kind of row a feed delivers: a file type, or a sheet of the Carers Hub workbook."""

    feed: str
    name: str
    file_pattern: str  # regular expression on the file name; group 1 is the extract date
    columns: tuple[Column, ...]
    key: str | None  # the column that identifies a row (None: no key of its own)
    start: str | None = None  # the column a start date is read from (for ordering rules)
    ends: tuple[tuple[str, str], ...] = ()  # (start column, end column) pairs: end must not precede start
    rows_expected: bool = True  # a header-only file is a fault
    changes_only: bool = False  # a full-history snapshot: raw keeps each distinct row version once
    sheet: str | None = None  # the workbook sheet, for the Carers Hub

    @property
    def table(self) -> str:
        """The raw table, ``<feed>__<entity>``."""
        return f"{self.feed}__{self.name}"

    def column(self, name: str) -> Column:
        return next(col for col in self.columns if col.name == name)

    def extract_date(self, file_name: str) -> date | None:
        """The extract date a file name carries, or None when the name is not this entity's."""
        match = re.fullmatch(self.file_pattern, file_name)
        if not match:
            return None
        stamp = match.group(1)
        if len(stamp) == 7:  # YYYY-MM: a monthly return, as at the month's last day
            first = date(int(stamp[:4]), int(stamp[5:]), 1)
            return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:]))


def snake(name: str) -> str:
    """``LA_Person_Unique_Identifier`` -> ``la_person_unique_identifier``; ``patient.nhs_number`` ->
    ``patient_nhs_number``; ``Carer Ref`` -> ``carer_ref``."""
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


# Small code lists the specification gives inline.
INLINE_CODES: dict[str, tuple[str, ...]] = {
    "yes_no_unknown": ("Yes", "No", "Unknown"),
    "yes_no": ("Yes", "No"),
    "event_type": ("Request", "Assessment", "Service", "Review"),
    "outcomes_achieved_cld": ("Fully", "Partially", "Not achieved"),
    "gender_same_as_birth": ("Yes", "No", "Prefer not to say"),
    "disability": ("Yes", "No", "Not stated"),
    "dols_application_type": ("Urgent", "Standard"),
    "dols_priority": ("High", "Medium", "Low"),
    "dols_setting": ("Care home", "Hospital"),
    "dols_outcome": ("Granted", "Not granted", "Withdrawn"),
    "triage_outcome": ("Resolved at referral centre", "Added to waiting list", "Not accepted"),
    "waiting_priority": ("Urgent", "Routine"),
    "carer_status": ("Active", "Closed"),
    "carer_assessment_type": ("Holistic", "Care Act compliant"),
    "sg_decision": ("Section 42 enquiry", "Other enquiry", "No enquiry"),
    "sg_enquiry_type": ("Section 42", "Other"),
    "sg_outcomes_achieved": ("Fully achieved", "Partially achieved", "Not achieved"),
    "sg_risk_outcome": ("Risk removed", "Risk reduced", "Risk remains"),
    "yes_no_not_recorded": ("Yes", "No", "Not recorded"),
}

# Free-text forms that are the sender's normal way of writing a value (not faults).
ACCEPTED_FORMS: dict[str, dict[str, str]] = {
    "carers_hub_sex": {"f": "Female", "female": "Female", "m": "Male", "male": "Male", "other": "Other"},
}


def _c(name: str, kind: Kind = Kind.TEXT, code_list: str | None = None, **kw: bool) -> Column:
    return Column(name, kind, code_list, **kw)


K, T, ID, C, CS = Kind.KEY, Kind.TEXT, Kind.ID, Kind.CODE, Kind.CODES
D, TS, TSZ, DEC, INT, B = Kind.DATE, Kind.TIMESTAMP, Kind.TIMESTAMPTZ, Kind.DECIMAL, Kind.INTEGER, Kind.BOOLEAN
NHS, PC = Kind.NHS_NUMBER, Kind.POSTCODE

_PERSON = (
    _c("First_Name"),
    _c("Last_Name"),
    _c("Date_of_Birth", D, past_only=True),
)

COUNCIL_EVENTS = Entity(
    feed="council",
    name="events",
    file_pattern=r"council_events_(\d{8})\.csv",
    key="Event_Reference",
    start="Event_Start_Date",
    ends=(("Event_Start_Date", "Event_End_Date"),),
    columns=(
        _c("LA_Code", ID),
        _c("LA_Person_Unique_Identifier", ID),
        _c("NHS_Number", NHS),
        *_PERSON,
        _c("Date_of_Death", D, past_only=True),
        _c("Gender", C, "cld_gender"),
        _c("Ethnicity", C, "cld_ethnicity"),
        _c("Postcode", PC),
        _c("Client_Type", C, "cld_client_type"),
        _c("Primary_Support_Reason", C, "cld_primary_support_reason"),
        _c("Accommodation_Status", C, "cld_accommodation_status"),
        _c("Has_Unpaid_Carer", C, "yes_no_unknown"),
        _c("Client_Funding_Status", C, "cld_client_funding_status"),
        _c("Event_Type", C, "event_type"),
        _c("Event_Reference", K),
        _c("Event_Start_Date", D, required=True),
        _c("Event_End_Date", D),
        _c("Event_Outcome", C, "cld_event_outcome"),
        _c("Request_Route_of_Access", C, "cld_route_of_access"),
        _c("Assessment_Type", C, "cld_assessment_type"),
        _c("Eligible_Needs_Identified", C, "yes_no"),
        _c("Service_Type", C, "cld_service_type"),
        _c("Service_Component", C, "cld_service_component"),
        _c("Delivery_Mechanism", C, "cld_delivery_mechanism"),
        _c("Provider_CQC_Location_ID", ID),
        _c("Unit_Cost", DEC),
        _c("Cost_Frequency", C, "cld_cost_frequency"),
        _c("Planned_Units_Per_Week", DEC),
        _c("Review_Reason", C, "cld_review_reason"),
        _c("Review_Outcomes_Achieved", C, "outcomes_achieved_cld"),
        _c("Linked_Person_ID", ID),
        _c("Team", C, "council_team"),
        _c("Locality", C, "locality"),
        _c("Religion", C, "religion"),
        _c("Sexual_Orientation", C, "sexual_orientation"),
        _c("Marital_Status", C, "marital_status"),
        _c("Gender_Same_As_Birth", C, "gender_same_as_birth"),
        _c("Disability", C, "disability"),
    ),
)

COUNCIL_DELETED_EVENTS = Entity(
    feed="council",
    name="deleted_events",
    file_pattern=r"council_deleted_events_(\d{8})\.csv",
    key="Event_Reference",
    start="Deleted_At",
    rows_expected=False,
    columns=(_c("Event_Reference", K), _c("Deleted_At", TS, required=True)),
)

COUNCIL_CONTACTS = Entity(
    feed="council",
    name="contacts",
    file_pattern=r"council_contacts_(\d{8})\.csv",
    key="Contact_ID",
    start="Received_At",
    columns=(
        _c("Contact_ID", K),
        _c("Received_At", TS, required=True),
        _c("Channel", C, "contact_channel"),
        _c("Contact_Source", C, "contact_source"),
        _c("LA_Person_Unique_Identifier", ID),
        *_PERSON,
        _c("Postcode", PC),
        _c("NHS_Number", NHS),
        _c("Gender", C, "cld_gender"),
        _c("Team", C, "council_team"),
        _c("Locality", C, "locality"),
        _c("Contact_Outcome", C, "contact_outcome"),
    ),
)

COUNCIL_DOLS = Entity(
    changes_only=True,
    feed="council",
    name="dols",
    file_pattern=r"council_dols_(\d{8})\.csv",
    key="Application_ID",
    start="Received_Date",
    ends=(("Received_Date", "Completed_Date"),),
    columns=(
        _c("Application_ID", K),
        _c("LA_Person_Unique_Identifier", ID),
        _c("Received_Date", D, required=True),
        _c("Application_Type", C, "dols_application_type"),
        _c("Priority", C, "dols_priority"),
        _c("Setting", C, "dols_setting"),
        _c("Completed_Date", D),
        _c("Outcome", C, "dols_outcome"),
    ),
)

HEALTH_REFERRALS = Entity(
    feed="health",
    name="referrals",
    file_pattern=r"health_referrals_(\d{8})\.jsonl",
    key="referral_id",
    start="received_at",
    ends=(
        ("received_at", "assessment_started_at"),
        ("assessment_started_at", "assessment_completed_at"),
        ("received_at", "episode_ended_at"),
    ),
    columns=(
        _c("referral_id", K),
        _c("patient.local_id", ID),
        _c("patient.nhs_number", NHS),
        _c("patient.given_name"),
        _c("patient.family_name"),
        _c("patient.birth_date", D, past_only=True),
        _c("patient.gender", C, "nhs_person_stated_gender"),
        _c("patient.ethnic_category", C, "nhs_ethnic_category"),
        _c("patient.postcode", PC),
        _c("service", C, "health_service"),
        _c("team"),
        _c("received_at", TSZ, required=True),
        _c("triage_outcome", C, "triage_outcome"),
        _c("assessment_started_at", TSZ),
        _c("assessment_completed_at", TSZ),
        _c("discharged_at", TSZ),
        _c("discharge_pathway", INT),
        _c("episode_ended_at", TSZ),
        _c("episode_outcome", C, "health_episode_outcome"),
        _c("at_home_91_days", B),
        _c("updated_at", TSZ, required=True),
    ),
)

HEALTH_WAITING_LIST = Entity(
    feed="health",
    name="waiting_list",
    file_pattern=r"health_waiting_list_(\d{8})\.jsonl",
    key="referral_id",
    start="waiting_since",
    columns=(
        _c("referral_id", K),
        _c("service", C, "health_service"),
        _c("team"),
        _c("waiting_since", D, required=True),
        _c("priority", C, "waiting_priority"),
    ),
)

_CARERS_WORKBOOK = r"carers_hub_return_(\d{4}-\d{2})\.xlsx"

CARERS_HUB_CARERS = Entity(
    changes_only=True,
    feed="carers_hub",
    name="carers",
    file_pattern=_CARERS_WORKBOOK,
    sheet="Carers",
    key="Carer Ref",
    start="Registered",
    columns=(
        _c("Carer Ref", K),
        _c("Name"),
        _c("DOB", D, past_only=True),
        _c("Postcode", PC),
        _c("Sex", C, "carers_hub_sex"),
        _c("Ethnicity", C, "carers_hub_ethnicity"),
        _c("Registered", D, required=True),
        _c("Cared For Name"),
        _c("Cared For DOB", D, past_only=True),
        _c("Relationship"),
        _c("Council ID", ID),
        _c("Hours Caring Per Week"),
        _c("Status", C, "carer_status"),
    ),
)

CARERS_HUB_ASSESSMENTS = Entity(
    changes_only=True,
    feed="carers_hub",
    name="assessments",
    file_pattern=_CARERS_WORKBOOK,
    sheet="Assessments",
    key="Assessment Ref",
    start="Referred",
    ends=(("Referred", "Completed"),),
    columns=(
        _c("Assessment Ref", K),
        _c("Carer Ref", ID),
        _c("Type", C, "carer_assessment_type"),
        _c("Referred", D, required=True),
        _c("Completed", D),
    ),
)

CARERS_HUB_SUPPORT = Entity(
    feed="carers_hub",
    name="support",
    file_pattern=_CARERS_WORKBOOK,
    sheet="Support",
    key="Carer Ref",
    start="Date",
    columns=(
        _c("Carer Ref", K),
        _c("Date", D, required=True),
        _c("Support Type", C, "carers_hub_support_type"),
    ),
)

SAFEGUARDING_CONCERNS = Entity(
    changes_only=True,
    feed="safeguarding",
    name="concerns",
    file_pattern=r"safeguarding_concerns_(\d{8})\.csv",
    key="Concern_ID",
    start="Received_Date",
    ends=(("Received_Date", "Decision_Date"),),
    columns=(
        _c("Concern_ID", K),
        _c("Received_Date", D, required=True),
        _c("LA_Person_Unique_Identifier", ID),
        _c("NHS_Number", NHS),
        *_PERSON,
        _c("Postcode", PC),
        _c("Referral_Source", C, "sg_referral_source"),
        _c("Types_Of_Risk", CS, "sg_type_of_risk"),
        _c("Location_Of_Risk", C, "sg_location_of_risk"),
        _c("Source_Of_Risk", C, "sg_source_of_risk"),
        _c("Decision", C, "sg_decision"),
        _c("Decision_Date", D),
        _c("Locality", C, "locality"),
    ),
)

SAFEGUARDING_ENQUIRIES = Entity(
    changes_only=True,
    feed="safeguarding",
    name="enquiries",
    file_pattern=r"safeguarding_enquiries_(\d{8})\.csv",
    key="Enquiry_ID",
    start="Started",
    ends=(("Started", "Concluded"),),
    columns=(
        _c("Enquiry_ID", K),
        _c("Concern_ID", ID),
        _c("Enquiry_Type", C, "sg_enquiry_type"),
        _c("Started", D, required=True),
        _c("Concluded", D),
        _c("Asked_Desired_Outcomes", C, "sg_msp_asked"),
        _c("Outcomes_Achieved", C, "sg_outcomes_achieved"),
        _c("Risk_Outcome", C, "sg_risk_outcome"),
        _c("Lacks_Capacity", C, "yes_no_not_recorded"),
        _c("Advocate_Provided", C, "yes_no_not_recorded"),
    ),
)

ENTITIES: tuple[Entity, ...] = (
    COUNCIL_EVENTS,
    COUNCIL_DELETED_EVENTS,
    COUNCIL_CONTACTS,
    COUNCIL_DOLS,
    HEALTH_REFERRALS,
    HEALTH_WAITING_LIST,
    CARERS_HUB_CARERS,
    CARERS_HUB_ASSESSMENTS,
    CARERS_HUB_SUPPORT,
    SAFEGUARDING_CONCERNS,
    SAFEGUARDING_ENQUIRIES,
)


def entities_of(feed: str) -> tuple[Entity, ...]:
    """The entities a feed delivers."""
    return tuple(entity for entity in ENTITIES if entity.feed == feed)


def entities_for_file(feed: str, file_name: str) -> tuple[Entity, ...]:
    """The entities a delivered file holds (one, or three for the Carers Hub workbook); empty if unknown."""
    return tuple(entity for entity in entities_of(feed) if entity.extract_date(file_name) is not None)


PLACEHOLDER_DATE = date(1900, 1, 1)
