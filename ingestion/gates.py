"""Great Expectations gates: the suites in ``expectations/`` decide what happens to deliveries, rows and fields.

Two kinds of suite, both kept as JSON in the repository and generated from the contracts
(``ascwh expectations`` rewrites them; a test fails when they drift):
- ``deliveries``: one row per delivered file (size, readability, columns, sheet, rows, volume). Any failure
  quarantines the file.
- ``<feed>__<entity>``: one row per delivered record (normalised values and field statuses). Each
  expectation carries ``meta.outcome``: ``reject`` (the row goes to the rejected-rows table) or ``flag``
  (the row loads, the field is recorded as faulty); ``meta.rule`` names the rule and ``meta.spec`` the line
  of the specification it enforces.

Validation runs on pandas DataFrames (GX on duckdb-engine fails here), once per entity per batch of files.
The DataFrames hold statuses, keys and dates only, so results and Data Docs carry no personal data
beyond event dates.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from ingestion.contracts import ENTITIES, Column, Entity, Kind
from ingestion.normalise import EXTRACT_DATE, START_DATE, STATUS, checked

EXPECTATIONS_DIR = Path(__file__).resolve().parents[1] / "expectations"
DELIVERIES = "deliveries"

SPEC = "docs/source-feeds.md, 'What goes wrong in real deliveries'"
_RULES: dict[Kind, tuple[str, str]] = {
    Kind.CODE: ("code_list", "Release 1 labels, case and punctuation variants, the text NULL, unknown code values"),
    Kind.CODES: ("code_list", "Release 1 labels, case and punctuation variants, the text NULL, unknown code values"),
    Kind.NHS_NUMBER: ("nhs_number", "NHS number blank, spaced or dashed, failing modulus 11, or a placeholder"),
    Kind.POSTCODE: ("postcode", "postcode spacing and case (normalised); not a postcode (flagged)"),
    Kind.DECIMAL: ("number_format", "a field that does not parse as its type"),
    Kind.INTEGER: ("number_format", "a field that does not parse as its type"),
    Kind.BOOLEAN: ("boolean_format", "a field that does not parse as its type"),
}


def _expectation(kind: str, outcome: str, rule: str, spec: str, **kwargs: object) -> dict:
    return {"type": kind, "kwargs": kwargs, "meta": {"outcome": outcome, "rule": rule, "spec": f"{SPEC}: {spec}"}}


def _status_expectation(column: Column) -> dict:
    if column.kind in (Kind.DATE, Kind.TIMESTAMP, Kind.TIMESTAMPTZ):
        if column.required:
            rule, spec = "required_date", "an unparseable or placeholder (1900-01-01) required date"
        else:
            rule, spec = "optional_date", "a placeholder or future date in an optional field"
    else:
        rule, spec = _RULES[column.kind]
    outcome = "reject" if column.required else "flag"
    return _expectation(
        "expect_column_values_to_be_in_set",
        outcome,
        rule,
        spec,
        column=f"{column.raw_name}{STATUS}",
        value_set=["ok"],
    )


def entity_suite(entity: Entity) -> dict:
    """The row-level suite of an entity, as GX suite JSON."""
    expectations = []
    if entity.key:
        expectations.append(
            _expectation(
                "expect_column_values_to_not_be_null",
                "reject",
                "blank_key",
                "a blank key (event, contact, concern, referral id)",
                column=entity.column(entity.key).raw_name,
            )
        )
    expectations.extend(_status_expectation(column) for column in entity.columns if checked(column))
    for start, end in entity.ends:
        expectations.append(
            _expectation(
                "expect_column_pair_values_a_to_be_greater_than_b",
                "reject",
                "end_before_start",
                "end date before start date",
                column_A=entity.column(end).raw_name,
                column_B=entity.column(start).raw_name,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        )
    if entity.start:
        expectations.append(
            _expectation(
                "expect_column_pair_values_a_to_be_greater_than_b",
                "reject",
                "start_after_extract",
                "a start date after the extract date",
                column_A=EXTRACT_DATE,
                column_B=START_DATE,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        )
    return {
        "name": entity.table,
        "expectations": expectations,
        "meta": {"feed": entity.feed, "entity": entity.name, "generated_from": "ingestion/contracts.py"},
    }


# file-level check column -> (rule, specification line)
FILE_CHECKS: dict[str, tuple[str, str]] = {
    "readable": ("unreadable", "a file cut off mid-row; an empty (0-byte) file"),
    "columns": ("missing_columns", "a required column missing or renamed beyond the known aliases"),
    "sheet": ("sheet_missing", "a sheet missing"),
    "rows": ("header_only", "a file with only its header where rows are expected"),
    "volume": ("volume", "a row count far outside the feed's recent range (issue 2)"),
}


def deliveries_suite() -> dict:
    """The file-level suite: every failure quarantines the delivery."""
    expectations = [
        _expectation("expect_column_values_to_be_in_set", "quarantine", rule, spec, column=column, value_set=["ok"])
        for column, (rule, spec) in FILE_CHECKS.items()
    ]
    return {"name": DELIVERIES, "expectations": expectations, "meta": {"generated_from": "ingestion/gates.py"}}


def generated_suites() -> dict[str, dict]:
    suites = {DELIVERIES: deliveries_suite()}
    suites.update({entity.table: entity_suite(entity) for entity in ENTITIES})
    return suites


def write_suites(directory: Path = EXPECTATIONS_DIR) -> list[Path]:
    """Write every suite as JSON (the files kept in the repository)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, suite in generated_suites().items():
        path = directory / f"{name}.json"
        path.write_text(json.dumps(suite, indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


@cache
def load_suite(name: str) -> dict:
    """A suite as kept in the repository."""
    return json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def suite_columns(name: str) -> list[str]:
    """The DataFrame columns a suite reads."""
    columns: list[str] = []
    for expectation in load_suite(name)["expectations"]:
        kwargs = expectation["kwargs"]
        for key in ("column", "column_A", "column_B"):
            if key in kwargs and kwargs[key] not in columns:
                columns.append(kwargs[key])
    return columns


@dataclass
class Check:
    """The result of one expectation on one batch."""

    rule: str
    outcome: str
    column: str
    expectation: str
    success: bool
    element_count: int
    unexpected_count: int
    rows: np.ndarray  # positions (the DataFrame's index) of the unexpected rows
    values: list  # the unexpected values (statuses), aligned with rows; empty for non-status checks


@dataclass
class GateResult:
    suite: str
    success: bool
    checks: list[Check] = field(default_factory=list)
    result: dict = field(default_factory=dict)  # GX's result JSON, without per-row lists


class Gatekeeper:
    """Runs the repository's suites through Great Expectations on pandas DataFrames."""

    def __init__(self) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        self._gx = gx
        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        self._source = self._context.data_sources.add_pandas("deliveries")
        self._suites: dict = {}

    def _suite_and_batch(self, name: str):
        if name not in self._suites:
            suite = self._context.suites.add(self._gx.ExpectationSuite(**load_suite(name)))
            batch = self._source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
            self._suites[name] = (suite, batch)
        return self._suites[name]

    def validate(self, name: str, frame: pd.DataFrame) -> GateResult:
        """Validate a DataFrame (index = row positions) against a suite.

        Validated as a batch, not through a checkpoint: results are kept in the warehouse (the caller stores
        ``GateResult.result``), not in GX's in-memory store."""
        suite, batch_definition = self._suite_and_batch(name)
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(suite, result_format={"result_format": "COMPLETE", "partial_unexpected_count": 20})
        checks = []
        for item in result.results:
            config = item.expectation_config
            res = item.result or {}
            kwargs = config.kwargs
            rows = np.asarray(res.pop("unexpected_index_list", None) or [], dtype=np.int64)
            for key in ("unexpected_list", "unexpected_index_query"):
                res.pop(key, None)  # per-row lists: kept out of the stored result
            column = kwargs.get("column")
            # the unexpected values, read back from the frame by index (GX's own list may be shortened)
            values = frame.loc[rows, column].astype(str).tolist() if "value_set" in kwargs and len(rows) else []
            checks.append(
                Check(
                    rule=config.meta["rule"],
                    outcome=config.meta["outcome"],
                    column=column or kwargs.get("column_A", ""),
                    expectation=config.type,
                    success=bool(item.success),
                    element_count=int(res.get("element_count") or len(frame)),
                    unexpected_count=int(res.get("unexpected_count") or 0),
                    rows=rows,
                    values=values,
                )
            )
        return GateResult(name, bool(result.success), checks, result.to_json_dict())
