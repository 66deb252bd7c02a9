"""Build the warehouse with dbt, in-process: staging and person records, the linkage step, then the rest.

The dbt project (``dbt_project/``) is run with dbt's programmatic entry point (``dbtRunner``), on the target
``duckdb`` (the embedded warehouse ingestion writes, ``ASCWH_WAREHOUSE``) or ``postgres`` (the server option,
``ASCWH_PG_*``). :func:`build_warehouse` parses the project once (``dbt parse``, which also writes the manifests
Cosmos and MetricFlow read) and runs three phases on that manifest:

1. ``dbt build --selector person_records``: the seeds and every model up to ``int_person_records``, with
   their tests (``dbt_project/selectors.yml``);
2. the linkage step (``ingestion.linkage.run_linkage``): Splink reads ``int_person_records`` and writes
   ``linkage.person_links`` and ``linkage.clerical_review``; a nightly build scores only the pairs of new and
   changed records with the stored model;
3. ``dbt build --selector warehouse``: everything else (person keys, dimensions, facts), with their tests.

A nightly build (not a full refresh) compares the project with the manifest of this warehouse's last successful
build (kept beside it, :func:`state_dir`) and runs phase 1 as ``--selector person_records_nightly --state <dir>``:
the seeds whose file and config are unchanged are not reloaded (their tables already hold those rows), nor are
the tests that read only them. Without that manifest, or when a seed table is missing, every seed is built.

While it writes a DuckDB warehouse it holds the warehouse's writer lock (``ingestion.warehouse.warehouse_lock``,
the lock file ingestion holds), so a build and an ingest never write the file at once. A failing model or
test raises :class:`DbtBuildError`, whose summary lists the failures by node and message; messages have
every quoted literal blanked, so no data value reaches a log.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

from ingestion.settings import Settings
from ingestion.warehouse import warehouse_lock

PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"
TARGETS = ("duckdb", "postgres")
PERSON_RECORDS_SELECTOR = "person_records"  # phase 1: seeds + staging + intermediate up to int_person_records
WAREHOUSE_SELECTOR = "warehouse"  # phase 3: everything phase 1 leaves out
# a nightly build's selector for a phase, run with --state: phase 1 less the seeds unchanged since the last build
NIGHTLY_SELECTORS = {PERSON_RECORDS_SELECTOR: "person_records_nightly"}
STATE_SUFFIX = ".dbt-state"  # <warehouse>.dbt-state/<target>/manifest.json: the last successful build's manifest
PHASE_ONE_ROOT = "int_person_records"  # the model the linkage step reads
BUILT_TYPES = ("model", "seed", "snapshot")
MANIFEST_ENV = "ASCWH_DBT_MANIFEST"  # where the DAG finds the parsed manifest (default: <target path>/manifest.json)
TARGET_PATH_ENV = "DBT_TARGET_PATH"  # dbt's own: where it writes target/ (the project folder may be read-only)

# the environment every dbt invocation gets: telemetry off, no colour codes in logs
DBT_ENV: dict[str, str] = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "False", "DBT_USE_COLORS": "False"}
# an in-process build's dbt logging, unless the environment sets it: none. dbt's own messages quote database
# errors verbatim, and those can quote data values; the build's summary (:meth:`BuildSummary.lines`) reports every
# failure and warning with quoted literals blanked. Logging at dbt's default levels cost 14% of a nightly build.
IN_PROCESS_LOGGING: dict[str, str] = {"DBT_LOG_LEVEL": "none", "DBT_LOG_LEVEL_FILE": "none"}

# what each phase does, in words: what build_warehouse tells its caller (on_phase) as the phase starts
PHASE_DESCRIPTIONS: dict[str, str] = {
    "parse": "parsing the dbt project",
    PERSON_RECORDS_SELECTOR: "seeds, staging and person records, with their tests",
    "linkage": "linking people across the four systems (Splink)",
    WAREHOUSE_SELECTOR: "person keys, dimensions and facts, with their tests",
}

# of the linkage summary, shown in the phase's line
DETAIL_KEYS = ("records", "rescored_records", "persons", "review_pairs")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\"")
_MESSAGE_LIMIT = 400


class DbtBuildError(RuntimeError):
    """dbt did not finish, or a model or test failed; ``summary`` tells which."""

    def __init__(self, message: str, summary: BuildSummary) -> None:
        super().__init__(message)
        self.summary = summary


@dataclass
class Tally:
    """Nodes of one kind in one phase, by outcome."""

    passed: int = 0
    failed: int = 0
    warned: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        parts = [f"{self.passed} passed"]
        parts += [f"{n} {label}" for n, label in ((self.failed, "failed"), (self.warned, "warned")) if n]
        parts += [f"{self.skipped} skipped"] if self.skipped else []
        return ", ".join(parts)


@dataclass
class NodeFailure:
    """A node that failed (error, test failure) or warned: its name and dbt's message, literals blanked."""

    node: str  # dbt unique id, e.g. model.ascwh.fct_assessments
    resource_type: str
    status: str
    message: str


