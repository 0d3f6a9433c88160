"""The rubric reader against the real 2022 table: the Word text dump, a faithful .docx and an .xlsx.

Every fact is asserted on all forms; the .docx and .xlsx are built by tests/builders from the dump
(once with categories in a vertically merged 考评指标 column, once as full-width rows).
"""

from __future__ import annotations

import json
from pathlib import Path

import docx
import openpyxl
import pytest

from pipeline.departments import (
    DepartmentRegistry,
    bundled_departments_path,
    load_departments,
    resolve_department,
)
from pipeline.errors import RubricError
from pipeline.models import Rubric
from pipeline.rubric import (
    MATERIALS,
    bundled_rubric_path,
    check_rubric,
    cn_number,
    find_materials,
    find_titles,
    format_rubric_summary,
    format_rubric_tree,
    read_rubric,
    read_rubric_table,
    rubric_to_json,
    write_rubric_xlsx,
)
from tests.builders.rubric_docx import build_rubric_docx
from tests.builders.rubric_objects import OUTCOME_2022
from tests.builders.rubric_xlsx import build_rubric_xlsx

FORMS = ("txt", "docx-column", "docx-row", "xlsx-column", "xlsx-row")

SUB_ITEM_COUNTS = {
    1: 1, 2: 8, 3: 1, 4: 1, 5: 2, 6: 8, 7: 9, 8: 3, 9: 3, 10: 3, 11: 3, 12: 3, 13: 1, 14: 3,
    15: 12, 16: 7, 17: 4, 18: 2, 19: 4, 20: 4, 21: 1, 22: 2, 23: 2, 24: 4, 25: 3, 26: 2, 27: 2, 28: 7,
}  # fmt: skip
ITEM_POINTS = {
    1: 5, 2: 5, 3: 1, 4: 1, 5: 1, 6: 5, 7: 12, 8: 1.5, 9: 1.5, 10: 1, 11: 1, 12: 3, 13: 1, 14: 5,
    15: 9, 16: 2, 17: 2, 18: 2, 19: 2, 20: 2, 21: 0, 22: 25, 23: 2, 24: 2, 25: 2, 26: 1, 27: 1, 28: 4,
}  # fmt: skip
CATEGORY_POINTS = [10, 3, 5, 17, 3, 1, 5, 9, 10, 25, 8, 4]
CITED = {
    "蓬安办发〔2021〕77号", "川办发〔2021〕91号", "遂安委〔2022〕15号", "遂安委〔2022〕9号",
    "遂安委〔2022〕20号", "遂安委〔2022〕4号", "川安委办函〔2022〕63号", "遂安委〔2022〕2号",
    "遂安委〔2022〕18号", "遂安办〔2022〕55号", "遂安办〔2022〕14号", "遂安委〔2022〕21号",
    "遂应急函〔2022〕35号", "遂应急〔2022〕37号", "遂应急函〔2022〕12号",
}  # fmt: skip


@pytest.fixture(scope="module")
def registry() -> DepartmentRegistry:
    return load_departments(bundled_departments_path())


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("rubric")
    return {
        "txt": bundled_rubric_path(),
        "docx-column": build_rubric_docx(base / "column.docx", category_style="column"),
        "docx-row": build_rubric_docx(base / "row.docx", category_style="row"),
        "xlsx-column": build_rubric_xlsx(base / "column.xlsx", category_style="column"),
        "xlsx-row": build_rubric_xlsx(base / "row.xlsx", category_style="row"),
    }


@pytest.fixture(scope="module")
def rubrics(sources: dict[str, Path], registry: DepartmentRegistry) -> dict[str, Rubric]:
    return {form: read_rubric(path, registry=registry) for form, path in sources.items()}


@pytest.fixture(params=FORMS)
def rubric(request: pytest.FixtureRequest, rubrics: dict[str, Rubric]) -> Rubric:
    return rubrics[request.param]


def canonical(registry: DepartmentRegistry, written: str) -> str:
    resolution = resolve_department(written, registry)
    assert resolution.department is not None, written
    return resolution.department.name


# ---- structure and points ------------------------------------------------------------------------


def test_title_and_year_come_from_the_header_lines(rubric: Rubric) -> None:
    assert rubric.year == 2022
    assert rubric.title == "蓬溪县迎接市安办2022年度安全生产党政同责工作考核任务分解表"


