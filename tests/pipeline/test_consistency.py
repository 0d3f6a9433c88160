"""Narrative counts against the 台账 sent with them, and the 重点企业名单 against the 检查记录."""

from __future__ import annotations

import pytest

from pipeline.consistency import check_consistency, parse_number, read_claims
from pipeline.models import Evidence, SourceFile, Table

DEPT = "县住房城乡建设局"


def evidence(rel_path: str, text: str = "", tables: tuple[Table, ...] = ()) -> Evidence:
    source = SourceFile(f"/inbox/{rel_path}", rel_path, DEPT, "县住建局", "0" * 64, 100, 0.0, "xlsx")
    return Evidence(source, text, tables=tables)


def enterprises(n: int) -> list[str]:
    return [f"蓬溪县第{i}建筑有限公司" for i in range(1, n + 1)]


def name_list(names: list[str], *, title: bool = True) -> Table:
    rows: list[tuple[str, ...]] = [("蓬溪县住建领域重点企业名单", "", "")] if title else []
    rows.append(("序号", "企业名称", "地址"))
    rows += [(str(i), n, "蓬溪县赤城镇") for i, n in enumerate(names, 1)]
    rows.append(("合计", f"{len(names)}家", ""))
    return Table("Sheet1", tuple(rows))


def records(names: list[str]) -> Table:
    rows = [("序号", "被检查单位", "检查时间", "发现问题")]
    rows += [(str(i), n, "2022-06-01", "无") for i, n in enumerate(names, 1)]
    return Table("Sheet1", tuple(rows))


def ledger(done: int, open_: int) -> Table:
    rows = [("序号", "单位名称", "隐患描述", "整改情况")]
    rows += [(str(i), f"企业{i}", "灭火器过期", "已整改") for i in range(done)]
    rows += [(str(done + i), f"企业{done + i}", "通道堵塞", "未整改") for i in range(open_)]
    return Table("表1", tuple(rows))


REPORT = "全县住建行业领域重点企业单位{e}家，安全生产大检查以来共计检查{c}次，发现问题{f}个，整改{r}个。"


@pytest.mark.parametrize(
    ("text", "value"),
    [("23", 23), ("２３", 23), ("二十三", 23), ("十", 10), ("十五", 15), ("一百零五", 105), ("两千", 2000),
     ("三万二千", 32000), ("〇", 0), ("xx", None), ("", None)],
)  # fmt: skip
def test_parse_number(text: str, value: int | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (REPORT.format(e=23, c=46, f=12, r=10), (23, 46, 12, 10)),
        (REPORT.format(e="二十三", c="四十六", f="十二", r="十"), (23, 46, 12, 10)),
        (REPORT.format(e="２３", c="４６", f="１２", r="１０"), (23, 46, 12, 10)),
        ("全县重点企业共计 23 家，检查企业46家次，发现各类隐患12处，已整改10处", (23, 46, 12, 10)),
        (REPORT.format(e="xx", c="xx", f="xx", r="xx"), (None, None, None, None)),
        ("未整改2个，本次检查覆盖重点行业", (None, None, None, None)),
    ],
)
def test_read_claims(text: str, expected: tuple) -> None:
    c = read_claims(text)
    assert (c.enterprises, c.inspections, c.found, c.rectified) == expected


def test_consistent_submission_has_no_problems() -> None:
    names = enterprises(3)
    files = [
        evidence("县住建局/情况说明.docx", REPORT.format(e=3, c=3, f=2, r=1)),
        evidence("县住建局/重点企业名单.xlsx", tables=(name_list(names),)),
        evidence("县住建局/重点企业检查记录.xlsx", tables=(records(names),)),
        evidence("县住建局/问题隐患整改台账.xlsx", tables=(ledger(1, 1),)),
    ]
    assert check_consistency(DEPT, files) == []


def test_count_mismatches_name_the_numbers_and_the_table() -> None:
    names = enterprises(21)
    files = [
        evidence("县住建局/情况说明.docx", REPORT.format(e="二十三", c=30, f=5, r=4)),
        evidence("县住建局/重点企业名单.xlsx", tables=(name_list(names),)),
        evidence("县住建局/重点企业检查记录.xlsx", tables=(records(names),)),
        evidence("县住建局/问题隐患整改台账.xlsx", tables=(ledger(2, 4),)),
    ]
    problems = check_consistency(DEPT, files)
    messages = [p.message for p in problems]
    assert messages == [
        "报告称重点企业23家，但《重点企业名单》只有21行",
        "报告称共计检查30次，但《重点企业检查记录》有21条检查记录",
        "报告称发现问题5个，但《问题隐患整改台账》列出6条",
        "报告称整改4个，但《问题隐患整改台账》中已整改的有2条",
    ]
    assert {p.code for p in problems} == {"inconsistent"}
    assert {p.rel_path for p in problems} == {"县住建局/情况说明.docx"}
    assert all(DEPT in p.detail for p in problems)


def test_names_listed_but_not_inspected_and_inspected_but_not_listed() -> None:
    listed = enterprises(4)
    inspected = [*listed[:2], "蓬溪县某某燃气有限公司"]
    files = [
        evidence("县住建局/重点企业名单.xlsx", tables=(name_list(listed, title=False),)),
        evidence("县住建局/检查记录.docx", tables=(records(inspected),)),
    ]
    messages = [p.message for p in check_consistency(DEPT, files)]
    assert messages == [
        "《重点企业名单》中有2家企业没有检查记录：蓬溪县第3建筑有限公司、蓬溪县第4建筑有限公司",
        "《检查记录》中有1家企业不在《重点企业名单》中：蓬溪县某某燃气有限公司",
    ]


def test_names_compared_after_width_and_space_normalisation() -> None:
    listed = ["蓬溪县（第一）建筑有限公司"]
    inspected = ["蓬溪县(第一) 建筑有限公司"]
    files = [
        evidence("a/重点企业名单.xlsx", tables=(name_list(listed),)),
        evidence("a/检查记录.xlsx", tables=(records(inspected),)),
    ]
    assert check_consistency(DEPT, files) == []


def test_rectified_more_than_found_is_a_problem_even_without_tables() -> None:
    (p,) = check_consistency(DEPT, [evidence("a/说明.docx", REPORT.format(e=3, c=3, f=2, r=5))])
    assert p.message == "报告称整改5个，多于发现的问题2个"


def test_tables_without_a_header_or_role_are_ignored() -> None:
    odd = Table("Sheet1", (("a", "b"), ("c", "d")))
    files = [evidence("a/说明.docx", REPORT.format(e=9, c=9, f=1, r=1)), evidence("a/x.xlsx", tables=(odd,))]
    assert check_consistency(DEPT, files) == []


def test_a_finding_over_many_tables_names_a_few_and_counts_them() -> None:
    """A department with hundreds of 台账 must not get a message as long as its folder, repeated
    for every report that states a number (it was 3.5 MB per department report at 10,000 files)."""
    ledgers = [evidence(f"县住建局/第{i}季度隐患整改台账.xlsx", tables=(ledger(1, 1),)) for i in range(1, 8)]
    files = [evidence("县住建局/情况说明.docx", REPORT.format(e=1, c=1, f=5, r=4)), *ledgers]
    messages = [p.message for p in check_consistency(DEPT, files)]
    assert messages == [
        "报告称发现问题5个，但《第1季度隐患整改台账》《第2季度隐患整改台账》《第3季度隐患整改台账》等7份表格列出14条",
        "报告称整改4个，但《第1季度隐患整改台账》《第2季度隐患整改台账》《第3季度隐患整改台账》等7份表格中已整改的有7条",
    ]
