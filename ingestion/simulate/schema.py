"""The entities of the four feeds, as the specification lays them out, and where each kind of fault can land.

An :class:`Entity` is one table: a CSV or JSON Lines file, or one sheet of the Carers Hub workbook. Its
columns are the specification's canonical names (health uses dotted names for the nested ``patient``
object). The other fields tell the fault injector which columns a fault may touch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from . import codes

CLD_ETHNICITY_VALUES = tuple(value for value, _, release in codes.CLD_ETHNICITY if release == "2")
CLD_CLIENT_TYPE_VALUES = tuple(value for value, release in codes.CLD_CLIENT_TYPE if release == "2")
CLD_EVENT_OUTCOME_VALUES = tuple(value for value, _, _ in codes.CLD_EVENT_OUTCOME)
CONTACT_OUTCOME_VALUES = tuple(value for value, _ in codes.CONTACT_OUTCOME)
NHS_GENDER_CODES = tuple(code for code, _ in codes.NHS_PERSON_STATED_GENDER)
NHS_ETHNIC_CODES = tuple(code for code, _ in codes.NHS_ETHNIC_CATEGORY)

# Release 2 label -> the Release 1 label that maps back to it unambiguously (labels that are the same in
# both releases, and Release 2 categories that Release 1 lacked, are left out)
ETHNICITY_RELEASE1: Mapping[str, str] = MappingProxyType(
    {
        "White: English, Welsh, Scottish, Northern Irish or British": "White: British",
        "Mixed or multiple ethnic groups: White and Black Caribbean": "Mixed: White and Black Caribbean",
        "Mixed or multiple ethnic groups: White and Black African": "Mixed: White and Black African",
        "Mixed or multiple ethnic groups: White and Asian": "Mixed: White and Asian",
        "Mixed or multiple ethnic groups: Any other Mixed or multiple ethnic background": (
            "Mixed: Any other Mixed background"
        ),
        "Asian or Asian British: Chinese": "Other Ethnic Groups: Chinese",
        "Black, Black British, Caribbean or African: African": "Black or Black British: African",
        "Black, Black British, Caribbean or African: Caribbean": "Black or Black British: Caribbean",
        "Black, Black British, Caribbean or African: Any other Black, Black British or Caribbean background": (
            "Black or Black British: Any other Black background"
        ),
        "Other ethnic group: Any other ethnic group": "Other Ethnic Groups: Any other ethnic group",
        "No data: Refused": "No data - Refused",
        "No data: Undeclared or not known": "No data - Undeclared or Not known",
    }
)
CLIENT_TYPE_RELEASE1: Mapping[str, str] = MappingProxyType(
    {
        "Service user": "Service User",
        "Unpaid carer": "Carer",
        "Unpaid carer known by association": "Carer known by association",
    }
)


@dataclass(frozen=True)
class Entity:
    """One table of a feed and the places faults can land in it."""

    feed: str
    name: str
    columns: tuple[str, ...]
    key: str  # the column identifying a row in faults.csv
    # required column -> a plausible new name that is no alias and matches no column (renamed_column_unknown)
    unknown_renames: Mapping[str, str]
    extra_column: tuple[str, tuple[str, ...]]  # unknown_column: name and plausible values
    start: str | None = None  # the row's required date (row-level date faults)
    end: str | None = None  # the date that must not precede ``start`` (end_before_start)
    blank_key: bool = True  # whether blank_key applies
    nhs: str | None = None
    optional_dates: tuple[str, ...] = ()
    postcode: str | None = None
    code_columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # column -> valid values
    release1: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # column -> R2 -> R1 label
    snapshot: bool = False  # a full snapshot (volume_anomaly applies)
    rows_expected: bool = True  # an empty table is abnormal (header_only applies)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(self.unknown_renames)


WORKERS = ("J Smith", "A Patel", "K Jones", "M Evans", "S Brown", "R Taylor", "L Davies", "C Hughes")

COUNCIL_EVENTS = Entity(
    feed="council",
    name="events",
    columns=(
        "LA_Code",
        "LA_Person_Unique_Identifier",
        "NHS_Number",
        "First_Name",
        "Last_Name",
        "Date_of_Birth",
        "Date_of_Death",
        "Gender",
        "Ethnicity",
        "Postcode",
        "Client_Type",
        "Primary_Support_Reason",
        "Accommodation_Status",
        "Has_Unpaid_Carer",
        "Client_Funding_Status",
        "Event_Type",
        "Event_Reference",
        "Event_Start_Date",
        "Event_End_Date",
        "Event_Outcome",
        "Request_Route_of_Access",
        "Assessment_Type",
        "Eligible_Needs_Identified",
        "Service_Type",
        "Service_Component",
        "Delivery_Mechanism",
        "Provider_CQC_Location_ID",
        "Unit_Cost",
        "Cost_Frequency",
        "Planned_Units_Per_Week",
        "Review_Reason",
        "Review_Outcomes_Achieved",
        "Linked_Person_ID",
        "Team",
        "Locality",
        "Religion",
        "Sexual_Orientation",
        "Marital_Status",
        "Gender_Same_As_Birth",
        "Disability",
    ),
    key="Event_Reference",
    unknown_renames={
        "LA_Person_Unique_Identifier": "Client_Number",
        "Event_Type": "Activity_Type",
        "Event_Reference": "Event_No",
        "Event_Start_Date": "Date_Started",
    },
    extra_column=("Allocated_Worker", WORKERS),
    start="Event_Start_Date",
    end="Event_End_Date",
    nhs="NHS_Number",
    optional_dates=("Date_of_Birth", "Date_of_Death"),
    postcode="Postcode",
    code_columns={
        "Gender": codes.CLD_GENDER,
        "Ethnicity": CLD_ETHNICITY_VALUES,
        "Client_Type": CLD_CLIENT_TYPE_VALUES,
        "Primary_Support_Reason": codes.CLD_PRIMARY_SUPPORT_REASON,
        "Event_Outcome": CLD_EVENT_OUTCOME_VALUES,
    },
    release1={"Ethnicity": ETHNICITY_RELEASE1, "Client_Type": CLIENT_TYPE_RELEASE1},
)

COUNCIL_DELETED_EVENTS = Entity(
    feed="council",
    name="deleted_events",
    columns=("Event_Reference", "Deleted_At"),
    key="Event_Reference",
    unknown_renames={"Event_Reference": "Event_No", "Deleted_At": "Removed_On"},
    extra_column=("Deleted_By", ("USR0142", "USR0377", "USR0915", "USR1204")),
    blank_key=False,
    rows_expected=False,
)

COUNCIL_CONTACTS = Entity(
    feed="council",
    name="contacts",
    columns=(
        "Contact_ID",
        "Received_At",
        "Channel",
        "Contact_Source",
        "LA_Person_Unique_Identifier",
        "First_Name",
        "Last_Name",
        "Date_of_Birth",
        "Postcode",
        "NHS_Number",
        "Gender",
        "Team",
        "Locality",
        "Contact_Outcome",
    ),
    key="Contact_ID",
    unknown_renames={
        "Contact_ID": "Contact_Number",
        "Received_At": "Date_Time_Logged",
        "Team": "Owning_Team",
        "Contact_Outcome": "Result",
    },
    extra_column=("Call_Duration_Mins", ("3", "5", "8", "12", "15", "22", "30")),
    start="Received_At",
    nhs="NHS_Number",
    optional_dates=("Date_of_Birth",),
    postcode="Postcode",
    code_columns={
        "Channel": codes.CONTACT_CHANNEL,
        "Contact_Source": codes.CONTACT_SOURCE,
        "Gender": codes.CLD_GENDER,
        "Contact_Outcome": CONTACT_OUTCOME_VALUES,
    },
)

COUNCIL_DOLS = Entity(
    feed="council",
    name="dols",
    columns=(
        "Application_ID",
        "LA_Person_Unique_Identifier",
        "Received_Date",
        "Application_Type",
        "Priority",
        "Setting",
        "Completed_Date",
        "Outcome",
    ),
    key="Application_ID",
    unknown_renames={
        "Application_ID": "DoLS_Ref",
        "LA_Person_Unique_Identifier": "Client_Number",
        "Received_Date": "Date_Application",
    },
    extra_column=("Best_Interests_Assessor", WORKERS),
    start="Received_Date",
    end="Completed_Date",
    snapshot=True,
)

HEALTH_REFERRALS = Entity(
    feed="health",
    name="referrals",
    columns=(
        "referral_id",
        "patient.local_id",
        "patient.nhs_number",
        "patient.given_name",
        "patient.family_name",
        "patient.birth_date",
        "patient.gender",
        "patient.ethnic_category",
        "patient.postcode",
        "service",
        "team",
        "received_at",
        "triage_outcome",
        "assessment_started_at",
        "assessment_completed_at",
        "discharged_at",
        "discharge_pathway",
        "episode_ended_at",
        "episode_outcome",
        "at_home_91_days",
        "updated_at",
    ),
    key="referral_id",
    unknown_renames={
        "referral_id": "referral_ref",
        "patient.local_id": "patient.rio_id",
        "service": "service_line",
        "received_at": "date_received",
        "updated_at": "last_modified",
    },
    extra_column=("source_system", ("RiO",)),
    start="received_at",
    end="episode_ended_at",
    nhs="patient.nhs_number",
    optional_dates=("patient.birth_date",),
    postcode="patient.postcode",
    code_columns={
        "patient.gender": NHS_GENDER_CODES,
        "patient.ethnic_category": NHS_ETHNIC_CODES,
        "episode_outcome": codes.HEALTH_EPISODE_OUTCOME,
    },
)

HEALTH_WAITING_LIST = Entity(
    feed="health",
    name="waiting_list",
    columns=("referral_id", "service", "team", "waiting_since", "priority"),
    key="referral_id",
    unknown_renames={"referral_id": "referral_ref", "service": "service_line", "waiting_since": "date_added"},
    extra_column=("clinician", WORKERS),
    blank_key=False,
    snapshot=True,
)

CARERS = Entity(
    feed="carers_hub",
    name="carers",
    columns=(
        "Carer Ref",
        "Name",
        "DOB",
        "Postcode",
        "Sex",
        "Ethnicity",
        "Registered",
        "Cared For Name",
        "Cared For DOB",
        "Relationship",
        "Council ID",
        "Hours Caring Per Week",
        "Status",
    ),
    key="Carer Ref",
    unknown_renames={"Carer Ref": "Ref No", "Name": "Full Name", "Registered": "Date Joined"},
    extra_column=("Notes", ("", "", "", "called back", "see email", "prefers text", "needs interpreter")),
    start="Registered",
    optional_dates=("DOB", "Cared For DOB"),
    postcode="Postcode",
    code_columns={"Ethnicity": codes.CARERS_HUB_ETHNICITY},
)

ASSESSMENTS = Entity(
    feed="carers_hub",
    name="assessments",
    columns=("Assessment Ref", "Carer Ref", "Type", "Referred", "Completed"),
    key="Assessment Ref",
    unknown_renames={
        "Assessment Ref": "Assess No",
        "Carer Ref": "Ref No",
        "Type": "Assessment Kind",
        "Referred": "Date In",
    },
    extra_column=("Assessor", WORKERS),
    start="Referred",
    end="Completed",
)

SUPPORT = Entity(
    feed="carers_hub",
    name="support",
    columns=("Carer Ref", "Date", "Support Type"),
    key="Carer Ref",
    unknown_renames={"Carer Ref": "Ref No", "Date": "Activity Date", "Support Type": "Activity"},
    extra_column=("Venue", ("Gloucester", "Cheltenham", "Stroud", "Online", "Phone")),
    start="Date",
    code_columns={"Support Type": codes.CARERS_HUB_SUPPORT_TYPE},
)

SAFEGUARDING_CONCERNS = Entity(
    feed="safeguarding",
    name="concerns",
    columns=(
        "Concern_ID",
        "Received_Date",
        "LA_Person_Unique_Identifier",
        "NHS_Number",
        "First_Name",
        "Last_Name",
        "Date_of_Birth",
        "Postcode",
        "Referral_Source",
        "Types_Of_Risk",
        "Location_Of_Risk",
        "Source_Of_Risk",
        "Decision",
        "Decision_Date",
        "Locality",
    ),
    key="Concern_ID",
    unknown_renames={"Concern_ID": "Concern_Number", "Received_Date": "Date_Concern_Raised"},
    extra_column=("Allocated_Worker", WORKERS),
    start="Received_Date",
    end="Decision_Date",
    nhs="NHS_Number",
    optional_dates=("Date_of_Birth",),
    postcode="Postcode",
    code_columns={
        "Referral_Source": codes.SG_REFERRAL_SOURCE,
        "Location_Of_Risk": codes.SG_LOCATION_OF_RISK,
        "Source_Of_Risk": codes.SG_SOURCE_OF_RISK,
    },
    snapshot=True,
)

SAFEGUARDING_ENQUIRIES = Entity(
    feed="safeguarding",
    name="enquiries",
    columns=(
        "Enquiry_ID",
        "Concern_ID",
        "Enquiry_Type",
        "Started",
        "Concluded",
        "Asked_Desired_Outcomes",
        "Outcomes_Achieved",
        "Risk_Outcome",
        "Lacks_Capacity",
        "Advocate_Provided",
    ),
    key="Enquiry_ID",
    unknown_renames={"Enquiry_ID": "Enquiry_Number", "Concern_ID": "Concern_Number", "Started": "Date_Opened"},
    extra_column=("Lead_Agency", ("Council", "Police", "NHS", "Provider")),
    start="Started",
    end="Concluded",
    code_columns={"Asked_Desired_Outcomes": codes.SG_MSP_ASKED},
    snapshot=True,
)

ENTITIES: tuple[Entity, ...] = (
    COUNCIL_EVENTS,
    COUNCIL_DELETED_EVENTS,
    COUNCIL_CONTACTS,
    COUNCIL_DOLS,
    HEALTH_REFERRALS,
    HEALTH_WAITING_LIST,
    CARERS,
    ASSESSMENTS,
    SUPPORT,
    SAFEGUARDING_CONCERNS,
    SAFEGUARDING_ENQUIRIES,
)
FEEDS: tuple[str, ...] = ("council", "health", "carers_hub", "safeguarding")
