"""The office corrects a match with ``evidence assign``; on the next run a similar new file is matched
the way the office decided, and its reasons say the match comes from the confirmed file."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from flows.evidence_flow import evidence_run
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.departments import bundled_departments_path
from pipeline.ledger import Ledger
from tests.builders.inbox import tree_hashes, write_config
from tests.builders.office import write_docx
from tests.pipeline.test_learning import NEW_PATROL, PATROLS

TODAY = date(2022, 12, 1)


def _run(root: Path, config_file: Path) -> dict[str, dict[str, str]]:
    evidence_run(
        config_file=str(config_file),
        inbox=str(root / "inbox"),
        outbox=str(root / "outbox"),
        departments=str(bundled_departments_path()),
        today=TODAY,
    )
    with (root / "outbox" / "evidence.csv").open(encoding="utf-8-sig", newline="") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


def test_an_assigned_file_teaches_the_next_run(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "新会镇").mkdir(parents=True)
    title, body = PATROLS[0]
    write_docx(inbox / "新会镇" / "汛期巡查.docx", [title, body], table=None, after_table=())
    config_file = write_config(tmp_path / "evidence.toml", {"deadline": "2022-12-31"})
    first = _run(tmp_path, config_file)
    assert "7(7)" not in first["新会镇/汛期巡查.docx"]["items"].split(";")  # the matcher got it wrong

    args = ["--inbox", str(inbox), "--outbox", str(tmp_path / "outbox")]
    target = str(inbox / "新会镇" / "汛期巡查.docx")
    assert main(["--config", str(config_file), "assign", target, "7(7)", *args]) == 0
    write_docx(inbox / "新会镇" / "第二轮巡查.docx", list(NEW_PATROL), table=None, after_table=())
    before = tree_hashes(inbox)
    second = _run(tmp_path, config_file)
    assert tree_hashes(inbox) == before

    assert second["新会镇/汛期巡查.docx"]["items"].split(";")[0] == "7(7)"  # the office's decision
    assert second["新会镇/第二轮巡查.docx"]["items"].split(";")[0] == "7(7)"
    assert second["新会镇/第二轮巡查.docx"]["status"] in ("matched", "review")  # counted, not a suggestion
    with Ledger.for_config(load_config(config_file, outbox=tmp_path / "outbox")) as ledger:
        (new,) = [u for u in ledger.understood() if u.source.rel_path == "新会镇/第二轮巡查.docx"]
    best = new.matches[0]
    assert best.sub_item_id == "7(7)"
    # the office's file is named first, with or without reference examples beside it
    assert any(r.startswith("与已确认的 1 份 7(7) 佐证") and "汛期巡查.docx" in r for r in best.reasons)
