"""Reference examples: labelled public government documents that ship with the matcher.

An office that has confirmed nothing yet still gets the learnt signal: the tune half of the real
corpus (``tests/matchers/real/``, public pages of county and city sites, each labelled with the
sub-items it proves or NONE) is bundled as ``data/reference.json`` and joins the office's own
examples. The held-back half is what the figures are reported on, so they stay honest.

Each label keeps the sub-item's text as the rubric had it when the example was labelled. Another
year's rubric renumbers and rewords: a label applies to the loaded rubric's sub-item with the same
id if its text still reads the same, else to the one whose text does; a label that fits nothing is
dropped, and an example left with no label is dropped too (it was evidence of something, not a NONE).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rapidfuzz import fuzz, process

from matchers.text import fold
from pipeline.models import Example, Rubric

__all__ = [
    "REFERENCE_PATH",
    "ReferenceDoc",
    "ReferenceLabel",
    "load_reference",
    "reference_examples",
    "rubric_texts",
]

REFERENCE_PATH = Path(__file__).resolve().parent / "data" / "reference.json"
KEY_PREFIX = "reference:"
SAME_TEXT = 85.0  # rapidfuzz ratio of folded texts: the same sub-item, reworded a little


@dataclass(frozen=True)
class ReferenceLabel:
    id: str
    text: str  # the sub-item's text in the rubric the example was labelled against


@dataclass(frozen=True)
class ReferenceDoc:
    id: str  # the corpus id
    title: str
    url: str
    labels: tuple[ReferenceLabel, ...]  # empty: labelled NONE (shares the vocabulary, proves nothing)
    text: str  # what the scorer reads of it (title and head of the text), width-folded


class ReferenceError(ValueError):
    pass


@cache
def load_reference(path: Path = REFERENCE_PATH) -> tuple[ReferenceDoc, ...]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        texts: dict[str, str] = data["sub_items"]
        return tuple(
            ReferenceDoc(
                id=d["id"],
                title=d["title"],
                url=d["url"],
                labels=tuple(ReferenceLabel(i, texts[i]) for i in d["labels"]),
                text=d["text"],
            )
            for d in data["documents"]
        )
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ReferenceError(f"参考样例文件无法读取：{path}（{e}）") from e


def rubric_texts(rubric: Rubric) -> dict[str, str]:
    """Every sub-item id (bonus items B1… included) → its text."""
    out = {s.id: s.text for s in rubric.sub_items()}
    if rubric.bonus:
        out.update({b.id: b.text for b in rubric.bonus.items})
    return out


def _resolve(label: ReferenceLabel, folded: Mapping[str, str]) -> str | None:
    want = fold(label.text)
    if label.id in folded and fuzz.ratio(want, folded[label.id]) >= SAME_TEXT:
        return label.id
    best = process.extractOne(want, folded, scorer=fuzz.ratio, score_cutoff=SAME_TEXT)
    return str(best[2]) if best else None


def reference_examples(docs: Iterable[ReferenceDoc], texts: Mapping[str, str]) -> list[Example]:
    """The reference documents as examples of the loaded rubric's sub-items (``texts``: id → text)."""
    folded = {k: fold(v) for k, v in texts.items()}
    out: list[Example] = []
    for d in docs:
        ids = tuple(dict.fromkeys(i for lab in d.labels if (i := _resolve(lab, folded)) is not None))
        if d.labels and not ids:
            continue
        name = d.title or d.text[:24].strip() + "…"  # some pages have no title of their own
        out.append(Example(KEY_PREFIX + d.id, ids, d.text, "reference", name))
    return out
