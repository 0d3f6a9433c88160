"""The real-text corpus (see LABELLING.md): documents with sub-item labels, and 文号 occurrences.

``python -m tests.matchers.real.corpus`` validates every file and prints counts.
"""

from __future__ import annotations

import hashlib
import re
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REAL_DIR = Path(__file__).resolve().parent

KINDS = frozenset(
    [
        "纪要",
        "方案",
        "通知",
        "简报",
        "新闻",
        "台账",
        "值班表",
        "预案",
        "执法公示",
        "事故调查报告",
        "预算",
        "制度",
        "总结",
        "报告",
        "讲话",
        "规划",
        "清单",
        "其他",
    ]
)
VARIANTS = frozenset(
    [
        "clean",
        "bracket-variant",
        "no-bracket",
        "full-width",
        "traditional",
        "mixed-script",
        "space-inside",
        "line-break",
        "stop-word-before",
        "serial-in-parens",
        "unusual-code-end",
        "long-code",
        "leading-zero",
        "di",
        "ocr-damage",
        "negative-phone",
        "negative-ling",
        "negative-icp",
        "negative-other",
    ]
)
SHORT_TEXT = 300
_DATE = re.compile(r"^(?:\d{4}(?:-\d{2}(?:-\d{2})?)?)?$")
_SUB_ID = re.compile(r"^(?:\d{1,2}(?:\(\d{1,2}\))?|B\d{1,2})$")


@dataclass(frozen=True)
class RealDoc:
    id: str
    url: str
    title: str
    organ: str
    date: str
    kind: str
    dept: str
    folder: str
    labels: tuple[str, ...]
    reason: str
    text: str
    negative: bool = False
    short: bool = False

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None

    @property
    def split(self) -> str:
        """``tune`` or ``test``, by a stable hash of the URL: half and half, fixed for good."""
        return "test" if hashlib.sha256(self.url.encode()).digest()[0] % 2 else "tune"


@dataclass(frozen=True)
class Occurrence:
    url: str
    context: str
    expect: tuple[str, ...]
    variant: str


class CorpusError(ValueError):
    pass


def _known_ids() -> frozenset[str]:
    from pipeline.rubric import read_rubric

    rubric = read_rubric()
    ids = {s.id for p in rubric.parts for c in p.categories for i in c.items for s in i.sub_items}
    if rubric.bonus:
        ids |= {b.id for b in rubric.bonus.items}
    return frozenset(ids)


def _departments() -> dict[str, str]:
    """Every alias and name → canonical name."""
    from pipeline.departments import load_departments

    out: dict[str, str] = {}
    for d in load_departments().departments:
        for n in (d.name, *d.aliases):
            out[n] = d.name
    return out


@cache
def load_docs(directory: Path = REAL_DIR) -> tuple[RealDoc, ...]:
    docs: list[RealDoc] = []
    for file in sorted(directory.glob("docs_*.toml")):
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise CorpusError(f"{file.name}: {e}") from e
        for raw in data.get("doc", []):
            try:
                docs.append(
                    RealDoc(
                        id=raw["id"],
                        url=raw["url"],
                        title=raw["title"],
                        organ=raw.get("organ", ""),
                        date=raw.get("date", ""),
                        kind=raw["kind"],
                        dept=raw["dept"],
                        folder=raw["folder"],
                        labels=tuple(raw["labels"]),
                        reason=raw["reason"],
                        text=raw["text"].strip(),
                        negative=raw.get("negative", False),
                        short=raw.get("short", False),
                    )
                )
            except KeyError as e:
                raise CorpusError(f"{file.name}: {raw.get('id', '?')} lacks {e}") from e
    return tuple(docs)


