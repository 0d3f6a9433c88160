"""Sub-item references in file and folder names: should-match / should-not-match tables."""

from __future__ import annotations

import pytest

from matchers.itemref import item_refs

KNOWN = frozenset(
    {"1", "3", "4", "13"}
    | {f"2({i})" for i in range(1, 9)}
    | {f"7({i})" for i in range(1, 10)}
    | {f"9({i})" for i in range(1, 4)}
    | {f"15({i})" for i in range(1, 13)}
    | {f"B{i}" for i in range(1, 11)}
)

SHOULD_MATCH = [
    ("7（2）大检查方案.docx", ["7(2)"]),
    ("7(2)", ["7(2)"]),
    ("７（２）全角数字.pdf", ["7(2)"]),
    ("7 (2) 方案.docx", ["7(2)"]),
    ("7.2 方案.pdf", ["7(2)"]),
    ("7.2.docx", ["7(2)"]),
    ("指标7-2", ["7(2)"]),
    ("指标7-2检查记录.xlsx", ["7(2)"]),
    ("2-(7)", ["2(7)"]),
    ("2-（7）财政预算.xlsx", ["2(7)"]),
    ("7-2-照片.jpg", ["7(2)"]),
    ("7_2 台账.xlsx", ["7(2)"]),
    ("15（12）钢8条粉6条清零总结.docx", ["15(12)"]),
    ("第7项", ["7"]),
    ("第七项 专项整治", ["7"]),
    ("第十三项考评", ["13"]),
    ("3.修订分工.docx", ["3"]),
    ("7、大检查", ["7"]),
    ("县应急局/7/（2）方案.docx", ["7(2)"]),
    ("县应急局/第9项/（3）完成情况.pdf", ["9(3)"]),
    ("加分项（二）实体化.pdf", ["B2"]),
    ("B3 经验推广.pdf", ["B3"]),
    ("县住建局/指标9-2/执法现场.jpg", ["9(2)"]),
    ("7(2)与7(7)共用台账.xlsx", ["7(2)", "7(7)"]),
]

SHOULD_NOT_MATCH = [
    "2022.5.20会议纪要.docx",
    "2022-05-20 检查.jpg",
    "2022年7-8月隐患台账.xlsx",  # a range of months, not 7(8)
    "联系电话13812345678.docx",
    "0825-5412345",
    "v2.0 清单.xlsx",
    "清单2.0版.docx",
    "V1.2说明.pdf",
    "7(11)",  # not a sub-item of the rubric
    "第30项",
    "1.5亿元项目.docx",
    "IMG_20220615_093012.jpg",
    "县住建局/城镇燃气方案.docx",
    "3-5人检查组.docx",
]


@pytest.mark.parametrize(("name", "expected"), SHOULD_MATCH)
def test_names_citing_items(name: str, expected: list[str]) -> None:
    assert item_refs(name, KNOWN) == expected


@pytest.mark.parametrize("name", SHOULD_NOT_MATCH)
def test_names_without_refs(name: str) -> None:
    assert item_refs(name, KNOWN) == []


def test_only_known_ids_are_returned() -> None:
    assert item_refs("7(2)", {"9(1)"}) == []
    assert item_refs("第7项", {"7(1)"}) == ["7"]  # item-level ref to an item with sub-items
