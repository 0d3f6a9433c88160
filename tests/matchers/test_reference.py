"""The bundled reference examples: the tune half of the real corpus, applied to whatever rubric is loaded."""

from __future__ import annotations

from pathlib import Path

from matchers.reference import (
    REFERENCE_PATH,
    ReferenceDoc,
    ReferenceLabel,
    load_reference,
    reference_examples,
    rubric_texts,
)
from matchers.subitems import EvidenceView, score_many
from pipeline import stages
from pipeline.config import Config
from pipeline.models import Facts
from pipeline.rubric import read_rubric
from tests.matchers.real.corpus import load_docs
from tests.matchers.real.reference import reference_json


def test_the_bundled_file_is_the_tune_split_of_the_current_corpus() -> None:
    docs = load_docs()
    # stale after a corpus change until `python -m tests.matchers.real.reference` rewrites it
    assert REFERENCE_PATH.read_text(encoding="utf-8") == reference_json(docs, read_rubric())
    shipped = {d.id for d in load_reference()}
    split = {d.id: d.split for d in docs}
    assert shipped and all(split[i] == "tune" for i in shipped)  # the reported half is never shipped
    assert len(shipped) == sum(1 for d in docs if d.split == "tune")


def test_labels_follow_the_sub_item_text_when_another_rubric_renumbers() -> None:
    texts = {
        "2(1)": "党政主要负责人和领导班子成员分别调研检查安全生产工作",
        "9(1)": "制定燃气安全专项整治工作方案",
    }
    renumbered = {"2(2)": texts["2(1)"] + "。", "9(1)": texts["9(1)"], "30": "完全不同的一项考核内容"}
    docs = [
        ReferenceDoc(
            "a", "县长带队检查", "http://x/a", (ReferenceLabel("2(1)", texts["2(1)"]),), "县长带队检查"
        ),
        ReferenceDoc("b", "燃气方案", "http://x/b", (ReferenceLabel("9(1)", texts["9(1)"]),), "燃气方案"),
        ReferenceDoc("c", "已删去的一项", "http://x/c", (ReferenceLabel("5(1)", "值班值守"),), "值班"),
        ReferenceDoc("d", "食品安全", "http://x/d", (), "食品安全抽检"),
    ]
    by_key = {e.key: e for e in reference_examples(docs, renumbered)}
    assert by_key["reference:a"].sub_item_ids == ("2(2)",)  # same text, new number
    assert by_key["reference:b"].sub_item_ids == ("9(1)",)
    assert "reference:c" not in by_key  # its sub-item is gone: not turned into a 不是佐证
    assert by_key["reference:d"].sub_item_ids == () and by_key["reference:d"].origin == "reference"


def test_every_shipped_label_applies_to_the_bundled_rubric() -> None:
    docs = load_reference()
    examples = reference_examples(docs, rubric_texts(read_rubric()))
    assert len(examples) == len(docs)
    assert [e.sub_item_ids for e in examples] == [tuple(lab.id for lab in d.labels) for d in docs]


def test_a_file_like_a_reference_document_says_so_and_the_setting_turns_them_off(tmp_path: Path) -> None:
    on = stages.open_workspace(Config(inbox=tmp_path / "in", outbox=tmp_path / "out"))
    off = stages.open_workspace(
        Config(inbox=tmp_path / "in", outbox=tmp_path / "out", reference_examples=False)
    )
    assert len(on.reference) == len(load_reference()) and len(on.examples) == len(on.reference)
    assert off.reference == () and len(off.examples) == 0 and off.scoring_key != on.scoring_key

    doc = next(d for d in load_reference() if d.labels and len(d.text) > 300)
    view = EvidenceView(f"综合/{doc.title}.docx", None, doc.text, Facts(title=doc.title))
    kwargs = {"assessment_year": on.assessment_year, "match_threshold": on.config.match_threshold}
    (matches,) = score_many([view], on.index, examples=on.examples, keys=[None], **kwargs)  # type: ignore[arg-type]
    said = [r for m in matches for r in m.reasons if "公开文件样例" in r]
    assert said and any(doc.labels[0].id in r and doc.title[:10] in r for r in said), said
    (plain,) = score_many([view], off.index, examples=off.examples, keys=[None], **kwargs)  # type: ignore[arg-type]
    assert not any("公开文件样例" in r for m in plain for r in m.reasons)
