"""Issue 7 §2: a run killed with SIGKILL at any point is finished by the next run, with nothing lost, nothing
counted twice, no half-written output and no message sent twice.

The killed run is ``python -m tests.builders.hostile`` — the stage functions of ``pipeline.stages`` called in
the flow's order, without Prefect. That is the code that writes the ledger and the outputs; Prefect adds
a server and task bookkeeping around it but writes none of our files, and starting its server costs
thirty seconds per kill. The kill points are found by watching the filesystem and the ledger (no hook in
production code): the first batch recorded (reads), content recorded but not yet understood (the ledger
write of a batch), the workbook or its temporary file present (reports), the first .eml (mail).
"""

from __future__ import annotations

import csv
import email
import email.header
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from pipeline import stages
from pipeline.ledger import Ledger
from tests.builders.hostile import RUN_DAY, build_busy_inbox, hostile_config, run_once, tree_hashes

REPO = Path(__file__).resolve().parents[1]
MEMBERS_PER_ZIP = 3
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """One inbox built once; each test runs on a copy."""
    root = tmp_path_factory.mktemp("busy")
    rel_paths = build_busy_inbox(root / "inbox", files_per_department=30)
    return root / "inbox", rel_paths


@pytest.fixture(scope="module")
def workspace(busy: tuple[Path, list[str]]) -> stages.Workspace:
    return stages.open_workspace(hostile_config(busy[0].parent))


# ---- watching a run ------------------------------------------------------------------------------------


def _ledger_count(root: Path, sql: str) -> int:
    path = root / "outbox" / ".state" / "ledger.sqlite3"
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.05)
        try:
            return int(db.execute(sql).fetchone()[0] or 0)
        finally:
            db.close()
    except sqlite3.Error:  # not created yet, or locked for an instant
        return 0


def _during_reads(root: Path) -> bool:
    return _ledger_count(root, "SELECT count(*) FROM contents") >= 1


def _during_ledger_write(root: Path) -> bool:
    # record_batch wrote the batch's reads and is writing its matches, one transaction per content
    return _ledger_count(root, "SELECT count(*) FROM contents WHERE facts IS NULL") >= 1


def _during_reports(root: Path) -> bool:
    outbox = root / "outbox"
    return (outbox / "完整性矩阵.xlsx").exists() or any(outbox.glob(".完整性矩阵.xlsx.*.tmp"))


def _during_mail(root: Path) -> bool:
    mail = root / "outbox" / "mail"
    return mail.is_dir() and any(mail.iterdir())


def _run_and_kill(root: Path, when: Callable[[Path], bool], timeout_s: float = 120.0) -> None:
    """Start a run over ``root`` and SIGKILL it as soon as ``when(root)`` holds; fail if it ends first."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.builders.hostile", str(root)],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + timeout_s
    try:
        while not when(root):
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                pytest.fail(f"the run ended (exit {proc.returncode}) before the kill point\n{err[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail("the kill point was never reached")
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


# ---- what a finished run must look like ----------------------------------------------------------------


def _assert_consistent(root: Path, rel_paths: list[str]) -> None:
    config = hostile_config(root)
    outbox = config.outbox
    with Ledger.for_config(config) as ledger:
        assert ledger.integrity_check() == []
        runs = ledger.runs()
        assert runs[-1].status == "finished"
        problems = ledger.problems()
    db = sqlite3.connect(config.state / "ledger.sqlite3")
    try:
        current = [r[0] for r in db.execute("SELECT rel_path FROM files WHERE withdrawn_at IS NULL")]
        shas = {r[0] for r in db.execute("SELECT sha256 FROM files WHERE withdrawn_at IS NULL")}
        contents = {r[0] for r in db.execute("SELECT sha256 FROM contents")}
        # bundles and unreadable files are never understood (nothing to match); every other content is
        not_understood = db.execute(
            "SELECT count(*) FROM contents WHERE facts IS NULL AND problems = '[]' "
            "AND sha256 NOT IN (SELECT sha256 FROM files WHERE format = 'zip')"
        ).fetchone()[0]
        sent = {r[0]: r[1] for r in db.execute("SELECT key, transport FROM sent")}
    finally:
        db.close()

    # every file of the inbox, and every zip member, exactly once; all of it read and understood
    zips = [p for p in rel_paths if p.endswith(".zip")]
    expected = len(rel_paths) + MEMBERS_PER_ZIP * len(zips)
    assert len(current) == len(set(current)) == expected
    assert set(rel_paths) <= set(current)
    assert shas <= contents
    assert not_understood == 0
    assert {p.code for p in problems} == {"empty"}, [p for p in problems if p.code != "empty"][:5]

    with open(outbox / "evidence.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    files = [r["file"] for r in rows]
    assert len(files) == len(set(files)) == expected
    assert set(files) == set(current)
    assert all(r["status"] != "problem" or "0 字节" in r["problem"] for r in rows)

    # outputs whole and loadable
    wb = openpyxl.load_workbook(outbox / "完整性矩阵.xlsx", read_only=True)
    assert "问题文件" in wb.sheetnames
    wb.close()
    with open(outbox / "matrix.csv", encoding="utf-8-sig", newline="") as f:
        assert len(list(csv.reader(f))) > 1
    assert (outbox / "index.html").stat().st_size > 0
    reports = list((outbox / "reports").glob("*.html"))
    assert reports and all(p.stat().st_size > 0 for p in reports)
    leftovers = [p for p in outbox.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".~")]
    assert not leftovers, leftovers[:10]

    # the sent-log and the mail folder agree: one .eml per logged message, each logged once
    eml = {}
    for path in (outbox / "mail").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes())
        key = str(message["X-Evidence-Key"])
        key = str(email.header.make_header(email.header.decode_header(key)))
        assert key not in eml, f"{key} written twice"
        eml[key] = path
    # the log keys a message per channel (``<key>@eml`` or ``<key>@eml-无地址``)
    logged = [key.rsplit("@", 1)[0] for key in sent]
    assert len(logged) == len(set(logged)), "a message logged twice"
    assert set(eml) == set(logged)
    assert all(t.startswith("eml") for t in sent.values())


@pytest.mark.parametrize(
    "when",
    [_during_reads, _during_ledger_write, _during_reports, _during_mail],
    ids=["reads", "ledger-write", "reports", "mail"],
)
def test_killed_run_is_completed_by_the_next(
    tmp_path: Path, busy: tuple[Path, list[str]], workspace: stages.Workspace, when: Callable[[Path], bool]
) -> None:
    inbox, rel_paths = busy
    shutil.copytree(inbox, tmp_path / "inbox")
    before = tree_hashes(tmp_path / "inbox")
    _run_and_kill(tmp_path, when)

    config = hostile_config(tmp_path)
    with Ledger.for_config(config) as ledger:  # a kill leaves the database sound (WAL, one transaction)
        assert ledger.integrity_check() == []
    run_once(config, RUN_DAY, workspace)
    _assert_consistent(tmp_path, rel_paths)
    mail_after_recovery = sorted(p.name for p in (config.outbox / "mail").glob("*.eml"))

    # A third run finds nothing to do: no file read again, no message sent again.
    summary = run_once(config, RUN_DAY, workspace)
    assert summary.read == 0 and summary.new == 0 and summary.changed == 0
    assert not summary.delivery.sent and not summary.delivery.receipts
    assert sorted(p.name for p in (config.outbox / "mail").glob("*.eml")) == mail_after_recovery
    _assert_consistent(tmp_path, rel_paths)
    assert tree_hashes(tmp_path / "inbox") == before
