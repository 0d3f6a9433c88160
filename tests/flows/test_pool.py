"""``evidence serve --pool`` end to end (issue 6 §4): two counties register their nightly deployments in
one work pool of one Prefect server, and ONE process worker runs both — each county's files into its
own outbox, with its own ``departments.toml`` and ``evidence.toml``, nothing crossing over."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from flows.localserver import answers
from pipeline.cli import EXIT_ERROR
from pipeline.departments import bundled_departments_path
from pipeline.stages import WORKBOOK_NAME
from tests.builders.inbox import add_new_file, build_inbox, write_config
from tests.builders.net import free_port, port_open

PROJECT = Path(__file__).resolve().parents[2]
POOL = "countypool"
# 射洪's own registry knows a unit the bundled (蓬溪) one does not: only a run that reads the county's
# departments.toml, from the county's folder, files its evidence under it.
SHEHONG_UNIT = "射洪市安全生产专班"
SHEHONG_FOLDER = "射洪专班"
SHEHONG_FILE = f"{SHEHONG_FOLDER}/射洪市安全生产专项整治工作方案.txt"
SHEHONG_PLAN = (
    "射洪市安全生产专项整治工作方案\n为深入开展安全生产专项整治，制定本方案。整治时间：2022年3月至12月。\n"
    "射洪市安全生产专班\n2022年3月1日\n"
)


def _api(url: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """GET (or POST ``body`` to) the Prefect REST API."""
    request = urllib.request.Request(
        url + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())


def _stop(process: subprocess.Popen[str], sig: int = signal.SIGTERM, timeout: float = 20) -> str:
    """Stop a process started in its own session (and what it spawned); return its output."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
            out, _ = process.communicate(timeout=timeout)
            return out or ""
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    out, _ = process.communicate()
    return out or ""


@contextmanager
def _started(
    args: list[str], *, cwd: Path, env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[str]]:
    """A long-running process, its output in ``log``; stopped on the way out, whatever happened."""
    with log.open("w", encoding="utf-8") as f:
        process = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=f, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        try:
            yield process
        finally:
            _stop(process)


