"""Code lists of the source-feed specification (``shared/source-feeds/codes``), embedded so the simulator
needs nothing outside the package. ``tests/test_simulate.py`` checks them against the specification's CSV
files when those are present. Single-column lists are tuples of values; others are tuples of rows."""

from __future__ import annotations

CARERS_HUB_ETHNICITY: tuple[str, ...] = (
    "White British",
    "White Other",
    "Mixed",
    "Asian",
    "Black",
    "Chinese",
    "Other",
    "Prefer not to say",
)

CARERS_HUB_SUPPORT_TYPE: tuple[str, ...] = (
    "Welcome call",
    "Peer support group",
    "Short break respite",
    "Counselling referral",
    "Carers emergency scheme",
    "Training",
    "Direct payment",
)

# cld_accommodation_status.csv: value, settled
CLD_ACCOMMODATION_STATUS: tuple[tuple[str, ...], ...] = (
    ("Owner occupier or shared ownership scheme", "1"),
    ("Tenant", "1"),
    ("Tenant - private landlord", "1"),
    ("Settled mainstream housing with family / friends", "1"),
    ("Supported accommodation / supported lodgings / supported group home", "1"),
    ("Shared Lives scheme", "1"),
    ("Approved premises for offenders released from prison or under probation supervision", "1"),
    ("Sheltered housing / extra care housing / other sheltered housing", "1"),
    ("Mobile accommodation for Gypsy / Roma and Traveller communities", "1"),
    ("Rough sleeper / squatting", "0"),
    ("Night shelter / emergency hostel / direct access hostel", "0"),
    ("Refuge", "0"),
    ("Placed in temporary accommodation by the council (inc. homelessness resettlement)", "0"),
    ("Staying with family / friends as a short-term guest", "0"),
    ("Acute / long-term healthcare residential facility or hospital", "0"),
    ("Registered care home", "0"),
    ("Registered nursing home", "0"),
    ("Prison / Young offenders institution / detention centre", "0"),
    ("Other temporary accommodation", "0"),
    ("Unknown", "0"),
)

CLD_ASSESSMENT_TYPE: tuple[str, ...] = (
    "Short term assessment",
    "Long term assessment",
    "Unpaid carer assessment",
    "Joint unpaid carer assessment",
    "Financial assessment",
)

CLD_CLIENT_FUNDING_STATUS: tuple[str, ...] = (
    "Fully client funded",
    "Joint client and social care funded",
    "Fully social care funded",
    "Unknown",
)

# cld_client_type.csv: value, release
CLD_CLIENT_TYPE: tuple[tuple[str, ...], ...] = (
    ("Service user", "2"),
    ("Unpaid carer", "2"),
    ("Unpaid carer known by association", "2"),
    ("Service User", "1"),
    ("Carer", "1"),
    ("Carer known by association", "1"),
)

CLD_COST_FREQUENCY: tuple[str, ...] = (
    "No charge to client",
    "Per session",
    "Hourly",
    "Daily",
    "Weekly",
    "Fortnightly",
    "4-weekly",
    "Monthly",
    "Quarterly",
    "Annually",
    "One-off",
)

CLD_DELIVERY_MECHANISM: tuple[str, ...] = (
    "Direct payment",
    "CASSR managed personal budget",
    "CASSR commissioned support",
)

