"""Checks of the deployment files that need no Docker engine.

docker-compose.yml, docker/Dockerfile and .dockerignore are checked against the Compose specification, the
repository's files, the Airflow 3 CLI installed in the project venv and ``ingestion.settings``. Each check
collects problems as readable strings; the self-checks at the end feed the checkers broken input to show
that they do report problems.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import entry_points
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "docker" / "Dockerfile"
VENV_BIN = Path(sys.executable).parent

# Long-running Airflow 3 components and the subcommand each must run.
AIRFLOW_COMPONENTS = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
}
INIT_SERVICE = "airflow-init"
DB_SERVICE = "postgres"

# Settings every Airflow container must have (value None: any non-empty value; compared case-blind).
REQUIRED_AIRFLOW_ENV = {
    "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": None,
    "AIRFLOW__CORE__DAGS_FOLDER": None,
    "AIRFLOW__CORE__LOAD_EXAMPLES": "false",
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "false",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": None,
    "AIRFLOW__API_AUTH__JWT_SECRET": None,
}

# Paths that must reach the image through the build context, and paths that must not.
KEPT_IN_CONTEXT = (
    "pyproject.toml",
    "uv.lock",
    "README.md",
    "ingestion/__init__.py",
    "ingestion/settings.py",
    "dags/ingest_council.py",
    "expectations/council__events.json",
    "dbt_project/dbt_project.yml",
    "dbt_project/seeds/codes/locality.csv",
)
LEFT_OUT_OF_CONTEXT = (
    ".venv/bin/python",
    ".git/HEAD",
    ".env",
    "data/landing/x.csv",
    ".ascwh/warehouse/a.duckdb",
)

_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


# ---------------------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    """A console script of the project venv (beside the running interpreter), else one on PATH."""
    candidate = VENV_BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (run `uv sync`)")
    return found


def _interpolate(value: str) -> str:
    """Compose-style ${VAR:-default} interpolation with defaults only; $$ is a literal $."""
    escaped = "\0"
    text = value.replace("$$", escaped)
    text = _INTERPOLATION.sub(lambda m: m.group(3) if m.group(2) in (":-", "-") else "", text)
    return text.replace(escaped, "$")


def _services(compose: dict) -> dict[str, dict]:
    return compose.get("services") or {}


def _dockerfile_of(service: dict) -> Path | None:
    build = service.get("build")
    if build is None:
        return None
    if isinstance(build, str):
        return (ROOT / build / "Dockerfile").resolve()
    context = ROOT / _interpolate(str(build.get("context", ".")))
    return (context / _interpolate(str(build.get("dockerfile", "Dockerfile")))).resolve()


def _airflow_services(compose: dict) -> dict[str, dict]:
    """Services built from docker/Dockerfile, i.e. the ones that run Airflow."""
    return {name: svc for name, svc in _services(compose).items() if _dockerfile_of(svc) == DOCKERFILE.resolve()}


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def _mounts(service: dict) -> list[dict]:
    """Volumes of a service in long form: {type, source, target, read_only}."""
    mounts = []
    for entry in service.get("volumes") or []:
        if isinstance(entry, dict):
            mounts.append(
                {
                    "type": entry.get("type", "volume"),
                    "source": _interpolate(str(entry.get("source", ""))),
                    "target": entry["target"],
                    "read_only": bool(entry.get("read_only", False)),
                }
            )
            continue
        parts = _interpolate(entry).split(":")
        if len(parts) == 1:  # anonymous volume
            mounts.append({"type": "volume", "source": "", "target": parts[0], "read_only": False})
            continue
        source, target, mode = parts[0], parts[1], parts[2] if len(parts) > 2 else ""
        kind = "bind" if source.startswith((".", "/", "~")) else "volume"
        mounts.append({"type": kind, "source": source, "target": target, "read_only": "ro" in mode.split(",")})
    return mounts


def _dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    instructions, current = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if current and line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        keyword, _, args = current.strip().partition(" ")
        instructions.append((keyword.upper(), args.strip()))
        current = ""
    return instructions


def _copy_sources(dockerfile_text: str) -> list[str]:
    """Sources the Dockerfile COPYs/ADDs from the build context (copies from other stages excluded)."""
    sources = []
    for keyword, args in _dockerfile_instructions(dockerfile_text):
        if keyword not in ("COPY", "ADD"):
            continue
        words = json.loads(args) if args.startswith("[") else shlex.split(args)
        flags = [w for w in words if w.startswith("--")]
        if any(flag.startswith("--from") for flag in flags):
            continue
        paths = [w for w in words if not w.startswith("--")]
        sources.extend(paths[:-1])
    return sources


def _dockerignore_rules(text: str) -> list[tuple[bool, re.Pattern]]:
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line[1:].strip() if negated else line
        pattern = pattern.strip("/")
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex += "(?:.*/)?"
                i += 3
            elif pattern.startswith("**", i):
                regex += ".*"
                i += 2
            elif pattern[i] == "*":
                regex += "[^/]*"
                i += 1
            elif pattern[i] == "?":
                regex += "[^/]"
                i += 1
            else:
                regex += re.escape(pattern[i])
                i += 1
        rules.append((negated, re.compile(regex)))
    return rules


def _is_ignored(path: str, rules: list[tuple[bool, re.Pattern]]) -> bool:
    """Docker's rule: the last matching pattern wins; a pattern matching a folder covers what is inside."""
    parts = path.strip("/").split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for negated, regex in rules:
        if any(regex.fullmatch(candidate) for candidate in candidates):
            ignored = not negated
    return ignored