@cache
def load_occurrences(directory: Path = REAL_DIR) -> tuple[Occurrence, ...]:
    """Every ``docnums*.toml`` (one file per collector), in file order."""
    out: list[Occurrence] = []
    for path in sorted(directory.glob("docnums*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        out.extend(
            Occurrence(o["url"], o["context"], tuple(o["expect"]), o["variant"])
            for o in data.get("occurrence", [])
        )
    return tuple(out)


def validate_docs(docs: tuple[RealDoc, ...]) -> list[str]:
    errors: list[str] = []
    ids = _known_ids()
    depts = _departments()
    seen: Counter[str] = Counter(d.id for d in docs)
    urls: Counter[str] = Counter(d.url for d in docs)
    for d in docs:
        where = d.id
        if seen[d.id] > 1:
            errors.append(f"{where}: duplicate id")
        if urls[d.url] > 1:
            errors.append(f"{where}: duplicate url {d.url}")
        if not d.url.startswith(("http://", "https://")):
            errors.append(f"{where}: url must be http(s)")
        if d.kind not in KINDS:
            errors.append(f"{where}: kind {d.kind!r} not in {sorted(KINDS)}")
        if not _DATE.match(d.date):
            errors.append(f"{where}: date {d.date!r} is not YYYY[-MM[-DD]]")
        if depts.get(d.dept) != d.dept:
            errors.append(f"{where}: dept {d.dept!r} is not a canonical department name")
        if depts.get(d.folder) != d.dept:
            errors.append(f"{where}: folder {d.folder!r} is not an alias of {d.dept}")
        for label in d.labels:
            if not _SUB_ID.match(label) or label not in ids:
                errors.append(f"{where}: unknown sub-item {label!r}")
        if len(d.labels) != len(set(d.labels)) or len(d.labels) > 4:
            errors.append(f"{where}: labels repeat or more than 4")
        if d.negative and d.labels:
            errors.append(f"{where}: a negative has labels")
        if d.short and len(d.text) > SHORT_TEXT:
            errors.append(f"{where}: short but {len(d.text)} characters")
        if len(d.text) < 40:
            errors.append(f"{where}: text under 40 characters")
        if not d.reason.strip():
            errors.append(f"{where}: no reason")
    return errors


def validate_occurrences(occurrences: tuple[Occurrence, ...]) -> list[str]:
    errors: list[str] = []
    canonical = re.compile(r"^[\u4e00-\u9fffA-Za-z]{1,14}〔\d{4}〕[1-9]\d*号$")
    for n, o in enumerate(occurrences, start=1):
        where = f"occurrence {n} ({o.context[:20]})"
        if o.variant not in VARIANTS:
            errors.append(f"{where}: variant {o.variant!r} not in {sorted(VARIANTS)}")
        if not o.url.startswith(("http://", "https://")):
            errors.append(f"{where}: url must be http(s)")
        for e in o.expect:
            if not canonical.match(e):
                errors.append(f"{where}: expect {e!r} is not canonical 代字〔YYYY〕N号")
        if o.variant.startswith("negative") and o.expect:
            errors.append(f"{where}: a negative expects numbers")
    return errors


def main() -> int:
    docs = load_docs()
    occ = load_occurrences()
    errors = validate_docs(docs) + validate_occurrences(occ)
    for e in errors:
        print(e)
    labels = Counter(x for d in docs for x in d.labels)
    print(
        f"{len(docs)} documents: {sum(1 for d in docs if not d.labels)} NONE "
        f"({sum(d.negative for d in docs)} tagged negative), "
        f"{sum(1 for d in docs if len(d.labels) > 1)} with 2+ labels, {sum(d.short for d in docs)} short; "
        f"split tune/test {sum(d.split == 'tune' for d in docs)}/{sum(d.split == 'test' for d in docs)}; "
        f"{len(labels)} distinct sub-items"
    )
    print(
        f"{len(occ)} 文号 occurrences: {sum(1 for o in occ if o.expect)} positive, "
        f"{sum(1 for o in occ if not o.expect)} negative; variants {dict(Counter(o.variant for o in occ))}"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
