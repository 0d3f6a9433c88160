"""The machine-readable twins of the workbook: ``evidence.csv`` and ``matrix.csv`` (issue 5 §3).

Stable contracts (documented in the README):

- UTF-8 with a BOM (Excel opens it as UTF-8), lines end with ``\\r\\n`` (RFC 4180, and what Excel writes),
  every field quoted only when needed (csv.QUOTE_MINIMAL).
- Values are written as they are: a file named ``=HYPERLINK(…)`` stays exactly that, because a program
  reading the CSV must get the real name; the workbook is the place for people.
- ``items`` are the matches (confident and awaiting review); ``suggestions`` the best candidates of a file
  nothing matched, which are not evidence until a person picks one.
- ``status`` says how the file was read and matched (``Understood.status``); ``problem`` lists every problem
  recorded against the file, including the consistency ones (a matched report whose counts disagree with its
  台账 stays ``matched`` but says why in ``problem``).
- Rows are sorted (evidence by ``file``; matrix in rubric order, then department in registry order), so the
  same inputs give byte-identical files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.atomic import atomic_write_bytes
from pipeline.matrix import Matrix
from pipeline.models import Match, Understood

EVIDENCE_COLUMNS = (
    "file", "department", "sha256", "format", "kind", "date", "doc_numbers", "items", "score", "status", "problem",
    "suggestions",
)  # fmt: skip
MATRIX_COLUMNS = ("sub_item", "department", "status", "evidence_count", "points_at_risk")
LINE_END = "\r\n"


def _encode(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=LINE_END)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _ranked(matches: Sequence[Match]) -> list[Match]:
    """Best first: the highest score, ties by sub-item id; one entry per sub-item; rejected ones left out."""
    best: dict[str, Match] = {}
    for m in matches:
        if m.status == "rejected":
            continue
        if m.sub_item_id not in best or m.score > best[m.sub_item_id].score:
            best[m.sub_item_id] = m
    return sorted(best.values(), key=lambda m: (-m.score, m.sub_item_id))


def evidence_rows(matrix: Matrix) -> list[list[str]]:
    rows: list[list[str]] = []
    for u in matrix.files:
        rows.append(_evidence_row(matrix, u))
    for s in matrix.skipped:
        rows.append([s.rel_path, "", "", "", "", "", "", "", "", "skipped", s.reason, ""])
    rows.sort(key=lambda r: (r[0], r[9]))
    return rows


def _evidence_row(matrix: Matrix, u: Understood) -> list[str]:
    ranked = _ranked(u.matches)
    problems = [p.message for p in u.problems]
    problems += [p.message for p in matrix.problems_for(u.source.rel_path) if p not in u.problems]
    if u.duplicate_of:
        problems.append(f"与 {u.duplicate_of} 内容相同")
    return [
        u.source.rel_path,
        u.department or "",
        u.source.sha256,
        u.source.format,
        u.facts.kind,
        u.facts.date.isoformat() if u.facts.date else "",
        ";".join(dict.fromkeys(d.canonical for d in u.facts.doc_numbers)),
        ";".join(m.sub_item_id for m in ranked),
        f"{ranked[0].score:.1f}" if ranked else "",
        _status(matrix, u),
        "；".join(dict.fromkeys(problems)),
        ";".join(m.sub_item_id for m in _ranked(u.suggestions)),
    ]


def _status(matrix: Matrix, u: Understood) -> str:
    """A zip bundle has no text of its own: it is matched when one of its members is."""
    if u.source.format != "zip" or u.problems or u.duplicate_of:
        return u.status
    members = [m.status for m in matrix.files if m.source.container == u.source.rel_path]
    for status in ("matched", "review"):
        if status in members:
            return status
    return u.status


def matrix_rows(matrix: Matrix) -> list[list[str]]:
    rank = {d: i for i, d in enumerate(matrix.departments)}
    rows: list[list[str]] = []
    for s in matrix.sub_items:  # rubric order
        for c in sorted(s.cells, key=lambda c: (rank.get(c.department, len(rank)), c.department)):
            rows.append(
                [c.sub_item_id, c.department, c.status, str(len(c.evidence)), f"{c.points_at_risk:.2f}"]
            )
    return rows


def write_evidence_csv(matrix: Matrix, path: Path | str) -> Path:
    """One row per file (and per skipped entry); ``file`` relative to the inbox."""
    atomic_write_bytes(path, _encode(EVIDENCE_COLUMNS, evidence_rows(matrix)))
    return Path(path)


def write_matrix_csv(matrix: Matrix, path: Path | str) -> Path:
    """One row per sub-item × responsible department; ``status`` is the Chinese word (完成/部分/缺失/待确认/结果类)."""
    atomic_write_bytes(path, _encode(MATRIX_COLUMNS, matrix_rows(matrix)))
    return Path(path)
