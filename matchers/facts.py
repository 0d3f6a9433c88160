"""All facts of one document in one call: composes the single-purpose matchers.

The issuing organ is only kept when the department registry resolves it to exactly one department;
an ambiguous organ ("应急") is worse than none because the scorer treats it as a department prior.
A spreadsheet's title is its title row (a lone cell: 蓬溪县住建领域问题隐患整改台账), not the sheet
name the reader puts first (整改台账): the title row is what says whose table it is and about what.
"""

from __future__ import annotations

from matchers.dates import document_date, extract_dates
from matchers.docnum import extract_bare_numbers, extract_doc_numbers
from matchers.keywords import KeywordExtractor
from matchers.kinds import classify_kind
from matchers.organ import issuing_organ_text
from matchers.text import fold
from matchers.titles import document_title, extract_cited_titles
from pipeline.departments import DepartmentRegistry, resolve_department
from pipeline.models import Facts

__all__ = ["extract_facts", "table_title"]

_TABLE_HEAD_LINES = 4  # the sheet name, a title row or two, the header row
_TABLE_TITLE_MAX = 60


def table_title(text: str) -> str:
    """The longest lone-cell line above a table's header row (a line of several cells), or ``""``."""
    best = ""
    for line in text[:2000].splitlines()[:_TABLE_HEAD_LINES]:
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if len(cells) > 1:
            return best
        if cells and 4 <= len(cells[0]) <= _TABLE_TITLE_MAX and len(cells[0]) > len(best):
            best = cells[0]
    return ""  # no header row near the top: prose, whose title document_title finds


# Keywords are shown to people (inspect, the evidence list), never scored: the head of a long 台账 or
# report says what it is about as well as all of it, at a fraction of the tokenizing cost.
KEYWORD_CHARS = 8000


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
    title = document_title(text, filename) or ""
    if is_table:
        row_title = table_title(text)
        # the title row names the sheet's subject; the sheet name is often its abbreviation
        if row_title and (not title or fold(title) in fold(row_title)):
            title = row_title
    return Facts(
        doc_numbers=doc_numbers,
        bare_numbers=tuple(dict.fromkeys(extract_bare_numbers(text))),
        titles=tuple(dict.fromkeys(extract_cited_titles(text))),
        title=title,
        dates=tuple(dict.fromkeys(d for d, _, _ in extract_dates(text))),
        date=document_date(text),
        organ=organ,
        kind=classify_kind(text, filename, is_image=is_image, is_table=is_table),
        keywords=keywords.keywords(text[:KEYWORD_CHARS]) if text.strip() else (),
    )
