"""Prefect servers we start ourselves: a local one for ``evidence serve``, a temporary one for ``evidence run``.

Prefect's embedded (ephemeral) server runs flows but cannot schedule them ("Cannot schedule flows on
an ephemeral server"), so unless ``PREFECT_API_URL`` points to a server, one is started on 127.0.0.1
with its SQLite database under ``PREFECT_HOME`` in the state folder; its UI shows the run history.
This module does not import Prefect: the API URL must be in the environment before Prefect loads.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

from pipeline.config import Config


def start_local_server(config: Config, *, timeout_s: float = 180.0) -> subprocess.Popen[bytes]:
    """A Prefect server on 127.0.0.1 only, its log in the state folder; waits until it answers."""
    port = config.serve_port
    log = open(config.state / "prefect-server.log", "ab")  # noqa: SIM115 - lives as long as the server
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={k: v for k, v in {**os.environ, "PREFECT_UI_ENABLED": "true"}.items() if k != "PREFECT_API_URL"},
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Prefect 服务未能启动，详见 {config.state / 'prefect-server.log'}")
        if answers(url):
            os.environ["PREFECT_API_URL"] = url
            return process
        time.sleep(1)
    process.terminate()
    raise RuntimeError(
        f"Prefect 服务在 {timeout_s:.0f} 秒内未就绪，详见 {config.state / 'prefect-server.log'}"
    )


class ServerNotReady(RuntimeError):
    """The server we started did not answer in time (its log says why)."""


class TemporaryServer:
    """Prefect's API for one ``evidence run``, started by us rather than by Prefect.

    Prefect starts the same server (uvicorn over ``prefect.server.api.server:create_app``, no UI)
    when no ``PREFECT_API_URL`` is set, but to do so the run's own process imports the whole server
    application (~85 MB it never uses) and waits for it before anything else. Started here, before
    Prefect is imported, the server boots while the run imports its libraries.
    """

    def __init__(self, config: Config) -> None:
        self._log_path = config.state / "prefect-server.log"
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _start(self) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(
            {
                "PREFECT_UI_ENABLED": "0",
                "PREFECT__SERVER_EPHEMERAL": "1",
                "PREFECT__SERVER_FINAL": "1",
                # Automations are set up on a county's own server, never on a run's temporary one:
                # without the triggers service the server holds ~35 MB less.
                "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
            }
        )
        with open(self._log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
                 "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # Ctrl-C reaches the run, which stops the server itself
            )  # fmt: skip

    def wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        restarts = 0
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                if restarts < 3:  # the port was taken between choosing and binding it
                    restarts += 1
                    self._start()
                    continue
                raise ServerNotReady(f"Prefect 临时服务未能启动，详见 {self._log_path}")
            if answers(self.url):
                return
            time.sleep(0.1)
        raise ServerNotReady(f"Prefect 临时服务在 {timeout_s:.0f} 秒内未就绪，详见 {self._log_path}")

    @contextlib.contextmanager
    def serving(self, timeout_s: float) -> Iterator[str]:
        """Wait until the server answers, then point Prefect at it (also when already imported)."""
        from prefect.settings import PREFECT_API_URL, temporary_settings

        self.wait_ready(timeout_s)
        with temporary_settings(updates={PREFECT_API_URL: self.url}):
            try:
                yield self.url
            finally:
                _drain_prefect_workers()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def _drain_prefect_workers() -> None:
    """Send the logs and events Prefect still holds while the server is up (as its test harness does
    before stopping its server); otherwise they fail at exit with "Error logging to API"."""
    import inspect

    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain() -> None:
        with contextlib.suppress(RuntimeError):  # never started: nothing to send
            result = APILogWorker.instance().drain()
            if inspect.isawaitable(result):
                await result
        result = EventsWorker.drain_all()
        if inspect.isawaitable(result):
            await result

    run_coro_as_sync(drain())


def answers(api_url: str) -> bool:
    """Whether the Prefect API at ``api_url`` is up (its ``/health`` says 200)."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
