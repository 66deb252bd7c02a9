"""The warehouse build: dbt in two phases around the linkage, on DuckDB and on PostgreSQL unchanged.

A small simulated year (conftest ``small_year``) is landed once; the DuckDB build runs on a copy of it, then
the raw layer is copied to a fresh PostgreSQL database and built there, and the marts are compared.
The cheap checks (selectors, summaries, the lock, the copy's type mapping) need no build.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pytest
from dbt.version import __version__ as dbt_version

from ingestion import dbt_build
from ingestion.dbt_build import (
    BuildSummary,
    DbtBuildError,
    PhaseSummary,
    build_warehouse,
    cross_model_tests,
    invoke,
    load_manifest,
    person_records_nodes,
    redact,
)
from ingestion.settings import Settings
from ingestion.warehouse import WarehouseBusy, lock_path, warehouse_lock

# marts every build must fill (one per area)
KEY_MARTS = (
    "dim_person",
    "fct_contacts",
    "fct_assessments",
    "fct_health_referrals",
    "fct_carer_registrations",
    "fct_safeguarding_concerns",
    "fct_dols_applications",
)
BUILT = ("model", "seed", "snapshot")


# ---- selectors and the manifest ------------------------------------------------------------------------------


def _ls(manifest: Path, *selection: str) -> dict[str, dict[str, Any]]:
    """`dbt ls` of buildable nodes and tests (unique_id -> node), against the parsed project."""
    keys = "unique_id resource_type depends_on"
    types = [arg for kind in ("model", "seed", "snapshot", "test", "unit_test") for arg in ("--resource-type", kind)]
    result = invoke(["ls", "--output", "json", "--output-keys", keys, *types, *selection], target_dir=manifest.parent)
    assert result.success, result.exception
    return {node["unique_id"]: node for node in map(json.loads, result.result)}


def test_the_two_phases_cover_every_node_once(dbt_manifest: Path) -> None:
    everything = _ls(dbt_manifest)
    first = _ls(dbt_manifest, "--selector", dbt_build.PERSON_RECORDS_SELECTOR)
    rest = _ls(dbt_manifest, "--selector", dbt_build.WAREHOUSE_SELECTOR)

    assert set(first) & set(rest) == set()
    assert set(first) | set(rest) == set(everything)
    assert any(uid.endswith(".int_person_records") for uid in first)
    assert any(uid.endswith(".int_person_keys") for uid in rest)
    # a phase-1 test never reads a model of phase 3: it would run before that model exists
    outside = {uid: d for uid, n in first.items() for d in n.get("depends_on", {}).get("nodes", []) if d in rest}
    assert outside == {}
    # the DAG computes phase 1 from the manifest itself: the same set as dbt's selector
    built = {uid for uid, n in first.items() if n["resource_type"] in BUILT}
    assert person_records_nodes(load_manifest(dbt_manifest)) == built


def test_the_nightly_phase_one_leaves_out_only_unchanged_seeds_and_their_own_tests(
    dbt_manifest: Path, tmp_path: Path
) -> None:
    manifest = load_manifest(dbt_manifest)
    changed = "seed.ascwh.gender_to_cld"
    manifest["nodes"][changed]["checksum"]["checksum"] = "an older file"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    first = _ls(dbt_manifest, "--selector", dbt_build.PERSON_RECORDS_SELECTOR)
    nightly = _ls(dbt_manifest, "--selector", "person_records_nightly", "--state", str(tmp_path))

    left_out = set(first) - set(nightly)
    assert set(nightly) <= set(first)
    assert {uid for uid in first if uid.startswith("seed.")} - left_out == {changed}
    # a test is left out only when every node it reads is an unchanged seed
    assert all(uid.startswith("seed.") or set(first[uid]["depends_on"]["nodes"]) <= left_out for uid in left_out)
    assert any(uid.startswith("test.") for uid in left_out)


def test_a_nightly_build_compares_with_the_last_successful_build(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    states: list[Path | None] = []

    def phase(selector: str, settings_: Settings, target: str, *args: Any) -> PhaseSummary:
        *_, state, manifest = args  # full_refresh, target_dir, state, manifest
        assert manifest == "parsed"  # the phases run on the manifest the build parsed
        states.extend([state] if selector == "person_records" else [])
        return PhaseSummary(selector)

    monkeypatch.setattr(dbt_build, "parse", lambda *a: "parsed")
    monkeypatch.setattr(dbt_build, "run_phase", phase)
    monkeypatch.setattr(dbt_build, "run_link_phase", lambda *a: PhaseSummary("linkage"))
    target = tmp_path / "target"
    target.mkdir()
    seed = {"resource_type": "seed", "schema": "codes", "alias": "Codes_A"}
    manifest = {"metadata": {"dbt_version": dbt_version}, "nodes": {"seed.ascwh.codes_a": seed}}
    (target / "manifest.json").write_text(json.dumps(manifest))
    tables = {("codes", "codes_a")}
    monkeypatch.setattr(dbt_build, "_tables", lambda *a: tables)

    build_warehouse(settings, target_dir=target)  # the first build: nothing to compare with
    build_warehouse(settings, target_dir=target)  # nightly: compared with the first
    build_warehouse(settings, full_refresh=True, target_dir=target)
    tables.clear()  # the warehouse was re-created: its seed tables are gone
    build_warehouse(settings, target_dir=target)
    tables.add(("codes", "codes_a"))
    manifest["metadata"]["dbt_version"] = "1.10.0"  # written by another dbt version
    (target / "manifest.json").write_text(json.dumps(manifest))
    build_warehouse(settings, target_dir=target)  # saves it: the next build has nothing to compare with
    build_warehouse(settings, target_dir=target)
    state = dbt_build.state_dir(settings, "duckdb")
    assert states == [None, state, None, None, state, None]
    assert json.loads((state / "manifest.json").read_text()) == manifest


def test_a_phase_compared_with_a_state_runs_its_nightly_selector(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[list[str]] = []

    def invoke_(args: list[str], *rest: Any) -> SimpleNamespace:
        seen.append(args)
        return SimpleNamespace(result=None, exception=None, success=True)

    monkeypatch.setattr(dbt_build, "invoke", invoke_)
    dbt_build.run_phase("person_records", None, "duckdb", state=tmp_path)
    dbt_build.run_phase("warehouse", None, "duckdb", state=tmp_path)
    dbt_build.run_phase("person_records", None, "duckdb", full_refresh=True)
    assert seen == [
        ["build", "--selector", "person_records_nightly", "--state", str(tmp_path)],
        ["build", "--selector", "warehouse"],
        ["build", "--selector", "person_records", "--full-refresh"],
    ]


def test_cross_model_tests_are_the_tests_no_model_task_runs(dbt_manifest: Path) -> None:
    manifest = load_manifest(dbt_manifest)
    deferred = cross_model_tests(manifest)
    names = {n["name"]: uid for uid, n in manifest["nodes"].items() if n["resource_type"] == "test"}
    phase_one = person_records_nodes(manifest)

    for phase, tests in deferred.items():
        for name in tests:
            parents = set(manifest["nodes"][names[name]]["depends_on"]["nodes"])
            models = {p for p in parents if not p.startswith(("seed.", "source."))}
            assert len(parents) >= 2 and models, name
            assert (phase == dbt_build.PERSON_RECORDS_SELECTOR) == (parents <= phase_one), name


def _manifest(nodes: dict[str, tuple[str, list[str]]]) -> dict[str, Any]:
    return {
        "nodes": {
            uid: {"resource_type": kind, "name": uid.split(".")[-1], "depends_on": {"nodes": parents}}
            for uid, (kind, parents) in nodes.items()
        }
    }


def test_cross_model_tests_rule() -> None:
    manifest = _manifest(
        {
            "seed.p.codes": ("seed", []),
            "model.p.stg": ("model", ["seed.p.codes"]),
            "model.p.int_person_records": ("model", ["model.p.stg"]),
            "model.p.dim": ("model", []),
            "model.p.fct": ("model", ["model.p.stg"]),
            "test.p.only_fct": ("test", ["model.p.fct"]),
            "test.p.fct_to_its_ancestor": ("test", ["model.p.fct", "model.p.stg"]),  # buildable at fct
            "test.p.fct_to_joined_seed": ("test", ["model.p.fct", "seed.p.codes"]),  # seed is an ancestor
            "test.p.fct_to_dim": ("test", ["model.p.fct", "model.p.dim"]),  # dim: not an ancestor
            "test.p.dim_to_seed": ("test", ["model.p.dim", "seed.p.codes"]),  # seed: not an ancestor
            "test.p.stg_to_records": ("test", ["model.p.int_person_records", "model.p.stg"]),
            "test.p.seeds_only": ("test", ["seed.p.codes"]),
        }
    )
    assert person_records_nodes(manifest) == {"seed.p.codes", "model.p.stg", "model.p.int_person_records"}
    assert cross_model_tests(manifest) == {"person_records": [], "warehouse": ["dim_to_seed", "fct_to_dim"]}


# ---- summaries -----------------------------------------------------------------------------------------------


def test_redact_blanks_every_quoted_literal() -> None:
    message = """Conversion Error: Could not convert string 'Smith, J' to INT32 near "GL50 2BB" """
    assert redact(message) == "Conversion Error: Could not convert string '' to INT32 near \"\""
    assert redact("see 'O''Brien' here") == "see '' here"  # SQL's doubled quote inside a literal
    assert len(redact("x" * 1000)) == 400


def test_an_in_process_dbt_run_logs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """dbt's log would quote database errors (data values) verbatim: an in-process run writes none, to the console
    or to a file, unless the environment asks for it."""
    logs = tmp_path / "logs"
    monkeypatch.setenv("DBT_LOG_PATH", str(logs))
    for name in dbt_build.IN_PROCESS_LOGGING:
        monkeypatch.delenv(name, raising=False)
    capfd.readouterr()
    assert invoke(["parse"], target_dir=tmp_path / "target").success
    assert capfd.readouterr() == ("", "")
    assert not (logs / "dbt.log").exists()
    monkeypatch.setenv("DBT_LOG_LEVEL", "info")  # an engineer's explicit choice wins
    monkeypatch.setenv("DBT_LOG_LEVEL_FILE", "debug")
    assert invoke(["parse"], target_dir=tmp_path / "target").success
    assert "Running with dbt=" in capfd.readouterr().out
    assert (logs / "dbt.log").stat().st_size > 0


def _result(unique_id: str, kind: str, status: str, message: str | None = None) -> SimpleNamespace:
    node = SimpleNamespace(unique_id=unique_id, resource_type=kind)
    return SimpleNamespace(node=node, status=status, message=message)


def test_phase_summary_counts_each_kind_and_lists_failures() -> None:
    results = SimpleNamespace(
        results=[
            _result("seed.ascwh.locality", "seed", "success"),
            _result("model.ascwh.fct_a", "model", "success"),
            _result("model.ascwh.fct_b", "model", "error", "Binder Error: column 'Smith' not found"),
            _result("model.ascwh.fct_c", "model", "skipped"),
            _result("test.ascwh.unique_a", "test", "pass"),
            _result("test.ascwh.not_null_b", "test", "fail", "Got 3 results, configured to fail if != 0"),
            _result("test.ascwh.accepted_values_c", "test", "warn", "Got 1 result, configured to warn if != 0"),
            _result("unit_test.ascwh.fct_a.ut", "unit_test", "pass"),
            _result("operation.ascwh.on-run-end-0", "operation", "success"),
        ]
    )
    phase = PhaseSummary("warehouse", seconds=2.5)
    dbt_build._tally(phase, results)

    assert (phase.seeds.passed, phase.models.passed, phase.models.failed, phase.models.skipped) == (1, 1, 1, 1)
    assert (phase.tests.passed, phase.tests.failed, phase.tests.warned) == (2, 1, 1)
    assert [(f.node, f.status) for f in phase.failures] == [
        ("model.ascwh.fct_b", "error"),
        ("test.ascwh.not_null_b", "fail"),
    ]
    assert phase.failures[0].message == "Binder Error: column '' not found"
    assert [w.node for w in phase.warnings] == ["test.ascwh.accepted_values_c"]
    assert not phase.ok
    text = "\n".join(BuildSummary("duckdb", phases=[phase]).lines())
    assert "FAILED" in text and "fail: test.ascwh.not_null_b: Got 3 results" in text and "Smith" not in text


def test_a_failing_phase_stops_the_build_and_raises(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[str] = []

    def phase(selector: str, *args: Any, **kwargs: Any) -> PhaseSummary:
        ran.append(selector)
        summary = PhaseSummary(selector)
        if selector == "person_records":
            summary.failures.append(dbt_build.NodeFailure("model.ascwh.stg_x", "model", "error", "boom"))
        return summary

    monkeypatch.setattr(dbt_build, "parse", lambda *a: None)
    monkeypatch.setattr(dbt_build, "run_phase", phase)
    monkeypatch.setattr(dbt_build, "run_link_phase", lambda *a: ran.append("linkage") or PhaseSummary("linkage"))

    announced: list[str] = []
    with pytest.raises(DbtBuildError, match=r"phase person_records: model\.ascwh\.stg_x") as raised:
        build_warehouse(settings, on_phase=announced.append)
    assert ran == ["person_records"]
    assert announced == [dbt_build.PHASE_DESCRIPTIONS["parse"], dbt_build.PHASE_DESCRIPTIONS["person_records"]]
    assert not raised.value.summary.ok
    with pytest.raises(ValueError, match="unknown dbt target"):
        build_warehouse(settings, target="oracle")


# ---- one writer at a time ------------------------------------------------------------------------------------


def _locked_elsewhere(warehouse: Path) -> bool:
    """Whether another holder has the writer lock: try it on a new open file (flock conflicts even in-process)."""
    with open(lock_path(warehouse), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def test_the_build_holds_the_writer_lock_on_duckdb(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, bool] = {}

    def phase(selector: str, *args: Any, **kwargs: Any) -> PhaseSummary:
        seen[selector] = _locked_elsewhere(settings.warehouse)
        return PhaseSummary(selector)

    def link(settings_: Settings, target: str, retrain: bool) -> PhaseSummary:
        seen["linkage"] = _locked_elsewhere(settings_.warehouse)
        if target == "duckdb":
            with warehouse_lock(settings_.warehouse, timeout=0.1):  # re-entrant: the linkage step takes it too
                pass
        return PhaseSummary("linkage")

    monkeypatch.setattr(dbt_build, "parse", lambda *a: None)
    monkeypatch.setattr(dbt_build, "run_phase", phase)
    monkeypatch.setattr(dbt_build, "run_link_phase", link)
    build_warehouse(settings)
    assert seen == {"person_records": True, "linkage": True, "warehouse": True}
    assert not _locked_elsewhere(settings.warehouse)

    build_warehouse(settings, target="postgres")  # the server handles its own concurrency
    assert seen == {"person_records": False, "linkage": False, "warehouse": False}


def test_the_writer_lock_keeps_out_another_process(settings: Settings) -> None:
    settings.warehouse.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from ingestion.warehouse import "
         "warehouse_lock\nwith warehouse_lock(Path(sys.argv[1])):\n print('held', flush=True); time.sleep(60)",
         str(settings.warehouse)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseBusy), warehouse_lock(settings.warehouse, timeout=0.5):
            pass
    finally:
        holder.kill()
        holder.wait()
    with warehouse_lock(settings.warehouse, timeout=5):
        pass


# ---- the copy to PostgreSQL: types ---------------------------------------------------------------------------


def test_postgres_types_of_the_raw_layer() -> None:
    from ingestion.postgres_copy import pg_type

    assert pg_type("DECIMAL(18,4)") == "numeric(18, 4)"
    assert pg_type("TIMESTAMP WITH TIME ZONE") == "timestamptz"
    assert pg_type("VARCHAR[]") == "text[]"
    assert pg_type("JSON") == "jsonb"
    with pytest.raises(ValueError):
        pg_type("MAP(VARCHAR, INTEGER)")


# ---- real builds: DuckDB, then PostgreSQL ----------------------------------------------------------------------


def _counts_duckdb(warehouse: Path, schema: str) -> dict[str, int]:
    conn = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = conn.execute(
            "select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE'",
            [schema],
        ).fetchall()
        return {t: conn.execute(f'select count(*) from {schema}."{t}"').fetchone()[0] for (t,) in tables}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def duckdb_build(small_year_built: tuple[Settings, BuildSummary]) -> tuple[Settings, BuildSummary]:
    """The small year built on DuckDB by build_warehouse (conftest), with the summary."""
    return small_year_built


@pytest.mark.slow
def test_the_build_passes_on_duckdb(duckdb_build: tuple[Settings, BuildSummary]) -> None:
    settings, summary = duckdb_build

    assert summary.ok
    assert [phase.name for phase in summary.phases] == ["parse", "person_records", "linkage", "warehouse"]
    _, first, linkage, rest = summary.phases
    assert first.seeds.passed > 30 and first.models.passed and first.tests.passed
    assert rest.models.passed > 20 and rest.tests.passed > 100
    assert linkage.detail["records"] > linkage.detail["persons"] > 0
    assert all(phase.models.failed == phase.tests.failed == 0 for phase in summary.phases)
    print("\n".join(summary.lines()))  # the phase timings, in the test log

    marts = _counts_duckdb(settings.warehouse, "marts")
    assert {m: marts.get(m, 0) for m in KEY_MARTS if not marts.get(m)} == {}


@pytest.fixture(scope="module")
def postgres_database() -> Any:
    """A fresh PostgreSQL database for the test (ASCWH_PG_DATABASE points at it), dropped afterwards."""
    from ingestion.postgres_copy import create_database, drop_database

    name = f"ascwh_test_{os.getpid()}"
    try:
        create_database(name, drop_first=True)
    except Exception as exc:  # psycopg2.OperationalError when no server listens
        pytest.skip(f"no PostgreSQL server for the test: {type(exc).__name__}")
    saved = os.environ.get("ASCWH_PG_DATABASE")
    os.environ["ASCWH_PG_DATABASE"] = name
    yield name
    if saved is None:
        os.environ.pop("ASCWH_PG_DATABASE", None)
    else:
        os.environ["ASCWH_PG_DATABASE"] = saved
    drop_database(name)


def _counts_postgres(database: str, schema: str) -> dict[str, int]:
    import psycopg2

    from ingestion.postgres_copy import pg_connect_kwargs

    conn = psycopg2.connect(**pg_connect_kwargs(database))
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "select table_name from information_schema.tables where table_schema = %s "
                "and table_type = 'BASE TABLE'",
                (schema,),
            )
            tables = [t for (t,) in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(f'select count(*) from {schema}."{table}"')
                counts[table] = cursor.fetchone()[0]
            return counts
    finally:
        conn.close()


@pytest.mark.slow
def test_the_same_project_builds_on_postgres_with_the_same_marts(
    duckdb_build: tuple[Settings, BuildSummary], postgres_database: str, tmp_path: Path
) -> None:
    from ingestion.postgres_copy import copy_to_postgres

    settings, _ = duckdb_build
    copied = copy_to_postgres(settings.warehouse, postgres_database)
    raw = _counts_duckdb(settings.warehouse, "ingest")
    assert {t: n for t, n in copied.rows.items() if t.startswith("ingest.")} == {
        f"ingest.{t}": n for t, n in raw.items()
    }
    assert copied.rows["raw.council__events_current"] > 0

    summary = build_warehouse(settings, target="postgres", target_dir=tmp_path / "target")
    print("\n".join(summary.lines()))
    assert summary.ok

    on_duckdb = _counts_duckdb(settings.warehouse, "marts")
    on_postgres = _counts_postgres(postgres_database, "marts")
    assert set(KEY_MARTS) <= set(on_postgres)
    differ = {m: (n, on_postgres.get(m)) for m, n in on_duckdb.items() if on_postgres.get(m) != n}
    assert differ == {}, "marts with other row counts on PostgreSQL (duckdb, postgres)"

    # the nightly path on PostgreSQL: every incremental model's incremental SQL runs (nothing new: same marts)
    nightly = build_warehouse(settings, target="postgres", target_dir=tmp_path / "target")
    assert nightly.ok and _counts_postgres(postgres_database, "marts") == on_postgres
