"""A local Prefect server for ``evidence serve``.

Prefect's embedded (ephemeral) server runs flows but cannot schedule them ("Cannot schedule flows on
an ephemeral server"), so unless ``PREFECT_API_URL`` points to a server, one is started on 127.0.0.1
with its SQLite database under ``PREFECT_HOME`` in the state folder; its UI shows the run history.
This module does not import Prefect: the API URL must be in the environment before Prefect loads.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

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
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                if r.status == 200:
                    os.environ["PREFECT_API_URL"] = url
                    return process
        except OSError:
            time.sleep(1)
    process.terminate()
    raise RuntimeError(
        f"Prefect 服务在 {timeout_s:.0f} 秒内未就绪，详见 {config.state / 'prefect-server.log'}"
    )
