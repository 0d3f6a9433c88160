"""Writes ``matchers/data/reference.json``: the tune split of the real corpus as the matcher's
bundled reference examples (``matchers/reference.py``).

Only the ``tune`` half ships: the figures are reported on the ``test`` half, which the matcher has
never seen. ``python -m tests.matchers.real.reference`` rewrites the file after the corpus or its
labels change; ``test_reference_is_current`` fails until then.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from matchers.reference import REFERENCE_PATH, rubric_texts
from matchers.subitems import EvidenceView, scoring_text
from pipeline.models import Facts, Rubric
from pipeline.rubric import read_rubric
from tests.matchers.real.corpus import RealDoc, load_docs


def reference_json(docs: Sequence[RealDoc], rubric: Rubric) -> str:
    texts = rubric_texts(rubric)
    documents = [
        {
            "id": d.id,
            "title": d.title,
            "url": d.url,
            "labels": list(d.labels),
            "text": scoring_text(EvidenceView("", None, d.text, Facts(title=d.title))).strip(),
        }
        for d in sorted(docs, key=lambda d: d.id)
        if d.split == "tune"
    ]
    used = sorted({i for d in documents for i in d["labels"]}, key=list(texts).index)
    body = {
        "about": "evidence-desk reference examples: the tune split of tests/matchers/real/, "
        "written by python -m tests.matchers.real.reference",
        "rubric": rubric.title,
        "sub_items": {i: texts[i] for i in used},  # the texts the labels were given against
        "documents": documents,
    }
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    REFERENCE_PATH.write_text(reference_json(load_docs(), read_rubric()), encoding="utf-8")
    print(f"wrote {REFERENCE_PATH}")


if __name__ == "__main__":
    main()
