"""The README's main job, end to end: the demo inbox through the Prefect flow (issue 5's "done when").

One module-scoped run (OCR of the demo's scans costs ~40 s here), then a second run over the same
inbox. Everything is checked by loading what a person or a program would load: the workbook with
openpyxl, the CSVs with the csv module, the dashboard's HTML, the department reports, the .eml files.
"""

from __future__ import annotations

import csv
import email
import hashlib
import re
from collections import defaultdict
from datetime import date
from email import policy
from pathlib import Path

import openpyxl
import pytest

from flows.evidence_flow import evidence_run
from pipeline.cli import main
from pipeline.demo import DemoManifest, write_demo_inbox
from pipeline.stages import RunSummary

pytestmark = [pytest.mark.ocr, pytest.mark.slow]

TODAY = date(2022, 12, 1)


def _tree_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} must start with a UTF-8 BOM"
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


class DemoRun:
    def __init__(self, root: Path) -> None:
        self.inbox = root / "inbox"
        self.outbox = root / "outbox"
        self.manifest: DemoManifest = write_demo_inbox(self.inbox)
        self.hashes_before = _tree_hashes(self.inbox)
        self.first: RunSummary = evidence_run(inbox=str(self.inbox), outbox=str(self.outbox), today=TODAY)
        self.csv_first = {n: (self.outbox / n).read_bytes() for n in ("evidence.csv", "matrix.csv")}
        self.mail_first = sorted(p.name for p in (self.outbox / "mail").glob("*.eml"))
        self.second: RunSummary = evidence_run(inbox=str(self.inbox), outbox=str(self.outbox), today=TODAY)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    return DemoRun(tmp_path_factory.mktemp("demo-run"))


def test_every_output_is_written_and_loads(demo: DemoRun) -> None:
    out = demo.outbox
    wb = openpyxl.load_workbook(out / "完整性矩阵.xlsx")
    assert wb.sheetnames[:5] == ["总览", "矩阵", "佐证清单", "问题文件", "催办"]
    assert (out / "index.html").is_file()
    assert (out / "binder" / "目录.xlsx").is_file()
    reports = list((out / "reports").glob("*.html"))
    assert len(reports) >= 15 and all(r.with_suffix(".txt").is_file() for r in reports)
    assert demo.mail_first, "the embedded mail backend writes .eml files"


def test_the_inbox_is_untouched(demo: DemoRun) -> None:
    assert _tree_hashes(demo.inbox) == demo.hashes_before


def test_every_file_is_processed_or_listed_with_a_reason(demo: DemoRun) -> None:
    rows = {r["file"]: r for r in _csv(demo.outbox / "evidence.csv")}
    for f in demo.manifest.files:
        assert f.rel_path in rows, f.rel_path
        row = rows[f.rel_path]
        if f.tag == "bad":
            assert row["status"] == "problem" and row["problem"], f.rel_path
        elif f.tag == "skipped":
            assert row["status"] == "skipped" and row["problem"], f.rel_path
        elif f.tag == "duplicate":
            assert row["status"] == "duplicate", f.rel_path
        else:
            assert row["status"] in ("matched", "review", "unmatched"), (f.rel_path, row["status"])


