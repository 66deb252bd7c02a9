"""Great Expectations Data Docs for the gate validations stored in the warehouse.

The pipeline validates with an ephemeral GX context, so GX keeps nothing between runs: the warehouse's
``ingest.gate_validations`` is the record (each row holds GX's own result JSON, without per-row lists).
``build_data_docs`` turns that record back into GX objects and lets GX's site builder render the site:

1. read the validations to show, under a shared lock on the warehouse (writers hold it exclusively), over a
   read-only connection that is closed before anything is rendered;
2. in an in-memory GX context, add the suites in ``expectations/`` and put each stored result into the
   validation results store under a ``ValidationResultIdentifier`` (suite; run name = the warehouse's
   ``validation_id``, run time = ``run_at``; batch = the first delivery id, ``<id>_and_<n>_more`` when the
   batch held more files); GX loads each one as an ``ExpectationSuiteValidationResult`` when it renders it;
3. build the site with GX's ``SiteBuilder`` into a staging folder inside ``settings.docs``, then swap it in,
   so a rebuild replaces the whole site (nothing stale survives) and a failed build leaves the old one.

Which validations: the latest ``limit`` by ``run_at``, the latest ``limit`` failed ones (failures older than
the window stay visible), and the latest of every suite, so at most ``2 * limit`` plus one per suite.

The pages carry what the stored results carry (statuses, counts, event dates of end-before-start pairs),
plus, per validation, the feed, the delivery ids and the delivered file names (under "Batch Parameters");
the suite pages note each expectation's outcome (reject, flag, quarantine), rule and specification line
(GX renders expectation notes on suite pages only).
Building needs no network. Viewing does, as with all GX Data Docs: the pages load Bootstrap, jQuery,
bootstrap-table and Font Awesome from public CDNs, and the index page's tables are filled in by that
JavaScript (the suite and validation pages are static HTML, unstyled without the CDNs).

GX catches any exception raised while rendering a page, logs it and writes no page; the build checks that
every validation page exists and logs an error naming those that do not.
"""

from __future__ import annotations

import copy
import fcntl
import json
import logging
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from ingestion.gates import EXPECTATIONS_DIR, load_suite
from ingestion.settings import Settings
from ingestion.warehouse import WarehouseBusy

log = logging.getLogger(__name__)

SITE_NAME = "ascwh"
LOCK_NAME = ".build.lock"  # in the docs folder: serialises builds (several DAGs publish)
STAGING_PREFIX = ".building-"
OLD_PREFIX = ".replaced-"
_SELECT = """
WITH ranked AS (
    SELECT v.*,
           row_number() OVER (ORDER BY run_at DESC, validation_id) AS recent,
           row_number() OVER (PARTITION BY success ORDER BY run_at DESC, validation_id) AS recent_same_outcome,
           row_number() OVER (PARTITION BY suite ORDER BY run_at DESC, validation_id) AS recent_in_suite
    FROM ingest.gate_validations v
)
SELECT validation_id, suite, feed, delivery_ids, run_at, success, result
FROM ranked
WHERE recent <= $limit OR (NOT success AND recent_same_outcome <= $limit) OR recent_in_suite = 1
ORDER BY run_at, validation_id
"""


@dataclass(frozen=True)
class StoredValidation:
    """One row of ``ingest.gate_validations``, with the file names of its deliveries."""

    validation_id: str
    suite: str
    feed: str
    delivery_ids: tuple[str, ...]
    files: tuple[str, ...]
    run_at: datetime
    success: bool
    result: dict  # GX's ExpectationSuiteValidationResult JSON, without per-row lists

    @property
    def batch_identifier(self) -> str:
        first = self.delivery_ids[0] if self.delivery_ids else "none"
        return first if len(self.delivery_ids) <= 1 else f"{first}_and_{len(self.delivery_ids) - 1}_more"


class DocsBusy(RuntimeError):
    """Another process is building the Data Docs."""


