"""``evidence run`` once, for real (its own embedded Prefect server, in a subprocess), on an inbox
with a corrupt file; then ``report``, ``inspect`` and ``assign``, which need no Prefect."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.departments import bundled_departments_path
from tests.builders.inbox import CORRUPT_DOCX, MINUTES_TXT, NOTICE_DOCX, PLAN_TXT, build_inbox

PROJECT = Path(__file__).resolve().parents[2]


@dataclass
class Ran:
    root: Path
    written: list[str]
    returncode: int
    stdout: str
    stderr: str

    def args(self, command: str, *more: str) -> list[str]:
        return [
            command,
            "--inbox",
            str(self.root / "inbox"),
            "--outbox",
            str(self.root / "outbox"),
            "--departments",
            str(bundled_departments_path()),
            *more,
        ]


def _python(code: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "EVIDENCE_"))}
    env.update(DO_NOT_TRACK="1", PYTHONPATH=str(PROJECT))
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Ran:
    root = tmp_path_factory.mktemp("cli-run")
    written = build_inbox(root / "inbox", corrupt=True)
    r = Ran(root, written, 0, "", "")
    done = _python(
        "import sys; from pipeline.cli import main; sys.exit(main(sys.argv[1:]))", r.args("run"), root
    )
    r.returncode, r.stdout, r.stderr = done.returncode, done.stdout, done.stderr
    return r


def _evidence(root: Path) -> dict[str, dict[str, str]]:
    with (root / "outbox" / "evidence.csv").open(encoding="utf-8-sig", newline="") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


@pytest.mark.slow
def test_run_prints_a_chinese_summary_and_exits_0_with_a_problem_file(ran: Ran) -> None:
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "Traceback" not in ran.stdout + ran.stderr
    lines = ran.stdout.splitlines()
    assert "运行完成。" in lines
    files = next(line for line in lines if line.startswith("文件："))
    assert f"新增 {len(ran.written)}" in files and "有问题 1。" in files
    assert re.search(r"^预计得分：\d+\.\d 分（区间 \d+\.\d–\d+\.\d）。$", ran.stdout, re.M)
    assert re.search(r"^提醒：发送 \d+ 封（已写入 .*mail（未配置邮件服务器））", ran.stdout, re.M)
    assert "未设置邮箱的部门" in ran.stdout
    assert any(line.startswith("输出：") and "完整性矩阵.xlsx" in line for line in lines)
    rows = _evidence(ran.root)
    assert rows[CORRUPT_DOCX]["status"] == "problem" and rows[CORRUPT_DOCX]["problem"]
    assert (ran.root / "outbox" / ".state" / "prefect").is_dir(), "PREFECT_HOME is in the state folder"


@pytest.mark.slow
def test_report_rebuilds_the_outputs_from_the_ledger_without_prefect(ran: Ran) -> None:
    index = ran.root / "outbox" / "index.html"
    index.unlink()
    code = (
        "import sys; from pipeline.cli import main; rc = main(sys.argv[1:]); "
        "assert 'prefect' not in sys.modules, 'report imported prefect'; sys.exit(rc)"
    )
    done = _python(code, ran.args("report"), ran.root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "已根据台账重新生成报表（未重新读取文件）" in done.stdout
    assert index.is_file()
    assert set(_evidence(ran.root)) == set(ran.written)


@pytest.mark.slow
def test_inspect_prints_one_json_object_per_file(ran: Ran, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(ran.root / "inbox" / MINUTES_TXT), str(ran.root / "inbox" / NOTICE_DOCX)]
    assert main(ran.args("inspect", *files, "--json")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    records = [json.loads(line) for line in lines]
    for record in records:
        assert {"file", "doc_numbers", "department", "kind", "date", "items", "reasons"} <= set(record)
    minutes, notice = records
    assert (minutes["file"], minutes["department"], minutes["kind"]) == (
        MINUTES_TXT,
        "县住房城乡建设局",
        "纪要",
    )
    assert minutes["date"] == "2022-05-06"
    assert notice["doc_numbers"] == ["蓬安办发〔2022〕12号"] and notice["department"] == "县应急管理局"
    assert set(notice["reasons"]) == set(notice["items"])


@pytest.mark.slow
def test_assign_then_report_shows_the_manual_match_and_none_removes_it(
    ran: Ran, capsys: pytest.CaptureFixture[str]
) -> None:
    target = str(ran.root / "inbox" / PLAN_TXT)
    item = "25(2)"  # 事故统计联网直报: nothing in a road-transport plan suggests it
    assert item not in _evidence(ran.root)[PLAN_TXT]["items"].split(";")
    assert main(ran.args("assign", target, item)) == 0
    assert item in capsys.readouterr().out
    assert main(ran.args("report")) == 0
    row = _evidence(ran.root)[PLAN_TXT]
    assert item in row["items"].split(";") and row["status"] == "matched"

    assert main(ran.args("assign", target, "--none")) == 0
    assert main(ran.args("report")) == 0
    row = _evidence(ran.root)[PLAN_TXT]
    assert item not in row["items"].split(";") and row["status"] != "matched"


def _projection(out: str) -> tuple[float, float, float]:
    found = re.search(r"预计得分 ([\d.]+) 分（区间 ([\d.]+)–([\d.]+)）", out)
    assert found, out
    return float(found[1]), float(found[2]), float(found[3])


@pytest.mark.slow
def test_a_recorded_accident_comes_off_the_projection_and_clearing_it_restores_it(
    ran: Ran, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    assert main(ran.args("report")) == 0
    before = _projection(capsys.readouterr().out)
    assert main(ran.args("occurred", "7(2)")) == 2  # work undone is judged on evidence, not recorded
    assert "不是结果类指标" in capsys.readouterr().err
    assert main(ran.args("occurred", "23(1)", "--deduct", "2", "--note", "两次迟报被通报")) == 0
    assert "扣 2 分" in capsys.readouterr().out
    assert main(ran.args("report")) == 0
    out = capsys.readouterr().out
    after = _projection(out)
    assert [round(b - a, 2) for b, a in zip(before, after, strict=True)] == [2.0, 2.0, 2.0]
    assert "已登记发生扣分情形 1 项（23(1)），已扣 2 分" in out
    book = openpyxl.load_workbook(ran.root / "outbox" / "完整性矩阵.xlsx", read_only=True)
    overview = [str(v) for row in book["总览"].iter_rows(values_only=True) for v in row if v is not None]
    assert any("已登记发生扣分情形 1 项（23(1)）" in v for v in overview)
    (row,) = [r for r in book["矩阵"].iter_rows(values_only=True) if r[0] == "23(1)"]
    assert row[2] == 2 and "两次迟报被通报" in row[4]
    book.close()
    assert main(ran.args("occurred", "23(1)", "--clear")) == 0
    assert main(ran.args("report")) == 0
    assert _projection(capsys.readouterr().out) == before
