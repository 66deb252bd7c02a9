"""Code lists of the source-feed specification, read from the repository's copy of them
(``dbt_project/seeds/codes/``, the same files the ingestion contracts and dbt use).

Each list is a module constant named after its file in upper case: single-column lists are tuples of
values; others are tuples of rows (every column as text, header left out).
"""

from __future__ import annotations

import csv

from ingestion.codes import CODES_DIR


def _load(stem: str) -> tuple:
    with (CODES_DIR / f"{stem}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    return tuple(row[0] for row in rows) if all(len(row) == 1 for row in rows) else tuple(map(tuple, rows))


CARERS_HUB_ETHNICITY: tuple[str, ...] = _load("carers_hub_ethnicity")
CARERS_HUB_SUPPORT_TYPE: tuple[str, ...] = _load("carers_hub_support_type")
CLD_ACCOMMODATION_STATUS: tuple[tuple[str, ...], ...] = _load("cld_accommodation_status")
CLD_ASSESSMENT_TYPE: tuple[str, ...] = _load("cld_assessment_type")
CLD_CLIENT_FUNDING_STATUS: tuple[str, ...] = _load("cld_client_funding_status")
CLD_CLIENT_TYPE: tuple[tuple[str, ...], ...] = _load("cld_client_type")
CLD_COST_FREQUENCY: tuple[str, ...] = _load("cld_cost_frequency")
CLD_DELIVERY_MECHANISM: tuple[str, ...] = _load("cld_delivery_mechanism")
CLD_ETHNICITY: tuple[tuple[str, ...], ...] = _load("cld_ethnicity")
CLD_EVENT_OUTCOME: tuple[tuple[str, ...], ...] = _load("cld_event_outcome")
CLD_GENDER: tuple[str, ...] = _load("cld_gender")
CLD_PRIMARY_SUPPORT_REASON: tuple[str, ...] = _load("cld_primary_support_reason")
CLD_REVIEW_REASON: tuple[str, ...] = _load("cld_review_reason")
CLD_ROUTE_OF_ACCESS: tuple[str, ...] = _load("cld_route_of_access")
CLD_SERVICE_COMPONENT: tuple[str, ...] = _load("cld_service_component")
CLD_SERVICE_TYPE: tuple[tuple[str, ...], ...] = _load("cld_service_type")
CONTACT_CHANNEL: tuple[str, ...] = _load("contact_channel")
CONTACT_OUTCOME: tuple[tuple[str, ...], ...] = _load("contact_outcome")
CONTACT_SOURCE: tuple[str, ...] = _load("contact_source")
COUNCIL_TEAM: tuple[str, ...] = _load("council_team")
HEALTH_EPISODE_OUTCOME: tuple[str, ...] = _load("health_episode_outcome")
HEALTH_SERVICE: tuple[str, ...] = _load("health_service")
LOCALITY: tuple[tuple[str, ...], ...] = _load("locality")
MARITAL_STATUS: tuple[str, ...] = _load("marital_status")
NHS_ETHNIC_CATEGORY: tuple[tuple[str, ...], ...] = _load("nhs_ethnic_category")
NHS_PERSON_STATED_GENDER: tuple[tuple[str, ...], ...] = _load("nhs_person_stated_gender")
RELIGION: tuple[str, ...] = _load("religion")
SEXUAL_ORIENTATION: tuple[tuple[str, ...], ...] = _load("sexual_orientation")
SG_LOCATION_OF_RISK: tuple[str, ...] = _load("sg_location_of_risk")
SG_MSP_ASKED: tuple[str, ...] = _load("sg_msp_asked")
SG_REFERRAL_SOURCE: tuple[str, ...] = _load("sg_referral_source")
SG_SOURCE_OF_RISK: tuple[str, ...] = _load("sg_source_of_risk")
SG_TYPE_OF_RISK: tuple[str, ...] = _load("sg_type_of_risk")
