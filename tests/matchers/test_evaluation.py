"""The matcher on the labelled evaluation set (tests/matchers/eval): the issue's "done when" figures.

Runs the whole chain — rubric, department registry, fact extractors, keywords, scorer — on realistic
county documents written for this set, not on the rubric's own sentences.
"""

from __future__ import annotations

import pytest

from pipeline.models import Match
from tests.matchers.eval.evalset import Case, context, figures, load_cases, run


@pytest.fixture(scope="module")
def evaluated() -> tuple[list[Case], list[tuple[Match, ...]]]:
    return run()


def test_the_set_is_large_and_covers_the_rubric() -> None:
    cases = load_cases()
    assert len(cases) >= 80
    assert len({c.id for c in cases}) == len(cases)
    known = set(context().index.ids)
    for case in cases:
        assert set(case.expect) <= known, case.id
    items = {e.split("(")[0] for c in cases for e in c.expect}
    assert {str(i) for i in range(1, 21)} <= items
    assert len(items & {str(i) for i in range(21, 29)}) >= 3
    assert len({i for i in items if i.startswith("B")}) >= 2
    assert sum(1 for c in cases if not c.expect) >= 5
    assert sum(1 for c in cases if c.year == 2021) >= 2


def test_precision_at_1_and_recall_at_3(evaluated: tuple[list[Case], list[tuple[Match, ...]]]) -> None:
    fig = figures(*evaluated)
    assert fig.precision_at_1 >= 0.85, fig
    assert fig.recall_at_3 >= 0.95, fig


def test_hard_negatives_match_nothing(evaluated: tuple[list[Case], list[tuple[Match, ...]]]) -> None:
    cases, results = evaluated
    matched = [c.id for c, r in zip(cases, results, strict=True) if not c.expect and r]
    assert matched == []


def test_every_match_has_a_reason_and_a_valid_status(
    evaluated: tuple[list[Case], list[tuple[Match, ...]]],
) -> None:
    _, results = evaluated
    threshold, confident = 45.0, 62.0
    for matches in results:
        for m in matches:
            assert m.reasons and all(r.strip() for r in m.reasons)
            companion = "一并列出待复核" in m.reasons[-1]  # listed with a match, see Weights.companion_floor
            assert (35.0 if companion else threshold) <= m.score <= 100
            assert m.status == ("confident" if m.score >= confident else "review")
        assert not matches or "一并列出待复核" not in matches[0].reasons[-1], "the best one stands alone"


def test_documents_of_another_year_are_flagged(evaluated: tuple[list[Case], list[tuple[Match, ...]]]) -> None:
    cases, results = evaluated
    old = [(c, r) for c, r in zip(cases, results, strict=True) if c.year == 2021]
    for case, matches in old:
        assert matches, case.id
        for m in matches:
            assert not m.year_ok and m.status == "review"
            assert any("2021年" in r and "考核年度" in r for r in m.reasons)