# cld_ethnicity.csv: value, group, release
CLD_ETHNICITY: tuple[tuple[str, ...], ...] = (
    ("White: English, Welsh, Scottish, Northern Irish or British", "White", "2"),
    ("White: Irish", "White", "2"),
    ("White: Gypsy or Irish Traveller", "White", "2"),
    ("White: Roma", "White", "2"),
    ("White: Any other White background", "White", "2"),
    ("Mixed or multiple ethnic groups: White and Black Caribbean", "Mixed or multiple ethnic groups", "2"),
    ("Mixed or multiple ethnic groups: White and Black African", "Mixed or multiple ethnic groups", "2"),
    ("Mixed or multiple ethnic groups: White and Asian", "Mixed or multiple ethnic groups", "2"),
    (
        "Mixed or multiple ethnic groups: Any other Mixed or multiple ethnic background",
        "Mixed or multiple ethnic groups",
        "2",
    ),
    ("Asian or Asian British: Indian", "Asian or Asian British", "2"),
    ("Asian or Asian British: Pakistani", "Asian or Asian British", "2"),
    ("Asian or Asian British: Bangladeshi", "Asian or Asian British", "2"),
    ("Asian or Asian British: Chinese", "Asian or Asian British", "2"),
    ("Asian or Asian British: Any other Asian background", "Asian or Asian British", "2"),
    ("Black, Black British, Caribbean or African: African", "Black, Black British, Caribbean or African", "2"),
    ("Black, Black British, Caribbean or African: Caribbean", "Black, Black British, Caribbean or African", "2"),
    (
        "Black, Black British, Caribbean or African: Any other Black, Black British or Caribbean background",
        "Black, Black British, Caribbean or African",
        "2",
    ),
    ("Other ethnic group: Arab", "Other ethnic group", "2"),
    ("Other ethnic group: Any other ethnic group", "Other ethnic group", "2"),
    ("No data: Refused", "No data", "2"),
    ("No data: Undeclared or not known", "No data", "2"),
    ("White: British", "White", "1"),
    ("White: Irish", "White", "1"),
    ("White: Any other White background", "White", "1"),
    ("Mixed: White and Black Caribbean", "Mixed or multiple ethnic groups", "1"),
    ("Mixed: White and Black African", "Mixed or multiple ethnic groups", "1"),
    ("Mixed: White and Asian", "Mixed or multiple ethnic groups", "1"),
    ("Mixed: Any other Mixed background", "Mixed or multiple ethnic groups", "1"),
    ("Asian or Asian British: Indian", "Asian or Asian British", "1"),
    ("Asian or Asian British: Pakistani", "Asian or Asian British", "1"),
    ("Asian or Asian British: Bangladeshi", "Asian or Asian British", "1"),
    ("Asian or Asian British: Any other Asian background", "Asian or Asian British", "1"),
    ("Black or Black British: Caribbean", "Black, Black British, Caribbean or African", "1"),
    ("Black or Black British: African", "Black, Black British, Caribbean or African", "1"),
    ("Black or Black British: Any other Black background", "Black, Black British, Caribbean or African", "1"),
    ("Other Ethnic Groups: Chinese", "Asian or Asian British", "1"),
    ("Other Ethnic Groups: Any other ethnic group", "Other ethnic group", "1"),
    ("No data - Refused", "No data", "1"),
    ("No data - Undeclared or Not known", "No data", "1"),
)

# cld_event_outcome.csv: value, rank, group
CLD_EVENT_OUTCOME: tuple[tuple[str, ...], ...] = (
    ("Progress to reablement/ST-Max", "1", "Progress to reablement/ST-Max"),
    ("Progress to assessment, review or reassessment", "2", "Progress to assessment, review or reassessment"),
    ("Progress to support planning or services", "4", "Progress to support planning or services"),
    ("Continuation of support or services", "5", "Continuation of support or services"),
    ("Admitted to hospital", "6", "Admitted to hospital"),
    ("NFA: Responsibility moved to another local authority", "7", "NFA"),
    ("NFA: Referral to NHS services or NHS funded social care", "8", "NFA"),
    ("NFA: Self-funded client or under 12wk disregard", "9", "NFA"),
    ("NFA: Information and advice or signposting", "10", "NFA"),
    ("NFA: Referral to other service within the local authority", "11", "NFA"),
    ("NFA: Support declined", "12", "NFA"),
    ("NFA: Deceased", "13", "NFA"),
    ("NFA: Support ended as planned", "14", "NFA"),
    ("NFA: Support ended for other reason", "15", "NFA"),
    ("NFA: No services offered for other reason", "16", "NFA"),
    ("NFA: Other", "17", "NFA"),
)

CLD_GENDER: tuple[str, ...] = (
    "Male",
    "Female",
    "Other",
    "Unknown",
)