@dataclass
class PhaseSummary:
    """One phase of the build: its time and what happened to each node."""

    name: str
    seconds: float = 0.0
    seeds: Tally = field(default_factory=Tally)
    models: Tally = field(default_factory=Tally)
    tests: Tally = field(default_factory=Tally)
    failures: list[NodeFailure] = field(default_factory=list)  # errors and failed tests
    warnings: list[NodeFailure] = field(default_factory=list)  # tests with severity warn that found rows
    error: str | None = None  # dbt (or the linkage step) stopped before running the nodes
    detail: dict[str, Any] = field(default_factory=dict)  # the linkage step's summary (counts, no personal data)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failures

    def line(self) -> str:
        text = f"{self.name}: {self.seconds:.1f} s"
        if self.seeds.passed or self.seeds.failed or self.seeds.skipped:
            text += f"; seeds {self.seeds}"
        if self.models.passed or self.models.failed or self.models.skipped:
            text += f"; models {self.models}"
        if self.tests.passed or self.tests.failed or self.tests.warned or self.tests.skipped:
            text += f"; tests {self.tests}"
        counts = [f"{self.detail[key]:,} {key.replace('_', ' ')}" for key in DETAIL_KEYS if key in self.detail]
        return text + (f"; {', '.join(counts)}" if counts else "")


@dataclass
class BuildSummary:
    """The outcome of :func:`build_warehouse`: the target, and each phase run."""

    target: str
    full_refresh: bool = False
    phases: list[PhaseSummary] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(phase.ok for phase in self.phases)

    @property
    def seconds(self) -> float:
        return sum(phase.seconds for phase in self.phases)

    @property
    def failures(self) -> list[NodeFailure]:
        return [failure for phase in self.phases for failure in phase.failures]

    def phase(self, name: str) -> PhaseSummary:
        return next(phase for phase in self.phases if phase.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok, "seconds": round(self.seconds, 3)}

    def lines(self) -> list[str]:
        """A readable summary: one line per phase, then each failure and warning."""
        refresh = ", full refresh" if self.full_refresh else ""
        lines = [f"dbt build on {self.target}{refresh}: {self.seconds:.1f} s, {'passed' if self.ok else 'FAILED'}"]
        for phase in self.phases:
            lines.append(f"  {phase.line()}")
            if phase.error:
                lines.append(f"    error: {phase.error}")
            lines += [f"    {f.status}: {f.node}: {f.message}" for f in phase.failures]
            lines += [f"    warn: {f.node}: {f.message}" for f in phase.warnings]
        return lines


# ---- the phases in the manifest (for the Airflow DAG, which renders them without running dbt) ----------------


def load_manifest(path: Path | None = None) -> dict[str, Any]:
    """The parsed manifest (default :func:`manifest_path`)."""
    return json.loads((path or manifest_path()).read_text())


def _parents(manifest: dict[str, Any], unique_id: str) -> list[str]:
    """The node's parents that are nodes (models, seeds, snapshots): sources and macros left out."""
    nodes = manifest["nodes"]
    return [p for p in nodes[unique_id].get("depends_on", {}).get("nodes", []) if p in nodes]