@contextmanager
def _flock(path: Path, mode: int, timeout: float, busy: RuntimeError, optional: bool = False) -> Iterator[None]:
    """Hold an advisory lock on ``path`` (created if missing), waiting up to ``timeout`` seconds. An optional
    lock that cannot be created (a read-only folder) is skipped."""
    try:
        handle = open(path, "a")  # noqa: SIM115 (closed below)
    except OSError as error:
        if not optional:
            raise
        log.warning("cannot open the lock file %s (%s): reading without it", path, error)
        yield
        return
    with handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise busy from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def stored_validations(warehouse: Path, limit: int = 200, timeout: float = 600.0) -> list[StoredValidation]:
    """The validations the Data Docs show (see the module docstring), oldest first."""
    if limit < 0:
        raise ValueError("limit must not be negative")
    if not warehouse.exists():
        return []
    # writers hold the lock file exclusively (ingestion.warehouse.open_warehouse); DuckDB would refuse a
    # read-only connection while another process has the file open for writing
    lock = warehouse.with_suffix(warehouse.suffix + ".lock")
    busy = WarehouseBusy(f"{warehouse} is being written by another process")
    with _flock(lock, fcntl.LOCK_SH, timeout, busy, optional=True):
        conn = duckdb.connect(str(warehouse), read_only=True)
        try:
            present = conn.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = 'ingest' AND table_name IN ('gate_validations', 'deliveries')"
            ).fetchone()
            if not present or present[0] < 2:
                return []
            rows = conn.execute(_SELECT, {"limit": limit}).fetchall()
            ids = sorted({d for row in rows for d in row[3]})
            names = dict(
                conn.execute(
                    "SELECT delivery_id, file_name FROM ingest.deliveries WHERE list_contains($ids, delivery_id)",
                    {"ids": ids},
                ).fetchall()
                if ids
                else []
            )
        finally:
            conn.close()
    return [
        StoredValidation(
            validation_id=vid,
            suite=suite,
            feed=feed,
            delivery_ids=tuple(dids),
            files=tuple(names.get(d, "?") for d in dids),
            run_at=run_at,
            success=bool(success),
            result=json.loads(result),
        )
        for vid, suite, feed, dids, run_at, success, result in rows
    ]


def _suite(name: str) -> dict:
    """A repository suite, with each expectation's outcome, rule and specification line as its GX notes (the
    suite's page shows them; validation pages do not)."""
    suite = copy.deepcopy(load_suite(name))  # load_suite is cached: never mutate what it returns
    for expectation in suite["expectations"]:
        meta = expectation.get("meta") or {}
        if meta.get("outcome"):
            note = f"**{meta['outcome']}** `{meta.get('rule', '')}`"
            expectation["notes"] = f"{note}: {meta['spec']}" if meta.get("spec") else note
    return suite


def _result(stored: StoredValidation, run_id: dict) -> dict:
    """The stored result JSON, with this warehouse's identifiers and the batch's deliveries in its meta."""
    data = copy.deepcopy(stored.result)
    meta = data.get("meta") or {}
    definition = meta.get("active_batch_definition") or {}
    meta["run_id"] = run_id
    meta["batch_spec"] = {
        **(meta.get("batch_spec") or {}),
        "data_asset_name": definition.get("data_asset_name") or stored.suite,
    }
    meta["batch_parameters"] = {
        "feed": stored.feed,
        "validation_id": stored.validation_id,
        "deliveries": ", ".join(f"{d} ({f})" for d, f in zip(stored.delivery_ids, stored.files, strict=True)),
    }
    data["meta"] = meta
    return data


