"""``evidence serve``: the flow on a nightly schedule and on new files in the inbox.

The flow is served with a cron schedule against the server in ``PREFECT_API_URL`` (the CLI starts a
local one first, see ``flows.localserver``); a watcher thread triggers a run once new files in the
inbox have stopped changing. ``server`` is that local server process, stopped on the way out.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from prefect.deployments import run_deployment
from prefect.runner import Runner
from prefect.schedules import Cron

from flows.evidence_flow import evidence_run
from pipeline.config import Config
from pipeline.errors import ConfigError
from pipeline.watch import Snapshot, snapshot, wait_until_stable

DEPLOYMENT = "nightly"


def _flow_parameters(config: Config, config_file: Path | None) -> dict[str, str | None]:
    return {
        "config_file": str(config_file.absolute()) if config_file else None,
        "inbox": str(config.inbox.absolute()),
        "outbox": str(config.outbox.absolute()),
        "departments": str(config.departments.absolute()) if config.departments else None,
    }


def _watch(config: Config, stop: threading.Event, baseline: Snapshot) -> None:
    """Trigger a run of the served deployment when the inbox changed and then settled.

    Files that landed between ``baseline`` (taken when serve() started) and the moment the watch is
    set up are found by comparing snapshots at the watch's first timeout, so none waits for the night.
    """
    from watchfiles import watch

    pending = True  # the baseline is compared once, at the first timeout
    for changes in watch(
        config.inbox, stop_event=stop, recursive=True, debounce=2000, rust_timeout=2000, yield_on_timeout=True
    ):
        if not changes and (not pending or snapshot(config.inbox) == baseline):
            pending = False
            continue
        pending = False
        settled = wait_until_stable(
            lambda: snapshot(config.inbox),
            quiet_s=config.watch_quiet_s,
            poll_s=min(5.0, config.watch_quiet_s),
        )
        if stop.is_set():
            return
        if settled:
            print("收件箱有新文件且已停止变化，开始运行。", flush=True)
            _trigger(stop)


REGISTER_WAIT_S = 120.0  # serve() registers the deployment after the watcher starts; a busy machine is slow


def _trigger(stop: threading.Event) -> None:
    """Start a run of the served deployment, waiting for serve() to have registered it; a failure is
    reported and the watcher goes on (the nightly schedule still runs)."""
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + REGISTER_WAIT_S
    while not stop.is_set():
        try:
            run_deployment(f"evidence-desk/{DEPLOYMENT}", timeout=0)
            return
        except ObjectNotFound:
            if time.monotonic() > deadline:
                print("未能启动运行：定时部署尚未在 Prefect 服务上注册。", flush=True)
                return
            stop.wait(1.0)
        except Exception as e:  # the watcher must outlive a server hiccup
            print(f"未能启动运行：{e}", flush=True)
            return


STOP_GRACE_S = 30.0  # how long Prefect's runner may take to shut down after Ctrl-C


def _stop_server(server: subprocess.Popen[bytes] | None) -> None:
    if server is None:
        return
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


class _Stopper:
    """Ctrl-C stops serve() even when Prefect's runner does not: on a busy machine its shutdown has
    been seen to hang after a triggered run (in CI, cause inside Prefect not found). The first Ctrl-C
    (or SIGTERM) asks the runner for the graceful stop it gives SIGTERM (pause the schedule, end the
    loops) and arms a watchdog that ends the process, local server included, if serve() has not
    returned within ``STOP_GRACE_S``; a second Ctrl-C ends it at once. The handler only starts
    threads: printing from a signal handler can hit a reentrant write."""

    def __init__(self, stop: threading.Event, server: subprocess.Popen[bytes] | None) -> None:
        self._stop = stop
        self._server = server
        self._armed = threading.Event()
        self.graceful: Callable[[], None] | None = None  # the runner's stop, once there is a runner

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._armed.is_set():
            threading.Thread(target=self._force, daemon=True).start()
            return
        self._armed.set()
        self._stop.set()
        threading.Thread(target=self._watchdog, daemon=True).start()
        if self.graceful is None:
            raise KeyboardInterrupt
        self.graceful()

    def _watchdog(self) -> None:
        print("正在停止……", flush=True)
        time.sleep(STOP_GRACE_S)
        self._force()

    def _force(self) -> None:
        _stop_server(self._server)
        print("已停止（强制）。", flush=True)
        os._exit(0)


def serve(
    config: Config,
    *,
    server: subprocess.Popen[bytes] | None = None,
    config_file: Path | None = None,
    cron: str | None = None,
    pool: str | None = None,
    watch: bool = True,
) -> int:
    cron = cron or config.cron
    schedule = Cron(cron, timezone=config.timezone)
    parameters = _flow_parameters(config, config_file)
    if pool:
        return _deploy_to_pool(config, pool, schedule, parameters)

    stop = threading.Event()
    stopper = _Stopper(stop, server)
    signal.signal(signal.SIGINT, stopper.on_signal)
    signal.signal(signal.SIGTERM, stopper.on_signal)
    baseline = snapshot(config.inbox) if watch else {}
    print(f"定时运行：{cron}（{config.timezone}）", flush=True)
    print(f"收件箱：{config.inbox.absolute()}{'（监视中，有新文件即运行）' if watch else ''}", flush=True)
    print(f"Prefect 界面：{os.environ['PREFECT_API_URL'].removesuffix('/api')}", flush=True)
    print("按 Ctrl-C 停止。", flush=True)
    watcher = threading.Thread(target=_watch, args=(config, stop, baseline), daemon=True) if watch else None
    try:
        if watcher:
            watcher.start()
        deployment = evidence_run.to_deployment(name=DEPLOYMENT, schedules=[schedule], parameters=parameters)
        runner = Runner(pause_on_shutdown=True)
        runner.add_deployment(deployment)
        stopper.graceful = runner.handle_sigterm
        runner.handle_sigterm = stopper.on_signal  # type: ignore[method-assign]  # it installs this on start
        asyncio.run(runner.start())
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        _stop_server(server)
        print("已停止。", flush=True)
    return 0


def _deploy_to_pool(config: Config, pool: str, schedule: Cron, parameters: dict[str, str | None]) -> int:
    """Several counties, one server: register this county's deployment in a work pool; a
    ``prefect worker start --pool <pool>`` on any machine with the project installed (and the county's
    folders at the same paths) runs it.

    The run starts in this county's folder, as ``evidence run`` would here: its ``evidence.toml``,
    ``departments.toml`` and relative paths are found there, not in the worker's folder. The flow is
    therefore named by module (installed with the project), and the run gets the environment
    ``configure_prefect`` gives every run (no telemetry, Prefect home and temp files in the state folder).
    """
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    from pipeline.runtime import configure_prefect

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
        except ObjectNotFound as e:
            raise ConfigError(
                f"Prefect 服务上没有工作池 {pool}，请先创建：prefect work-pool create {pool} --type process"
            ) from e
    county = Path(parameters["inbox"] or "inbox").resolve().parent.name
    flow = evidence_run.from_source(source=str(Path.cwd()), entrypoint="flows.evidence_flow.evidence_run")
    flow.deploy(
        name=f"{DEPLOYMENT}-{county}",
        work_pool_name=pool,
        schedules=[schedule],
        parameters=parameters,
        job_variables={"env": configure_prefect(config.state, {})},
        build=False,
        push=False,
    )
    print(f"已在工作池 {pool} 注册部署 evidence-desk/{DEPLOYMENT}-{county}。", flush=True)
    print(f"在运行机上执行：prefect worker start --pool {pool}", flush=True)
    return 0