def _airflow_invocations_in_shell(script: str) -> list[list[str]]:
    """Argument lists of every `airflow ...` command in a shell snippet."""
    found = []
    for line in script.splitlines():
        for match in re.finditer(r"(?<![\w./$-])airflow[ \t]+(?=[a-z])([^\n;&|)]*)", line):
            try:
                found.append(shlex.split(match.group(1)))
            except ValueError:
                found.append(match.group(1).split())
    return found


def _airflow_invocations(service: dict) -> list[list[str]]:
    """Airflow CLI argument lists a service runs: its command (through the image entrypoint) and healthcheck.

    The official image's entrypoint runs `airflow <command>` unless the command starts with bash or python.
    """
    invocations = []
    command = service.get("command")
    if command is not None and "entrypoint" not in service:
        words = shlex.split(command) if isinstance(command, str) else [str(w) for w in command]
        words = [_interpolate(w) for w in words]
        if words and words[0] == "bash":
            invocations += _airflow_invocations_in_shell(" ".join(words[1:]) if "-c" not in words else words[-1])
        elif words and words[0] != "python":
            invocations.append(words[1:] if words[0] == "airflow" else words)
    elif "entrypoint" in service:
        entry = service["entrypoint"]
        text = entry if isinstance(entry, str) else " ".join(map(str, entry))
        text += "\n" + (command if isinstance(command, str) else "\n".join(map(str, command or [])))
        invocations += _airflow_invocations_in_shell(_interpolate(text))
    test = (service.get("healthcheck") or {}).get("test")
    if isinstance(test, list) and test:
        if test[0] == "CMD" and len(test) > 1 and test[1] == "airflow":
            invocations.append([_interpolate(str(w)) for w in test[2:]])
        elif test[0] == "CMD-SHELL":
            invocations += _airflow_invocations_in_shell(_interpolate(" ".join(map(str, test[1:]))))
    elif isinstance(test, str):
        invocations += _airflow_invocations_in_shell(_interpolate(test))
    return invocations


def _subcommand(args: list[str]) -> tuple[str, ...]:
    """The (group, command) or (command,) part of an airflow argument list."""
    words = []
    for word in args:
        if not re.fullmatch(r"[a-z][a-z0-9-]*", word) or len(words) == 2:
            break
        words.append(word)
    return tuple(words)