def test_parts_and_bonus(rubric: Rubric) -> None:
    assert [(p.no, p.index, p.title, p.points) for p in rubric.parts] == [
        ("一", 1, "加强组织领导", 13),
        ("二", 2, "推动重点工作", 50),
        ("三", 3, "强化考核问效", 37),
    ]
    assert rubric.total_points == 100
    assert rubric.bonus is not None
    assert rubric.bonus.cap == 5
    assert [b.id for b in rubric.bonus.items] == [f"B{n}" for n in range(1, 11)]
    assert [b.points for b in rubric.bonus.items] == [1, 1, 1, 1, 3, 2, 2, 2, 1, 0.1]
    assert rubric.bonus.items[9].text.startswith("迎接国、省安委会（办）")
    assert "上述" not in rubric.bonus.items[9].text  # the closing note is not part of （十）
    assert "只计算1次" in rubric.bonus.note


def test_categories_with_points(rubric: Rubric) -> None:
    categories = list(rubric.categories())
    assert [c.index for c in categories] == list(range(1, 13))
    assert [c.no for c in categories][-3:] == ["十", "十一", "十二"]
    assert [c.points for c in categories] == CATEGORY_POINTS
    assert categories[9].title == "事故防控"


def test_all_28_items_with_points_and_inferred_marks(rubric: Rubric) -> None:
    items = list(rubric.items())
    assert [i.no for i in items] == list(range(1, 29))
    assert {i.no: i.points for i in items} == ITEM_POINTS
    assert {i.no for i in items if i.points_inferred} == {18, 22, 23, 28}
    assert [i.no for i in items if i.kind == "veto"] == [21]
    assert rubric.item(7).title.startswith("认真贯彻落实安全生产十五条硬措施")


def test_every_total_reconciles(rubric: Rubric) -> None:
    for part in rubric.parts:
        assert sum(c.points for c in part.categories) == part.points
        for category in part.categories:
            assert sum(i.points for i in category.items) == pytest.approx(category.points)
    assert not [w for w in rubric.warnings if "合计" in w]


def test_veto_points_belong_to_the_next_item_with_a_warning(rubric: Rubric) -> None:
    assert rubric.item(21).points == 0
    assert rubric.item(22).points == 25 and rubric.item(22).points_inferred
    merged = [w for w in rubric.warnings if "合并单元格" in w]
    assert len(merged) == 1 and "第21" in merged[0] and "第22项" in merged[0] and "25" in merged[0]


# ---- sub-items -----------------------------------------------------------------------------------


def test_sub_item_counts_and_ids(rubric: Rubric) -> None:
    assert {i.no: len(i.sub_items) for i in rubric.items()} == SUB_ITEM_COUNTS
    assert [s.id for s in rubric.item(3).sub_items] == ["3"]
    assert rubric.sub_item("3").no is None
    assert [s.id for s in rubric.item(7).sub_items] == [f"7({n})" for n in range(1, 10)]
    assert rubric.sub_item("15(12)").no == 12


def test_sub_items_behind_bookmark_debris_are_found_intact(rubric: Rubric) -> None:
    assert rubric.sub_item("7(4)").text == (
        "未组织开展“巩固提升年”专项整治“回头看”的，每少一个行业领域扣0.2分（本项1分，扣完为止）；"
        "电梯维保公示未达到100%的，扣0.5分；"
    )
    assert rubric.sub_item("7(5)").text.startswith("应全面总结三年行动整治成果")
    assert rubric.sub_item("6(3)").duty.startswith("（3）县住房城乡建设局、县应急管理局、县消防救援大队")
    for sub in rubric.sub_items():
        for text in (sub.text, sub.duty, sub.evidence_hint):
            assert "bookmark" not in text and "_GoBack" not in text


def test_explanation_lines_stay_in_the_last_sub_item(rubric: Rubric) -> None:
    text = rubric.sub_item("22(2)").text
    assert text.startswith("一般生产安全事故起数超本地区近三年")
    assert "说明：\n1.高速公路交通事故不纳入" in text
    assert text.endswith("对事故发生地县（市、区）、市直园区考评扣分。")


