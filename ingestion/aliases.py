"""Known alternative names for columns and sheets in the source feeds.

Header matching ignores case, spaces, underscores and punctuation (``LA person unique identifier`` is
``LA_Person_Unique_Identifier``). Beyond that, a renamed column is accepted only when it is listed here; any
other missing required column quarantines the delivery.
"""

from __future__ import annotations

import re

# (feed, entity) -> canonical column -> aliases seen from that sender
COLUMN_ALIASES: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    ("council", "events"): {
        "NHS_Number": ("NHS_No", "NHSNumber_Formatted"),
        "Date_of_Birth": ("DOB", "Birth_Date"),
        "Postcode": ("Post_Code", "Postal_Code"),
        "LA_Person_Unique_Identifier": ("Person_ID", "LA_Person_ID"),
    },
    ("council", "contacts"): {
        "NHS_Number": ("NHS_No",),
        "Date_of_Birth": ("DOB",),
        "LA_Person_Unique_Identifier": ("Person_ID",),
    },
    ("council", "dols"): {"LA_Person_Unique_Identifier": ("Person_ID",)},
    ("safeguarding", "concerns"): {
        "NHS_Number": ("NHS_No",),
        "Date_of_Birth": ("DOB",),
        "Types_Of_Risk": ("Type_Of_Risk", "Risk_Types"),
    },
    ("safeguarding", "enquiries"): {"Asked_Desired_Outcomes": ("MSP_Asked",)},
    ("carers_hub", "carers"): {
        "Carer Ref": ("Carer Reference", "Carer ID"),
        "DOB": ("Date of Birth",),
        "Council ID": ("Council Ref", "LA ID"),
        "Hours Caring Per Week": ("Hours Caring", "Caring Hours Per Week"),
    },
    ("carers_hub", "assessments"): {"Assessment Ref": ("Assessment ID",), "Carer Ref": ("Carer Reference",)},
    ("carers_hub", "support"): {"Support Type": ("Type of Support",), "Carer Ref": ("Carer Reference",)},
}

# carers_hub entity -> accepted sheet names (the canonical name first)
SHEET_ALIASES: dict[str, tuple[str, ...]] = {
    "carers": ("Carers", "Carer", "Carers List", "Registered Carers"),
    "assessments": ("Assessments", "Assessment", "Carers Assessments"),
    "support": ("Support", "Support Provided", "Activity"),
}


def header_key(name: str) -> str:
    """The form headers are compared in: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", str(name).lower())
