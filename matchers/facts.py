"""All facts of one document in one call: composes the single-purpose matchers.

The issuing organ is only kept when the department registry resolves it to exactly one department;
an ambiguous organ ("应急") is worse than none because the scorer treats it as a department prior.
"""

from __future__ import annotations

from matchers.dates import document_date, extract_dates
from matchers.docnum import extract_bare_numbers, extract_doc_numbers
from matchers.keywords import KeywordExtractor
from matchers.kinds import classify_kind
from matchers.organ import issuing_organ_text
from matchers.titles import document_title, extract_cited_titles
from pipeline.departments import DepartmentRegistry, resolve_department
from pipeline.models import Facts

__all__ = ["extract_facts"]


def extract_facts(
    text: str,
    filename: str,
    *,
    registry: DepartmentRegistry,
    keywords: KeywordExtractor,
    is_image: bool = False,
    is_table: bool = False,
) -> Facts:
    organ: str | None = None
    organ_text = issuing_organ_text(text)
    if organ_text:
        resolution = resolve_department(organ_text, registry)
        if resolution.department is not None:
            organ = resolution.department.name
    # a cited document can appear twice (header and body); keep the first of each canonical form
    doc_numbers = tuple({d.canonical: d for d in reversed(extract_doc_numbers(text))}.values())[::-1]
    return Facts(
        doc_numbers=doc_numbers,
        bare_numbers=tuple(dict.fromkeys(extract_bare_numbers(text))),
        titles=tuple(dict.fromkeys(extract_cited_titles(text))),
        title=document_title(text, filename) or "",
        dates=tuple(dict.fromkeys(d for d, _, _ in extract_dates(text))),
        date=document_date(text),
        organ=organ,
        kind=classify_kind(text, filename, is_image=is_image, is_table=is_table),
        keywords=keywords.keywords(text) if text.strip() else (),
    )