def test_multi_line_evidence_cell_is_kept(rubric: Rubric) -> None:
    assert rubric.item(1).evidence_hint == (
        "例如：1.县政府十一届十二次常务会议纪要\n"
        "2.关于建立“两书一函”制服（试行）推动安全生产责任落实的通知（蓬安办发〔2021〕77号）；"
    )


# ---- citations, materials, deductions -------------------------------------------------------------


def test_all_15_cited_document_numbers(rubric: Rubric) -> None:
    found = {n for s in rubric.sub_items() for n in s.cited_doc_numbers}
    assert found == CITED
    assert rubric.sub_item("1").cited_doc_numbers == ("蓬安办发〔2021〕77号",)  # from 佐证资料
    assert rubric.sub_item("6(8)").cited_doc_numbers == ("川办发〔2021〕91号",)
    assert rubric.sub_item("7(3)").cited_doc_numbers == ("遂安委〔2022〕9号", "遂安委〔2022〕20号")
    assert rubric.sub_item("16(3)").cited_doc_numbers == ("遂应急〔2022〕37号", "遂应急函〔2022〕12号")
    assert rubric.sub_item("6(1)").cited_doc_numbers == ()


def test_cited_titles_drop_outer_brackets_and_keep_nested_ones(rubric: Rubric) -> None:
    assert rubric.sub_item("8(2)").cited_titles == (
        "遂宁市人民政府安全生产委员会关于印发<遂宁市危险化学品安全风险集中治理工作方案>的通知",
    )
    # from the 评分标准 and from the (4) segment of the 职责分工 cell
    assert rubric.sub_item("2(4)").cited_titles == (
        "遂宁市“十四五”应急体系规划",
        "蓬溪县“十四五”应急体系规划",
    )
    assert all(not t.startswith("《") for s in rubric.sub_items() for t in s.cited_titles)


def test_find_titles_nested() -> None:
    text = "关于转发《关于印发<A（试行）><B>的通知》的通知和《C》"
    assert find_titles(text) == ("关于印发<A（试行）><B>的通知", "C")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("提供会议纪要、照片", ("纪要", "照片")),
        ("进企业方案、图片、工作总结、简报", ("方案", "照片", "总结", "简报")),
        ("签到、新闻报道", ("签到", "信息")),
        ("实施重大安全风险联防联控，加强信息共享", ()),
        ("说明：高速公路交通事故不纳入", ()),
        ("写说明表明是同步增长", ("说明",)),
        ("财政预算表", ("预算",)),
    ],
)
def test_find_materials(text: str, expected: tuple[str, ...]) -> None:
    assert find_materials(text) == expected
    assert set(expected) <= set(MATERIALS)


def test_materials_of_sub_items(rubric: Rubric) -> None:
    assert {"方案", "签到", "照片", "信息", "清单"} <= set(rubric.sub_item("2(6)").materials)
    assert {"纪要", "照片", "讲话", "方案", "文件"} <= set(rubric.sub_item("1").materials)
    assert "值班表" in rubric.sub_item("5(1)").materials
    assert "说明" not in rubric.sub_item("22(1)").materials


def _units(rubric: Rubric, sub_id: str) -> list[tuple[float, str]]:
    return [(d.amount, d.unit) for d in rubric.sub_item(sub_id).deductions]


def test_deductions_as_data(rubric: Rubric) -> None:
    assert _units(rubric, "2(1)") == [(0.5, "once"), (0.5, "once"), (0.5, "person")]
    assert _units(rubric, "1") == [(2, "once"), (1, "occurrence"), (1, "once")]
    assert _units(rubric, "3") == [(0.5, "once"), (0.5, "item")]
    assert _units(rubric, "6(4)") == [(0.5, "times")]
    assert _units(rubric, "7(4)") == [(0.2, "department"), (0.5, "once")]
    assert _units(rubric, "7(8)") == [(0.5, "once"), (0.5, "hazard")]
    assert _units(rubric, "15(5)") == [(0.05, "percent_point")]
    assert _units(rubric, "15(7)") == [(0.1, "item"), (0.1, "times")]
    assert _units(rubric, "15(11)") == [(0.1, "percent_point"), (0.1, "enterprise")]
    assert _units(rubric, "16(3)") == [(0.2, "region"), (0.2, "region")]
    assert _units(rubric, "18(2)") == [(0.2, "region")] * 5
    assert _units(rubric, "22(2)") == [(0.3, "tenth_accident")]
    assert _units(rubric, "28(4)") == [(0.8, "occurrence"), (0.5, "occurrence"), (0.3, "occurrence")]
    clause = rubric.sub_item("7(4)").deductions[0].text
    assert clause == "未组织开展“巩固提升年”专项整治“回头看”的，每少一个行业领域扣0.2分"
    assert rubric.sub_item("21").deductions == ()