def person_records_nodes(manifest: dict[str, Any]) -> set[str]:
    """The seeds, models and snapshots of phase 1: every seed, int_person_records and its ancestors.

    The same set as ``dbt ls --selector person_records`` (dbt_project/selectors.yml); a test checks it."""
    nodes = manifest["nodes"]
    roots = [uid for uid, n in nodes.items() if n["resource_type"] == "model" and n["name"] == PHASE_ONE_ROOT]
    selected = {uid for uid, n in nodes.items() if n["resource_type"] == "seed"}
    stack = list(roots)
    while stack:
        uid = stack.pop()
        if uid not in selected:
            selected.add(uid)
            stack.extend(_parents(manifest, uid))
    return {uid for uid in selected | set(roots) if nodes[uid]["resource_type"] in BUILT_TYPES}


def _ancestors(manifest: dict[str, Any]) -> dict[str, set[str]]:
    """Every node's ancestors (models, seeds, snapshots; sources left out)."""
    found: dict[str, set[str]] = {}

    def visit(uid: str) -> set[str]:
        if uid not in found:
            found[uid] = set()  # a cycle cannot occur in a parsed project; this only guards the recursion
            for parent in _parents(manifest, uid):
                found[uid] |= {parent} | visit(parent)
        return found[uid]

    for uid in manifest["nodes"]:
        visit(uid)
    return found


def cross_model_tests(manifest: dict[str, Any]) -> dict[str, list[str]]:
    """Tests no model's task runs, by the phase after which the DAG runs them: their names.

    The DAG's model tasks run ``dbt build --select <model> --indirect-selection buildable``: the model, then
    the tests that read only it and its ancestors. A test that also reads a model or seed that is not an
    ancestor (a relationships test from a fact to a dimension or a code list it does not join) is left out
    there, since that model may not be built yet; the DAG runs these after the phase that builds the last
    of their parents. Tests that read only seeds run in the ``seeds`` task."""
    nodes = manifest["nodes"]
    phase_one = person_records_nodes(manifest)
    ancestors = _ancestors(manifest)
    deferred: dict[str, list[str]] = {PERSON_RECORDS_SELECTOR: [], WAREHOUSE_SELECTOR: []}
    for uid, node in nodes.items():
        if node["resource_type"] != "test":
            continue
        parents = set(_parents(manifest, uid))
        built = [p for p in parents if nodes[p]["resource_type"] != "seed"]
        if not built or any(parents <= {p} | ancestors[p] for p in built):
            continue  # the seeds task or a model's task runs it
        phase = PERSON_RECORDS_SELECTOR if parents <= phase_one else WAREHOUSE_SELECTOR
        deferred[phase].append(node["name"])
    return {phase: sorted(names) for phase, names in deferred.items()}


def redact(message: str | None) -> str:
    """dbt's message with every quoted literal blanked (values in SQL errors are quoted), on one short line."""
    text = _QUOTED.sub(lambda m: m.group(0)[0] * 2, message or "")
    text = " ".join(text.split())
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def target_path(path: Path | None = None) -> Path:
    """Where dbt writes its artefacts: ``path``, else ``$DBT_TARGET_PATH``, else ``dbt_project/target``."""
    chosen = path or os.environ.get(TARGET_PATH_ENV) or PROJECT_DIR / "target"
    return Path(chosen).absolute()


def manifest_path() -> Path:
    """The manifest the Airflow DAG renders: ``$ASCWH_DBT_MANIFEST``, else ``<target path>/manifest.json``."""
    return Path(os.environ.get(MANIFEST_ENV) or target_path() / "manifest.json").absolute()


PROJECT_SOURCES = ("models", "macros", "seeds", "tests", "dbt_project.yml", "selectors.yml")


