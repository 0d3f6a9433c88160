"""The labelled evaluation set for sub-item matching and its two figures, precision@1 and recall@3.

A case lists the sub-items any of which is an acceptable match (``expect``); ``expect = []`` marks a
hard negative that must match nothing.

- precision@1: of the cases that got at least one match, the share whose best match is acceptable
  (a negative that gets any match counts against it).
- recall@3: of the positive cases, the share with an acceptable sub-item among the first three matches.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from matchers.facts import extract_facts
from matchers.keywords import KeywordExtractor, build_dictionary
from matchers.subitems import EvidenceView, SubItemIndex, build_index, score_many
from pipeline.departments import DepartmentRegistry, load_departments
from pipeline.models import Match, Rubric
from pipeline.rubric import read_rubric

EVAL_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Case:
    id: str
    dept: str
    path: str
    text: str
    expect: tuple[str, ...]
    image: bool = False
    table: bool = False
    year: int | None = None  # the year the document is from, when it is not the assessment year


def load_cases(directory: Path = EVAL_DIR) -> list[Case]:
    cases: list[Case] = []
    for file in sorted(directory.glob("cases_*.toml")):
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        for raw in data["case"]:
            cases.append(
                Case(
                    id=raw["id"],
                    dept=raw["dept"],
                    path=raw["path"],
                    text=raw["text"].strip(),
                    expect=tuple(raw["expect"]),
                    image=raw.get("image", False),
                    table=raw.get("table", False),
                    year=raw.get("year"),
                )
            )
    return cases


@dataclass(frozen=True)
class Context:
    rubric: Rubric
    registry: DepartmentRegistry
    keywords: KeywordExtractor
    index: SubItemIndex


@cache
def context() -> Context:
    rubric = read_rubric()
    registry = load_departments()
    names = [n for d in registry.departments for n in (d.name, *d.aliases)]
    keywords = KeywordExtractor(build_dictionary(rubric, names))
    return Context(rubric, registry, keywords, build_index(rubric))


def views_of(cases: Sequence[Case], ctx: Context) -> list[EvidenceView]:
    views: list[EvidenceView] = []
    for case in cases:
        facts = extract_facts(
            case.text,
            case.path.rsplit("/", 1)[-1],
            registry=ctx.registry,
            keywords=ctx.keywords,
            is_image=case.image,
            is_table=case.table,
        )
        views.append(EvidenceView(case.path, case.dept, case.text, facts, is_image=case.image))
    return views


@dataclass(frozen=True)
class Figures:
    precision_at_1: float
    recall_at_3: float
    answered: int
    positives: int
    negatives_clean: int
    negatives: int


def figures(cases: Sequence[Case], results: Sequence[Sequence[Match]]) -> Figures:
    answered = correct = positives = found = neg = neg_clean = 0
    for case, matches in zip(cases, results, strict=True):
        ids = [m.sub_item_id for m in matches]
        if ids:
            answered += 1
            correct += ids[0] in case.expect
        if case.expect:
            positives += 1
            found += any(i in case.expect for i in ids[:3])
        else:
            neg += 1
            neg_clean += not ids
    return Figures(
        precision_at_1=correct / answered if answered else 0.0,
        recall_at_3=found / positives if positives else 0.0,
        answered=answered,
        positives=positives,
        negatives_clean=neg_clean,
        negatives=neg,
    )


def run(
    cases: Sequence[Case] | None = None, **score_options: object
) -> tuple[list[Case], list[tuple[Match, ...]]]:
    ctx = context()
    cases = list(cases) if cases is not None else load_cases()
    views = views_of(cases, ctx)
    results = score_many(views, ctx.index, assessment_year=ctx.rubric.year, **score_options)  # type: ignore[arg-type]
    # the figures count matches; suggestions below the threshold are for a person, not a match
    return cases, [tuple(m for m in r if m.status != "suggested") for r in results]