def _context(site: Path):
    """An in-memory GX context whose only Data Docs site writes to ``site``."""
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    for name in list(context.list_data_docs_sites()):  # GX adds a local_site in a temporary folder
        context.delete_data_docs_site(name)
    context.add_data_docs_site(
        SITE_NAME,
        {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(site)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    return context


@contextmanager
def _own_gx_context() -> Iterator[None]:
    """Give back GX's process-wide "current" context afterwards: ``gx.get_context`` makes the context it
    returns the current one, and the pipeline's gatekeeper (same process in the demo and in tests) made its
    own first."""
    from great_expectations.data_context import set_context
    from great_expectations.data_context.data_context.context_factory import project_manager

    try:
        previous = project_manager.get_current_project()
    except Exception:  # DataContextRequiredError: none yet
        previous = None
    try:
        yield
    finally:
        set_context(previous)


def _render(site: Path, validations: list[StoredValidation]) -> list[Path]:
    """Render the suites and validations into ``site`` with GX's site builder; return the validation pages
    (relative to ``site``) it should have written."""
    with _own_gx_context():
        return _build(_context(site), validations)


def _build(context, validations: list[StoredValidation]) -> list[Path]:
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    for path in sorted(EXPECTATIONS_DIR.glob("*.json")):
        context.suites.add(gx.ExpectationSuite(**_suite(path.stem)))
    store = context.validation_results_store
    pages = []
    for stored in validations:
        run_id = RunIdentifier(run_name=stored.validation_id, run_time=stored.run_at)
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=stored.suite),
            run_id=run_id,
            batch_identifier=stored.batch_identifier,
        )
        run = {"run_name": stored.validation_id, "run_time": run_id.run_time.isoformat()}
        # The store's own set() would load the JSON into an ExpectationSuiteValidationResult only to dump it
        # back to JSON (about 15 ms a result); its in-memory backend takes the JSON dict as it is, and every
        # read (``ValidationResultsStore.deserialize``) loads a dict through GX's schema, validating it.
        store.store_backend.set(store.key_to_tuple(key), _result(stored, run))
        *folders, batch = key.to_tuple()  # how GX's HtmlSiteStore lays out validation pages
        pages.append(Path("validations", *folders, f"{batch}.html"))
    context.build_data_docs(site_names=[SITE_NAME])
    return pages


def _swap(docs: Path, staging: Path) -> None:
    """Replace the contents of ``docs`` with those of ``staging`` (a folder inside it).

    ``docs`` itself is kept (it may be a mounted volume); the old entries are first moved aside with renames,
    so readers see a missing page for as short a time as possible.
    """
    old = docs / f"{OLD_PREFIX}{uuid.uuid4().hex}"
    old.mkdir()
    for entry in list(docs.iterdir()):
        if entry not in (staging, old) and entry.name != LOCK_NAME:
            entry.rename(old / entry.name)
    for entry in staging.iterdir():
        entry.rename(docs / entry.name)
    staging.rmdir()
    shutil.rmtree(old, ignore_errors=True)


def build_data_docs(settings: Settings, limit: int = 200) -> Path:
    """Render GX Data Docs for the stored gate validations and the suites into ``settings.docs``.

    Shows the latest ``limit`` validations, the latest ``limit`` failed ones and the latest of each suite
    (see the module docstring). Rebuilding replaces the whole site. Returns the path of ``index.html``.
    """
    started = time.perf_counter()
    validations = stored_validations(settings.warehouse, limit)
    docs = settings.docs
    docs.mkdir(parents=True, exist_ok=True)
    with _flock(docs / LOCK_NAME, fcntl.LOCK_EX, 600.0, DocsBusy(f"{docs} is being built by another process")):
        for leftover in [*docs.glob(f"{STAGING_PREFIX}*"), *docs.glob(f"{OLD_PREFIX}*")]:  # a killed build's
            shutil.rmtree(leftover, ignore_errors=True)
        staging = docs / f"{STAGING_PREFIX}{uuid.uuid4().hex}"
        try:
            pages = _render(staging, validations)
            missing = [str(page) for page in pages if not (staging / page).is_file()]
            if missing:
                log.error("GX did not render %d validation page(s) (see its errors above): %s", len(missing), missing)
            _swap(docs, staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    log.info(
        "Data Docs: %d validations and the suites rendered into %s in %.1f s",
        len(validations),
        docs,
        time.perf_counter() - started,
    )
    return docs / "index.html"
