"""The fault vocabulary shared by the simulator's ground truth and the ingestion tests.

Each fault the source-feed specification lists ("What goes wrong in real deliveries") has a code here and
the outcome the warehouse must give it. The simulator writes these codes into ``truth/faults.csv``; the
tests score the warehouse against them.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """The four outcomes of the specification, plus the ones a good delivery gets."""

    IGNORED = "ignored"  # delivery recorded, nothing loaded
    QUARANTINED = "quarantined"  # delivery recorded with a report, nothing loaded until released
    REJECTED = "rejected"  # row kept in the rejected-rows table with the rule it broke
    FLAGGED = "flagged"  # row loads; field normalised or nulled, fault recorded, raw value kept
    LOADED = "loaded"  # loads as delivered (possibly decoded or normalised without loss)
    SUPERSEDED = "superseded"  # an earlier version's rows, replaced by a corrected re-send


# fault code -> (level, outcome). Level is "file", "row" or "field".
FAULTS: dict[str, tuple[str, Outcome]] = {
    # deliveries
    "duplicate_delivery": ("file", Outcome.IGNORED),
    "corrected_resend": ("file", Outcome.LOADED),  # the original delivery's rows become SUPERSEDED
    "truncated": ("file", Outcome.QUARANTINED),
    "empty_file": ("file", Outcome.QUARANTINED),
    "header_only": ("file", Outcome.QUARANTINED),
    "missing_required_column": ("file", Outcome.QUARANTINED),
    "renamed_column_unknown": ("file", Outcome.QUARANTINED),
    "sheet_missing": ("file", Outcome.QUARANTINED),
    "volume_anomaly": ("file", Outcome.QUARANTINED),
    "renamed_column_alias": ("file", Outcome.LOADED),
    "sheet_renamed_alias": ("file", Outcome.LOADED),
    "unknown_column": ("file", Outcome.LOADED),  # and reported as schema drift
    "bom": ("file", Outcome.LOADED),
    "windows_1252": ("file", Outcome.LOADED),
    "header_case_spacing": ("file", Outcome.LOADED),
    "merged_header": ("file", Outcome.LOADED),
    "blank_rows": ("file", Outcome.LOADED),  # blank rows are not data
    "totals_row": ("file", Outcome.LOADED),  # the totals row is not data
    "late_delivery": ("file", Outcome.LOADED),  # arrives days after its deadline: fct_feed_deliveries_daily
    # rows
    "end_before_start": ("row", Outcome.REJECTED),
    "start_after_extract": ("row", Outcome.REJECTED),
    "blank_key": ("row", Outcome.REJECTED),
    "unparseable_required_date": ("row", Outcome.REJECTED),
    "placeholder_required_date": ("row", Outcome.REJECTED),
    # fields
    "nhs_blank": ("field", Outcome.FLAGGED),
    "nhs_spaced": ("field", Outcome.FLAGGED),  # normalised and valid
    "nhs_dashed": ("field", Outcome.FLAGGED),  # normalised and valid
    "nhs_mod11": ("field", Outcome.FLAGGED),
    "nhs_placeholder": ("field", Outcome.FLAGGED),
    "code_release1": ("field", Outcome.FLAGGED),  # mapped to Release 2
    "code_variant": ("field", Outcome.FLAGGED),  # case or punctuation variant, mapped
    "code_null_text": ("field", Outcome.FLAGGED),  # the text NULL, mapped to null
    "code_unknown": ("field", Outcome.FLAGGED),  # mapped to "Invalid and not mapped" or null
    "uk_date": ("field", Outcome.LOADED),  # parsed
    "excel_serial_date": ("field", Outcome.LOADED),  # parsed
    "optional_date_placeholder": ("field", Outcome.FLAGGED),  # nulled
    "optional_date_future": ("field", Outcome.FLAGGED),  # nulled
    "postcode_format": ("field", Outcome.LOADED),  # spacing or case, normalised
    # semantics: loaded as delivered, resolved downstream
    "restated_event": ("row", Outcome.LOADED),
    "late_update": ("row", Outcome.LOADED),
    "deleted_event": ("row", Outcome.LOADED),
    "unknown_person": ("row", Outcome.LOADED),
}

FILE_FAULTS = frozenset(code for code, (level, _) in FAULTS.items() if level == "file")


def expected_outcome(fault: str) -> Outcome:
    """The outcome the specification requires for a fault code."""
    return FAULTS[fault][1]