CLD_PRIMARY_SUPPORT_REASON: tuple[str, ...] = (
    "Physical support: Access and mobility only",
    "Physical support: Personal care support",
    "Sensory support: Support for visual impairment",
    "Sensory support: Support for hearing impairment",
    "Sensory support: Support for dual impairment",
    "Support with memory and cognition",
    "Learning disability support",
    "Mental health support",
    "Social support: Substance misuse support",
    "Social support: Asylum seeker support",
    "Social support: Support for social isolation or other reason",
    "Social support: Support to unpaid carer",
    "Unknown",
)

CLD_REVIEW_REASON: tuple[str, ...] = (
    "Planned review of long term support",
    "Unplanned review of long term support",
    "Review of short term support",
)

CLD_ROUTE_OF_ACCESS: tuple[str, ...] = (
    "Planned entry (transition)",
    "Discharge from hospital",
    "Diversion from hospital services",
    "Self-funder with depleted funds",
    "Community / other route",
)

CLD_SERVICE_COMPONENT: tuple[str, ...] = (
    "Reablement",
    "Short term residential care",
    "Short term nursing care",
    "Long term residential care",
    "Long term nursing care",
    "Home support",
    "Day support",
    "Meals",
    "Transport",
    "Equipment",
    "Direct payment",
    "Shared Lives",
    "Community supported living",
    "Extra care housing",
    "Professional support",
    "End of life care",
    "Unpaid carer respite",
    "Unpaid carer sitting service",
    "Other short term support",
    "Other long term support",
)

# cld_service_type.csv: value, group
CLD_SERVICE_TYPE: tuple[tuple[str, ...], ...] = (
    ("Long term support: Community", "Long term support"),
    ("Long term support: Nursing care", "Long term support"),
    ("Long term support: Residential care", "Long term support"),
    ("Long term support: Prison", "Long term support"),
    ("Short term support: ST-Max", "Short term support"),
    ("Short term support: Ongoing low level", "Short term support"),
    ("Short term support: Other short term", "Short term support"),
    ("Unpaid carer support: Direct to unpaid carer", "Unpaid carer support"),
    ("Unpaid carer support: Support involving the person cared-for", "Unpaid carer support"),
)

CONTACT_CHANNEL: tuple[str, ...] = (
    "Telephone",
    "Email",
    "Online form",
    "Face to face",
    "Letter",
    "Professional portal",
)

# contact_outcome.csv: value, nfa_signpost_iag
CONTACT_OUTCOME: tuple[tuple[str, ...], ...] = (
    ("No further action", "1"),
    ("Information and advice", "1"),
    ("Signposted to other services", "1"),
    ("Referred to locality team", "0"),
    ("Referred for short term support", "0"),
    ("Referred to Carers Hub", "0"),
    ("Safeguarding concern raised", "0"),
    ("Referred to occupational therapy", "0"),
)

CONTACT_SOURCE: tuple[str, ...] = (
    "Self",
    "Family or friend",
    "GP",
    "Hospital",
    "Community health",
    "Police",
    "Housing",
    "Voluntary sector",
    "Care provider",
    "Other",
)

COUNCIL_TEAM: tuple[str, ...] = (
    "Adults Helpdesk",
    "Referral Centre",
    "Cheltenham Locality Team",
    "Cotswold Locality Team",
    "Forest of Dean Locality Team",
    "Gloucester Locality Team",
    "Stroud Locality Team",
    "Tewkesbury Locality Team",
    "Hospital Discharge Team",
    "Learning Disability Team",
    "Transitions Team",
    "Complex Care Team",
    "Sensory Team",
    "Financial Assessment Team",
    "DoLS Team",
)

HEALTH_EPISODE_OUTCOME: tuple[str, ...] = (
    "Independent - no ongoing support",
    "Ongoing support from social care",
    "Admitted to hospital",
    "Moved to residential or nursing care",
    "Deceased",
    "Declined",
    "Transferred to another service",
)

HEALTH_SERVICE: tuple[str, ...] = (
    "Occupational Therapy",
    "Mental Health Social Work",
    "Reablement",
    "Hospital Discharge",
    "AMHP",
)

