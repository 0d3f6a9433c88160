"""The whole flow on a small inbox, three runs in a row: first (everything new), second (nothing new:
nothing read, no reminder twice), third (one file added: only it is read, its department gets a receipt)."""

from __future__ import annotations

import asyncio
import csv
import email
import signal
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from email import policy
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiosmtpd.controller import Controller

from flows.evidence_flow import evidence_run
from pipeline.config import load_config
from pipeline.departments import bundled_departments_path, load_departments
from pipeline.ledger import Ledger, RunRecord
from pipeline.overrides import record_occurrence
from pipeline.stages import RunSummary, format_summary
from tests.builders.inbox import (
    FOLDERS,
    NEW_FILE,
    add_new_file,
    build_inbox,
    tree_hashes,
    write_config,
    write_departments,
)
from tests.builders.net import free_port

PROJECT = Path(__file__).resolve().parents[2]

TODAY = date(2022, 12, 1)
DEADLINE = date(2022, 12, 31)
SHEETS = ("总览", "矩阵", "佐证清单", "问题文件", "催办")


@dataclass
class Snapshot:
    summary: RunSummary
    mail: dict[str, int]  # .eml name → mtime_ns
    inbox: dict[str, tuple[str, int]]
    sheets: list[str]
    evidence_files: set[str]
    matrix_rows: int
    reports: set[str]
    dashboard: str


@dataclass
class Runs:
    root: Path
    inbox: Path
    outbox: Path
    config_file: Path
    written: list[str]
    before: dict[str, tuple[str, int]]
    first: Snapshot
    second: Snapshot
    third: Snapshot
    before_third: dict[str, tuple[str, int]]

    def ledger_runs(self) -> list[RunRecord]:
        with Ledger.for_config(load_config(self.config_file, outbox=self.outbox)) as ledger:
            return ledger.runs()


def _mail(outbox: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted((outbox / "mail").glob("*.eml"))}