def manifest_is_stale(manifest: Path) -> bool:
    """True when ``manifest`` is missing or older than a file of the project (a model, macro, seed, test or the
    project's and selectors' YAML): the DAG then parses the project again rather than render an old one."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for name in PROJECT_SOURCES:
        path = PROJECT_DIR / name
        paths = path.rglob("*") if path.is_dir() else [path]
        if any(p.stat().st_mtime > built for p in paths if p.is_file()):
            return True
    return False


def dbt_env(settings: Settings | None, target: str) -> dict[str, str]:
    """Environment variables for a dbt run on ``target`` (profiles.yml reads them)."""
    if target not in TARGETS:
        raise ValueError(f"unknown dbt target {target!r}; expected one of {', '.join(TARGETS)}")
    env = {**DBT_ENV, "ASCWH_DBT_TARGET": target}
    if settings is not None:
        env["ASCWH_WAREHOUSE"] = str(settings.warehouse)
    return env


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration (dbt reads ``env_var()`` from this process's environment)."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def invoke(
    args: Sequence[str],
    settings: Settings | None = None,
    target: str = "duckdb",
    target_dir: Path | None = None,
    manifest: Any = None,
) -> Any:
    """Run one dbt command in-process on the project and ``target``; return dbt's ``dbtRunnerResult``.

    Given ``manifest`` (the ``Manifest`` a ``parse`` returned), dbt runs on it without parsing the project again."""
    from dbt.cli.main import dbtRunner

    flags = ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR), "--target", target]
    flags += ["--target-path", str(target_path(target_dir))]
    logging = {key: value for key, value in IN_PROCESS_LOGGING.items() if key not in os.environ}
    with environment({**logging, **dbt_env(settings, target)}):
        try:
            return dbtRunner(manifest=manifest).invoke([*args, *flags])
        finally:
            release_connections()


def release_connections() -> None:
    """Close what dbt leaves open in this process after an in-process run.

    dbt keeps its adapters, and dbt-duckdb its database handle, for the life of the process: the DuckDB
    file would stay open for writing after the build, so no other process (an ingest) could open it, and
    this one could not open it read-only. Reset the adapters and drop dbt-duckdb's environment."""
    from dbt.adapters.factory import reset_adapters

    reset_adapters()
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # pragma: no cover - dbt-duckdb is a dependency
        return
    environment = getattr(DuckDBConnectionManager, "_ENV", None)
    DuckDBConnectionManager.close_all_connections()  # forgets the environment (does not close its database)
    if environment is not None:
        environment.close()


def parse(settings: Settings | None, target: str, target_dir: Path | None, summary: BuildSummary) -> Any:
    """``dbt parse``: write ``manifest.json`` and ``semantic_manifest.json`` (Cosmos and MetricFlow read them) and
    return dbt's ``Manifest``, adding a phase ``parse`` to ``summary``. Needs no database. Raises
    :class:`DbtBuildError` when the project does not parse."""
    started = time.monotonic()
    result = invoke(["parse"], settings, target, target_dir)
    phase = PhaseSummary("parse", time.monotonic() - started)
    if not result.success:
        phase.error = redact(str(result.exception))
    _run_step(summary, phase)
    return result.result


def parse_project(settings: Settings | None = None, target: str = "duckdb", target_dir: Path | None = None) -> Path:
    """``dbt parse`` (:func:`parse`); returns the written manifest's path."""
    parse(settings, target, target_dir, BuildSummary(target))
    return target_path(target_dir) / "manifest.json"


def _tally(phase: PhaseSummary, run_results: Any) -> None:
    """Count the results of a ``dbt build`` into ``phase`` and list its failures and warnings."""
    for result in getattr(run_results, "results", None) or []:
        node = result.node
        kind = str(getattr(node.resource_type, "value", node.resource_type))
        status = str(getattr(result.status, "value", result.status))
        tally = {"seed": phase.seeds, "model": phase.models, "snapshot": phase.models}.get(kind)
        tally = tally or (phase.tests if kind in ("test", "unit_test") else Tally())  # hooks: failures only
        if status in ("success", "pass"):
            tally.passed += 1
        elif status == "skipped":
            tally.skipped += 1
        elif status == "warn":
            tally.warned += 1
            phase.warnings.append(NodeFailure(node.unique_id, kind, status, redact(result.message)))
        else:  # error, fail, runtime error
            tally.failed += 1
            phase.failures.append(NodeFailure(node.unique_id, kind, status, redact(result.message)))


