"""evidence.csv and matrix.csv: exact columns, UTF-8 with BOM, CRLF, stable bytes."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pipeline.csvout import EVIDENCE_COLUMNS, MATRIX_COLUMNS, write_evidence_csv, write_matrix_csv
from pipeline.matrix import Matrix, build_matrix
from pipeline.models import Match, Problem, Skipped, Understood
from tests.builders.rubric_objects import ALIASES, REGISTRY_ORDER, YINGJI, ZHENGFU, small_rubric
from tests.builders.understood import doc_number, understood

HOSTILE = '=HYPERLINK("http://evil.example/","x")'


def files() -> list[Understood]:
    return [
        understood(
            f"{YINGJI}/方案.docx",
            kind="方案",
            matches=[("2(4)", 71.25), ("2(3)", 80.04), ("13", 50, "review"), ("5(1)", 99, "rejected")],
            doc_numbers=[doc_number("蓬安办发", 2022, 7), doc_number("蓬安委", 2022, 3)],
        ),
        understood(f"{ZHENGFU}/纪要.pdf", department=ZHENGFU, kind="纪要", matches=[("1", 55, "review")]),
        understood(f"{YINGJI}/{HOSTILE}.docx", matches=[("13", 90)]),
        understood(f"{YINGJI}/坏.pdf", problems=["文件已加密，无法打开"], doc_date=None),
        understood(f"{YINGJI}/副本.docx", duplicate_of=f"{YINGJI}/方案.docx"),
        replace(
            understood("无部门.txt", department=None, file_format="txt"),
            suggestions=tuple(
                Match("无部门.txt", sub, score, ("共同关键词：安全生产",), "suggested")
                for sub, score in (("2(3)", 30.0), ("1", 38.5))
            ),
        ),
    ]


EXTRA = (Problem(f"{YINGJI}/方案.docx", "inconsistent", "报告称重点企业23家，但《重点企业名单》只有21行"),)
SKIPPED = (Skipped(f"{YINGJI}/~$草稿.docx", "Office 临时文件"),)


def matrix(fs: list[Understood]) -> Matrix:
    return build_matrix(
        small_rubric(),
        fs,
        departments=REGISTRY_ORDER,
        assessment_year=2022,
        today=date(2022, 11, 1),
        aliases=ALIASES,
        skipped=SKIPPED,
        extra_problems=EXTRA,
    )


def read(path: Path) -> tuple[bytes, list[dict[str, str]]]:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    return raw, list(csv.DictReader(io.StringIO(text, newline="")))


def test_evidence_csv_contract(tmp_path: Path) -> None:
    path = write_evidence_csv(matrix(files()), tmp_path / "evidence.csv")
    raw, rows = read(path)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") == len(rows) + 1 and b"\n" not in raw.replace(b"\r\n", b"")
    header = raw.decode("utf-8-sig").split("\r\n")[0]
    assert header == ",".join(EVIDENCE_COLUMNS)
    by_file = {r["file"]: r for r in rows}
    assert list(by_file) == sorted(by_file)
    plan = by_file[f"{YINGJI}/方案.docx"]
    assert plan["doc_numbers"] == "蓬安办发〔2022〕7号;蓬安委〔2022〕3号"
    assert plan["items"] == "2(3);2(4);13"  # best first, rejected left out
    assert plan["score"] == "80.0"
    assert plan["status"] == "matched"
    assert plan["kind"] == "方案" and plan["format"] == "docx" and plan["date"] == "2022-06-01"
    assert plan["problem"] == EXTRA[0].message
    assert plan["suggestions"] == ""
    assert len(plan["sha256"]) == 64
    assert by_file[f"{ZHENGFU}/纪要.pdf"]["status"] == "review"
    bad = by_file[f"{YINGJI}/坏.pdf"]
    assert (bad["status"], bad["problem"], bad["date"], bad["score"]) == (
        "problem",
        "文件已加密，无法打开",
        "",
        "",
    )
    dup = by_file[f"{YINGJI}/副本.docx"]
    assert dup["status"] == "duplicate" and f"{YINGJI}/方案.docx" in dup["problem"]
    loose = by_file["无部门.txt"]
    assert (loose["status"], loose["department"], loose["items"], loose["score"]) == ("unmatched", "", "", "")
    assert loose["suggestions"] == "1;2(3)"  # 待确认 candidates, best first, never counted as items
    skipped = by_file[f"{YINGJI}/~$草稿.docx"]
    assert skipped["status"] == "skipped" and skipped["problem"] == "Office 临时文件"
    assert by_file[f"{YINGJI}/{HOSTILE}.docx"]["items"] == "13"  # the name comes back exactly


def test_matrix_csv_contract(tmp_path: Path) -> None:
    m = matrix(files())
    raw, rows = read(write_matrix_csv(m, tmp_path / "matrix.csv"))
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").split("\r\n")[0] == ",".join(MATRIX_COLUMNS)
    assert len(rows) == len(list(m.cells()))
    assert {r["status"] for r in rows} <= {"完成", "部分", "缺失", "待确认"}
    row = next(r for r in rows if r["sub_item"] == "13")
    # one confident match (the hostile name) and one awaiting review: 完成, both listed as evidence
    assert row == {
        "sub_item": "13",
        "department": YINGJI,
        "status": "完成",
        "evidence_count": "2",
        "points_at_risk": "0.00",
    }
    row = next(r for r in rows if r["sub_item"] == "1" and r["department"] == ZHENGFU)
    assert (row["status"], row["evidence_count"], row["points_at_risk"]) == ("待确认", "1", "2.00")
    assert sum(float(r["points_at_risk"]) for r in rows) == pytest.approx(
        sum(g.points_at_risk for g in m.gaps)
    )
    order = [r["sub_item"] for r in rows]
    rubric_order = [s.sub_item_id for s in m.sub_items for _ in s.cells]
    assert order == rubric_order
    for r in rows:
        assert r["points_at_risk"].count(".") == 1 and len(r["points_at_risk"].split(".")[1]) == 2


def test_same_inputs_give_byte_identical_files(tmp_path: Path) -> None:
    fs = files()
    first = [
        write_evidence_csv(matrix(fs), tmp_path / "a.csv"),
        write_matrix_csv(matrix(fs), tmp_path / "b.csv"),
    ]
    before = [p.read_bytes() for p in first]
    shuffled = fs[:]
    random.Random(7).shuffle(shuffled)
    assert shuffled != fs
    write_evidence_csv(matrix(shuffled), tmp_path / "a.csv")
    write_matrix_csv(matrix(shuffled), tmp_path / "b.csv")
    assert [p.read_bytes() for p in first] == before


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    from pipeline.atomic import atomic_path, atomic_write_text

    target = tmp_path / "out" / "evidence.csv"
    atomic_write_text(target, "old\r\n")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old\r\n"
    assert [p.name for p in target.parent.iterdir()] == ["evidence.csv"]
