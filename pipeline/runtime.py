"""Process-wide settings that must be in place before Prefect is imported.

A government intranet tool must not phone home: Prefect's telemetry and analytics are switched off
for every run, its home (database, logs) lives in the state folder, and the embedded server gets
time to start on a busy machine instead of failing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import MutableMapping
from pathlib import Path

STARTUP_TIMEOUT_S = 180


def configure_prefect(state: Path, env: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Set (and return) the Prefect environment for a run whose state folder is ``state``."""
    env = os.environ if env is None else env
    home = (state / "prefect").absolute()
    home.mkdir(parents=True, exist_ok=True)
    settings = {
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_HOME": str(home),
        "PREFECT_UI_ENABLED": env.get("PREFECT_UI_ENABLED", "false"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(
            max(STARTUP_TIMEOUT_S, int(env.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "0") or 0))
        ),
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
        "PREFECT_LOGGING_LOG_PRINTS": "false",
        # One line per task run drowns the progress lines of the flow; warnings still show.
        "PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL": env.get(
            "PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL", "WARNING"
        ),
    }
    env.update(settings)
    settings["TMPDIR"] = str(confine_temp_files(state / "scratch" / "tmp", env))
    return settings


def confine_temp_files(folder: Path, env: MutableMapping[str, str] | None = None) -> Path:
    """Temporary files of the libraries (openpyxl, jieba's dictionary cache, pdfplumber) go into the
    scratch area, so a run writes nothing outside the inbox, the outbox and its state folder."""
    env = os.environ if env is None else env
    folder = folder.absolute()
    folder.mkdir(parents=True, exist_ok=True)
    env["TMPDIR"] = str(folder)
    if env is os.environ:
        tempfile.tempdir = str(folder)
    return folder