def state_dir(settings: Settings, target: str) -> Path:
    """Where a build keeps the manifest of the last successful build of this warehouse: beside the DuckDB file,
    ``<warehouse>.dbt-state/duckdb``, or for PostgreSQL ``.../postgres-<host>-<port>-<database>``."""
    base = settings.warehouse.with_name(settings.warehouse.name + STATE_SUFFIX)
    if target != "postgres":
        return base / target
    from ingestion.postgres_copy import pg_connect_kwargs

    server = pg_connect_kwargs()
    return base / f"postgres-{server['host']}-{server['port']}-{server['dbname']}"


def _tables(settings: Settings, target: str) -> set[tuple[str, str]]:
    """Every (schema, table) of the warehouse, lower case."""
    query = "select lower(table_schema), lower(table_name) from information_schema.tables"
    if target == "postgres":
        import psycopg2

        from ingestion.postgres_copy import pg_connect_kwargs

        conn = psycopg2.connect(**pg_connect_kwargs())
        try:
            with conn.cursor() as cursor:
                cursor.execute(query)
                return set(cursor.fetchall())
        finally:
            conn.close()
    import duckdb

    try:
        with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
            return set(conn.execute(query).fetchall())
    except duckdb.Error:  # no such file, or this process has it open otherwise: then every seed is built
        return set()


def comparison_state(settings: Settings, target: str) -> Path | None:
    """The state a nightly build compares the project with (:func:`state_dir`), or None when every seed must be
    built: no manifest from a successful build of this warehouse, one another dbt version wrote, or a seed it
    lists has no table (the warehouse was re-created since)."""
    from dbt.version import __version__ as dbt_version

    folder = state_dir(settings, target)
    path = folder / "manifest.json"
    if not path.exists():
        return None
    manifest = load_manifest(path)
    if manifest["metadata"].get("dbt_version") != dbt_version:
        return None
    nodes = manifest["nodes"].values()
    seeds = {(n["schema"].lower(), n["alias"].lower()) for n in nodes if n["resource_type"] == "seed"}
    return folder if seeds <= _tables(settings, target) else None


def save_state(manifest: bytes, settings: Settings, target: str) -> None:
    """Keep ``manifest`` (of a build that succeeded) as the state the next nightly build compares with."""
    folder = state_dir(settings, target)
    folder.mkdir(parents=True, exist_ok=True)
    pending = folder / "manifest.json.tmp"
    pending.write_bytes(manifest)
    pending.replace(folder / "manifest.json")


def run_phase(
    selector: str,
    settings: Settings | None,
    target: str,
    full_refresh: bool = False,
    target_dir: Path | None = None,
    state: Path | None = None,
    manifest: Any = None,
) -> PhaseSummary:
    """``dbt build --selector <selector>``; return what happened (the phase is named for the selector; no raise).

    With ``state`` (a nightly build), the phase's nightly selector (:data:`NIGHTLY_SELECTORS`) compared with it.
    With ``manifest`` (of :func:`parse`), the project is not parsed again."""
    started = time.monotonic()
    if state is not None and selector in NIGHTLY_SELECTORS:
        args = ["build", "--selector", NIGHTLY_SELECTORS[selector], "--state", str(state)]
    else:
        args = ["build", "--selector", selector]
    args += ["--full-refresh"] if full_refresh else []
    result = invoke(args, settings, target, target_dir, manifest)
    phase = PhaseSummary(selector)
    _tally(phase, result.result)
    if result.exception is not None:
        phase.error = redact(f"{type(result.exception).__name__}: {result.exception}")
    elif not result.success and not phase.failures:
        phase.error = "dbt reported failure without a failing node"
    phase.seconds = time.monotonic() - started
    return phase


def link_people(settings: Settings, target: str = "duckdb", retrain: bool = False) -> Any:
    """The linkage step: ``ingestion.linkage.run_linkage`` on ``target``, holding the writer lock on DuckDB.

    ``retrain`` (a full refresh) trains the Splink model afresh; otherwise the stored model scores the records.
    Returns its ``LinkageSummary`` (counts and seconds, no personal data)."""
    from ingestion.linkage import run_linkage

    lock = warehouse_lock(settings.warehouse) if target == "duckdb" else nullcontext()
    with lock:
        return run_linkage(target=target, warehouse=settings.warehouse, retrain=retrain)