def _long_options(args: list[str]) -> list[tuple[str, str | None]]:
    """(--option, value or None) pairs of an argument list."""
    options = []
    for i, word in enumerate(args):
        if not word.startswith("--"):
            continue
        if "=" in word:
            name, value = word.split("=", 1)
        else:
            following = args[i + 1] if i + 1 < len(args) else None
            name, value = word, following if following and not following.startswith("-") else None
        options.append((name, value))
    return options


# Runs the venv's `airflow` console-script entry point once per argument list, each in a child forked after
# a single import of Airflow (a fresh `airflow` process per subcommand costs ~3 s of CPU each).
_AIRFLOW_HELP_DRIVER = """
import json, os, sys, tempfile
from airflow.__main__ import main
results = []
for argv in json.loads(sys.argv[1]):
    with tempfile.TemporaryFile(mode="w+") as out:
        sys.stdout.flush(); sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os.dup2(out.fileno(), 1); os.dup2(out.fileno(), 2)
            sys.argv = ["airflow", *argv]
            code = 1
            try:
                code = main() or 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:
                import traceback; traceback.print_exc()
            sys.stdout.flush(); sys.stderr.flush()
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        out.seek(0)
        results.append([argv, os.waitstatus_to_exitcode(status), out.read()])
with open(sys.argv[2], "w") as f:
    json.dump(results, f)
"""


