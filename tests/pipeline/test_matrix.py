"""The completeness matrix: cell statuses, points at risk, projection, veto and bonus."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.errors import ConfigError
from pipeline.matrix import (
    Matrix,
    _combine,
    build_matrix,
    check_occurrences,
    department_materials,
    event_loss,
    max_losses,
    missing_materials,
    rubric_examples,
    split_cents,
)
from pipeline.models import Problem, Skipped, Understood
from pipeline.overrides import Occurrence
from pipeline.rubric import is_event_triggered, is_outcome
from tests.builders.rubric_objects import (
    ALIASES,
    OUTCOME_2022,
    REGISTRY_ORDER,
    WEI,
    YINGJI,
    ZHENGFU,
    ZHUJIAN,
    deduction,
    one_item_rubric,
    small_rubric,
    sub_item,
)
from tests.builders.understood import understood

TODAY = date(2022, 11, 1)


def build(files: list[Understood], **kw: object) -> Matrix:
    return build_matrix(
        small_rubric(),
        files,
        departments=REGISTRY_ORDER,
        assessment_year=2022,
        today=TODAY,
        aliases=ALIASES,
        **kw,  # type: ignore[arg-type]
    )


def cell(m: Matrix, sub_id: str, dept: str):
    (c,) = [c for c in m.cells() if c.sub_item_id == sub_id and c.department == dept]
    return c


def full_2_3(dept: str = YINGJI) -> list[Understood]:
    return [
        understood(f"{dept}/检查方案.docx", department=dept, kind="方案", matches=[("2(3)", 80)]),
        understood(f"{dept}/签到表.xlsx", department=dept, kind="签到表", matches=[("2(3)", 70)]),
        understood(f"{dept}/现场照片.jpg", department=dept, kind="照片", matches=[("2(3)", 66)]),
    ]


# ---- cell status --------------------------------------------------------------------------


def test_all_required_kinds_make_a_complete_cell() -> None:
    m = build(full_2_3())
    c = cell(m, "2(3)", YINGJI)
    assert c.status == "完成"
    assert c.points_at_risk == 0
    assert c.evidence[0] == f"{YINGJI}/检查方案.docx"  # best score first
    assert set(c.evidence) == {u.source.rel_path for u in full_2_3()}


def test_missing_kinds_make_a_partial_cell_naming_them() -> None:
    m = build(full_2_3()[:1])
    c = cell(m, "2(3)", YINGJI)
    assert c.status == "部分"
    assert c.reasons == ("缺少材料：签到、照片",)
    (gap,) = [g for g in m.gaps_for(YINGJI) if g.sub_item_id == "2(3)"]
    assert gap.missing_materials == ("签到", "照片")
    assert (
        gap.what_to_send == "县应急局、县住房城乡建设局提供安排部署或检查方案、签到、照片"
    )  # its clause only


def test_another_years_material_is_partial_and_says_which_year() -> None:
    files = [
        understood(
            "a.docx", kind="方案", matches=[("2(4)", 90, "confident", False)], doc_date=date(2021, 3, 1)
        )
    ]
    c = cell(build(files), "2(4)", YINGJI)
    assert c.status == "部分"
    assert c.reasons == ("仅有2021年的材料",)


def test_file_with_a_problem_is_only_partial() -> None:
    files = [understood("a.pdf", matches=[("2(4)", 90)], problems=["扫描件文字识别置信度低"])]
    c = cell(build(files), "2(4)", YINGJI)
    assert c.status == "部分"
    assert "文件有问题：扫描件文字识别置信度低" in c.reasons


def test_only_review_matches_await_confirmation() -> None:
    files = [understood("a.docx", matches=[("2(4)", 50, "review")])]
    c = cell(build(files), "2(4)", YINGJI)
    assert c.status == "待确认"
    assert c.reasons == ("仅有待确认的匹配（1份）",)


def test_rejected_matches_and_duplicates_never_count() -> None:
    files = [
        understood("a.docx", matches=[("2(4)", 90, "rejected")]),
        understood("b.docx", matches=[("13", 90)], duplicate_of="c.docx"),
    ]
    m = build(files)
    assert cell(m, "2(4)", YINGJI).status == "缺失"
    assert cell(m, "13", YINGJI).status == "缺失"


def test_same_content_under_two_names_counts_once() -> None:
    files = [
        understood("a.docx", matches=[("13", 90)], sha256="x" * 64),
        understood("b.docx", matches=[("13", 95)], sha256="x" * 64),
    ]
    assert cell(build(files), "13", YINGJI).evidence == ("a.docx",)


def test_a_file_matched_twice_to_one_sub_item_is_listed_once() -> None:
    files = [understood("a.docx", matches=[("13", 70, "review"), ("13", 90)])]
    c = cell(build(files), "13", YINGJI)
    assert c.evidence == ("a.docx",)
    assert c.status == "完成"


def test_issuing_organ_counts_for_the_department() -> None:
    files = [
        understood("县应急局/转发.docx", department=YINGJI, organ=ZHENGFU, kind="纪要", matches=[("1", 90)])
    ]
    m = build(files)
    assert cell(m, "1", ZHENGFU).status == "完成"
    assert cell(m, "1", WEI).status == "缺失"
    assert m.sub_item_status("1").other_evidence == ()


def test_other_departments_evidence_is_listed_but_does_not_upgrade_the_cell() -> None:
    files = [understood("县财政局/x.docx", department="县财政局", matches=[("13", 90)])]
    m = build(files)
    c = cell(m, "13", YINGJI)
    assert c.status == "缺失"
    assert "其他部门有相关材料1份，待核实能否采用" in c.reasons
    assert m.sub_item_status("13").other_evidence == ("县财政局/x.docx",)


def test_general_word_wenjian_accepts_any_official_document_but_not_a_photo() -> None:
    sub = sub_item("3", materials=("文件",))
    assert missing_materials(sub, {"通知"}) == ()
    assert missing_materials(sub, {"照片"}) == ("文件",)
    # a word the mapping does not know cannot be required
    assert missing_materials(sub_item("3", materials=("新闻",)), set()) == ()


def test_each_department_is_asked_for_the_materials_its_duty_clause_names() -> None:
    sub = sub_item(
        "19(2)",
        departments=("县总工会", YINGJI, "县妇联"),
        materials=("方案", "照片", "总结", "简报"),
        duty="县总工会提供“安康杯”竞赛资料；县应急局、县经科局提供进企业方案、图片、工作总结、简报；县妇联提供进家庭方案、图片",
    )
    assert department_materials(sub, YINGJI) == ("方案", "照片", "总结", "简报")  # 图片 is 照片
    assert department_materials(sub, "县妇联") == ("方案", "照片")
    assert department_materials(sub, "县总工会") == ()
    # the duty names short forms: found through the registry's aliases, not otherwise
    sub72 = small_rubric().sub_item("7(2)")
    assert department_materials(sub72, ZHUJIAN, ALIASES[ZHUJIAN]) == ("名单", "记录", "台账")
    assert department_materials(sub72, ZHUJIAN) == ()
    # a department the duty never names: the sub-item's list only when it is the sole owner
    assert department_materials(sub_item("3", materials=("方案",), duty="提供"), YINGJI) == ("方案",)


# ---- sub-item status and risk -------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["完成", "完成"], "完成"),
        (["缺失", "缺失"], "缺失"),
        (["完成", "缺失"], "部分"),
        (["部分", "缺失"], "部分"),
        (["完成", "待确认"], "待确认"),
        (["待确认", "待确认"], "待确认"),
        (["待确认", "缺失"], "部分"),
        (["结果类", "结果类"], "结果类"),
        (["结果类", "完成"], "完成"),
        (["结果类", "待确认"], "待确认"),
    ],
)
def test_sub_item_status_combines_cells(cells: list, expected: str) -> None:
    assert _combine(cells) == expected


def test_max_loss_cap_then_deductions_then_item_share() -> None:
    r = small_rubric()
    assert max_losses(r.item(2)) == {"2(1)": 1.0, "2(3)": 1.0, "2(4)": 0.5}
    assert max_losses(r.item(1)) == {"1": 4.0}  # 2 + 1 (per 项次, counted once) + 1
    assert max_losses(r.item(13)) == {"13": 1.0}  # no deductions: the item's points


def test_event_triggered_deductions_and_outcome_sub_items() -> None:
    assert is_event_triggered("发生1起较大生产安全事故扣25分")
    assert is_event_triggered("未按规定及时上报事故被市级及以上部门通报的，每次扣1分")
    assert is_event_triggered("生产安全事故迟报的，每次扣0.5分")
    assert is_event_triggered("落实省专项通报或约谈不到位的，每次扣0.5分")
    # work undone, even when it names 迟报 or 通报 in passing
    assert not is_event_triggered(
        "未按要求（包括迟报、未报、漏报等情形）报送相关文件、资料、台账、信息等，每次扣0.5分"
    )
    assert not is_event_triggered("未组织开展安全生产月活动的，扣0.2分")
    accident = sub_item("22(1)", deductions=(deduction(25, text="发生1起较大生产安全事故扣25分"),))
    mixed = sub_item(
        "5(2)",
        deductions=(
            deduction(0.3, text="因值班值守工作被市级及以上单位通报批评的，扣0.3分"),
            deduction(0.2, text="未建立突发事件信息报告工作制度的，扣0.2分"),
        ),
    )
    assert is_outcome(accident)
    assert not is_outcome(mixed)  # the undone part still needs evidence
    assert not is_outcome(sub_item("13"))  # no deductions: nothing says it is an outcome


def test_outcome_sub_item_costs_nothing_without_evidence_but_counts_evidence_that_comes() -> None:
    accident = sub_item(
        "22(1)",
        departments=(YINGJI, ZHUJIAN),
        deductions=(deduction(25, text="发生1起较大生产安全事故扣25分"),),
    )
    work = sub_item("22(3)", deductions=(deduction(0.5, text="未开展事故统计分析的，扣0.5分"),))
    r = one_item_rubric([accident, work], points=25)
    kw = {"departments": REGISTRY_ORDER, "assessment_year": 2022, "today": TODAY}
    m = build_matrix(r, [], **kw)  # type: ignore[arg-type]
    status = m.sub_item_status("22(1)")
    assert status.status == "结果类" and status.max_loss == 0 and status.at_risk_high == 0
    assert {c.status for c in status.cells} == {"结果类"}
    assert "发生事故、被通报等情形才扣分" in status.cells[0].reasons[0]
    assert [g.sub_item_id for g in m.gaps] == ["22(3)"]  # no reminder for the outcome
    assert m.projected_low == m.projected_high == 100 - 0.5
    stats = understood(
        f"{YINGJI}/2022年事故统计情况.docx", department=YINGJI, kind="报告", matches=[("22(1)", 80)]
    )
    m = build_matrix(r, [stats], **kw)  # type: ignore[arg-type]
    status = m.sub_item_status("22(1)")
    assert status.status == "完成"  # 县住建局's empty cell is 结果类, not a gap
    assert {c.department: c.status for c in status.cells} == {YINGJI: "完成", ZHUJIAN: "结果类"}


def test_a_recorded_event_costs_its_points_for_certain_and_the_cells_say_so() -> None:
    accident = sub_item(
        "22(1)",
        departments=(YINGJI, ZHUJIAN),
        deductions=(deduction(25, text="发生1起较大生产安全事故扣25分"),),
    )
    late = sub_item(
        "22(2)",
        deductions=(deduction(1, "occurrence", "未按规定及时上报事故被市级及以上部门通报的，每次扣1分"),),
    )
    work = sub_item("22(3)", deductions=(deduction(0.5, text="未开展事故统计分析的，扣0.5分"),))
    r = one_item_rubric([accident, late, work], points=25)
    kw = {"departments": REGISTRY_ORDER, "assessment_year": 2022, "today": TODAY}
    before = build_matrix(r, [], **kw)  # type: ignore[arg-type]
    occurred = {
        "22(1)": Occurrence("22(1)", note="3月某企业较大事故", recorded_at="2022-10-08T09:00:00+08:00"),
        "22(2)": Occurrence("22(2)", deduct=3.0),  # three 通报: a per-event rule counts each
        "22(3)": Occurrence("22(3)"),  # not an outcome sub-item: its points hang on evidence
    }
    m = build_matrix(r, [], occurred=occurred, **kw)  # type: ignore[arg-type]
    status = m.sub_item_status("22(1)")
    assert status.status == "结果类" and status.occurred == 25
    assert status.at_risk_low == status.at_risk_high == 25
    assert all(
        "已登记发生扣分情形：3月某企业较大事故（2022-10-08登记），扣25分" in c.reasons[0]
        for c in status.cells
    )
    assert m.sub_item_status("22(2)").occurred == 0  # the accident took all 25 of the item's points
    assert "第22项的分值已被同项其他情形扣完" in m.sub_item_status("22(2)").occurred_note
    assert m.sub_item_status("22(3)").occurred == 0
    # both ends of the range lose the events; nobody is reminded of an accident
    assert before.projected_high - m.projected_high == before.projected_low - m.projected_low == 25
    assert [g.sub_item_id for g in m.gaps] == ["22(3)"]
    assert (
        m.outcome_basis == "结果类指标中已登记发生扣分情形 2 项（22(1)、22(2)），已扣 25 分，其余按未发生计"
    )
    only_late = build_matrix(r, [], occurred={"22(2)": occurred["22(2)"]}, **kw)  # type: ignore[arg-type]
    assert only_late.sub_item_status("22(2)").occurred == 3
    assert before.projected - only_late.projected == 3
    assert before.outcome_basis == "结果类指标按未发生事故、未被通报计"
    # the rule bounds what the office types: a flat 25 is 25, a per-event rule the item's points
    assert event_loss(accident, r.item(22), Occurrence("22(1)", deduct=40.0)) == 25
    assert event_loss(late, r.item(22), Occurrence("22(2)")) == 1  # one event by default
    assert event_loss(late, r.item(22), Occurrence("22(2)", deduct=30.0)) == 25
    with pytest.raises(ConfigError, match="22\\(3\\) 不是结果类指标"):
        check_occurrences(r, occurred.values())
    check_occurrences(r, [occurred["22(1)"], occurred["22(2)"]])


def test_max_loss_scaled_down_to_the_items_points() -> None:
    losses = max_losses(small_rubric().item(5))
    assert losses == {"5(1)": 0.33, "5(2)": 0.67}  # whole cents that add up to the item's points
    assert round(sum(losses.values()), 2) == 1.0


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (1.0, [1, 1, 1], [0.34, 0.33, 0.33]),
        (0.5, [1, 0, 1], [0.25, 0.0, 0.25]),
        (0.05, [1, 1], [0.03, 0.02]),
        (2.0, [0, 0], [0.0, 0.0]),
        (24.7, [1], [24.7]),
    ],
)
def test_split_cents_adds_up_exactly(total: float, weights: list[float], expected: list[float]) -> None:
    parts = split_cents(total, weights)
    assert parts == expected
    if any(weights):
        assert round(sum(parts) * 100) == round(total * 100)


def test_co_responsible_departments_share_one_gap() -> None:
    m = build([])
    s = m.sub_item_status("7(2)")
    assert s.status == "缺失" and s.max_loss == 2.0
    assert [c.points_at_risk for c in s.cells] == [1.0, 1.0]
    # one department done: the other carries the whole risk, the sub-item is 部分
    m = build(
        [
            understood(f"{ZHUJIAN}/{k}.xlsx", department=ZHUJIAN, kind=k, matches=[("7(2)", 80)])  # type: ignore[arg-type]
            for k in ("名单", "记录", "台账")
        ]
    )
    s = m.sub_item_status("7(2)")
    assert s.status == "部分"
    assert cell(m, "7(2)", ZHUJIAN).points_at_risk == 0
    assert cell(m, "7(2)", YINGJI).points_at_risk == 2.0
    assert (s.at_risk_low, s.at_risk_high) == (0.0, 2.0)


def test_projection_with_nothing_received_adds_up() -> None:
    m = build([])
    risk = sum(s.max_loss for s in m.sub_items)
    assert risk == pytest.approx(4 + 2.5 + 1 + 2 + 1, abs=1e-3)
    assert m.projected_low == m.projected_high == pytest.approx(100 - risk, abs=1e-3)
    assert sum(g.points_at_risk for g in m.gaps) == pytest.approx(risk, abs=1e-3)


def test_projection_range_counts_partial_at_half() -> None:
    m = build(full_2_3()[:1])  # 2(3): 县应急局 部分 (risk 1 shared with 住建 缺失) → sub-item 部分
    missing = sum(s.max_loss for s in m.sub_items if s.status == "缺失")
    assert m.sub_item_status("2(3)").status == "部分"
    assert m.projected_high == pytest.approx(100 - missing, abs=1e-3)
    assert m.projected_low == pytest.approx(100 - missing - 1.0, abs=1e-3)
    assert m.projected == pytest.approx(100 - missing - 0.5, abs=1e-3)


def test_veto_item_is_apart_from_cells_and_risk() -> None:
    m = build([understood("a.docx", matches=[("21", 90)])])
    assert m.veto_item == 21
    assert all(s.item_no != 21 for s in m.sub_items)
    assert all(g.sub_item_id != "21" for g in m.gaps)


def test_bonus_claimed_up_to_the_cap() -> None:
    files = [
        understood("b1.docx", matches=[("B1", 80)]),
        understood("b2.docx", matches=[("B2", 80), ("B3", 75)]),
        understood("b4.docx", matches=[("B4", 90)]),
        understood("b4-review.docx", matches=[("B4", 50, "review")]),
    ]
    m = build(files)
    assert m.bonus_cap == 5.0
    assert m.bonus_claimed == 5.0  # 1 + 1 + 1 + 3 = 6 → 5
    assert dict(m.bonus_evidence)["B4"] == ("b4.docx",)
    assert build(files[:1]).bonus_claimed == 1.0


# ---- gaps, departments, problems ---------------------------------------------------------------


def test_gaps_sorted_by_points_at_risk_and_carry_rubric_examples() -> None:
    m = build([])
    risks = [g.points_at_risk for g in m.gaps]
    assert risks == sorted(risks, reverse=True)
    gap = m.gaps_for(WEI)[0]
    assert gap.sub_item_id == "1" and gap.points_at_risk == 2.0  # 4 shared by 县委办 and 县政府办
    assert "《生命重于泰山——学习习近平总书记关于安全生产重要论述》" in gap.examples
    assert "县政府十一届十二次常务会议纪要" in gap.examples
    assert any("蓬安办发〔2021〕77号" in e for e in gap.examples)


def test_rubric_examples_without_hint() -> None:
    assert rubric_examples(sub_item("3")) == ()


def test_departments_in_registry_order_and_per_department_views() -> None:
    files = [*full_2_3(), understood("县财政局/y.docx", department="县财政局", matches=[("13", 80)])]
    m = build(files)
    assert m.departments == (YINGJI, ZHENGFU, WEI, ZHUJIAN)  # 县财政局 has no cell
    assert all(c.department == YINGJI for c in m.cells_for(YINGJI))
    assert [u.source.rel_path for u in m.files_for(YINGJI)] == sorted(u.source.rel_path for u in full_2_3())
    assert m.files_for("县财政局")[0].source.rel_path == "县财政局/y.docx"


def test_days_left_and_problems_include_extra() -> None:
    extra = Problem("县应急局/报告.docx", "inconsistent", "报告称重点企业23家，但《重点企业名单》只有21行")
    bad = understood("bad.pdf", problems=["文件已加密"])
    m = build(
        [bad], deadline=date(2022, 11, 30), extra_problems=[extra], skipped=[Skipped("~$a.docx", "临时文件")]
    )
    assert m.days_left == 29
    assert [p.message for p in m.problems] == ["文件已加密", extra.message]
    assert m.skipped[0].rel_path == "~$a.docx"
    assert build([]).days_left is None


def test_sub_item_without_department_has_no_cells() -> None:
    r = one_item_rubric([sub_item("3", departments=(), deductions=(deduction(0.5),))], points=1)
    m = build_matrix(r, [], departments=(), assessment_year=2022, today=TODAY)
    s = m.sub_item_status("3")
    assert s.cells == () and s.status == "缺失" and s.max_loss == 0.5
    assert m.projected == 99.5


# ---- the bundled 2022 rubric ------------------------------------------------------------------


def test_real_rubric_with_nothing_received() -> None:
    from pipeline.departments import load_departments
    from pipeline.rubric import read_rubric

    rubric = read_rubric()
    registry = load_departments()
    names = [d.name for d in registry.departments]
    aliases = {d.name: d.aliases for d in registry.departments}
    m = build_matrix(rubric, [], departments=names, assessment_year=2022, today=TODAY, aliases=aliases)
    assert m.veto_item == 21
    # outcome sub-items (accidents, 通报, 舆情) cost nothing for want of evidence; the rest is 缺失
    outcome = {s.sub_item_id for s in m.sub_items if s.status == "结果类"}
    assert outcome == OUTCOME_2022
    assert all(s.status == "缺失" for s in m.sub_items if s.sub_item_id not in outcome)
    assert all(s.max_loss == 0 for s in m.sub_items if s.sub_item_id in outcome)
    assert not [g for g in m.gaps if g.sub_item_id in outcome]  # nothing to remind anyone of
    risk = sum(s.max_loss for s in m.sub_items)
    assert m.projected_low == m.projected_high == pytest.approx(100 - risk, abs=1e-3)
    assert sum(g.points_at_risk for g in m.gaps) == pytest.approx(risk, abs=1e-2)
    for item in rubric.items():  # no item can lose more than its points
        lost = sum(s.max_loss for s in m.sub_items if s.item_no == item.no)
        assert lost <= item.points + 1e-3
    # 7(2): each sector department is asked for 名单 + 记录 + 台账, named in the duty by its short name
    c = next(g for g in m.gaps_for("县住房城乡建设局") if g.sub_item_id == "7(2)")
    assert set(c.missing_materials) == {"名单", "记录", "台账"}
    assert c.what_to_send.startswith("（2）县住建")
    assert m.bonus_cap == 5 and m.bonus_claimed == 0
    ranks = [names.index(d) for d in m.departments if d in names]
    assert ranks == sorted(ranks)