def test_counts_reconcile_between_workbook_csv_and_html(demo: DemoRun) -> None:
    out = demo.outbox
    evidence = _csv(out / "evidence.csv")
    files = [r for r in evidence if r["status"] != "skipped"]
    wb = openpyxl.load_workbook(out / "完整性矩阵.xlsx")
    listed = [row for row in wb["佐证清单"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert len(listed) == len(files)

    matrix = _csv(out / "matrix.csv")
    symbols = [c for row in wb["矩阵"].iter_rows(min_row=2, values_only=True) for c in row[5:] if c]
    assert len(symbols) == len(matrix)

    html = (out / "index.html").read_text(encoding="utf-8")
    received = re.search(r"收到文件\s*(\d+)\s*个", html)
    assert received and int(received.group(1)) == len(files)
    skipped = re.search(r"跳过\s*(\d+)\s*个", html)
    assert skipped and int(skipped.group(1)) == len(evidence) - len(files)


def test_points_at_risk_add_up_to_the_projected_score(demo: DemoRun) -> None:
    matrix = _csv(demo.outbox / "matrix.csv")
    by_sub: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in matrix:
        by_sub[row["sub_item"]].append(row)
    at_risk_all = sum(float(r["points_at_risk"]) for r in matrix)
    at_risk_missing = sum(
        float(r["points_at_risk"])
        for rows in by_sub.values()
        if all(r["status"] == "缺失" for r in rows)
        for r in rows
    )
    low, high = 100 - at_risk_all, 100 - at_risk_missing
    assert demo.first.projected_low == pytest.approx(low, abs=0.005)
    assert demo.first.projected_high == pytest.approx(high, abs=0.005)
    assert demo.first.projected == pytest.approx((low + high) / 2, abs=0.005)

    overview = openpyxl.load_workbook(demo.outbox / "完整性矩阵.xlsx")["总览"]
    values = {row[0]: row[1] for row in overview.iter_rows(values_only=True) if row and row[0]}
    assert float(values["预计得分"]) == pytest.approx(demo.first.projected, abs=0.01)
    html = (demo.outbox / "index.html").read_text(encoding="utf-8")
    shown = re.search(r'id="projected">([\d.]+)<', html)
    assert shown and float(shown.group(1)) == pytest.approx(demo.first.projected, abs=0.01)


def test_the_demo_is_understood(demo: DemoRun) -> None:
    """Most files that are meant to prove a sub-item are matched to it (OCR'd scans included)."""
    rows = {r["file"]: r for r in _csv(demo.outbox / "evidence.csv")}
    meant = [f for f in demo.manifest.files if f.sub_item_ids]
    hits = [f for f in meant if set(rows[f.rel_path]["items"].split(";")[:3]) & set(f.sub_item_ids)]
    assert len(hits) / len(meant) >= 0.8, [f.rel_path for f in meant if f not in hits]
    numbers = {n for r in rows.values() for n in r["doc_numbers"].split(";") if n}
    scanned = [f for f in demo.manifest.files if f.ocr_pages and f.doc_number]
    assert scanned and all(f.doc_number in numbers for f in scanned)


def test_the_consistency_check_finds_the_inconsistent_department(demo: DemoRun) -> None:
    rows = _csv(demo.outbox / "evidence.csv")
    flagged = {r["department"] for r in rows if "报告称" in r["problem"] or "没有检查记录" in r["problem"]}
    assert flagged == set(demo.manifest.inconsistent)


def test_a_second_run_reads_nothing_and_changes_nothing(demo: DemoRun) -> None:
    assert demo.second.read == 0
    assert demo.second.new == 0 and demo.second.changed == 0
    assert demo.second.outputs_reused
    for name, before in demo.csv_first.items():
        assert (demo.outbox / name).read_bytes() == before, f"{name} differs between two runs"
    assert sorted(p.name for p in (demo.outbox / "mail").glob("*.eml")) == demo.mail_first
    assert demo.second.delivery.sent == [] and demo.second.delivery.receipts == []


def test_rebuilding_from_the_ledger_gives_byte_identical_csvs(demo: DemoRun) -> None:
    assert main(["report", "--inbox", str(demo.inbox), "--outbox", str(demo.outbox)]) == 0
    for name, before in demo.csv_first.items():
        assert (demo.outbox / name).read_bytes() == before, f"{name} differs after evidence report"


def test_mail_is_chinese_and_department_specific(demo: DemoRun) -> None:
    for path in (demo.outbox / "mail").glob("reminder-*.eml"):
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert msg["Subject"].startswith("【安全生产党政同责】佐证资料缺项提醒")
        department = path.name.split("-")[1]
        body = msg.get_body(preferencelist=("plain",))
        assert body is not None and department in body.get_content()
        others = [f for f in demo.manifest.files if f.department and f.department != department]
        text = body.get_content()
        for f in others:
            assert Path(f.rel_path).name not in text, (department, f.rel_path)
