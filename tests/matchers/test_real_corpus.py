"""The matcher on real public government documents (``tests/matchers/real``), through the real readers.

The documents are written as .docx and text PDF files into messy department folders and read by the
pipeline's readers; what is reported is the held-back ``test`` split (the weights, lexicon and rules
were fitted on ``tune``; the failures listed on ``test`` were read when the topic gate and the meeting
rule were written, so ``test`` is not blind to those two). Scans and photos go through OCR in ``test_scans_and_photos_read_like_text``
(a sample: OCR costs seconds per page) and in ``benchmarks/matching.py`` (all of them).

The floors below are the figures measured when the corpus was collected, less a small margin: they
catch a change that makes real documents match worse. They are below the issue's targets (P@1 0.85,
R@3 0.90); README's table says where the matcher stands.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline import stages
from tests.matchers.real.corpus import RealDoc, load_docs
from tests.matchers.real.evaluate import RealCase, config_for, figures, read_real, score_real

# measured on the test split (docx and text PDF; 245 documents) with the bundled reference examples
# (the tune half), the topic gate, the meeting rule, traditional → simplified folding and passing
# mentions: P@1 0.740, R@3 0.688, any@3 0.837, negatives clean 0.933, department unknown P@1 0.699
# — less about 0.03. With 376 documents (collectors h8–h17; the 70 new test ones never tuned on, and
# aimed at the sub-items and forms the corpus lacked, so harder), companions and the sector rule:
# P@1 0.711, R@3 0.667, any@3 0.834, negatives clean 0.915, department unknown P@1 0.708. With 420
# (collectors h18–h20; 19 more blind test documents, 2 of their 3 negatives match: a 统计局 notice on
# 漏报 → 5(2), a 民法典 普法 item → 19(2)): P@1 0.725, R@3 0.685, any@3 0.844, negatives clean 0.880,
# department unknown P@1 0.723; with title concepts (fifth session): P@1 0.731, any@3 0.850, negatives
# clean 0.880. With 630 (collectors h21–h26, 2026-12-08: 105 more blind test documents, aimed at the
# sub-items with fewest documents; much harder: P@1 0.56 on them) and the lexicon written from their tune
# half: P@1 0.680, R@3 0.645, any@3 0.770, negatives clean 0.864, department unknown P@1 0.681 (on the
# 217 test documents of before: 0.738 / 0.706 / 0.838 / 0.900, unknown 0.745)
FLOOR_P1 = 0.65
FLOOR_R3 = 0.61
FLOOR_ANY3 = 0.74
FLOOR_NEG = 0.83
FLOOR_UNKNOWN_P1 = 0.65


@pytest.fixture(scope="module")
def docs() -> tuple[RealDoc, ...]:
    return load_docs()


def _cases(docs: tuple[RealDoc, ...], base: Path, *, unknown_folder: bool) -> list[RealCase]:
    read = read_real(docs, base, ocr=False, unknown_folder=unknown_folder)
    return score_real(read, stages.open_workspace(config_for(base)))


@pytest.fixture(scope="module")
def cases(docs: tuple[RealDoc, ...], tmp_path_factory: pytest.TempPathFactory) -> list[RealCase]:
    return _cases(docs, tmp_path_factory.mktemp("real"), unknown_folder=False)


def test_the_corpus_is_real_sized_and_varied(docs: tuple[RealDoc, ...]) -> None:
    assert len(docs) >= 200
    assert sum(1 for d in docs if not d.labels and d.negative) >= 30
    assert sum(1 for d in docs if len(d.labels) >= 2) >= 30
    assert sum(1 for d in docs if d.short) >= 30
    splits = Counter(d.split for d in docs)
    assert min(splits["tune"], splits["test"]) >= 0.4 * len(docs)
    assert all(d.url.startswith("http") and d.reason for d in docs)
    assert len({d.url for d in docs}) == len(docs)


def test_held_back_figures_do_not_fall(cases: list[RealCase]) -> None:
    fig = figures([c for c in cases if c.doc.split == "test"])
    assert fig.precision_at_1 >= FLOOR_P1, fig
    assert fig.recall_at_3 >= FLOOR_R3, fig
    assert fig.any_at_3 >= FLOOR_ANY3, fig
    assert fig.negatives_clean >= FLOOR_NEG, fig


def test_with_the_department_unknown(docs: tuple[RealDoc, ...], tmp_path: Path) -> None:
    blind = _cases(docs, tmp_path, unknown_folder=True)
    assert {c.placed.rel_path.split("/")[0] for c in blind} == {"综合"}
    fig = figures([c for c in blind if c.doc.split == "test"])
    assert fig.precision_at_1 >= FLOOR_UNKNOWN_P1, fig


def test_every_match_and_suggestion_is_explained_in_chinese(cases: list[RealCase]) -> None:
    for case in cases:
        for m in (*case.matches, *case.suggestions):
            assert m.reasons and all(any("\u4e00" <= ch <= "\u9fff" for ch in r) for r in m.reasons)
        if not case.matches:
            assert len(case.suggestions) <= 3
            assert all(m.status == "suggested" for m in case.suggestions)
            scores = [m.score for m in case.suggestions]
            assert scores == sorted(scores, reverse=True)


def test_boilerplate_alone_does_not_make_item_1(cases: list[RealCase]) -> None:
    """Nearly every text cites 习近平总书记 or 党中央; item 1 must win only where the study is the topic."""
    wrong_one = [c.doc.id for c in cases if c.top[:1] == ("1",) and "1" not in c.doc.labels]
    labelled_elsewhere = [c for c in cases if c.doc.labels and "1" not in c.doc.labels]
    assert len(wrong_one) <= 0.03 * len(labelled_elsewhere), wrong_one


@pytest.mark.ocr
@pytest.mark.slow
def test_scans_and_photos_read_like_text(docs: tuple[RealDoc, ...], tmp_path: Path) -> None:
    """A sample of scans and photos (red seal, tilt, shade) through OCR: the best match agrees with the
    same document read from its text PDF for most of them."""
    from tests.matchers.real.render import HAVE_FONT, form_of

    if not HAVE_FONT:
        pytest.skip("no CJK TrueType font to draw scans and photos with")
    sample = [d for d in docs if form_of(d) in ("scan", "photo") and d.labels][:6]
    assert len(sample) == 6
    ws_ocr = stages.open_workspace(config_for(tmp_path / "ocr"))
    by_ocr = {c.doc.id: c for c in score_real(read_real(sample, tmp_path / "ocr", ocr=True), ws_ocr)}
    assert {c.placed.form for c in by_ocr.values()} <= {"scan", "photo"}
    ws_text = stages.open_workspace(config_for(tmp_path / "text"))
    by_text = {c.doc.id: c for c in score_real(read_real(sample, tmp_path / "text", ocr=False), ws_text)}
    agree = sum(1 for d in sample if by_ocr[d.id].top[:1] == by_text[d.id].top[:1])
    assert agree >= 4, {d.id: (by_ocr[d.id].top[:1], by_text[d.id].top[:1]) for d in sample}