def run_link_phase(settings: Settings, target: str, retrain: bool = False) -> PhaseSummary:
    """Phase 2, timed; a failure is reported in the phase (``error``), not raised."""
    started = time.monotonic()
    phase = PhaseSummary("linkage")
    try:
        result = link_people(settings, target, retrain)
        phase.detail = asdict(result) if is_dataclass(result) and not isinstance(result, type) else {}
    except Exception as exc:  # reported in the summary, raised by build_warehouse
        phase.error = redact(f"{type(exc).__name__}: {exc}")
    phase.seconds = time.monotonic() - started
    return phase


def _run_step(summary: BuildSummary, phase: PhaseSummary) -> None:
    """Add a finished phase to the summary; raise :class:`DbtBuildError` if it failed."""
    summary.phases.append(phase)
    if not phase.ok:
        failed = phase.error or ", ".join(f.node for f in phase.failures)
        raise DbtBuildError(f"warehouse build failed in phase {phase.name}: {failed}", summary)


def build_warehouse(
    settings: Settings,
    target: str = "duckdb",
    full_refresh: bool = False,
    target_dir: Path | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> BuildSummary:
    """Build the warehouse on ``target`` in three phases (dbt, linkage, dbt); return the summary.

    ``on_phase`` is called with each phase's description (:data:`PHASE_DESCRIPTIONS`) as it starts, for a
    progress display: an in-process build shows none of dbt's own log (:data:`IN_PROCESS_LOGGING`).

    The project is parsed once (phase ``parse``), and both dbt phases run on that manifest.
    On DuckDB the warehouse's writer lock is held throughout. Raises :class:`DbtBuildError` (with the
    summary) as soon as a phase fails: a later phase would build on a broken one. A nightly build (not
    ``full_refresh``) skips the seeds unchanged since this warehouse's last successful build
    (:func:`comparison_state`); a build that succeeds keeps its manifest for the next one (:func:`save_state`).
    """
    summary = BuildSummary(target=target, full_refresh=full_refresh)
    dbt_env(settings, target)  # validates the target
    starting = on_phase or (lambda description: None)
    lock = warehouse_lock(settings.warehouse) if target == "duckdb" else nullcontext()
    with lock:
        state = None if full_refresh else comparison_state(settings, target)
        starting(PHASE_DESCRIPTIONS["parse"])
        manifest = parse(settings, target, target_dir, summary)  # once: both dbt phases run on it
        built = (target_path(target_dir) / "manifest.json").read_bytes()  # the project the phases build
        starting(PHASE_DESCRIPTIONS[PERSON_RECORDS_SELECTOR])
        phase_one = run_phase(PERSON_RECORDS_SELECTOR, settings, target, full_refresh, target_dir, state, manifest)
        _run_step(summary, phase_one)
        starting(PHASE_DESCRIPTIONS["linkage"])
        _run_step(summary, run_link_phase(settings, target, full_refresh))
        starting(PHASE_DESCRIPTIONS[WAREHOUSE_SELECTOR])
        _run_step(summary, run_phase(WAREHOUSE_SELECTOR, settings, target, full_refresh, target_dir, None, manifest))
        save_state(built, settings, target)
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ingestion.dbt_build``: build the warehouse (or only parse) on the settings from the environment."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=TARGETS, default=os.environ.get("ASCWH_DBT_TARGET", "duckdb"))
    parser.add_argument("--full-refresh", action="store_true", help="retrain the linkage, rebuild every model")
    parser.add_argument("--parse-only", action="store_true", help="only write target/manifest.json")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        if args.parse_only:
            print(parse_project(settings, args.target))
            return 0
        summary = build_warehouse(settings, args.target, args.full_refresh)
    except DbtBuildError as exc:
        print("\n".join(exc.summary.lines()), file=sys.stderr)
        return 1
    print("\n".join(summary.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
