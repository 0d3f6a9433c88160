"""Understood files (what the matrix consumes) built in code: one call per file, defaults that count.

``understood("县应急局/方案.docx", kind="方案", matches=[("2(3)", 80)])`` is a confident, current-year
match from 县应急局 of a file without problems. Each match may be a ``Match`` or a tuple
``(sub_item_id, score[, status[, year_ok]])``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

from pipeline.models import (
    DocKind,
    DocNumber,
    Facts,
    FileFormat,
    Match,
    MatchStatus,
    Problem,
    SourceFile,
    Understood,
)

MatchSpec = Match | tuple[str, float] | tuple[str, float, MatchStatus] | tuple[str, float, MatchStatus, bool]


def _match(rel_path: str, spec: MatchSpec) -> Match:
    if isinstance(spec, Match):
        return spec
    sub_id, score, *rest = spec
    status: MatchStatus = rest[0] if rest else "confident"  # type: ignore[assignment]
    year_ok = bool(rest[1]) if len(rest) > 1 else True
    return Match(rel_path, sub_id, float(score), (f"标题含“{sub_id}”相关关键词",), status, year_ok)


def understood(
    rel_path: str,
    *,
    department: str | None = "县应急局",
    kind: DocKind = "其他",
    matches: Sequence[MatchSpec] = (),
    organ: str | None = None,
    doc_date: date | None = date(2022, 6, 1),
    doc_numbers: Sequence[DocNumber] = (),
    problems: Sequence[Problem | str] = (),
    duplicate_of: str | None = None,
    sha256: str | None = None,
    file_format: FileFormat = "docx",
    title: str = "",
) -> Understood:
    content_id = sha256 or hashlib.sha256(rel_path.encode("utf-8")).hexdigest()
    source = SourceFile(
        path=f"/inbox/{rel_path}",
        rel_path=rel_path,
        department=department,
        folder=rel_path.split("/")[0] if "/" in rel_path else "",
        sha256=content_id,
        size=1000,
        mtime=0.0,
        format=file_format,
    )
    facts = Facts(
        doc_numbers=tuple(doc_numbers),
        title=title,
        date=doc_date,
        dates=(doc_date,) if doc_date else (),
        organ=organ,
        kind=kind,
    )
    probs = tuple(p if isinstance(p, Problem) else Problem(rel_path, "corrupt", p) for p in problems)
    return Understood(
        source=source,
        facts=facts,
        matches=tuple(_match(rel_path, m) for m in matches),
        problems=probs,
        duplicate_of=duplicate_of,
    )


def doc_number(code: str, year: int, serial: int) -> DocNumber:
    return DocNumber(code, year, serial, f"{code}〔{year}〕{serial}号")
