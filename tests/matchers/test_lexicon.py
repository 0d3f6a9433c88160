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
