"""Static checks of the Docker deployment: docker-compose.yml, Dockerfile, .env.example.

No Docker engine is needed. The one test that shells out to ``docker compose
config`` skips itself when the compose plugin is not available.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

try:
    from nhskg.core.settings import ENV_VARS
except ImportError:  # not installed: import it from the source tree
    sys.path.insert(0, str(ROOT))
    from nhskg.core.settings import ENV_VARS

COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?err}, ${NAME?err}, ...
# A preceding "$" escapes it ("$${NAME}" is passed through to the container).
_INTERPOLATION = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    assert COMPOSE_FILE.is_file(), f"missing {COMPOSE_FILE}"
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def neo4j(compose: dict) -> dict:
    return compose["services"]["neo4j"]


@pytest.fixture(scope="module")
def api(compose: dict) -> dict:
    return compose["services"]["api"]


def _env(service: dict) -> dict[str, str]:
    """A service's environment as a dict, whichever of the two syntaxes it uses."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        out = {}
        for item in env:
            name, _, value = str(item).partition("=")
            out[name] = value
        return out
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def _published(service: dict) -> dict[int, int]:
    """container port -> host port, from short ("8000:8000") or long syntax."""
    out: dict[int, int] = {}
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            out[int(port["target"])] = int(port.get("published", port["target"]))
            continue
        spec = str(port).split("/")[0]
        parts = spec.split(":")
        container = int(parts[-1])
        host = int(parts[-2]) if len(parts) >= 2 else container
        out[container] = host
    return out


def _argv(command) -> list[str]:
    if isinstance(command, list):
        return [str(c) for c in command]
    return str(command).split()


def _interpolations(text: str) -> list[tuple[str, str, str]]:
    """(name, operator, argument) for each ${...} Compose will interpolate."""
    return [(m.group(1), m.group(2) or "", m.group(3) or "") for m in _INTERPOLATION.finditer(text)]


def _env_file_keys(path: Path) -> set[str]:
    keys = set()
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :]
        name, sep, _ = line.partition("=")
        if sep:
            keys.add(name.strip())
    return keys


# --- services -----------------------------------------------------------------


def test_two_services(compose):
    assert set(compose["services"]) == {"neo4j", "api"}


def test_neo4j_image_is_5x_community(neo4j):
    image = neo4j["image"]
    name, _, tag = image.partition(":")
    assert name in {"neo4j", "docker.io/neo4j", "docker.io/library/neo4j"}, image
    assert re.fullmatch(r"5(\.\d+){0,2}-community(-[a-z0-9]+)?", tag), (
        f"expected a pinned Neo4j 5.x community tag, got {image!r}"
    )


def test_neo4j_ports_published(neo4j):
    ports = _published(neo4j)
    assert ports.get(7474) == 7474, "Neo4j Browser (HTTP 7474) not published"
    assert ports.get(7687) == 7687, "Bolt (7687) not published"


def test_neo4j_auth_from_environment(neo4j):
    env = _env(neo4j)
    auth = env.get("NEO4J_AUTH")
    assert auth, "neo4j service must set NEO4J_AUTH"
    user, sep, password = auth.partition("/")
    assert sep, f"NEO4J_AUTH must be <user>/<password>, got {auth!r}"
    # The password is interpolated, and required: no literal, no fallback default.
    refs = _interpolations(password)
    assert refs and password.startswith("${") and password.endswith("}"), (
        f"NEO4J_AUTH password must come from a variable, got {password!r}"
    )
    name, op, _ = refs[0]
    assert name == "NEO4J_PASSWORD"
    assert op in {"", ":?", "?"}, "NEO4J_PASSWORD must not have a default in the compose file"
    # The user may be the literal admin name or a variable.
    assert user == "neo4j" or _interpolations(user), user


def test_no_literal_passwords_anywhere(compose):
    for sname, service in compose["services"].items():
        for key, value in _env(service).items():
            if "PASSWORD" in key or key == "NEO4J_AUTH":
                secret = value.partition("/")[2] if key == "NEO4J_AUTH" else value
                refs = _interpolations(secret)
                assert refs and not _INTERPOLATION.sub("", secret), (
                    f"{sname}.{key} holds a literal secret: {value!r}"
                )
                assert all(op not in {":-", "-"} for _, op, _ in refs), (
                    f"{sname}.{key} falls back to a default password: {value!r}"
                )


def test_neo4j_sets_no_unknown_neo4j_variables(neo4j):
    # The image's entrypoint turns every NEO4J_* variable except its own
    # control variables into a neo4j.conf setting; Neo4j 5 rejects unknown
    # settings, so e.g. NEO4J_USER or NEO4J_PASSWORD here would stop it.
    control = {"NEO4J_AUTH", "NEO4J_AUTH_PATH", "NEO4J_ACCEPT_LICENSE_AGREEMENT",
               "NEO4J_DEBUG", "NEO4J_PLUGINS"}
    for key in _env(neo4j):
        if key.startswith("NEO4J_") and key not in control:
            setting = key[len("NEO4J_"):]
            assert setting[:1].islower(), f"{key} is not a Neo4j setting (NEO4J_dbms_..., NEO4J_server_...)"


def test_named_volume_mounted_at_data(compose, neo4j):
    assert "neo4j-data" in (compose.get("volumes") or {}), "neo4j-data not declared at top level"
    mounts = []
    for vol in neo4j.get("volumes") or []:
        if isinstance(vol, dict):
            mounts.append((vol.get("source"), vol.get("target")))
        else:
            source, _, rest = str(vol).partition(":")
            mounts.append((source, rest.split(":")[0]))
    assert ("neo4j-data", "/data") in mounts, mounts