def test_caps(rubric: Rubric) -> None:
    assert rubric.sub_item("2(1)").cap == 1
    assert rubric.sub_item("2(6)").cap == 0.5
    assert rubric.sub_item("7(8)").cap == 2
    assert rubric.sub_item("15(2)").cap == 2  # two clause groups of 本项1分 each
    assert rubric.sub_item("15(5)").cap == 0.5
    assert rubric.sub_item("2(2)").cap is None


# ---- departments ---------------------------------------------------------------------------------


def test_departments_from_labelled_duty_segments(rubric: Rubric, registry: DepartmentRegistry) -> None:
    emergency = canonical(registry, "县应急局")
    for sub_id in ("6(4)", "6(5)", "6(7)", "7(1)", "7(5)", "7(6)", "7(8)", "7(9)", "19(1)", "19(3)", "19(4)"):
        assert rubric.sub_item(sub_id).departments == (emergency,), sub_id
    assert rubric.sub_item("6(4)").duty == "（4）（5）（7）县应急局提供"
    assert rubric.sub_item("19(3)").duty == "（1） （3）（4）县应急局提供"
    assert rubric.sub_item("7(4)").departments == (canonical(registry, "县市场监管局"),)
    assert rubric.sub_item("2(2)").departments == (canonical(registry, "县政府办公室"),)
    nineteen = set(rubric.sub_item("19(2)").departments)
    assert {
        canonical(registry, n) for n in ("县总工会", "县妇联", "大石镇", "普安街道办", "县司法局")
    } <= nineteen
    assert rubric.sub_item("19(2)").duty.startswith("（2）县总工会提供")
    # a continuation line without label belongs to the segment above it
    assert canonical(registry, "县发改") in rubric.sub_item("6(1)").departments
    assert canonical(registry, "县住建") in rubric.sub_item("6(1)").departments


def test_committee_expands_to_its_members(rubric: Rubric, registry: DepartmentRegistry) -> None:
    members = "县应急局、交通运输局、住房城乡建设局、交警大队、经科局、农业农村局、市场监管局、文广旅游局、商务经合局、消防救援大队、教育体育局、县卫生健康局"
    expected = {canonical(registry, name) for name in members.split("、")}
    assert len(expected) == 12
    departments = rubric.sub_item("2(3)").departments
    assert expected <= set(departments)
    assert canonical(registry, "县政府办公室") in departments


def test_group_phrases_expand(rubric: Rubric, registry: DepartmentRegistry) -> None:
    towns = registry.group("各乡镇（街道、园区）").members
    assert set(towns) <= set(rubric.sub_item("1").departments)
    sectors = registry.group("行业主管部门").members
    assert set(sectors) <= set(rubric.sub_item("6(6)").departments)


def test_short_forms_in_duty_text(rubric: Rubric, registry: DepartmentRegistry) -> None:
    departments = set(rubric.sub_item("2(6)").departments)
    for written in ("县委组织部", "县经科局", "县商务经合局", "县市场监管局", "县交运局", "县应急局"):
        assert canonical(registry, written) in departments, written


def test_unnamed_sub_items_get_the_default_owner(rubric: Rubric, registry: DepartmentRegistry) -> None:
    emergency = canonical(registry, "县应急局")
    for sub in rubric.sub_items():
        assert sub.departments, sub.id
        if sub.item_no >= 20:
            assert sub.departments_defaulted and sub.departments == (emergency,), sub.id
        else:
            assert not sub.departments_defaulted, sub.id
    # item 18's duty sits in a row of its own in the dump (cut off by " \t"): it still names 县应急局
    assert rubric.item(18).duty == "县应急局提供"
    defaulted = [w for w in rubric.warnings if "已默认由" in w]
    assert [w.split("项", 1)[0] for w in defaulted] == [f"第{n}" for n in range(20, 29)]