def _base_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EVIDENCE_"))}
    env.update(
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_HOME=str(home),
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_healthy(url: str, process: subprocess.Popen[str], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(encoding="utf-8")
        if answers(url):
            return
        time.sleep(0.5)
    pytest.fail(f"the Prefect server did not answer in {timeout:.0f} s:\n{log.read_text(encoding='utf-8')}")


def _evidence_rows(outbox: Path) -> dict[str, dict[str, str]]:
    with (outbox / "evidence.csv").open(encoding="utf-8-sig", newline="") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


def _serve_pool(county: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """``evidence serve --pool`` run by a county's operator from the county's folder."""
    code = f"import sys; from pipeline.cli import main; sys.exit(main(['serve', '--pool', '{POOL}']))"
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=county,
        env={**env, "PYTHONPATH": str(PROJECT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _pengxi(county: Path) -> set[str]:
    county.mkdir()
    write_config(county / "evidence.toml", {"cron": "0 2 * * *"})
    return set(build_inbox(county / "inbox"))


def _shehong(county: Path) -> set[str]:
    """A county with its own registry and a state folder given relative to its own folder."""
    county.mkdir()
    write_config(county / "evidence.toml", {"cron": "0 3 * * *", "state_dir": "state"})
    registry = bundled_departments_path().read_text(encoding="utf-8")
    unit = f'\n[[department]]\nname = "{SHEHONG_UNIT}"\naliases = ["{SHEHONG_FOLDER}"]\nkind = "部门"\nemail = []\n'
    (county / "departments.toml").write_text(registry + unit, encoding="utf-8")
    inbox = county / "inbox"
    (inbox / SHEHONG_FOLDER).mkdir(parents=True)
    (inbox / SHEHONG_FILE).write_text(SHEHONG_PLAN, encoding="utf-8")
    return {add_new_file(inbox), SHEHONG_FILE}


@pytest.mark.slow
def test_one_worker_runs_two_counties_deployments_from_one_pool(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    server_env = _base_env(tmp_path / "server-home")
    server_env["PREFECT_UI_ENABLED"] = "false"
    client_env = {**_base_env(tmp_path / "client-home"), "PREFECT_API_URL": url}
    prefect = [sys.executable, "-m", "prefect"]
    counties = {"pengxi": _pengxi, "shehong": _shehong}
    expected = {name: build(tmp_path / name) for name, build in counties.items()}
    assert not expected["pengxi"] & expected["shehong"], "each county has files of its own"

    server_log = tmp_path / "server.log"
    with _started(
        [*prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=server_env,
        log=server_log,
    ) as server:
        _wait_healthy(url, server, server_log, timeout=90)
        missing = _serve_pool(tmp_path / "pengxi", client_env)
        try:
            out, _ = missing.communicate(timeout=120)
        finally:
            _stop(missing)
        assert missing.returncode == EXIT_ERROR, out
        assert (
            f"Prefect 服务上没有工作池 {POOL}，请先创建：prefect work-pool create {POOL} --type process"
            in out
        )
        assert "Traceback" not in out, out
        created = subprocess.run(
            [*prefect, "work-pool", "create", POOL, "--type", "process"],
            cwd=tmp_path,
            env=client_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert created.returncode == 0, created.stdout + created.stderr

        # Each county registers its deployment from its own folder, as its operator would.
        serving = {name: _serve_pool(tmp_path / name, client_env) for name in counties}
        for name, process in serving.items():
            try:
                out, _ = process.communicate(timeout=120)
            finally:
                _stop(process)
            assert process.returncode == 0, out
            assert f"已在工作池 {POOL} 注册部署 evidence-desk/nightly-{name}。" in out, out
            assert f"prefect worker start --pool {POOL}" in out, out

        deployments = {d["name"]: d for d in _api(url, "/deployments/filter", {})}
        assert set(deployments) == {f"nightly-{name}" for name in counties}, deployments
        for name in counties:
            deployment = deployments[f"nightly-{name}"]
            assert deployment["work_pool_name"] == POOL
            env = deployment["job_variables"]["env"]
            assert env["DO_NOT_TRACK"] == "1" and env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
            assert Path(env["PREFECT_HOME"]).is_relative_to(tmp_path / name), (
                "Prefect's home: its state folder"
            )
            assert deployment["parameters"]["inbox"] == str((tmp_path / name / "inbox").absolute())
            assert [s["schedule"]["cron"] for s in deployment["schedules"]] == [
                "0 2 * * *" if name == "pengxi" else "0 3 * * *"
            ]

        runs = {
            name: _api(url, f"/deployments/{deployments[f'nightly-{name}']['id']}/create_flow_run", {})["id"]
            for name in counties
        }
        worker_log = tmp_path / "worker.log"
        (tmp_path / "worker").mkdir()
        worker_env = {**_base_env(tmp_path / "worker-home"), "PREFECT_API_URL": url}
        # --run-once: poll once, submit what is due, wait for those runs (the limit makes it wait).
        with _started(
            [*prefect, "worker", "start", "--pool", POOL, "--run-once", "--limit", "2"],
            cwd=tmp_path / "worker",
            env=worker_env,
            log=worker_log,
        ) as worker:
            try:
                worker.wait(timeout=180)
            except subprocess.TimeoutExpired:
                pytest.fail(f"the worker did not finish:\n{worker_log.read_text(encoding='utf-8')}")
        log = worker_log.read_text(encoding="utf-8")
        states = {name: _api(url, f"/flow_runs/{run}")["state"]["type"] for name, run in runs.items()}
        assert states == {name: "COMPLETED" for name in counties}, log

        for name in counties:
            outbox = tmp_path / name / "outbox"
            assert (outbox / WORKBOOK_NAME).is_file(), log
            rows = _evidence_rows(outbox)
            assert set(rows) == expected[name], f"{name}: {sorted(rows)}"
        assert _evidence_rows(tmp_path / "shehong" / "outbox")[SHEHONG_FILE]["department"] == SHEHONG_UNIT
        assert (tmp_path / "shehong" / "state" / "ledger.sqlite3").is_file(), "its state_dir, in its folder"
        assert not (tmp_path / "shehong" / "outbox" / ".state").exists()
        assert not (PROJECT / "state").exists() and not (tmp_path / "worker" / "state").exists()

        server_out = _stop(server, signal.SIGINT)
    assert server.returncode is not None, server_out
    time.sleep(0.5)
    assert not port_open(port), "the Prefect server stopped"


def test_serve_pool_needs_the_shared_server_and_starts_none_of_its_own(tmp_path: Path) -> None:
    port = free_port()
    write_config(tmp_path / "evidence.toml", {"serve_port": port})
    env = _base_env(tmp_path / "client-home")
    process = _serve_pool(tmp_path, env)
    try:
        out, _ = process.communicate(timeout=60)
    finally:
        _stop(process)
    assert process.returncode == EXIT_ERROR, out
    assert "使用 --pool 时请先设置 PREFECT_API_URL" in out and "Traceback" not in out, out
    assert not port_open(port), "no private Prefect server was started"
