"""The domain lexicon, the boilerplate filter and the plan-versus-work rule: each on its own."""

from __future__ import annotations

import pytest

from matchers.boilerplate import is_study_document, strip_boilerplate
from matchers.lexicon import load_lexicon, parse_lexicon
from matchers.subitems import build_index
from matchers.text import fold
from pipeline.rubric import read_rubric


@pytest.fixture(scope="module")
def index():  # type: ignore[no-untyped-def]
    return build_index(read_rubric())


def test_every_rubric_phrase_is_in_the_bundled_rubric(index) -> None:  # type: ignore[no-untyped-def]
    lexicon = load_lexicon()
    assert len(lexicon.concepts) >= 40
    missing = [c.rubric for k, c in enumerate(lexicon.concepts) if k not in index.concept_entries]
    assert missing == []


def test_a_mention_counts_every_saying_and_remembers_the_first() -> None:
    lexicon = parse_lexicon(
        """
[[concept]]
rubric = "应急预案"
variants = ["应急预案", "预案"]
"""
    )
    text = fold("一、修订应急预案。二、开展演练。三、预案报备")
    (mention,) = lexicon.find(text)
    # longest variant first, never overlapping: 应急预案 is one saying, 预案 later another
    assert (mention.variant, mention.count, mention.first) == ("应急预案", 2, text.index("应急预案"))
    (once,) = lexicon.find(fold("修订应急预案"))
    assert once.count == 1


def test_requires_is_one_word_of_each_group() -> None:
    lexicon = parse_lexicon(
        """
[[concept]]
rubric = "领导班子成员调研检查"
variants = ["副县长"]
requires = [["安全"], ["带队", "调研"]]
"""
    )
    assert [(m.concept, m.variant) for m in lexicon.find(fold("副县长带队检查安全生产"))] == [(0, "副县长")]
    assert lexicon.find(fold("副县长带队检查秸秆禁烧")) == []  # no 安全
    assert lexicon.find(fold("副县长出席安全生产月启动仪式")) == []  # no 带队/调研


def test_unless_words_turn_a_concept_off() -> None:
    lexicon = parse_lexicon(
        """
[[concept]]
rubric = "重大隐患挂牌督办"
variants = ["挂牌督办"]
unless = ["事故调查"]
"""
    )
    assert [(m.concept, m.variant) for m in lexicon.find(fold("对3处重大隐患实行挂牌督办"))] == [
        (0, "挂牌督办")
    ]
    assert lexicon.find(fold("对“11·4”事故调查处理实行挂牌督办")) == []


def test_a_bureau_chief_checking_his_field_is_not_a_county_leader(index) -> None:  # type: ignore[no-untyped-def]
    lexicon = index.lexicon
    leader = next(k for k, c in enumerate(lexicon.concepts) if "领导班子成员分别调研检查" in c.rubric)
    found = {m.concept for m in lexicon.find(fold("县民政局局长带队对全县养老机构开展安全检查"))}
    assert leader not in found
    found = {m.concept for m in lexicon.find(fold("副县长张明带队深入企业督导安全生产工作"))}
    assert leader in found


def test_a_township_checking_its_territory_is_not_a_sectors_own_check(index) -> None:  # type: ignore[no-untyped-def]
    lexicon = index.lexicon
    sector = next(k for k, c in enumerate(lexicon.concepts) if c.rubric == "重要行业领域安全隐患排查治理情况")
    found = {m.concept for m in lexicon.find(fold("县教育局对全县学校、幼儿园开展安全隐患排查"))}
    assert sector in found
    found = {m.concept for m in lexicon.find(fold("镇长带队对全镇学校、加油站、在建工地开展安全检查"))}
    assert sector not in found


def _rubric_phrases(index, text: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {index.lexicon.concepts[m.concept].rubric for m in index.lexicon.find(fold(text))}


def test_concepts_written_from_the_second_tune_batch(index) -> None:  # type: ignore[no-untyped-def]
    """Each from a `tune` document the matcher missed (collectors h21–h26)."""
    said = _rubric_phrases
    # a leader at a rescue is not inspecting; one leading a check is (带领 as well as 带队)
    leader = "党政主要负责人和领导班子成员分别调研检查安全生产工作"
    assert leader in said(index, "副县长带领县农业农村局等部门开展节前安全生产大检查")
    assert leader not in said(index, "县委书记带领有关部门负责人赶赴现场，全力营救被困矿工，确保安全")
    # the batch reply to an accident report is 24(1), although 事故调查报告 (24(3)) starts first
    reply = said(index, "市政府关于“7·13”一般事故调查报告的批复")
    assert fold("在规定时限内批复结案") in reply
    # the county's 十四五 plan, quoted any way, is 2(4); a township's 片区 plan stays 16(3)
    county = said(index, "永修县应急管理“十四五“规划")
    assert fold("“十四五”应急体系规划") in county and fold("乡镇级片区应急体系专项规划") not in county
    assert fold("乡镇级片区应急体系专项规划") in said(index, "编制乡镇级片区应急体系规划")
    assert fold("“十四五”应急体系规划") not in said(index, "“十四五”时期经济社会发展")
    # 燃气 is the sector of the plan and of the work alike: the form tells them apart
    gas = next(c for c in index.lexicon.concepts if "燃气安全" in c.variants)
    assert {index.entries[r].id for r in index.concept_entries[index.lexicon.concepts.index(gas)]} >= {
        "9(1)",
        "9(3)",
    }
    assert fold("及时曝光安全隐患") in said(index, "县电视台跟踪采访曝光重大火灾隐患")
    assert fold("典型执法案例") in said(index, "省应急管理厅公布安全生产行政执法典型案例")
    assert fold("县级年度安全生产工作要点或计划") in said(index, "县人民政府关于做好2023年安全生产工作的通知")


def test_boilerplate_is_blanked_unless_the_study_is_the_topic() -> None:
    text = "为深入贯彻习近平总书记关于安全生产的重要论述，落实党中央决策部署，县住建局开展燃气安全检查。"
    stripped = strip_boilerplate(text)
    assert "习近平" not in stripped and "燃气安全检查" in stripped
    study = "传达学习习近平总书记关于安全生产的重要指示精神。会议要求，各部门要认真贯彻落实。"
    assert is_study_document(study, "县委常委会传达学习总书记重要指示精神")
    assert strip_boilerplate(study, "县委常委会传达学习总书记重要指示精神") == study


def test_plan_and_work_siblings_come_from_the_rules(index) -> None:  # type: ignore[no-untyped-def]
    ids = index.ids
    plans = {ids[r] for r in index.plan_rows}
    work = {ids[r] for r in index.work_rows}
    assert {"9(1)", "27(1)", "6(7)"} <= plans  # 制定…方案, 建立健全…制度, 制定…要点或计划
    assert {"9(3)", "27(2)"} <= work
    assert "7(2)" not in plans | work  # deducts for the 方案 and for the checks: neither side
    assert not plans & work


def test_a_meeting_deploys_where_the_rule_asks_to_deploy(index) -> None:  # type: ignore[no-untyped-def]
    deploys = {index.ids[r] for r in index.deploy_rows}
    assert deploys == {"10(1)", "11(1)"}  # 制定方案措施并部署落实
