"""The matcher on the demo inbox: real Word, Excel, PDF, OFD, zip and text files read by the real
readers, scored against the rubric, compared with what the manifest says each file proves.

Spreadsheets and photos carry their meaning in their names, title rows and header rows, not in
prose; this is where the label, own-duty and scope signals of ``matchers.subitems`` are tested on
the files that motivated them. The OCR-bound files (scans, photos) run in the ``ocr`` variant.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.matchers.eval.demo import DemoRun, demo_figures, run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    return run_demo(tmp_path_factory.mktemp("demo"), ocr=False)


def test_the_demo_covers_tables_and_prose(demo: DemoRun) -> None:
    positives = demo.positives()
    assert len(positives) >= 40
    formats = {c.rel_path.rsplit(".", 1)[-1] for c in positives}
    assert {"docx", "pdf", "xlsx", "xls"} <= formats
    assert any("!/" in c.rel_path for c in positives)  # a zip member, proving what its zip proves


def test_recall_at_3_and_precision_at_1(demo: DemoRun) -> None:
    fig = demo_figures(demo)
    assert fig.recall_at_3 >= 0.95, fig
    assert fig.precision_at_1 >= 0.85, fig


def test_spreadsheets_are_matched_by_their_names_and_heads(demo: DemoRun) -> None:
    tables = [c for c in demo.positives() if c.rel_path.endswith((".xlsx", ".xls"))]
    assert len(tables) >= 8
    missed = [c.rel_path for c in tables if not any(m.sub_item_id in c.expect for m in c.matches[:3])]
    assert missed == []


def test_every_match_has_a_chinese_reason(demo: DemoRun) -> None:
    for case in demo.cases:
        for m in case.matches:
            assert m.reasons, case.rel_path
            assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r) for r in m.reasons), m.reasons


def test_a_document_of_another_year_is_kept_for_review_and_says_why(demo: DemoRun) -> None:
    old = [c for c in demo.cases if c.file.tag == "2021"]
    assert old
    for case in old:
        assert case.matches, case.rel_path
        for m in case.matches:
            assert not m.year_ok and m.status == "review"
            assert any("2021年" in r and "考核年度" in r for r in m.reasons)


@pytest.mark.ocr
def test_with_scans_and_photos(tmp_path: Path) -> None:
    run = run_demo(tmp_path, ocr=True)
    fig = demo_figures(run)
    assert any(c.file.ocr_pages for c in run.positives())
    assert fig.recall_at_3 >= 0.95, fig
    assert fig.precision_at_1 >= 0.85, fig
