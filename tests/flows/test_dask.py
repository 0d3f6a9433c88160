"""Scale-out on an existing engine: the same flow with its reads on a Dask cluster (prefect-dask),
giving the same outputs as the default thread-pool runner on a copy of the same inbox."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from prefect.settings import PREFECT_TASKS_REFRESH_CACHE, temporary_settings
from prefect_dask import DaskTaskRunner

from flows.evidence_flow import evidence_run
from pipeline.departments import bundled_departments_path
from pipeline.stages import RunSummary
from tests.builders.inbox import build_inbox, write_config

TODAY = date(2022, 12, 1)
COLUMNS = (
    "file",
    "department",
    "sha256",
    "format",
    "kind",
    "date",
    "doc_numbers",
    "items",
    "status",
    "problem",
)


def _run(root: Path, **options: object) -> RunSummary:
    flow = evidence_run.with_options(**options) if options else evidence_run  # type: ignore[arg-type]
    return flow(
        config_file=str(root / "evidence.toml"),
        inbox=str(root / "inbox"),
        outbox=str(root / "outbox"),
        departments=str(bundled_departments_path()),
        today=TODAY,
    )


def _rows(outbox: Path) -> list[tuple[str, ...]]:
    with (outbox / "evidence.csv").open(encoding="utf-8-sig", newline="") as f:
        return sorted(tuple(row[c] for c in COLUMNS) for row in csv.DictReader(f))


@pytest.mark.slow
def test_reads_on_a_dask_cluster_give_the_same_outputs(tmp_path: Path) -> None:
    local, dask = tmp_path / "local", tmp_path / "dask"
    written = build_inbox(local / "inbox", corrupt=True)
    write_config(local / "evidence.toml", {"deadline": "2022-12-31"})
    shutil.copytree(local, dask)

    runner = DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": 1,
            "threads_per_worker": 2,
            "processes": False,
            "dashboard_address": None,
        },
    )
    # Both copies have the same content: without a refresh the second run would take the first
    # one's reads from the result cache (keyed by content hash) instead of reading.
    with temporary_settings({PREFECT_TASKS_REFRESH_CACHE: True}):
        on_dask = _run(dask, task_runner=runner)
        default = _run(local)

    assert on_dask.read == default.read == len(written)
    assert on_dask.problems == default.problems == 1  # the corrupt docx, recorded, not raised
    assert on_dask.projected == default.projected
    assert _rows(dask / "outbox") == _rows(local / "outbox")
    assert {r[0] for r in _rows(dask / "outbox")} == set(written)
    assert sorted(on_dask.delivery.sent) == sorted(default.delivery.sent)
