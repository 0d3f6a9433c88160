"""``evidence learn DIR``: labels read from a past binder's paths, stored as examples in the ledger, and
the examples then deciding a similar new file, with the reason saying so. Binders are built as real
.docx files; the binder is never modified."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from matchers.facts import extract_facts
from matchers.learnt import example_similarities
from matchers.subitems import WEIGHTS, EvidenceView, score_many, scoring_text
from pipeline import stages
from pipeline.cli import main
from pipeline.config import Config
from pipeline.learning import labels_from_path, learn_binder
from pipeline.ledger import _SCHEMA_V1, SCHEMA_VERSION, Ledger
from pipeline.rubric import read_rubric
from tests.builders.inbox import tree_hashes
from tests.builders.office import write_docx
from tests.matchers.real.evaluate import without_reference

# How offices write about their 汛期 safety patrols of small hydropower stations; the office files
# them under 7(7) (重点行业领域 隐患排查: 水电站), which the rubric's own words hardly say.
PATROLS = [
    (
        "我镇开展汛期小水电站安全巡查",
        "6月12日，镇分管负责人带领水务站、安监办工作人员，对辖区内三座小水电站开展汛期安全巡查，"
        "查看引水渠道、压力前池、厂房设备运行和值守人员在岗情况，现场指出渠道护栏缺失等问题3处，"
        "要求电站业主限期整改，整改情况报镇安监办。",
    ),
    (
        "县水利局对小水电站开展安全巡查",
        "近日，县水利局组成巡查组，对全县小水电站开展汛期安全巡查。巡查组深入各电站厂房、"
        "压力前池和引水渠道，查看设备运行、值守人员在岗和应急物资储备情况，共发现问题5处，"
        "均已下发整改通知书，要求电站限期整改到位。",
    ),
    (
        "小水电站安全巡查整改情况",
        "针对汛期小水电站安全巡查中发现的压力前池护栏缺失、厂房消防器材过期等问题，"
        "各电站业主已完成整改，镇安监办逐一复查，形成整改台账。",
    ),
]
NEW_PATROL = (
    "我镇再次开展小水电站汛期安全巡查",
    "8月3日，镇安监办联合水务站对辖区小水电站开展第二轮汛期安全巡查，查看压力前池、引水渠道和"
    "厂房设备，督促值守人员在岗在位，现场发现问题2处，已要求电站业主限期整改。",
)


@pytest.fixture(scope="module")
def rubric():  # type: ignore[no-untyped-def]
    return read_rubric()


def _config(root: Path) -> Config:
    return Config(
        inbox=root / "inbox",
        outbox=root / "outbox",
        state_dir=root / "state",
    )


@pytest.mark.parametrize(
    ("path", "ids", "item"),
    [
        ("一、加强组织领导/2(1) 党委政府研究安全生产/常委会纪要.docx", ("2(1)",), None),
        ("7（2）大检查方案.docx", ("7(2)",), None),
        ("第9项 城镇燃气/燃气方案.docx", (), 9),
        ("城镇燃气安全排查集中治理/百日行动总结.docx", (), 9),
        ("修订完善部门及有关企事业单位安全生产工作任务分工/分工.docx", ("3",), None),
        ("杂项/会议照片.docx", (), None),
    ],
)
def test_labels_come_from_ids_items_or_item_titles_in_the_path(
    rubric, path: str, ids: tuple[str, ...], item: int | None
) -> None:  # type: ignore[no-untyped-def]
    known = frozenset(s.id for s in rubric.sub_items())
    label = labels_from_path(path, rubric, known)
    assert (label.sub_item_ids, label.item_no) == (ids, item)
    assert label.how  # every outcome says why, in Chinese


def _binder(root: Path) -> Path:
    binder = root / "2021年迎检资料"
    folder = binder / "二、强化风险管控" / "7（7）重点行业领域隐患排查"
    folder.mkdir(parents=True)
    for k, (title, body) in enumerate(PATROLS):
        write_docx(folder / f"{k + 1}.{title}.docx", [title, body], table=None, after_table=())
    (binder / "杂项").mkdir()
    write_docx(binder / "杂项" / "说明.docx", ["本文件夹为其他资料。"], table=None, after_table=())
    (binder / "坏文件.docx").write_bytes(b"PK\x03\x04 not a zip")
    return binder


def _view(title: str, body: str, rel_path: str, ws: stages.Workspace) -> EvidenceView:
    text = f"{title}\n{body}"
    facts = extract_facts(text, rel_path.rsplit("/", 1)[-1], registry=ws.registry, keywords=ws.keywords)
    return EvidenceView(rel_path, "新会镇", text, facts)


def test_learn_stores_examples_and_a_similar_new_file_follows_them(tmp_path: Path) -> None:
    binder = _binder(tmp_path)
    before = tree_hashes(binder)
    config = _config(tmp_path)
    report = learn_binder(binder, config)
    assert tree_hashes(binder) == before  # the binder is read, never touched
    assert sorted(f.sub_item_ids for f in report.learnt) == [("7(7)",)] * 3
    assert [f.path for f in report.skipped] == ["杂项/说明.docx"]
    assert [f.path for f in report.problems] == ["坏文件.docx"] and report.problems[0].how
    assert "学习 3 份" in report.summary() and "7(7)（3份）" in report.summary()

    ws = stages.open_workspace(config)
    view = _view(*NEW_PATROL, "新会镇/小水电站巡查.docx", ws)
    kwargs = {"assessment_year": ws.assessment_year, "match_threshold": ws.config.match_threshold}
    (alone,) = score_many([view], ws.index, **kwargs)  # type: ignore[arg-type]
    # the zero-shot matcher does not file it where the office does
    assert not alone or alone[0].sub_item_id != "7(7)" or alone[0].status == "suggested"

    with Ledger.for_config(config) as ledger:
        learnt_ws = stages.attach_examples(ledger, ws)
    office = [e for e in learnt_ws.examples.examples if e.origin != "reference"]
    assert len(office) == 3 and len(learnt_ws.examples) == 3 + len(ws.reference)
    assert learnt_ws.scoring_key != ws.scoring_key  # the ledger re-scores what it holds
    (taught,) = score_many([view], learnt_ws.index, examples=learnt_ws.examples, keys=[None], **kwargs)  # type: ignore[arg-type]
    assert taught[0].sub_item_id == "7(7)" and taught[0].status != "suggested"
    assert any(r.startswith("与已确认的 3 份 7(7) 佐证") for r in taught[0].reasons), taught[0].reasons


# Two 汛期 duty notices: their sub-items (5(1)/5(2), 值班值守) have no confirmed file; they share 汛期 and
# 值守人员在岗 with the confirmed patrols, the first faintly, the second as closely as two reports on
# the same work
DUTY_NOTICE = (
    "关于做好汛期应急值守工作的通知",
    "各村、镇属各单位：为做好汛期应急值守工作，现将有关事项通知如下。一、严格落实领导带班和24小时专人值班"
    "制度，值守人员在岗在位。二、发现险情及时报告镇应急办，不得迟报漏报。附件：汛期值班表。",
)
DUTY_ROTA = (
    "镇应急办汛期值班表",
    "6月至9月汛期值班安排：领导带班、值班人员、值班电话，值守人员在岗在位，发现问题及时报告。",
)


def test_a_faint_likeness_to_confirmed_files_does_not_pull_a_file_whose_own_sub_item_has_none(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path)
    learn_binder(_binder(tmp_path), config)
    ws = without_reference(stages.open_workspace(config))
    with Ledger.for_config(config) as ledger:
        office = [e for e in stages.attach_examples(ledger, ws).examples.examples if e.origin != "reference"]
    taught_ws = stages.with_examples(ws, office)
    kwargs = {"assessment_year": ws.assessment_year, "match_threshold": ws.config.match_threshold}
    floor, saturation = WEIGHTS.learnt_floor, WEIGHTS.learnt_saturation
    for (title, body), strong in ((DUTY_NOTICE, False), (DUTY_ROTA, True)):
        view = _view(title, body, f"新会镇/{title}.docx", ws)
        closest = float(example_similarities(taught_ws.examples, [scoring_text(view)], [None]).max())
        assert (closest >= saturation) is strong and closest > floor, closest  # what the case is about
        (alone,) = score_many([view], ws.index, **kwargs)  # type: ignore[arg-type]
        (taught,) = score_many([view], taught_ws.index, examples=taught_ws.examples, keys=[None], **kwargs)  # type: ignore[arg-type]
        assert alone and alone[0].sub_item_id in ("5(1)", "5(2)")  # the text points to 值班值守
        learnt = [m for m in taught if m.sub_item_id == "7(7)"]
        if strong:  # as close as a report on the same work: the office's files still speak
            assert learnt and any(
                r.startswith("与已确认的") and "7(7) 佐证相似" in r for r in learnt[0].reasons
            )
        else:  # the patrols are not what this notice is, only what the office has confirmed so far
            assert not learnt and taught == alone


def test_learn_command_prints_a_chinese_summary_and_forget_clears(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binder = _binder(tmp_path)
    args = ["--inbox", str(tmp_path / "inbox"), "--outbox", str(tmp_path / "outbox")]
    assert main(["learn", str(binder), *args]) == 0
    out = capsys.readouterr().out
    assert "学习 3 份" in out and "坏文件.docx" in out
    assert main(["learn", "--forget", *args]) == 0
    assert "已清除 3 份" in capsys.readouterr().out
    assert main(["learn", str(tmp_path / "没有这个文件夹"), *args]) != 0
    assert "找不到文件夹" in capsys.readouterr().err


def test_a_version_1_ledger_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    db = sqlite3.connect(path)
    for statement in _SCHEMA_V1.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Ledger(path) as ledger:
        assert ledger.examples() == []
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    columns = {row[1] for row in db.execute("PRAGMA table_info(contents)")}
    assert "scored_with" in columns
    db.close()
