"""deploy/: systemd units verified by systemd itself where it is installed; crontab, Containerfile
and compose file checked by reading (no container engine runs on these machines)."""

from __future__ import annotations

import fnmatch
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from briefing.config import load_config, resolve_paths
from briefing.errors import EXIT_CONFIG, EXIT_NOTHING
from briefing.schedule import cron_trigger

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
UNITS = ("briefing.service", "briefing.timer", "briefing-daemon.service")
SERVICES = ("briefing.service", "briefing-daemon.service")
BINARY = "/opt/briefing/venv/bin/briefing"
HARDENING = {
    "NoNewPrivileges": "true",
    "PrivateTmp": "true",
    "ProtectSystem": "strict",
    "ProtectHome": "true",
    "StateDirectory": "briefing",
    "CacheDirectory": "briefing",
    "User": "briefing",
}


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """systemd's INI dialect: sections, repeated keys kept in order, comments dropped."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        assert current is not None, f"{path.name}: key outside a section: {line}"
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def _copy_units(tmp_path: Path, binary: str) -> list[Path]:
    out = []
    for name in UNITS:
        target = tmp_path / name
        target.write_text((DEPLOY / name).read_text(encoding="utf-8").replace(BINARY, binary), encoding="utf-8")
        out.append(target)
    return out


def _verify(paths: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["systemd-analyze", "verify", *map(str, paths)], capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def systemd_analyze() -> str:
    exe = shutil.which("systemd-analyze")
    if not exe:
        pytest.skip("systemd-analyze is not installed here (apt-get install systemd provides it)")
    return exe


def test_units_pass_systemd_analyze_verify(systemd_analyze: str, tmp_path: Path) -> None:
    # verify insists that ExecStart's program exists; the venv lives at /opt/briefing only on a
    # deployed box, so the copies point at this interpreter instead. Everything else is verbatim.
    units = _copy_units(tmp_path, sys.executable)
    result = _verify(units)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", f"systemd-analyze verify warned:\n{result.stderr}"


def test_verify_would_catch_a_misspelt_key(systemd_analyze: str, tmp_path: Path) -> None:
    """The check above can fail: a typo in a hardening key is reported."""
    units = _copy_units(tmp_path, sys.executable)
    units[0].write_text(units[0].read_text().replace("ProtectSystem=strict", "ProtectSytem=strict"))
    result = _verify(units)
    assert "Unknown key 'ProtectSytem'" in result.stderr


@pytest.mark.parametrize("name", SERVICES)
def test_systemd_security_exposure_is_low(systemd_analyze: str, tmp_path: Path, name: str) -> None:
    _copy_units(tmp_path, sys.executable)
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(tmp_path / name)],
        capture_output=True, text=True, timeout=60,
    )
    if result.returncode != 0 and "offline" in result.stderr:
        pytest.skip(f"this systemd-analyze has no offline security check: {result.stderr.strip()[:120]}")
    m = re.search(r"Overall exposure level for \S+: ([\d.]+)", result.stdout)
    assert m, result.stdout[-500:] + result.stderr
    assert float(m.group(1)) <= 2.0, result.stdout[-2000:]


@pytest.mark.parametrize("name", SERVICES)
def test_services_are_hardened_and_point_at_their_folders(name: str, monkeypatch, tmp_path: Path) -> None:
    svc = parse_unit(DEPLOY / name)["Service"]
    for key, value in HARDENING.items():
        assert svc.get(key) == [value], f"{name}: {key}={value} missing"
    assert "CapabilityBoundingSet" in svc and svc["CapabilityBoundingSet"] == [""]
    assert any(v.startswith("-/etc/briefing/secrets.env") for v in svc["EnvironmentFile"])
    assert svc["ReadWritePaths"] == ["/srv/briefing"]
    # the Environment= lines, with systemd's %S and %C, are what config.resolve_paths reads
    env = dict(v.split("=", 1) for v in svc["Environment"])
    for key, value in env.items():
        monkeypatch.setenv(key, value.replace("%S", "/var/lib").replace("%C", "/var/cache"))
    (tmp_path / "feeds.toml").write_text("")
    paths = resolve_paths(load_config(tmp_path / "feeds.toml"))
    assert paths.db == Path("/var/lib/briefing/briefing.db")
    assert paths.lock == Path("/var/lib/briefing/briefing.lock")
    assert paths.cache == Path("/var/cache/briefing")
    assert paths.output == Path("/srv/briefing")
    exec_start = shlex.split(svc["ExecStart"][0])
    assert exec_start[0] == BINARY and exec_start[-2:] == ["--config", "/etc/briefing/feeds.toml"]


def test_oneshot_service_timer_and_daemon_semantics() -> None:
    run = parse_unit(DEPLOY / "briefing.service")["Service"]
    assert run["Type"] == ["oneshot"]
    assert shlex.split(run["ExecStart"][0])[1:3] == ["run", "--quiet"]
    assert run["SuccessExitStatus"] == [str(EXIT_NOTHING)]

    timer = parse_unit(DEPLOY / "briefing.timer")
    assert timer["Timer"]["Persistent"] == ["true"]
    assert timer["Timer"]["Unit"] == ["briefing.service"]
    delay = timer["Timer"]["RandomizedDelaySec"][0]
    assert re.fullmatch(r"\d+(s|min)", delay) and (int(delay.rstrip("smin")) <= 10 if "min" in delay else True)
    assert timer["Install"]["WantedBy"] == ["timers.target"]

    daemon = parse_unit(DEPLOY / "briefing-daemon.service")["Service"]
    assert shlex.split(daemon["ExecStart"][0])[1] == "schedule"
    assert daemon["ExecReload"] == ["/bin/kill -HUP $MAINPID"]  # the daemon reloads feeds.toml on SIGHUP
    assert daemon["RestartPreventExitStatus"] == [str(EXIT_CONFIG)]
    assert daemon["KillMode"] == ["mixed"]


def test_crontab_line_is_valid_and_quiet() -> None:
    lines = [ln for ln in (DEPLOY / "crontab").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    env = dict(ln.split("=", 1) for ln in lines if re.match(r"^[A-Z_]+=", ln))
    assert "MAILTO" in env
    assert env["BRIEFING_STATE_DIR"] == "/var/lib/briefing" and env["BRIEFING_OUTPUT_DIR"] == "/srv/briefing"
    jobs = [ln for ln in lines if not re.match(r"^[A-Z_]+=", ln)]
    assert len(jobs) == 1
    fields = jobs[0].split(None, 6)
    cron_trigger(" ".join(fields[:5]))  # a valid five-field schedule
    assert fields[5] == "briefing"
    command = fields[6]
    assert f"{BINARY} run --quiet --config /etc/briefing/feeds.toml" in command
    assert "flock" not in command  # briefing locks itself
    syntax = subprocess.run(["sh", "-n", "-c", command], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr


# -- the container, checked by reading --------------------------------------------------------


def _instructions(path: Path) -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            op, _, rest = line.partition(" ")
            out.append((op.upper(), " ".join(rest.split())))
    return out


def test_containerfile_builds_from_the_projects_own_install_steps() -> None:
    steps = _instructions(DEPLOY / "Containerfile")
    assert steps[0] == ("FROM", "docker.io/library/python:3.11-slim")
    runs = [rest for op, rest in steps if op == "RUN"]
    torch_at = next(i for i, r in enumerate(runs) if "pip install torch" in r)
    project_at = next(i for i, r in enumerate(runs) if re.search(r"pip install (/src|\.)(\s|$)", r))
    assert torch_at < project_at, "torch must be installed (pinned, CPU) before the project"
    assert "--index-url https://download.pytorch.org/whl/cpu" in runs[torch_at]

    # the same pin as pyproject.toml and `make install`
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    pin = next(d for d in pyproject["project"]["dependencies"] if d.startswith("torch"))
    assert pin in runs[torch_at].split()
    assert f"pip install --quiet {pin}" in (REPO / "Makefile").read_text()

    copies = [rest for op, rest in steps if op == "COPY"]
    assert copies == [". /src"]
    env = {}
    for op, rest in steps:
        if op == "ENV":
            env.update(dict(re.findall(r"(\w+)=(\S+)", rest)))
    volumes = next(rest for op, rest in steps if op == "VOLUME")
    assert env["BRIEFING_STATE_DIR"] in volumes and env["BRIEFING_OUTPUT_DIR"] in volumes
    user = [rest for op, rest in steps if op == "USER"]
    assert user and user[-1] not in ("root", "0")
    assert any("useradd" in r and user[-1] in r for r in runs)
    cmd = next(rest for op, rest in reversed(steps) if op == "CMD")
    assert cmd == '["briefing", "schedule", "--config", "/etc/briefing/feeds.toml"]'
    assert "briefing" in pyproject["project"]["scripts"]


def test_build_context_keeps_what_pip_install_needs() -> None:
    patterns = [
        ln.strip() for ln in (REPO / ".dockerignore").read_text().splitlines() if ln.strip() and not ln.startswith("#")
    ]
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())

    def ignored(rel: str) -> bool:
        parts = Path(rel).parts
        return any(
            fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(rel, p.removeprefix("**/"))
            or any(fnmatch.fnmatch("/".join(parts[: i + 1]), p) or fnmatch.fnmatch(part, p.removeprefix("**/"))
                   for i, part in enumerate(parts))
            for p in patterns
        )

    needed = ["pyproject.toml", pyproject["project"]["readme"], "briefing/__init__.py", "briefing/defaults.toml"]
    needed += [str(p.relative_to(REPO)) for p in (REPO / "briefing").rglob("*.py")]
    for rel in needed:
        assert (REPO / rel).exists(), rel
        assert not ignored(rel), f".dockerignore drops {rel}, which `pip install .` needs"
    assert ignored(".venv/bin/python") and ignored("state/briefing.db") and ignored("deploy/config/secrets.env")


def test_compose_file_wires_build_volumes_and_config() -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read compose.yaml")
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    svc = compose["services"]["briefing"]
    context = (DEPLOY / svc["build"]["context"]).resolve()
    assert context == REPO and (context / svc["build"]["dockerfile"]).resolve() == DEPLOY / "Containerfile"
    mounts = {v.split(":")[1]: v.split(":")[0] for v in svc["volumes"]}
    assert mounts["/var/lib/briefing"] in compose["volumes"]  # named volume for state
    assert mounts["/srv/briefing"] in compose["volumes"]  # and for output
    assert mounts["/etc/briefing"] == "./config"  # a folder: edits survive editors replacing the file
    assert any(v.endswith(":ro") for v in svc["volumes"] if ":/etc/briefing" in v)
    assert svc["init"] is True and svc["stop_grace_period"] == "15m"
    web = compose["services"]["web"]
    assert web["profiles"] == ["web"]
    assert any(v.startswith(f"{mounts['/srv/briefing']}:") and v.endswith(":ro") for v in web["volumes"])


def test_cli_flags_used_in_deploy_exist() -> None:
    """`briefing run --quiet` and `briefing schedule --config/--once-now` (the lead wires the CLI)."""
    if not (REPO / "briefing" / "cli.py").exists():
        pytest.skip("briefing/cli.py is not in this branch yet; the lead wires `schedule` and `run --quiet`")
    env_py = [sys.executable, "-m", "briefing"]
    run_help = subprocess.run([*env_py, "run", "--help"], capture_output=True, text=True, cwd=REPO, timeout=120)
    sched_help = subprocess.run([*env_py, "schedule", "--help"], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert "--quiet" in run_help.stdout and "--config" in run_help.stdout, run_help.stderr
    assert "--config" in sched_help.stdout and "--once-now" in sched_help.stdout, sched_help.stderr