# locality.csv: locality, ons_code, mh_locality, rural, adult_population_approx
LOCALITY: tuple[tuple[str, ...], ...] = (
    ("Cheltenham", "E07000078", "East", "0", "95500"),
    ("Cotswold", "E07000079", "East", "1", "74800"),
    ("Forest of Dean", "E07000080", "West", "1", "71300"),
    ("Gloucester", "E07000081", "West", "0", "102800"),
    ("Stroud", "E07000082", "East", "1", "98300"),
    ("Tewkesbury", "E07000083", "East", "1", "76000"),
)

MARITAL_STATUS: tuple[str, ...] = (
    "Single",
    "Married or in a civil partnership",
    "Separated",
    "Divorced or civil partnership dissolved",
    "Widowed or surviving civil partner",
    "Not stated",
    "Unknown",
)

# nhs_ethnic_category.csv: code, meaning
NHS_ETHNIC_CATEGORY: tuple[tuple[str, ...], ...] = (
    ("A", "White: British"),
    ("B", "White: Irish"),
    ("C", "White: Any other White background"),
    ("D", "Mixed: White and Black Caribbean"),
    ("E", "Mixed: White and Black African"),
    ("F", "Mixed: White and Asian"),
    ("G", "Mixed: Any other mixed background"),
    ("H", "Asian or Asian British: Indian"),
    ("J", "Asian or Asian British: Pakistani"),
    ("K", "Asian or Asian British: Bangladeshi"),
    ("L", "Asian or Asian British: Any other Asian background"),
    ("M", "Black or Black British: Caribbean"),
    ("N", "Black or Black British: African"),
    ("P", "Black or Black British: Any other Black background"),
    ("R", "Other ethnic groups: Chinese"),
    ("S", "Other ethnic groups: Any other ethnic group"),
    ("Z", "Not stated"),
    ("99", "Not known"),
)

# nhs_person_stated_gender.csv: code, meaning
NHS_PERSON_STATED_GENDER: tuple[tuple[str, ...], ...] = (
    ("1", "Male"),
    ("2", "Female"),
    ("9", "Indeterminate"),
    ("X", "Not known"),
)

RELIGION: tuple[str, ...] = (
    "No religion",
    "Christian",
    "Buddhist",
    "Hindu",
    "Jewish",
    "Muslim",
    "Sikh",
    "Other religion",
    "Not stated",
    "Refused",
)

# sexual_orientation.csv: value, nhs_code
SEXUAL_ORIENTATION: tuple[tuple[str, ...], ...] = (
    ("Heterosexual or straight", "1"),
    ("Gay or lesbian", "2"),
    ("Bisexual", "3"),
    ("Other sexual orientation", "4"),
    ("Person asked and does not know or is not sure", "U"),
    ("Not stated (declined)", "Z"),
    ("Not known", "9"),
)

SG_LOCATION_OF_RISK: tuple[str, ...] = (
    "Own home",
    "In the community (excluding community services)",
    "In a community service",
    "Care home - nursing",
    "Care home - residential",
    "Hospital - acute",
    "Hospital - mental health",
    "Hospital - community",
    "Other",
)

SG_MSP_ASKED: tuple[str, ...] = (
    "Yes - asked and outcomes expressed",
    "Yes - asked but no outcomes expressed",
    "No",
    "Don't know",
    "Not recorded",
)

SG_REFERRAL_SOURCE: tuple[str, ...] = (
    "Self",
    "Family or friend",
    "Social care staff",
    "Health staff - primary care",
    "Health staff - secondary care",
    "Health staff - mental health",
    "Care provider",
    "Police",
    "Housing",
    "Other",
)

SG_SOURCE_OF_RISK: tuple[str, ...] = (
    "Service provider",
    "Other - known to individual",
    "Other - unknown to individual",
)

SG_TYPE_OF_RISK: tuple[str, ...] = (
    "Physical abuse",
    "Sexual abuse",
    "Psychological abuse",
    "Financial or material abuse",
    "Discriminatory abuse",
    "Organisational abuse",
    "Neglect and acts of omission",
    "Domestic abuse",
    "Sexual exploitation",
    "Modern slavery",
    "Self-neglect",
)