def _run_airflow_help(subcommands: list[tuple[str, ...]], airflow_home: Path) -> dict[tuple, tuple[int, str]]:
    """`airflow <subcommand> --help` for each subcommand, from the venv; return (exit code, output)."""
    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "airflow"]
    assert script.value == "airflow.__main__:main", f"the airflow command now runs {script.value}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    env |= {"AIRFLOW_HOME": str(airflow_home), "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    results_file = airflow_home / "help.json"
    argvs = [[*sub, "--help"] for sub in subcommands]
    run = subprocess.run(
        [sys.executable, "-c", _AIRFLOW_HELP_DRIVER, json.dumps(argvs), str(results_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return {tuple(argv[:-1]): (code, out) for argv, code, out in json.loads(results_file.read_text())}


def bind_mount_problems(compose: dict, root: Path = ROOT) -> list[str]:
    problems = []
    declared = set((compose.get("volumes") or {}).keys())
    for name, service in _services(compose).items():
        for mount in _mounts(service):
            if mount["type"] == "bind":
                source = Path(mount["source"]).expanduser()
                if not (root / source).exists():
                    problems.append(f"{name}: bind-mount source {mount['source']} does not exist")
            elif mount["type"] == "volume" and mount["source"] and mount["source"] not in declared:
                problems.append(f"{name}: named volume {mount['source']} is not declared under volumes:")
    return problems


def build_problems(compose: dict, root: Path = ROOT) -> list[str]:
    problems = []
    for name, service in _services(compose).items():
        build = service.get("build")
        if build is None:
            continue
        context = root / _interpolate(str(build if isinstance(build, str) else build.get("context", ".")))
        if not context.is_dir():
            problems.append(f"{name}: build context {context} is not a folder")
            continue
        dockerfile = "Dockerfile" if isinstance(build, str) else _interpolate(build.get("dockerfile", "Dockerfile"))
        if not (context / dockerfile).is_file():
            problems.append(f"{name}: dockerfile {dockerfile} not found in {context}")
    return problems


def copy_problems(dockerfile_text: str, context: Path, dockerignore_text: str) -> list[str]:
    problems = []
    rules = _dockerignore_rules(dockerignore_text)
    sources = _copy_sources(dockerfile_text)
    if not sources:
        problems.append("the Dockerfile copies nothing from the build context")
    for source in sources:
        matches = list(context.glob(source)) if any(c in source for c in "*?[") else [context / source]
        if not matches or not all(m.exists() for m in matches):
            problems.append(f"COPY source {source} does not exist in {context}")
            continue
        for match in matches:
            relative = match.resolve().relative_to(context.resolve()).as_posix()
            if relative != "." and _is_ignored(relative, rules):
                problems.append(f"COPY source {source} is excluded by .dockerignore")
    return problems


# ---------------------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    with COMPOSE_FILE.open() as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def dockerfile_text() -> str:
    return DOCKERFILE.read_text()


@pytest.fixture(scope="module")
def dockerignore_text() -> str:
    return (ROOT / ".dockerignore").read_text()


@pytest.fixture(scope="module")
def airflow_help(compose: dict, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple, tuple[int, str]]:
    subcommands = {
        _subcommand(args) for svc in _airflow_services(compose).values() for args in _airflow_invocations(svc)
    }
    subcommands.discard(())
    # A made-up subcommand rides along to prove that `--help` of an unknown command fails.
    subcommands.add(("no-such-subcommand",))
    return _run_airflow_help(sorted(subcommands), tmp_path_factory.mktemp("airflow_home"))


# ---------------------------------------------------------------------------------------------------------
# (a) the Compose specification
# ---------------------------------------------------------------------------------------------------------


def test_compose_file_matches_compose_spec():
    result = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------------------
# (b) every path the deployment refers to exists
# ---------------------------------------------------------------------------------------------------------


def test_bind_mount_sources_exist(compose: dict):
    assert bind_mount_problems(compose) == []


def test_build_context_and_dockerfile_exist(compose: dict):
    assert build_problems(compose) == []
    assert _airflow_services(compose), "no service is built from docker/Dockerfile"


def test_dockerfile_copies_only_existing_unignored_files(dockerfile_text: str, dockerignore_text: str):
    assert copy_problems(dockerfile_text, ROOT, dockerignore_text) == []


def test_dockerignore_keeps_the_project_and_leaves_out_local_state(dockerignore_text: str):
    rules = _dockerignore_rules(dockerignore_text)
    assert [p for p in KEPT_IN_CONTEXT if _is_ignored(p, rules)] == []
    assert [p for p in LEFT_OUT_OF_CONTEXT if not _is_ignored(p, rules)] == []


def test_dockerfile_base_image_matches_the_lock(dockerfile_text: str):
    """The image has the Airflow and Python that uv.lock pins, and installs the lock without re-resolving."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    airflow = next(p["version"] for p in lock["package"] if p["name"] == "apache-airflow")
    python = re.search(r"(\d+\.\d+)", lock["requires-python"]).group(1)
    args = dict(a.split("=", 1) for k, a in _dockerfile_instructions(dockerfile_text) if k == "ARG" and "=" in a)
    froms = [a.split()[0] for k, a in _dockerfile_instructions(dockerfile_text) if k == "FROM"]
    final = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), froms[-1]).strip("\"'")
    assert final == f"apache/airflow:{airflow}-python{python}"
    assert re.search(r"uv export[^\n]*--frozen", dockerfile_text)
    assert re.search(r"pip install[^\n]*--no-deps[^\n]*-r ", dockerfile_text)


# ---------------------------------------------------------------------------------------------------------
# (c) every Airflow command is a real Airflow 3 CLI subcommand
# ---------------------------------------------------------------------------------------------------------


def test_services_run_real_airflow_subcommands(compose: dict, airflow_help: dict):
    problems = []
    for name, service in _airflow_services(compose).items():
        for args in _airflow_invocations(service):
            sub = _subcommand(args)
            if not sub:
                problems.append(f"{name}: `airflow {' '.join(args)}` names no subcommand")
                continue
            code, out = airflow_help[sub]
            if code != 0:
                problems.append(f"{name}: `airflow {' '.join(sub)} --help` exited {code}: {out[-300:]}")
                continue
            for option, value in _long_options(args):
                if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", out):
                    problems.append(f"{name}: `airflow {' '.join(sub)}` has no option {option}")
                choices = re.search(rf"{re.escape(option)} \{{([^}}]*)\}}", out)
                if choices and value is not None and value not in choices.group(1).split(","):
                    problems.append(f"{name}: {option} {value} is not one of {{{choices.group(1)}}}")
    assert problems == []
    assert airflow_help[("no-such-subcommand",)][0] != 0, "airflow --help accepts anything; check (c) is void"


def test_each_component_runs_its_subcommand(compose: dict):
    services = _services(compose)
    for name, subcommand in AIRFLOW_COMPONENTS.items():
        assert name in services, f"service {name} missing"
        assert (subcommand,) in {_subcommand(a) for a in _airflow_invocations(services[name])}, name
    init = [_subcommand(a) for a in _airflow_invocations(services[INIT_SERVICE])]
    assert ("db", "migrate") in init


# ---------------------------------------------------------------------------------------------------------
# (d) the stack: services, executor, database, execution API
# ---------------------------------------------------------------------------------------------------------


def test_required_services_exist_and_share_the_image(compose: dict):
    services = _services(compose)
    required = {DB_SERVICE, INIT_SERVICE, *AIRFLOW_COMPONENTS}
    assert required <= set(services), f"missing: {sorted(required - set(services))}"
    assert {INIT_SERVICE, *AIRFLOW_COMPONENTS} <= set(_airflow_services(compose))
    assert str(services[DB_SERVICE]["image"]).startswith("postgres:16")
    assert services[DB_SERVICE].get("healthcheck", {}).get("test"), "postgres has no healthcheck"


def test_airflow_environment(compose: dict):
    problems = []
    for name, service in _airflow_services(compose).items():
        env = _environment(service)
        for key, expected in REQUIRED_AIRFLOW_ENV.items():
            value = env.get(key, "")
            if not value:
                problems.append(f"{name}: {key} is not set")
            elif expected is not None and value.lower() != expected.lower():
                problems.append(f"{name}: {key}={value}, expected {expected}")
    assert problems == []
    jwt = {_environment(s)["AIRFLOW__API_AUTH__JWT_SECRET"] for s in _airflow_services(compose).values()}
    assert len(jwt) == 1, "the JWT secret must be the same in every Airflow container"


def test_startup_order(compose: dict):
    services = _services(compose)
    for name in [INIT_SERVICE, *AIRFLOW_COMPONENTS]:
        depends = services[name].get("depends_on") or {}
        assert depends.get(DB_SERVICE, {}).get("condition") == "service_healthy", name
    for name in AIRFLOW_COMPONENTS:
        condition = services[name]["depends_on"].get(INIT_SERVICE, {}).get("condition")
        assert condition == "service_completed_successfully", name


def test_connections_point_at_services(compose: dict):
    services = _services(compose)
    for name, service in _airflow_services(compose).items():
        env = _environment(service)
        db = urlsplit(_interpolate(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]))
        assert db.scheme.startswith("postgresql") and db.hostname == DB_SERVICE, name
        api = urlsplit(env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"])
        assert api.hostname in services, f"{name}: execution API host {api.hostname} is not a service"
        assert ("api-server",) in {_subcommand(a) for a in _airflow_invocations(services[api.hostname])}
        assert api.port == 8080 and api.path.rstrip("/") == "/execution", name
        dags = env["AIRFLOW__CORE__DAGS_FOLDER"]
        binds = {m["target"]: m["source"] for m in _mounts(service) if m["type"] == "bind"}
        assert Path(binds.get(dags, "")).as_posix().removeprefix("./") == "dags", f"{name}: {dags} is not ./dags"


# ---------------------------------------------------------------------------------------------------------
# (e) the ascwh settings
# ---------------------------------------------------------------------------------------------------------


def _ascwh_names_in_code() -> set[str]:
    """Every ASCWH_* name spelled out as a string in ingestion/ and dags/."""
    names = set()
    for folder in ("ingestion", "dags"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(re.findall(r"[\"'](ASCWH_[A-Z0-9_]+)[\"']", path.read_text()))
    return names


def test_env_names_the_settings_the_code_reads(compose: dict, dockerfile_text: str, monkeypatch: pytest.MonkeyPatch):
    """Compose sets every ENV_VARS name, sets no ASCWH_* name the code doesn't read, and keeps the paths."""
    try:
        settings = importlib.import_module("ingestion.settings")
    except ModuleNotFoundError:
        pytest.fail("ingestion/settings.py is missing; the lead provides it with ENV_VARS")
    names = getattr(settings, "ENV_VARS", None)
    assert names, "ingestion.settings.ENV_VARS (a tuple of the ASCWH_* variable names) is missing"
    read_by_code = set(names) | _ascwh_names_in_code()
    for name, service in _airflow_services(compose).items():
        env = _environment(service)
        in_compose = {key for key in env if key.startswith("ASCWH_")}
        assert set(names) <= in_compose, f"{name}: compose lacks {sorted(set(names) - in_compose)}"
        assert in_compose <= read_by_code, f"{name}: no code reads {sorted(in_compose - read_by_code)}"
        # Every path the settings resolve to must live on a named volume, or it is lost with the container.
        for key in names:
            monkeypatch.setenv(key, env[key])
        resolved = settings.Settings.from_env()
        volumes = [m["target"] for m in _mounts(service) if m["type"] == "volume"]
        for field in dataclasses.fields(resolved):
            path = Path(getattr(resolved, field.name))
            assert any(path.is_relative_to(v) for v in volumes), f"{name}: {field.name}={path} is on no volume"
        # The image creates one landing folder per feed (the volume starts with them).
        missing = [f for f in getattr(settings, "FEEDS", ()) if f"{resolved.landing}/{f}" not in dockerfile_text]
        assert missing == [], f"docker/Dockerfile does not create {resolved.landing}/<feed> for {missing}"


# ---------------------------------------------------------------------------------------------------------
# self-checks: the checkers report broken input
# ---------------------------------------------------------------------------------------------------------


def test_schema_check_rejects_an_invalid_file(tmp_path: Path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE_FILE.read_text().replace("restart: unless-stopped", "restartt: unless-stopped", 1))
    result = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0


def test_checkers_catch_path_typos(compose: dict, dockerfile_text: str, dockerignore_text: str):
    broken = copy.deepcopy(compose)
    scheduler = broken["services"]["airflow-scheduler"]
    scheduler["volumes"] = [v.replace("./dags:", "./dagz:") for v in scheduler["volumes"]] + ["nowhere:/x"]
    scheduler["build"] = {"context": ".", "dockerfile": "docker/Dockerfil"}
    assert any("./dagz" in p for p in bind_mount_problems(broken))
    assert any("nowhere" in p for p in bind_mount_problems(broken))
    assert any("docker/Dockerfil" in p for p in build_problems(broken))
    typo = dockerfile_text.replace("COPY pyproject.toml uv.lock", "COPY pyproject.toml uv.lokc")
    assert any("uv.lokc" in p for p in copy_problems(typo, ROOT, dockerignore_text))
    assert any("excluded" in p for p in copy_problems(dockerfile_text, ROOT, dockerignore_text + "\nuv.lock\n"))


def test_invocation_parser():
    service = {
        "command": ["bash", "-c", "set -e\nairflow db migrate && airflow version\necho /opt/airflow/x"],
        "healthcheck": {"test": ["CMD-SHELL", 'airflow jobs check --job-type TriggererJob --hostname "$${H}"']},
    }
    calls = _airflow_invocations(service)
    assert [_subcommand(c) for c in calls] == [("db", "migrate"), ("version",), ("jobs", "check")]
    assert ("--job-type", "TriggererJob") in _long_options(calls[-1])
    assert _airflow_invocations({"command": "scheduler"}) == [["scheduler"]]
