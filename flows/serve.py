"""``evidence serve``: the flow on a nightly schedule and on new files in the inbox.

The flow is served with a cron schedule against the server in ``PREFECT_API_URL`` (the CLI starts a
local one first, see ``flows.localserver``); a watcher thread triggers a run once new files in the
inbox have stopped changing. ``server`` is that local server process, stopped on the way out.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from types import FrameType

from prefect import serve as prefect_serve
from prefect.deployments import run_deployment
from prefect.schedules import Cron

from flows.evidence_flow import evidence_run
from pipeline.config import Config
from pipeline.errors import ConfigError
from pipeline.watch import snapshot, wait_until_stable

DEPLOYMENT = "nightly"


def _flow_parameters(config: Config, config_file: Path | None) -> dict[str, str | None]:
    return {
        "config_file": str(config_file.absolute()) if config_file else None,
        "inbox": str(config.inbox.absolute()),
        "outbox": str(config.outbox.absolute()),
        "departments": str(config.departments.absolute()) if config.departments else None,
    }


def _watch(config: Config, stop: threading.Event) -> None:
    """Trigger a run of the served deployment when the inbox changed and then settled."""
    from watchfiles import watch

    for _changes in watch(
        config.inbox, stop_event=stop, recursive=True, debounce=2000, yield_on_timeout=False
    ):
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

    def _terminate(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    print(f"定时运行：{cron}（{config.timezone}）", flush=True)
    print(f"收件箱：{config.inbox.absolute()}{'（监视中，有新文件即运行）' if watch else ''}", flush=True)
    print(f"Prefect 界面：{os.environ['PREFECT_API_URL'].removesuffix('/api')}", flush=True)
    print("按 Ctrl-C 停止。", flush=True)
    watcher = threading.Thread(target=_watch, args=(config, stop), daemon=True) if watch else None
    try:
        deployment = evidence_run.to_deployment(name=DEPLOYMENT, schedules=[schedule], parameters=parameters)
        if watcher:
            watcher.start()
        prefect_serve(deployment, print_starting_message=False)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
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