def test_default_owner_is_configurable(registry: DepartmentRegistry) -> None:
    rubric = read_rubric(registry=registry, default_owner="县安办")
    assert rubric.sub_item("24(1)").departments == (canonical(registry, "县安办"),)
    assert rubric.sub_item("24(1)").departments_defaulted


# ---- warnings ------------------------------------------------------------------------------------


def test_warnings_name_inferred_points_year_and_defaults(rubric: Rubric) -> None:
    text = "\n".join(rubric.warnings)
    for n in (18, 23, 28):
        assert any(w.startswith(f"第{n}项缺少考核分值") and "推定为" in w for w in rubric.warnings), n
    year = [w for w in rubric.warnings if "年份" in w]
    assert len(year) == 1 and "第13项" in year[0] and "2021" in year[0] and "2022" in year[0]
    assert "重复" not in text and "跳过" not in text
    assert check_rubric(rubric) == list(rubric.warnings)


def test_the_forms_agree(rubrics: dict[str, Rubric]) -> None:
    def facts(r: Rubric) -> list[object]:
        return [
            r.title,
            r.year,
            r.bonus,
            r.warnings,
            [(i.no, i.title, i.points, i.points_inferred) for i in r.items()],
        ] + [s for s in r.sub_items()]

    reference = facts(rubrics["txt"])
    for form in FORMS[1:]:
        assert facts(rubrics[form]) == reference, form


# ---- the fixtures are what they claim to be ------------------------------------------------------


def test_docx_fixture_has_real_merges_and_bookmarks(sources: dict[str, Path]) -> None:
    document = docx.Document(str(sources["docx-column"]))
    table = document.tables[0]
    part_row = table.rows[1]
    assert {id(c._tc) for c in part_row.cells} == {id(part_row.cells[0]._tc)}  # full width
    assert part_row.cells[5].text == "一、加强组织领导（13分）"  # python-docx repeats merged text
    # the category column is merged vertically: rows of items 1 and 2 share one cell
    assert table.rows[2].cells[0]._tc is table.rows[3].cells[0]._tc
    names = [
        e.get(docx.oxml.ns.qn("w:name"))
        for e in document.element.body.iter(docx.oxml.ns.qn("w:bookmarkStart"))
    ]
    assert {"_GoBack", "_Hlk93419902", "_Hlk93431491"} <= set(names)
    assert len(table.columns) == 6


def test_xlsx_fixture_has_merged_cells(sources: dict[str, Path]) -> None:
    workbook = openpyxl.load_workbook(sources["xlsx-column"])
    sheet = workbook.active
    assert sheet is not None
    ranges = {str(r) for r in sheet.merged_cells.ranges}
    points = [r for r in ranges if r.startswith("D") and ":D" in r]
    assert len(points) == 1  # the 25 of items 21–22
    assert any(r.startswith("A") and ":F" in r for r in ranges)  # full-width part rows


# ---- small synthetic tables: what goes wrong is reported ------------------------------------------


def _dump(year: str, rows: list[list[str]], *, part: str = "一、组织领导（10分）") -> str:
    """A dump in the Word text format: a tab before each cell, a blank line after each row."""
    lines = ["附件", f"某县{year}安全生产考核任务分解表"]
    header = ["考评\n指标", "考评内容", "评分标准", "考核\n分值", "职责分工及提供内容", "佐证资料"]
    for row in [header, [part], *rows]:
        lines += ["\t" + cell for cell in row]
        lines.append("")
    return "\n".join(lines) + "\n"


def _read(tmp_path: Path, text: str, registry: DepartmentRegistry, **kw: object) -> Rubric:
    path = tmp_path / "rubric.txt"
    path.write_text(text, encoding="utf-8")
    return read_rubric(path, registry=registry, **kw)  # type: ignore[arg-type]