def _run(root: Path, config_file: Path) -> Snapshot:
    """One run of the flow, and what it left in the outbox (the next run rewrites the outputs)."""
    outbox = root / "outbox"
    summary = evidence_run(
        config_file=str(config_file),
        inbox=str(root / "inbox"),
        outbox=str(outbox),
        departments=str(bundled_departments_path()),
        today=TODAY,
    )
    wb = openpyxl.load_workbook(outbox / "完整性矩阵.xlsx", read_only=True)
    with (outbox / "evidence.csv").open(encoding="utf-8-sig", newline="") as f:
        files = {row["file"] for row in csv.DictReader(f)}
    with (outbox / "matrix.csv").open(encoding="utf-8-sig", newline="") as f:
        matrix_rows = len(list(csv.DictReader(f)))
    return Snapshot(
        summary=summary,
        mail=_mail(outbox),
        inbox=tree_hashes(root / "inbox"),
        sheets=list(wb.sheetnames),
        evidence_files=files,
        matrix_rows=matrix_rows,
        reports={p.stem for p in (outbox / "reports").glob("*.html")},
        dashboard=(outbox / "index.html").read_text(encoding="utf-8"),
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    root = tmp_path_factory.mktemp("flow")
    inbox, outbox = root / "inbox", root / "outbox"
    written = build_inbox(inbox)
    config_file = write_config(root / "evidence.toml", {"deadline": DEADLINE.isoformat()})
    before = tree_hashes(inbox)
    first = _run(root, config_file)
    second = _run(root, config_file)
    add_new_file(inbox)
    before_third = tree_hashes(inbox)
    third = _run(root, config_file)
    return Runs(root, inbox, outbox, config_file, written, before, first, second, third, before_third)


def test_first_run_writes_every_output(runs: Runs) -> None:
    s = runs.first.summary
    assert (s.new, s.read, s.problems) == (len(runs.written), len(runs.written), 0)
    first = runs.first
    assert set(SHEETS) <= set(first.sheets)
    assert first.evidence_files == set(runs.written)
    assert first.matrix_rows > 0
    assert first.dashboard.lstrip().lower().startswith("<!doctype")
    assert set(FOLDERS.values()) <= first.reports


def test_first_run_mails_every_department_and_receipts_the_senders(runs: Runs) -> None:
    d = runs.first.summary.delivery
    departments = [dep.name for dep in load_departments(bundled_departments_path()).departments]
    assert d.failed == []
    assert sorted(d.sent) == sorted(set(d.sent))
    assert set(d.sent) <= set(departments) and d.sent, "every department with gaps is reminded"
    assert sorted(d.receipts) == sorted(FOLDERS.values())
    assert sorted(d.no_address) == sorted(d.sent), "the bundled registry has no addresses"
    assert len(runs.first.mail) == len(d.sent) + len(d.receipts)
    for name in runs.first.mail:
        msg = email.message_from_bytes((runs.outbox / "mail" / name).read_bytes(), policy=policy.default)
        assert msg["X-Evidence-Key"].replace(":", "-") == name.removesuffix(".eml")
        if msg["X-Evidence-Key"].startswith("reminder:"):
            assert msg["Subject"] == "【安全生产党政同责】佐证资料缺项提醒（剩余30天）"


def test_second_run_reads_nothing_and_sends_nothing(runs: Runs) -> None:
    s = runs.second.summary
    assert (s.new, s.changed, s.read) == (0, 0, 0)
    assert s.unchanged == len(runs.written)
    assert s.delivery.sent == [] and s.delivery.receipts == [] and s.delivery.failed == []
    assert s.outputs_reused, "nothing changed since run 1: its outputs and reminders stand"
    assert runs.second.mail == runs.first.mail, "no .eml written or rewritten"
    ledger_runs = runs.ledger_runs()
    assert [r.status for r in ledger_runs] == ["finished"] * 3
    assert [r.counts["read"] for r in ledger_runs] == [len(runs.written), 0, 1]


def test_a_new_file_is_the_only_one_read_and_its_department_gets_a_receipt(runs: Runs) -> None:
    s = runs.third.summary
    assert (s.new, s.read, s.unchanged) == (1, 1, len(runs.written))
    assert s.delivery.receipts == [FOLDERS[NEW_FILE.split("/")[0]]]
    assert runs.third.evidence_files == {*runs.written, NEW_FILE}
    new_mail = set(runs.third.mail) - set(runs.second.mail)
    receipts = [n for n in new_mail if n.startswith("receipt-")]
    assert receipts and all(FOLDERS[NEW_FILE.split("/")[0]] in n for n in receipts)
    msg = email.message_from_bytes((runs.outbox / "mail" / receipts[0]).read_bytes(), policy=policy.default)
    body = msg.get_body(("plain",)).get_content()
    assert NEW_FILE.split("/", 1)[1] in body
    for earlier in runs.written:
        assert earlier.split("/", 1)[1] not in body, "a receipt lists only the newly processed files"
    # Earlier messages are never rewritten; a department reminded again has new gaps (a new key).
    for name, mtime in runs.second.mail.items():
        assert runs.third.mail[name] == mtime
    assert len(runs.third.mail) == len(runs.second.mail) + len(s.delivery.sent) + len(s.delivery.receipts)


def test_a_recorded_event_is_named_in_the_run_summary_also_when_the_outputs_are_reused(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    build_inbox(inbox)
    config_file = write_config(tmp_path / "evidence.toml", {"deadline": DEADLINE.isoformat()})
    plain = _run(tmp_path, config_file).summary
    assert plain.outcome_basis == "" and "已登记发生扣分情形" not in format_summary(plain)
    record_occurrence(load_config(config_file, outbox=tmp_path / "outbox").state, "23(1)", 2.0)
    recorded = _run(tmp_path, config_file).summary
    reused = _run(tmp_path, config_file).summary
    assert reused.outputs_reused and not recorded.outputs_reused
    for s in (recorded, reused):
        assert round(plain.projected - s.projected, 2) == 2.0
        line = next(x for x in format_summary(s).splitlines() if x.startswith("预计得分："))
        assert line.endswith("结果类指标中已登记发生扣分情形 1 项（23(1)），已扣 2 分，其余按未发生计。"), (
            line
        )


def test_originals_are_never_modified(runs: Runs) -> None:
    assert runs.first.inbox == runs.before
    assert runs.second.inbox == runs.before
    assert runs.third.inbox == runs.before_third
    assert {k: v for k, v in runs.before_third.items() if k != NEW_FILE} == runs.before


# --------------------------------------------------------------------------------------------
# Killed while sending, run again: every message reaches the server exactly once
# --------------------------------------------------------------------------------------------


@dataclass
class HoldingSink:
    """An aiosmtpd handler that accepts ``hold_after`` messages, then holds the next session at
    MAIL FROM — before any of that message is transferred — until released.

    The sender logs a message right after the server's 250 and only then connects for the next
    one, so while a session is held every accepted message is already in the sent-log: a kill
    then lands between two messages, never inside one.
    """

    hold_after: int
    keys: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self.lock:
            hold = len(self.keys) >= self.hold_after and not self.release.is_set()
        if hold:
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.keys.append(str(msg["X-Evidence-Key"]))
        return "250 OK"


def _evidence_run(root: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    code = "import sys; from pipeline.cli import main; sys.exit(main(sys.argv[1:]))"
    args = ["run", "--inbox", "inbox", "--outbox", "outbox", "--departments", "departments.toml"]
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=root,
        env={**env, "PYTHONPATH": str(PROJECT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.slow
def test_a_run_killed_while_sending_and_run_again_sends_each_message_once(
    tmp_path: Path, subprocess_env: dict[str, str]
) -> None:
    build_inbox(tmp_path / "inbox")
    addresses = write_departments(tmp_path / "departments.toml")
    write_config(tmp_path / "evidence.toml", {"deadline": DEADLINE.isoformat()})
    port = free_port()
    sink = HoldingSink(hold_after=5)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **subprocess_env,
        "EVIDENCE_SMTP_HOST": "127.0.0.1",
        "EVIDENCE_SMTP_PORT": str(port),
        "EVIDENCE_SMTP_TLS": "none",
        "EVIDENCE_MAIL_FROM": "anban@county.test",
    }
    try:
        first = _evidence_run(tmp_path, env)
        try:
            assert sink.held.wait(timeout=150), "the first run never reached its sixth message"
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
        finally:
            if first.poll() is None:
                first.kill()
        assert first.returncode == -signal.SIGKILL
        killed_at = list(sink.keys)
        assert len(killed_at) == sink.hold_after
        sink.release.set()

        second = _evidence_run(tmp_path, env)
        out, _ = second.communicate(timeout=150)
        assert second.returncode == 0, out
        assert "Traceback" not in out
    finally:
        controller.stop()

    counts = Counter(sink.keys)
    assert [k for k, n in counts.items() if n > 1] == [], "no message reached the server twice"
    reminders = {k.split(":")[1] for k in counts if k.startswith("reminder:")}
    receipts = {k.split(":")[1] for k in counts if k.startswith("receipt:")}
    assert reminders == set(addresses), "every department (all have gaps and an address) is reminded"
    assert receipts == set(FOLDERS.values()), "receipts owed by the killed run are sent by the next"
    assert len(sink.keys) > len(killed_at)
    assert "提醒：发送" in out and "发送失败 0 封" in out
