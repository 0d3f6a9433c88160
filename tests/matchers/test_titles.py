"""Titles: cited 《…》 titles and the document's own title."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchers.titles import document_title, extract_cited_titles

CITED = [
    ("根据《四川省安全生产条例》要求", ["四川省安全生产条例"]),
    (
        "《中华人民共和国安全生产法》和《四川省安全生产条例》",
        ["中华人民共和国安全生产法", "四川省安全生产条例"],
    ),
    ("《关于印发〈遂宁市安全生产工作要点〉的通知》", ["关于印发〈遂宁市安全生产工作要点〉的通知"]),
    ("《关于印发<蓬溪县安全生产责任清单>的通知》", ["关于印发<蓬溪县安全生产责任清单>的通知"]),
    ("《关于印发《蓬溪县安全生产工作要点》的通知》", ["关于印发《蓬溪县安全生产工作要点》的通知"]),
    ("《安全生产法》《安全生产法》", ["安全生产法"]),
    ("《地方党政领导干部安全生产\n责任制规定》", ["地方党政领导干部安全生产责任制规定"]),
    ("《ＧＢ／Ｔ ９７０４》", ["ＧＢ／Ｔ ９７０４"]),
]
NOT_CITED = ["没有书名号", "《》", "《未闭合的标题", "》倒置《", "<不是书名号>", "〈单书名号〉"]


@pytest.mark.parametrize(("text", "expected"), CITED)
def test_cited_titles(text: str, expected: list[str]) -> None:
    assert extract_cited_titles(text) == expected


@pytest.mark.parametrize("text", NOT_CITED)
def test_not_cited(text: str) -> None:
    assert extract_cited_titles(text) == []


@given(st.text())
def test_cited_titles_never_raise(text: str) -> None:
    for title in extract_cited_titles(text):
        assert title


HEADER = "蓬溪县应急管理局文件\n\n蓬应急〔2022〕3号\n签发人：张三\n\n"

OWN = [
    (HEADER + "关于开展安全生产大检查的通知\n各乡镇：\n正文", "关于开展安全生产大检查的通知"),
    (
        HEADER + "蓬溪县应急管理局关于印发2022年\n安全生产工作要点的通知\n各乡镇：",
        "蓬溪县应急管理局关于印发2022年安全生产工作要点的通知",
    ),
    ("关于转发川办发〔2021〕91号文件的\n通知\n各乡镇：", "关于转发川办发〔2021〕91号文件的通知"),
    ("特急\n关 于 报 送 自 查 情 况 的 报 告\n县安委办：", "关于报送自查情况的报告"),
    ("关于蓬溪县2022年安全生产工作情况的报告\n正文", "关于蓬溪县2022年安全生产工作情况的报告"),
    (
        "蓬溪县安全生产委员会\n关于2022年第一季度安全生产工作的通报\n正文",
        "关于2022年第一季度安全生产工作的通报",
    ),
    ("序号 企业名称 隐患\n2022年蓬溪县隐患排查整治台账\n1 甲公司 无", "2022年蓬溪县隐患排查整治台账"),
    ("蓬溪县安全生产委员会\n2022年第一次全体会议纪要\n会议时间：", "2022年第一次全体会议纪要"),
    ("2022年安全生产月活动\n签到表\n姓名 单位", "2022年安全生产月活动签到表"),
    ("蓬溪县2022年安全生产工作总结\n今年以来", "蓬溪县2022年安全生产工作总结"),
]


@pytest.mark.parametrize(("text", "expected"), OWN)
def test_document_title(text: str, expected: str) -> None:
    assert document_title(text) == expected


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("附件3-7.2 蓬溪县安全生产工作方案(1).docx", "蓬溪县安全生产工作方案"),
        ("01、会议签到表 - 副本.jpg", "会议签到表"),
        ("inbox/县住建局/7（2）建筑施工安全检查记录.pdf", "建筑施工安全检查记录"),
        ("三、隐患排查台账.xlsx", "隐患排查台账"),
        ("", ""),
    ],
)
def test_title_from_file_name(filename: str, expected: str) -> None:
    assert document_title("正文里没有标题。请各单位认真落实。", filename) == expected


def test_body_sentence_is_not_a_title() -> None:
    text = "各乡镇：\n根据《关于开展大检查的通知》要求，现将有关事项通知如下：\n一、检查范围"
    assert document_title(text, "x.docx") == "x"
