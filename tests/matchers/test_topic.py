"""Documents of another field or of a company, and meetings that deploy a campaign: each rule on its own,
then through the scorer with the bundled rubric and reference examples, as a run scores."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from matchers.facts import extract_facts
from matchers.subitems import WEIGHTS, EvidenceView, Weights, score_many
from matchers.text import fold
from matchers.topic import enterprise_subject, off_topic, sector_of_item, unnamed_sectors
from pipeline import stages
from pipeline.config import Config
from pipeline.rubric import bundled_rubric_path, read_rubric

FOOD = (
    "县市场监管局开展校园周边食品安全检查",
    "为保障开学季师生饮食安全，县市场监管局组织执法人员对校园周边食品经营户开展专项检查，"
    "重点检查食品经营许可、进货查验、食品贮存和餐饮具消毒情况，共检查食品经营户36家，"
    "责令整改食品安全问题5处。",
)
FLOOD_AND_SAFETY = (
    "平利县开展防汛抗旱及安全生产检查",
    "县防汛抗旱指挥部办公室会同县应急局，对全县水库、山洪沟和在建工地开展汛期防汛检查，"
    "查看防汛物资、汛期值班和山洪预警情况，同时检查企业安全生产隐患整改。",
)
HOUSES_MEETING = (
    "清水县召开自建房安全专项整治工作推进会",
    "近日，清水县召开自建房安全专项整治工作推进会，副县长主持会议。会议通报了全县自建房排查整治进展，"
    "要求各乡镇、各部门对排查出有安全隐患的经营性自建房立即采取措施整改，县住建局加强业务指导，"
    "及时全面掌握全县自建房安全专项整治工作情况，确保按期完成排查整治任务。",
)
GAS_PLAN = (
    "县城镇燃气安全专项整治工作方案",
    "为深入开展城镇燃气安全专项整治，制定本方案。一、工作目标：全面排查燃气经营、输配、使用环节安全隐患。"
    "二、整治内容：瓶装液化石油气、管道燃气、餐饮用户燃气使用。三、工作专班：成立县城镇燃气安全专项整治"
    "工作专班，县住建局牵头。四、时间安排：2022年5月至12月。",
)


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        (*FOOD, "食品安全"),
        (
            "关于做好汛期防汛值班工作的通知",
            "汛期防汛值班：各单位落实防汛值班，山洪预警，防汛物资。",
            "防汛抗旱",
        ),
        (*FLOOD_AND_SAFETY, None),  # the title names the safety work too
        ("县应急局开展危险化学品安全检查", "检查危险化学品企业隐患，餐饮场所燃气一并检查。", None),
    ],
)
def test_a_document_of_another_field_is_off_topic(title: str, body: str, field: str | None) -> None:
    found = off_topic(body, title)
    assert (found.field if found else None) == field
    if found:
        assert found.field in found.reason and "不计为安全生产佐证" in found.reason


RECRUITMENT = (
    "2022年县森林消防应急救援队员公开招聘公告",
    "为加强应急救援队伍建设，提升森林消防和应急救援能力，现面向社会公开招聘森林消防应急救援队员10名。"
    "一、招聘条件：年满18周岁。二、报名方式：现场报名。三、考核：体能测试和面试，择优录用。",
)
CRASH_NEWS = (
    "国道318线一小车与货车相撞",
    "昨日下午，国道318线某路口一辆小车与一辆货车相撞，小车司机受伤，伤者被送往医院。目击者称，"
    "货车在路口转弯时未让行，小车躲避不及被撞。交警到场处置，事故原因正在调查。",
)
CRASH_INVESTIGATION = (
    "关于“8·12”较大道路交通事故调查处理情况的报告",
    "2022年8月12日，一辆货车与小车相撞，造成3人死亡。事故发生后，县政府成立事故调查组，"
    "查明事故原因，认定事故责任，对运输企业安全生产主体责任落实不到位问题依法处罚，对负有监管责任的"
    "人员提出处理建议，督促落实整改措施。",
)


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        (*RECRUITMENT, "人员招聘"),  # full of 消防/应急救援 words, still a recruitment notice
        ("县应急管理局公开招录安全生产执法人员公告", RECRUITMENT[1], None),  # names safety production
        (*CRASH_NEWS, "交通事故新闻"),
        (*CRASH_INVESTIGATION, None),  # the county investigating a crash is safety work
    ],
)
def test_recruitment_and_crash_news_are_off_topic(title: str, body: str, field: str | None) -> None:
    found = off_topic(body, title)
    assert (found.field if found else None) == field, found
    if found and found.field == "人员招聘":
        assert found.reason == "文件标题表明主题是人员招聘，不计为安全生产佐证"


def test_words_split_across_lines_still_count() -> None:
    found = off_topic("关于疫情防\n控和核酸检\n测的通知，疫情防控，核酸检测", "")
    assert found is not None and found.field == "疫情防控" and found.marks >= 3


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("海兴集团开展一季度安全生产大检查", "海兴集团"),
        ("赣南卷烟厂成型车间开展安全生产知识培训", "赣南卷烟厂"),
        ("县应急管理局对XX化工公司开展执法检查", None),
        ("城北镇开展节前安全生产大检查", None),
    ],
)
def test_a_company_doing_its_own_safety_work(title: str, company: str | None) -> None:
    assert enterprise_subject(title) == company


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> stages.Workspace:
    root: Path = tmp_path_factory.mktemp("topic")
    return stages.open_workspace(
        Config(inbox=root / "inbox", outbox=root / "outbox", state_dir=root / "state")
    )


def _score(  # type: ignore[no-untyped-def]
    ws: stages.Workspace,
    title: str,
    body: str,
    rel_path: str,
    department: str | None,
    weights: Weights = WEIGHTS,
):
    text = f"{title}\n{body}"
    facts = extract_facts(text, rel_path.rsplit("/", 1)[-1], registry=ws.registry, keywords=ws.keywords)
    view = EvidenceView(rel_path, department, text, facts)
    return score_many(
        [view], ws.index, assessment_year=2022, examples=ws.examples, keys=[None], weights=weights
    )[0]


def test_food_safety_check_is_shown_but_never_matched(ws: stages.Workspace) -> None:
    matches = _score(ws, *FOOD, "市场监管局/校园周边食品安全检查.docx", "县市场监督管理局")
    assert matches, "its best candidates stay for a person to pick from"
    assert all(m.status == "suggested" for m in matches)
    assert all(any("文件主题是食品安全" in r for r in m.reasons) for m in matches)


def test_a_joint_flood_and_safety_check_stays_evidence(ws: stages.Workspace) -> None:
    matches = _score(ws, *FLOOD_AND_SAFETY, "应急局/防汛抗旱及安全生产检查.docx", "县应急管理局")
    assert matches and matches[0].status in ("confident", "review")
    assert not any("文件主题是" in r for m in matches for r in m.reasons)


def test_a_campaign_meeting_is_evidence_of_deploying_it(ws: stages.Workspace) -> None:
    matches = _score(ws, *HOUSES_MEETING, "住建局/自建房推进会.docx", "县住房城乡建设局")
    assert matches[0].sub_item_id == "10(1)", [(m.sub_item_id, m.score) for m in matches]
    assert any("文件是会议" in r for r in matches[0].reasons)


def test_a_campaign_plan_is_evidence_of_the_plan_not_the_work(ws: stages.Workspace) -> None:
    matches = _score(ws, *GAS_PLAN, "住建局/燃气专项整治方案.docx", "县住房城乡建设局")
    ids = [m.sub_item_id for m in matches]
    assert ids[0] == "9(1)", ids
    assert "9(3)" not in ids[:1]


def test_fold_reads_traditional_characters_as_simplified_one_for_one() -> None:
    original = "縣文廣旅局聯合開展國慶節前安全生產專項檢查（２０２２）"
    folded = fold(original)
    assert folded == "县文广旅局联合开展国庆节前安全生产专项检查(2022)"
    assert len(folded) == len(original)  # offsets into the original stay valid
    rubric = bundled_rubric_path().read_text(encoding="utf-8")
    changed = {ch for ch in rubric if "\u4e00" <= ch <= "\u9fff" and fold(ch) != ch}
    assert changed == set()  # the simplified rubric itself is left as it is


def test_a_traditional_notice_matches_like_its_simplified_twin(ws: stages.Workspace) -> None:
    title = "縣住建局召開城鎮燃氣安全專項整治工作推進會"
    body = "會議部署城鎮燃氣安全專項整治，要求各鄉鎮排查燃氣隱患，建立工作專班，推進瓶裝液化石油氣整治。"
    traditional = _score(ws, title, body, "住建局/燃氣推進會.docx", "县住房城乡建设局")
    simplified = _score(ws, fold(title), fold(body), "住建局/燃气推进会.docx", "县住房城乡建设局")
    assert traditional and [m.sub_item_id for m in traditional] == [m.sub_item_id for m in simplified]


FUEL_STATION_CHECK = (
    "县商务局开展成品油经营企业安全检查",
    "为加强成品油流通领域安全管理，县商务局组织执法人员对全县加油站开展安全检查。检查组逐站查看了"
    "油罐区、加油机、消防器材配备、静电接地和视频监控运行情况，查阅了安全管理制度、安全教育培训记录、"
    "设备维护保养记录和进销存台账，询问了从业人员对岗位操作规程的掌握情况。"
    "检查发现部分加油站存在灭火器压力不足、卸油口标识不清、安全警示标志缺失、员工劳保用品佩戴不规范、"
    "夜间值守人员不足等问题，检查组当场反馈，要求企业限期整改并报送整改情况。"
    + "".join(
        f"{name}加油站：油罐区防渗漏设施完好，卸油口标识{state}，灭火器{n}具在检验有效期内，静电接地检测记录"
        "齐全，视频监控运行正常，从业人员持证上岗，进销存台账登记完整，未发现私自储存散装油品的情况。"
        for name, state, n in (
            ("城东", "清晰", 8),
            ("城西", "模糊", 6),
            ("赤城", "清晰", 10),
            ("金桥", "清晰", 7),
        )
    )
    + "下一步，县商务局将持续加强日常监管，督促企业落实安全生产主体责任，完善应急预案，"
    "确保全县成品油流通领域安全形势稳定。",
)


def _concepts_said(matches) -> set[str]:  # type: ignore[no-untyped-def]
    return {r for m in matches for r in m.reasons if "即细则所说的" in r}


def test_a_concept_said_once_in_passing_does_not_count(ws: stages.Workspace) -> None:
    title, body = FUEL_STATION_CHECK
    assert len(body) > 600 and body.index("应急预案") > 200  # a long report, the one 应急预案 at its end
    passing = _score(ws, title, body, "商务局/加油站安全检查.docx", "县商务局")
    assert not any("应急预案" in r for r in _concepts_said(passing))
    said = body.replace("完善应急预案", "完善应急预案，组织应急演练，修订应急预案")
    stressed = _score(ws, title, said, "商务局/加油站安全检查.docx", "县商务局")
    assert any("应急预案" in r or "应急演练" in r for r in _concepts_said(stressed))


CHEM, GAS, HOUSES, HIGH = "危险化学品", "城镇燃气", "房屋建筑和自建房", "高层建筑消防"


def test_the_sector_campaigns_are_found_by_their_item_titles() -> None:
    rubric = read_rubric(bundled_rubric_path())
    found = {
        item.no: sector_of_item(item.title)
        for part in rubric.parts
        for category in part.categories
        for item in category.items
    }
    assert {no: s for no, s in found.items() if s} == {8: CHEM, 9: GAS, 10: HOUSES, 11: HIGH}


@pytest.mark.parametrize(
    ("title", "body", "unnamed"),
    [
        ("县城镇燃气安全专项整治工作方案", "整治任务：燃气经营企业全面排查。", {CHEM, HOUSES, HIGH}),
        (
            "镇安全生产专项整治工作计划",
            "重点整治道路交通、危化、消防、燃气、建筑施工等领域。",
            {CHEM, GAS, HOUSES, HIGH},
        ),
        (
            "镇安全生产工作计划",
            "开展危险化学品企业检查；督促危险化学品经营单位落实主体责任。",
            {GAS, HOUSES, HIGH},
        ),
        ("县自建房安全专项整治推进会", "", {CHEM, GAS, HIGH}),
    ],
)
def test_a_sector_named_in_passing_is_not_the_topic(title: str, body: str, unnamed: set[str]) -> None:
    assert set(unnamed_sectors(body, title)) == unnamed


PLAN_WITHOUT_SECTOR = (
    "关于印发《镇2022年度安全生产专项整治工作实施方案》的通知",
    "为细化任务清单、落实整治责任、明确时间进度要求，结合我镇实际，制定本实施方案。"
    "一、工作目标：全面排查整治安全隐患，坚决遏制较大事故。二、任务清单：开展道路交通、消防等领域隐患排查。"
    "三、时间进度：2022年4月至12月。",
)


def test_a_plan_that_never_names_hazardous_chemicals_is_no_8_1_evidence(ws: stages.Workspace) -> None:
    matches = _score(ws, *PLAN_WITHOUT_SECTOR, "赤城镇/专项整治实施方案.docx", "赤城镇")
    counted = [m.sub_item_id for m in matches if m.status != "suggested"]
    assert not any(i.startswith(("8(", "9(", "10(")) for i in counted), counted
    # its words fit 9(1) best (实施方案, 细化任务, 时间进度): shown when nothing else is, with the reason
    text = "\n".join(PLAN_WITHOUT_SECTOR)
    facts = extract_facts(text, "方案.docx", registry=ws.registry, keywords=ws.keywords)
    view = EvidenceView("赤城镇/方案.docx", "赤城镇", text, facts)
    shown = score_many([view], ws.index, assessment_year=2022, keys=[None], match_threshold=100.5)[0]
    gas = [m for m in shown if m.sub_item_id == "9(1)"]
    assert gas and gas[0].status == "suggested"
    assert any("文件未提及城镇燃气，指标9(1)是城镇燃气专项工作" in r for r in gas[0].reasons), gas[0].reasons


RISK_MEETING_BODY = (
    "11月8日，县应急管理局组织住建、交通、市场监管等部门召开会议，对近期全县安全形势开展会商研判。"
    "会议逐一分析了道路交通、建筑施工、城镇燃气和森林防火领域的风险隐患，明确了冬季重点防范措施，"
    "要求各部门加强值班值守，每月开展一次会商研判，研判结果及时报县安办。"
)


def test_a_concept_the_title_says_counts_more_and_says_so(ws: stages.Workspace) -> None:
    plain = _score(ws, "会议纪要", RISK_MEETING_BODY, "应急局/会议纪要.docx", "县应急管理局")
    titled = _score(ws, "安全风险会商研判会议纪要", RISK_MEETING_BODY, "应急局/会议纪要.docx", "县应急管理局")
    assert not any(r.startswith("标题写明") for r in _concepts_said(plain))
    said = [m for m in titled if any(r.startswith("标题写明") for r in m.reasons)]
    assert said and said[0].sub_item_id.startswith("6("), titled
    unweighted = _score(
        ws,
        "安全风险会商研判会议纪要",
        RISK_MEETING_BODY,
        "应急局/会议纪要.docx",
        "县应急管理局",
        replace(WEIGHTS, title_concept=0.0),
    )
    without = {m.sub_item_id: m.score for m in unweighted}
    assert said[0].score >= without[said[0].sub_item_id] + WEIGHTS.title_concept - 0.01
