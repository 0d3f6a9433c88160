"""文号 on real text: occurrences copied from public government pages (``tests/matchers/real/docnums.toml``),
every variant the issue lists, and negatives that look like numbers (phones, 令, ICP 备案号)."""

from __future__ import annotations

from collections import Counter

import pytest

from matchers.docnum import extract_doc_numbers
from tests.matchers.real.corpus import Occurrence, load_occurrences

WANTED_VARIANTS = {
    "bracket-variant",
    "no-bracket",
    "traditional",
    "space-inside",
    "stop-word-before",
    "serial-in-parens",
    "unusual-code-end",
}


@pytest.fixture(scope="module")
def occurrences() -> tuple[Occurrence, ...]:
    return load_occurrences()


def test_the_set_is_real_sized_and_covers_the_variants(occurrences: tuple[Occurrence, ...]) -> None:
    positives = [o for o in occurrences if o.expect]
    negatives = [o for o in occurrences if not o.expect]
    assert len(positives) >= 200 and len(negatives) >= 100
    variants = Counter(o.variant for o in positives)
    assert set(variants) >= WANTED_VARIANTS, variants
    kinds = {o.variant for o in negatives}
    assert {"negative-phone", "negative-ling", "negative-icp"} <= kinds
    assert all(o.url.startswith("http") for o in occurrences)


def test_at_least_97_percent_of_real_numbers_are_found(occurrences: tuple[Occurrence, ...]) -> None:
    found = wanted = 0
    missed: list[str] = []
    for o in occurrences:
        if not o.expect:
            continue
        got = {d.canonical for d in extract_doc_numbers(o.context)}
        hits = sum(1 for e in o.expect if e in got)
        found += hits
        wanted += len(o.expect)
        if hits < len(o.expect):
            missed.append(f"{o.variant}: {o.context[:60]} → {sorted(got)}")
    assert found / wanted >= 0.97, "\n".join(missed)


def test_at_most_one_false_positive_per_hundred_negatives(occurrences: tuple[Occurrence, ...]) -> None:
    negatives = [o for o in occurrences if not o.expect]
    wrong = [(o.context, extract_doc_numbers(o.context)) for o in negatives]
    wrong = [(c, found) for c, found in wrong if found]
    assert len(wrong) <= len(negatives) / 100, wrong


def test_positives_find_nothing_extra(occurrences: tuple[Occurrence, ...]) -> None:
    """A number found where the page has none is a false positive too."""
    extra = []
    for o in occurrences:
        if o.expect:
            got = [d.canonical for d in extract_doc_numbers(o.context)]
            extra += [(o.context[:60], g) for g in got if g not in o.expect]
    assert len(extra) <= len(occurrences) / 100, extra