def test_totals_numbering_and_caps_are_checked(tmp_path: Path, registry: DepartmentRegistry) -> None:
    text = _dump(
        "2023年度",
        [
            [
                "（一）责任落实（10分）",
                "1.第一项",
                "（1）未制定的，扣0.5分（本项1分，扣完为止）；\n（3）未落实的，每次扣0.5分（本项1分，扣完为止）；另扣（本项1分，扣完为止）",
                "1",
                "县应急局提供",
                "",
            ],
            ["", "3.第三项", "未报送的，每次扣1分。", "8", "县气象局提供", ""],
            ["", "3.2024年度重复项", "未报送的，扣1分。", "", "", ""],
        ],
    )
    rubric = _read(tmp_path, text, registry)
    warnings = "\n".join(rubric.warnings)
    assert rubric.year == 2023
    assert "项目编号3重复" in warnings and "项目编号跳过了2" in warnings
    assert "第1项的子项编号跳过了2" in warnings
    assert "2024年度" in warnings
    assert "各部分合计10分，不是100分" in warnings
    assert rubric.sub_item("1(3)").cap == 1  # 1 + 1 capped at the item's points
    assert [i.points for i in rubric.items()] == [1, 8, 1]
    assert rubric.items().__next__().sub_items[1].id == "1(3)"
    # 县气象局 is not in the registry: the sub-item falls back to the default owner, with a warning
    assert not resolve_department("县气象局", registry).ok
    assert rubric.item(1).sub_items[0].departments_defaulted is False
    assert any("职责分工中没有可识别的单位" in w for w in rubric.warnings)


def test_totals_that_do_not_add_up(tmp_path: Path, registry: DepartmentRegistry) -> None:
    text = _dump(
        "2022年度",
        [
            ["（一）责任落实（6分）", "1.第一项", "扣1分。", "5", "县应急局提供", ""],
            ["（二）体制机制（5分）", "2.第二项", "扣1分。", "5", "县应急局提供", ""],
        ],
        part="一、组织领导（100分）",
    )
    warnings = _read(tmp_path, text, registry).warnings
    assert "类别（一）责任落实为6分，但其项目合计5分" in warnings
    assert "第一部分“组织领导”为100分，但其类别合计11分" in warnings


def test_year_can_be_given_when_the_title_has_none(tmp_path: Path, registry: DepartmentRegistry) -> None:
    text = _dump("", [["（一）责任落实（10分）", "1.第一项", "扣1分。", "10", "县应急局提供", ""]])
    with pytest.raises(RubricError, match="年度"):
        _read(tmp_path, text, registry)
    assert _read(tmp_path, text, registry, year=2024).year == 2024


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "找不到"),
        ("rubric.pdf", b"%PDF-1.4", "不支持"),
        ("broken.docx", b"not a zip", "Word"),
        ("broken.xlsx", b"not a zip", "Excel"),
        ("empty.txt", "附件\n2022年度考核表\n".encode(), "没有识别到"),
    ],
)
def test_unreadable_files_raise_rubric_error(
    tmp_path: Path, registry: DepartmentRegistry, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RubricError, match=message) as info:
        read_rubric(path, registry=registry)
    assert info.value.message  # a Chinese message for the CLI


def test_docx_without_header_lines_uses_the_year_argument(
    tmp_path: Path, registry: DepartmentRegistry
) -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=6)
    for cell, text in zip(
        table.rows[0].cells,
        ["考评指标", "考评内容", "评分标准", "考核分值", "职责分工", "佐证资料"],
        strict=True,
    ):
        cell.text = text
    merged = table.rows[1].cells[0].merge(table.rows[1].cells[5])
    merged.text = "一、组织领导（100分）"
    for cell, text in zip(
        table.rows[2].cells,
        ["（一）责任落实（100分）", "1.唯一项", "（1）扣1分。", "100", "县应急局提供", ""],
        strict=True,
    ):
        cell.text = text
    path = tmp_path / "plain.docx"
    document.save(str(path))
    rubric = read_rubric(path, registry=registry, year=2025)
    assert rubric.year == 2025 and rubric.title == ""
    assert [s.id for s in rubric.sub_items()] == ["1(1)"]
    assert read_rubric_table(path).rows[1][0] == "一、组织领导（100分）"
    assert all(cell == "" for cell in read_rubric_table(path).rows[1][1:])  # merged slots count once


# ---- exports -------------------------------------------------------------------------------------