def test_neo4j_healthcheck(neo4j):
    hc = neo4j.get("healthcheck")
    assert hc, "neo4j service needs a healthcheck (api waits on service_healthy)"
    assert not hc.get("disable")
    test = hc["test"]
    assert test, "healthcheck has no test command"
    if isinstance(test, list):
        assert test[0] in {"CMD", "CMD-SHELL"}, test
        command = " ".join(test[1:])
    else:
        command = test
    # Something that exercises Neo4j itself, with a binary the image ships
    # (the official image has wget and cypher-shell, but not curl).
    assert "cypher-shell" in command or "wget" in command, command
    assert "curl" not in command, "the official neo4j image does not ship curl"
    assert hc.get("interval")
    assert int(hc.get("retries", 0)) >= 3


# --- api ----------------------------------------------------------------------


def test_api_builds_from_repo_dockerfile(api):
    build = api["build"]
    if isinstance(build, str):
        context, dockerfile = build, "Dockerfile"
    else:
        context, dockerfile = build.get("context", "."), build.get("dockerfile", "Dockerfile")
    assert (ROOT / context).resolve() == ROOT
    assert (ROOT / context / dockerfile).resolve() == DOCKERFILE
    assert DOCKERFILE.is_file()


def test_api_waits_for_healthy_neo4j(api):
    depends = api["depends_on"]
    assert isinstance(depends, dict), "use the long depends_on syntax with a condition"
    assert depends["neo4j"]["condition"] == "service_healthy"


def test_api_environment_names_are_known_to_config(api):
    env = _env(api)
    ours = [k for k in env if k.startswith(("NEO4J_", "NHSKG_"))]
    assert ours, "api sets no NEO4J_*/NHSKG_* variables"
    unknown = sorted(set(ours) - set(ENV_VARS))
    assert not unknown, f"api sets variables nhskg.core.settings does not read: {unknown}"
    for required in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        assert required in env, required


def test_api_neo4j_uri_points_at_neo4j_bolt(api, neo4j):
    uri = _env(api)["NEO4J_URI"]
    m = re.fullmatch(r"(bolt|neo4j)://neo4j:(\d+)", uri)
    assert m, f"NEO4J_URI should address the neo4j service, got {uri!r}"
    assert int(m.group(2)) == 7687
    # 7687 is Bolt inside the compose network regardless of host mapping, but
    # the service must also expose it.
    assert 7687 in _published(neo4j)


def test_api_command_serves_on_published_port(api):
    argv = _argv(api["command"])
    assert argv[:2] == ["nhskg", "serve"], argv
    assert argv[argv.index("--host") + 1] == "0.0.0.0"
    port = int(argv[argv.index("--port") + 1])
    assert _published(api).get(port) is not None, f"port {port} is not published"


def test_api_healthcheck_and_restart(api):
    hc = api["healthcheck"]
    command = " ".join(hc["test"]) if isinstance(hc["test"], list) else hc["test"]
    assert "python" in command and "/health" in command
    assert api.get("restart") == "unless-stopped"


# --- .env.example and Dockerfile ---------------------------------------------------


def test_env_example_defines_required_variables():
    assert ENV_EXAMPLE.is_file()
    text = COMPOSE_FILE.read_text()
    # Comments can mention variables too; only look at YAML content.
    content = "\n".join(line.split(" #", 1)[0] for line in text.splitlines() if not line.lstrip().startswith("#"))
    required = {name for name, op, _ in _interpolations(content) if op not in {":-", "-"}}
    assert "NEO4J_PASSWORD" in required
    missing = required - _env_file_keys(ENV_EXAMPLE)
    assert not missing, f".env.example does not define {sorted(missing)}"


def test_env_example_password_placeholder_is_acceptable_to_neo4j():
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            k, _, v = line.partition("=")
            values[k.strip()] = v.split(" #")[0].strip().strip("'\"")
    password = values["NEO4J_PASSWORD"]
    assert len(password) >= 8 and "/" not in password and password != "neo4j"
    assert "cp .env.example .env" in ENV_EXAMPLE.read_text()


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_base_image_is_python_311():
    froms = [rest for word, rest in _dockerfile_instructions() if word == "FROM"]
    assert froms, "Dockerfile has no FROM"
    image = froms[-1].split()[0]
    assert re.fullmatch(r"(docker\.io/(library/)?)?python:3\.11([.-].*)?", image), image


def test_dockerfile_exposes_published_port_and_runs_unprivileged(api):
    instructions = _dockerfile_instructions()
    exposed = {int(p.split("/")[0]) for word, rest in instructions if word == "EXPOSE" for p in rest.split()}
    port = int(_argv(api["command"])[_argv(api["command"]).index("--port") + 1])
    assert port in exposed, f"Dockerfile EXPOSE {sorted(exposed)} lacks {port}"
    users = [rest for word, rest in instructions if word == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}


# --- docker compose config ----------------------------------------------------------


def _compose_available() -> str | None:
    """None when `docker compose` works, else the reason it does not."""
    if shutil.which("docker") is None:
        return "docker is not on PATH"
    try:
        proc = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"`docker compose version` failed: {exc}"
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        return f"docker compose plugin unavailable: {detail[0] if detail else proc.returncode}"
    return None


def test_docker_compose_config_validates(tmp_path):
    reason = _compose_available()
    if reason:
        pytest.skip(reason)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "COMPOSE_"))}
    env["NEO4J_PASSWORD"] = "compose-config-test"
    # An empty env file keeps a developer's own .env out of the check.
    empty_env = tmp_path / "empty.env"
    empty_env.write_text("")
    proc = subprocess.run(
        ["docker", "compose", "--env-file", str(empty_env), "-f", str(COMPOSE_FILE), "config", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr or proc.stdout
