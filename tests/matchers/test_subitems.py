"""Sub-item scoring: each signal fires with its Chinese reason, on a small hand-built rubric.

Facts are built directly so that these tests pin the scorer, not the extractors (the evaluation set in
test_evaluation.py runs the whole chain).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from matchers.subitems import (
    EvidenceView,
    SubItemIndex,
    build_index,
    score_many,
    score_sub_items,
    scoring_text,
)
from pipeline.models import Bonus, BonusItem, Category, DocNumber, Facts, Item, Part, Rubric, SubItem

ZJ = "县住房城乡建设局"
YJ = "县应急管理局"


def _rubric() -> Rubric:
    gas = Item(
        no=9,
        title="城镇燃气安全排查集中治理：系统性推进燃气安全管理水平提升。",
        points=1.5,
        sub_items=(
            SubItem(
                id="9(1)", item_no=9, no=1,
                text="未结合本地实际，制定县级城镇燃气安全生产专项行动实施方案及“百日行动”方案，"
                "未细化任务、落实责任、明确时间进度要求，未建立工作专班推进工作落实的，扣0.5分",
                departments=(ZJ,), materials=("方案",), duty="县住建局提供",
            ),
            SubItem(
                id="9(2)", item_no=9, no=2,
                text="未加强燃气执法监管，依法查处燃气安全违法违规行为的，扣0.3分；未实现液化石油气瓶追溯系统全覆盖的，扣0.2分",
                departments=(ZJ,), duty="县住建局提供",
            ),
        ),
    )  # fmt: skip
    plan = Item(
        no=7,
        title="认真贯彻落实安全生产十五条硬措施，扎实开展安全生产大检查。",
        points=12,
        sub_items=(
            SubItem(
                id="7(1)", item_no=7, no=1,
                text="未按照遂宁市人民政府安全生产委员会关于印发《遂宁市贯彻落实国务院安委会安全生产十五条措施的实施方案》"
                "的通知（遂安委〔2022〕15号）要求，在县级层面制定安全生产十五条硬措施的具体工作落实方案的，扣1分",
                departments=(YJ,), materials=("方案", "通知"), duty="县应急局提供",
                cited_doc_numbers=("遂安委〔2022〕15号",),
                cited_titles=("遂宁市贯彻落实国务院安委会安全生产十五条措施的实施方案",),
            ),
        ),
    )  # fmt: skip
    duty = Item(
        no=5,
        title="加强值班值守。",
        points=1,
        sub_items=(
            SubItem(
                id="5(1)", item_no=5, no=1,
                text="未建立应急值守制度的，未严格落实领导在岗带班和每日24小时专人值班的，扣0.5分",
                departments=("县政府办公室", YJ), materials=("制度", "值班表"),
            ),
        ),
    )  # fmt: skip
    part = Part(
        "二", 2, "推动重点工作", 50,
        (Category("一", 1, "责任落实", 10, (duty,)), Category("四", 4, "重点专项整治", 17, (plan, gas))),
    )  # fmt: skip
    bonus = Bonus("加分项", 5, (BonusItem("B2", "实施安办实体化运行，加1分。", 1),))
    return Rubric(2022, "测试细则", (part,), bonus)


@pytest.fixture(scope="module")
def index() -> SubItemIndex:
    return build_index(_rubric())


GAS_PLAN = """蓬溪县城镇燃气安全专项整治“百日行动”实施方案
为深刻汲取燃气爆炸事故教训，成立城镇燃气安全专项整治工作专班，专班办公室设在县住房城乡建设局。
整治任务：燃气经营企业全面排查；餐饮用户燃气使用安全检查；燃气管网老化更新改造。
时间安排：2022年6月20日至9月30日。蓬溪县住房和城乡建设局 2022年6月18日"""

FLOOD = """蓬溪县防汛抗旱指挥部关于做好2022年防汛抗旱工作的通知
各乡镇：当前已进入主汛期，要立即开展汛前检查，落实水库、山洪沟、地质灾害隐患点巡查值守，
加强雨情水情监测预报，提前转移危险区群众，确保安全度汛。2022年5月18日"""


def _view(
    text: str, *, dept: str | None = ZJ, path: str = "县住建局/方案.docx", **facts: object
) -> EvidenceView:
    base = Facts(date=date(2022, 6, 18), kind="方案")
    return EvidenceView(path, dept, text, replace(base, **facts))  # type: ignore[arg-type]


def _by_id(matches: tuple) -> dict:
    return {m.sub_item_id: m for m in matches}


def test_content_and_department_make_a_confident_match(index: SubItemIndex) -> None:
    matches = score_sub_items(_view(GAS_PLAN), index, assessment_year=2022)
    best = matches[0]
    assert best.sub_item_id == "9(1)"
    assert best.status == "confident" and best.year_ok
    assert any(r.startswith("共同关键词：") and "百日行动" in r for r in best.reasons)
    assert f"部门 {ZJ} 负责 9(1)" in best.reasons
    assert "文件类型 方案 符合要求的材料" in best.reasons
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_department_is_a_prior_not_a_filter(index: SubItemIndex) -> None:
    own = score_sub_items(_view(GAS_PLAN), index, assessment_year=2022)[0]
    other = score_sub_items(_view(GAS_PLAN, dept="县交通运输局"), index, assessment_year=2022)[0]
    assert other.sub_item_id == "9(1)"
    assert other.score < own.score
    assert not any(r.startswith("部门") for r in other.reasons)


def test_file_name_ref_alone_is_a_match_for_review(index: SubItemIndex) -> None:
    view = EvidenceView("县住建局/9（2）/现场.jpg", ZJ, "", Facts(kind="照片"), is_image=True)
    matches = score_sub_items(view, index, assessment_year=2022)
    assert matches[0].sub_item_id == "9(2)"
    assert "文件名标注指标 9(2)" in matches[0].reasons
    assert matches[0].status == "review"


def test_item_level_ref_is_weaker_than_sub_item_ref(index: SubItemIndex) -> None:
    item = score_sub_items(
        _view("", path="县住建局/第9项/a.jpg"), index, assessment_year=2022, match_threshold=0
    )
    sub = score_sub_items(
        _view("", path="县住建局/9.2/a.jpg"), index, assessment_year=2022, match_threshold=0
    )
    assert "文件名标注第9项" in _by_id(item)["9(2)"].reasons
    assert _by_id(item)["9(2)"].score < _by_id(sub)["9(2)"].score


def test_cited_document_number_and_title(index: SubItemIndex) -> None:
    text = (
        "蓬溪县安全生产委员会关于印发具体工作方案的通知。为贯彻遂宁市人民政府安全生产委员会"
        "关于印发《遂宁市贯彻落实国务院安委会安全生产十五条措施的实施方案》的通知（遂安委〔2022〕15号）精神，制定本方案。"
    )
    number = DocNumber("遂安委", 2022, 15, "遂安委〔2022〕15号")
    matches = score_sub_items(
        _view(text, dept=YJ, doc_numbers=(number,), kind="通知"), index, assessment_year=2022
    )
    best = matches[0]
    assert best.sub_item_id == "7(1)"
    assert "引用文号 遂安委〔2022〕15号 与指标7(1)一致" in best.reasons
    assert "引用《遂宁市贯彻落实国务院安委会安全生产十五条措施的实施方案》" in best.reasons


def test_evidence_of_another_year_is_weak_and_says_so(index: SubItemIndex) -> None:
    matches = score_sub_items(_view(GAS_PLAN, date=date(2021, 7, 2)), index, assessment_year=2022)
    best = matches[0]
    assert best.sub_item_id == "9(1)"
    assert not best.year_ok
    assert best.status == "review"
    assert "文件日期为2021年，不是考核年度2022年" in best.reasons


def test_unrelated_notice_matches_nothing(index: SubItemIndex) -> None:
    found = score_sub_items(_view(FLOOD, dept="县水利局", kind="通知"), index, assessment_year=2022)
    assert all(m.status == "suggested" and m.score < 45 for m in found)


def test_seated_office_counts_for_its_department(index: SubItemIndex) -> None:
    text = "蓬溪县应急管理局值班值守制度：严格落实领导在岗带班和24小时专人值班，值班人员不得擅自离岗。"
    best = score_sub_items(_view(text, dept="县安办", kind="制度"), index, assessment_year=2022)[0]
    assert best.sub_item_id == "5(1)"
    assert f"部门 县安办（设在{YJ}）负责 5(1)" in best.reasons


def test_bonus_items_are_pseudo_sub_items(index: SubItemIndex) -> None:
    assert "B2" in index.ids
    text = "关于县安全生产委员会办公室实体化运行的通知：县安办实行实体化运行，单独设置综合协调股。"
    best = score_sub_items(_view(text, dept="县安办", kind="通知"), index, assessment_year=2022)[0]
    assert best.sub_item_id == "B2"


def test_thresholds_and_top(index: SubItemIndex) -> None:
    view = _view(GAS_PLAN)
    # nothing passes: the best three stay as suggestions, best first, with their reasons
    below = score_sub_items(view, index, assessment_year=2022, match_threshold=100.1)
    assert 1 <= len(below) <= 3 and all(m.status == "suggested" for m in below)
    assert below[0].sub_item_id == "9(1)" and all(m.reasons for m in below)
    assert [m.score for m in below] == sorted((m.score for m in below), reverse=True)
    everything = score_sub_items(
        view, index, assessment_year=2022, match_threshold=0, confident_threshold=0, top=3
    )
    assert len(everything) == 3
    assert all(m.status == "confident" for m in everything)


def test_score_many_agrees_with_one_by_one_and_every_match_has_a_reason(index: SubItemIndex) -> None:
    views = [_view(GAS_PLAN), _view(FLOOD, dept="县水利局"), _view("", path="县住建局/9-1/a.jpg")]
    many = score_many(views, index, assessment_year=2022)
    assert many == [score_sub_items(v, index, assessment_year=2022) for v in views]
    assert all(m.reasons for matches in many for m in matches)
    assert all(m.rel_path == v.rel_path for v, matches in zip(views, many, strict=True) for m in matches)


def test_once_one_sub_item_matches_its_companions_need_less(index: SubItemIndex) -> None:
    from matchers.subitems import WEIGHTS

    view = _view(GAS_PLAN)
    alone = score_sub_items(view, index, assessment_year=2022, weights=replace(WEIGHTS, companion_ratio=1.0))
    assert alone and all(m.score >= 45 for m in alone)
    eager = replace(WEIGHTS, companion_floor=0.0, companion_ratio=0.0)
    listed = score_sub_items(view, index, assessment_year=2022, top=3, weights=eager)
    assert listed[0].sub_item_id == alone[0].sub_item_id
    companions = [m for m in listed if m.score < 45]
    assert companions, "sub-items below the threshold are listed with the match"
    for m in companions:
        assert m.status == "review"
        assert f"文件已佐证指标{alone[0].sub_item_id}" in m.reasons[-1] and "待复核" in m.reasons[-1]
    # a document nothing matches gains nothing: its candidates stay 待确认 suggestions
    flood = score_sub_items(_view(FLOOD), index, assessment_year=2022, weights=eager)
    assert all(m.status == "suggested" for m in flood)


def test_siblings_told_apart_by_level_follow_the_title() -> None:
    from matchers.subitems import document_level
    from pipeline.rubric import read_rubric

    assert document_level("国务院安委会办公室约谈21个市级政府及其相关部门负责人") == "国家"
    assert document_level("四川省安委办对遂宁市进行安全生产约谈") == "省"
    assert document_level("遂宁市安委会约谈蓬溪县政府负责人") == "市"
    assert document_level("蓬溪县城市燃气市场安全检查") is None  # 城市, 市场 name no level
    real = build_index(read_rubric())
    assert {real.entries[r].id: level for r, level in real.level_rows.items()} == {
        "28(1)": "国家",
        "28(2)": "省",
        "28(3)": "市",
    }
    body = (
        "因重大事故隐患整改不力，{who}对蓬溪县人民政府负责人进行安全生产约谈，通报了近期发生的生产安全事故和"
        "重大事故隐患整改不力等问题，要求落实专项通报和约谈要求，举一反三，全面排查整改重大事故隐患。"
    )
    for who, expected in (
        ("国务院安委会办公室", "28(1)"),
        ("四川省安委会办公室", "28(2)"),
        ("遂宁市安委会", "28(3)"),
    ):
        title = f"{who}约谈蓬溪县政府负责人"
        view = EvidenceView(
            "县应急局/约谈.docx", YJ, f"{title}\n{body.format(who=who)}", Facts(title=title, kind="通报")
        )
        best = score_sub_items(view, real, assessment_year=2022)[0]
        assert best.sub_item_id == expected, (who, score_sub_items(view, real, assessment_year=2022))
        level = {"28(1)": "国家", "28(2)": "省", "28(3)": "市"}[expected]
        assert f"文件是{level}层面的通报、约谈或督办，指标{expected}考核的正是{level}层面的" in best.reasons


def test_pinyin_glosses_a_web_page_printed_do_not_split_the_words(index: SubItemIndex) -> None:
    """縣安委會(huì)召開…: a mirrored news page glosses characters in pinyin; the words must survive."""
    glossed = GAS_PLAN.replace("燃气", "燃氣(qì)").replace("专班", "專(zhuān)班").replace("实施", "實(shí)施")
    assert "燃气" not in glossed and "(qì)" in glossed
    plain = _view(GAS_PLAN)
    assert scoring_text(_view(glossed)) == scoring_text(plain)
    assert score_sub_items(_view(glossed), index, assessment_year=2022) == score_sub_items(
        plain, index, assessment_year=2022
    )
    # brackets that are text stay: a year, a list number
    kept = scoring_text(_view("（2022）第(一)条 abc(def) 县(xian)城"))
    assert "(2022)" in kept and "(一)" in kept and "abc(def)" in kept and "县城" in kept