def test_json_contract(rubrics: dict[str, Rubric]) -> None:
    data = rubric_to_json(rubrics["txt"])
    assert list(data) == ["year", "title", "parts", "bonus", "warnings"]
    part = data["parts"][0]
    assert list(part) == ["no", "title", "points", "categories"]
    assert list(part["categories"][0]) == ["no", "title", "points", "items"]
    item = part["categories"][0]["items"][1]
    assert list(item) == ["no", "title", "points", "points_inferred", "kind", "sub_items"]
    sub = item["sub_items"][0]
    assert list(sub) == [
        "id", "text", "departments", "materials", "cited_doc_numbers", "cited_titles", "deductions", "cap",
        "outcome",
    ]  # fmt: skip
    assert sub["id"] == "2(1)" and sub["cap"] == 1 and sub["outcome"] is False
    outcome = {
        s["id"]
        for p in data["parts"]
        for c in p["categories"]
        for i in c["items"]
        for s in i["sub_items"]
        if s["outcome"]
    }
    assert outcome == OUTCOME_2022
    assert sub["deductions"][2] == {"amount": 0.5, "unit": "person", "text": sub["deductions"][2]["text"]}
    assert list(data["bonus"]) == ["cap", "items"] and data["bonus"]["cap"] == 5
    assert data["bonus"]["items"][4] == {"id": "B5", "text": data["bonus"]["items"][4]["text"], "points": 3}
    items = {i["no"]: i for p in data["parts"] for c in p["categories"] for i in c["items"]}
    assert items[22]["points_inferred"] is True and items[22]["points"] == 25
    assert items[21]["kind"] == "veto"
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_write_rubric_xlsx(tmp_path: Path, rubrics: dict[str, Rubric]) -> None:
    path = tmp_path / "catalog.xlsx"
    write_rubric_xlsx(rubrics["txt"], path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["考核细则", "加分项", "校验提示"]
    sheet = workbook["考核细则"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("部分", "类别", "项目", "项目名称")
    assert len(rows) == 1 + sum(SUB_ITEM_COUNTS.values())
    by_id = {r[6]: r for r in rows[1:]}
    assert by_id["22(1)"][4] == 25 and by_id["22(1)"][5] == "推定"
    assert by_id["21"][5] == "一票否决"
    assert "（默认）" in by_id["28(7)"][8]
    assert rows[0][-1] == "结果类" and by_id["23(1)"][-1] == "是" and by_id["2(1)"][-1] is None
    assert workbook["校验提示"].max_row == 1 + len(rubrics["txt"].warnings)


def test_tree_and_summary(rubrics: dict[str, Rubric]) -> None:
    tree = format_rubric_tree(rubrics["txt"])
    assert "一、加强组织领导（13分）" in tree
    assert "（十）事故防控（25分）" in tree
    assert "21. “一票否决”项。（一票否决，不计分）" in tree
    assert "22. 严控事故指标。（25分，推定）" in tree
    assert "7(4)" in tree and "B10" in tree
    outcome = "结果类：发生事故、被通报等情形才扣分，不需专门佐证"
    assert tree.count(outcome) == len(OUTCOME_2022)
    after_22_1 = tree.split("22(1)", 1)[1].split("22(2)", 1)[0]
    assert outcome in after_22_1
    summary = format_rubric_summary(rubrics["txt"])
    assert "考核年度：2022年" in summary
    assert f"子项{sum(SUB_ITEM_COUNTS.values())}个" in summary and "项目28项" in summary
    assert f"校验提示：{len(rubrics['txt'].warnings)}条" in summary


@pytest.mark.parametrize(("text", "n"), [("一", 1), ("十", 10), ("十二", 12), ("二十一", 21), ("十十", 0)])
def test_cn_number(text: str, n: int) -> None:
    assert cn_number(text) == n


def test_loose_text_after_the_table_is_reported_not_merged(
    tmp_path: Path, registry: DepartmentRegistry
) -> None:
    text = _dump("2022年度", [["（一）责任落实（10分）", "1.第一项", "扣1分。", "10", "县应急局提供", ""]])
    rubric = _read(tmp_path, text + "制表人：张三\n", registry)
    assert rubric.item(1).duty == "县应急局提供"
    assert any("制表人：张三" in w for w in rubric.warnings)
