"""Dates: the written forms, invalid dates, and the document's own (落款) date."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchers.dates import document_date, extract_dates
from matchers.text import cn_number

SHOULD_MATCH = [
    ("2022年5月20日", date(2022, 5, 20)),
    ("2022年05月02日", date(2022, 5, 2)),
    ("2022年 5 月 20 日", date(2022, 5, 20)),
    ("２０２２年５月２０日", date(2022, 5, 20)),
    ("2022.5.20", date(2022, 5, 20)),
    ("2022-05-20", date(2022, 5, 20)),
    ("2022/5/20", date(2022, 5, 20)),
    ("２０２２．５．２０", date(2022, 5, 20)),
    ("二〇二二年五月二十日", date(2022, 5, 20)),
    ("二○二二年十二月三十一日", date(2022, 12, 31)),
    ("二ＯＯ八年一月十日", date(2008, 1, 10)),
    ("二零二一年十月一日", date(2021, 10, 1)),
    ("二O二二年六月十五日", date(2022, 6, 15)),
    ("2O22年5月2O日", date(2022, 5, 20)),
    ("于2022年5月20日召开", date(2022, 5, 20)),
    ("2024年2月29日", date(2024, 2, 29)),
]

SHOULD_NOT_MATCH = [
    "2022年2月30日",
    "2023年2月29日",
    "2022年13月1日",
    "2022.13.20",
    "二〇二二年二月三十日",
    "GB/T 9704-2012",
    "0825-5422123",
    "2022年5月",
    "v1.2022.5.20",
    "1800年5月20日",
    "遂安委〔2022〕15号",
]


@pytest.mark.parametrize(("text", "expected"), SHOULD_MATCH)
def test_should_match(text: str, expected: date) -> None:
    found = extract_dates(text)
    assert [d for d, _, _ in found] == [expected]
    _, start, end = found[0]
    assert text[start:end].strip()[0] in "0123456789０１２二〇○Ｏ"


@pytest.mark.parametrize("text", SHOULD_NOT_MATCH)
def test_should_not_match(text: str) -> None:
    assert extract_dates(text) == []


def test_order_and_offsets() -> None:
    text = "请于2022年6月30日前报送，会议于2022.5.20召开，二〇二二年五月二十一日印发"
    found = extract_dates(text)
    assert [d for d, _, _ in found] == [date(2022, 6, 30), date(2022, 5, 20), date(2022, 5, 21)]
    assert [text[s:e] for _, s, e in found] == ["2022年6月30日", "2022.5.20", "二〇二二年五月二十一日"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二〇二二", 2022),
        ("二十", 20),
        ("十五", 15),
        ("三十一", 31),
        ("十", 10),
        ("十二", 12),
        ("１２", 12),
        ("abc", None),
    ],
)
def test_cn_number(text: str, value: int | None) -> None:
    assert cn_number(text) == value


NOTICE = (
    "蓬溪县应急管理局文件\n蓬应急〔2022〕3号\n关于开展安全生产大检查的通知\n各乡镇：\n"
    "按照遂安委〔2022〕15号要求，检查时间为2022年5月1日至2022年5月31日。"
    + "请各单位认真组织开展自查。" * 30
    + "\n请于2022年6月10日前报送自查报告。\n\n蓬溪县应急管理局\n2022年4月28日\n"
)


def test_document_date_is_the_signature_date() -> None:
    assert document_date(NOTICE) == date(2022, 4, 28)


def test_chinese_signature_date() -> None:
    text = NOTICE.replace("2022年4月28日", "二〇二二年四月二十八日")
    assert document_date(text) == date(2022, 4, 28)


def test_deadline_is_not_the_signature() -> None:
    text = "关于报送材料的通知\n" + "正文。" * 150 + "\n请于2022年6月10日前报送。"
    assert document_date(text) is None


def test_header_fallback_takes_the_latest_header_date() -> None:
    text = "会议纪要\n会议时间：2022年3月2日\n上次会议：2022年1月5日\n" + "议定事项。" * 100
    assert document_date(text) == date(2022, 3, 2)


def test_no_date() -> None:
    assert document_date("没有日期的文字") is None
    assert document_date("") is None


@given(
    st.dates(min_value=date(1949, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["年月日", ".", "-", "/"]),
)
def test_round_trip(d: date, style: str) -> None:
    text = (
        f"{d.year}年{d.month}月{d.day}日" if style == "年月日" else f"{d.year}{style}{d.month}{style}{d.day}"
    )
    assert [x for x, _, _ in extract_dates(f"于{text}，")] == [d]


@given(st.text())
def test_never_raises(text: str) -> None:
    for _, s, e in extract_dates(text):
        assert 0 <= s < e <= len(text)
    document_date(text)
