"""发文字号: a table of real forms, negatives, and property tests for the normaliser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchers.docnum import extract_bare_numbers, extract_doc_numbers, normalise_doc_number

# (text as found in documents, the canonical numbers it cites in order)
POSITIVE: list[tuple[str, list[str]]] = [
    # clean GB/T 9704 forms
    ("国发〔2021〕10号", ["国发〔2021〕10号"]),
    ("国办发〔2016〕88号", ["国办发〔2016〕88号"]),
    ("中办发〔2018〕13号", ["中办发〔2018〕13号"]),
    ("中发〔2016〕32号", ["中发〔2016〕32号"]),
    ("川府发〔2021〕1号", ["川府发〔2021〕1号"]),
    ("川办发〔2021〕91号", ["川办发〔2021〕91号"]),
    ("川办函〔2021〕91号", ["川办函〔2021〕91号"]),
    ("川安委〔2022〕3号", ["川安委〔2022〕3号"]),
    ("川安委办〔2022〕12号", ["川安委办〔2022〕12号"]),
    ("川安委办函〔2022〕45号", ["川安委办函〔2022〕45号"]),
    ("遂府发〔2020〕7号", ["遂府发〔2020〕7号"]),
    ("遂安委〔2022〕15号", ["遂安委〔2022〕15号"]),
    ("遂安办〔2022〕30号", ["遂安办〔2022〕30号"]),
    ("遂应急〔2022〕10号", ["遂应急〔2022〕10号"]),
    ("遂应急函〔2022〕58号", ["遂应急函〔2022〕58号"]),
    ("蓬安办发〔2021〕77号", ["蓬安办发〔2021〕77号"]),
    ("蓬府办发〔2022〕4号", ["蓬府办发〔2022〕4号"]),
    ("蓬委办〔2022〕21号", ["蓬委办〔2022〕21号"]),
    ("安委办〔2022〕6号", ["安委办〔2022〕6号"]),
    ("安委〔2020〕3号", ["安委〔2020〕3号"]),
    ("应急〔2019〕43号", ["应急〔2019〕43号"]),
    ("应急厅函〔2021〕100号", ["应急厅函〔2021〕100号"]),
    ("国发明电〔2020〕1号", ["国发明电〔2020〕1号"]),
    ("安委办明电〔2022〕11号", ["安委办明电〔2022〕11号"]),
    ("济政字〔2020〕5号", ["济政字〔2020〕5号"]),
    ("安监总规划字〔2010〕3号", ["安监总规划字〔2010〕3号"]),
    ("川办规〔2021〕4号", ["川办规〔2021〕4号"]),
    ("国函〔2019〕102号", ["国函〔2019〕102号"]),
    ("遂经信发〔2022〕3号", ["遂经信发〔2022〕3号"]),
    ("川委发〔1999〕12号", ["川委发〔1999〕12号"]),
    ("中纪发〔1950〕1号", ["中纪发〔1950〕1号"]),
    # other brackets and mixed pairs
    ("国办发﹝2016﹞88号", ["国办发〔2016〕88号"]),
    ("国办发[2016]88号", ["国办发〔2016〕88号"]),
    ("川办发【2021】91号", ["川办发〔2021〕91号"]),
    ("遂安委（2022）15号", ["遂安委〔2022〕15号"]),
    ("遂安委(2022)15号", ["遂安委〔2022〕15号"]),
    ("蓬安办发［2021］77号", ["蓬安办发〔2021〕77号"]),
    ("川安委办[2022】12号", ["川安委办〔2022〕12号"]),
    ("遂府发【2020〕7号", ["遂府发〔2020〕7号"]),
    ("安委办(2022〕6号", ["安委办〔2022〕6号"]),
    ("遂安办〔2022]30号", ["遂安办〔2022〕30号"]),
    ("遂安委2022〕15号", ["遂安委〔2022〕15号"]),
    ("遂安委〔2022 15号", ["遂安委〔2022〕15号"]),
    # no brackets, year with 年
    ("甘区政办发201756号", ["甘区政办发〔2017〕56号"]),
    ("中办发2022年22号", ["中办发〔2022〕22号"]),
    ("川办函2021年91号", ["川办函〔2021〕91号"]),
    ("蓬委办2022年第3号", ["蓬委办〔2022〕3号"]),
    ("遂安委〔2022年〕15号", ["遂安委〔2022〕15号"]),
    # full width, spaces and line breaks inside
    ("国发〔２０２１〕１０号", ["国发〔2021〕10号"]),
    ("遂安委（２０２２）１５号", ["遂安委〔2022〕15号"]),
    ("中发〔2016〕 32 号", ["中发〔2016〕32号"]),
    ("桂政干〔\n2020〕\n68号", ["桂政干〔2020〕68号"]),
    ("中发 〔2016〕32号", ["中发〔2016〕32号"]),
    ("遂安委　〔2022〕　15　号", ["遂安委〔2022〕15号"]),
    ("遂安委〔2 0 2 2〕15号", ["遂安委〔2022〕15号"]),
    ("川办发〔2021〕\r\n91号", ["川办发〔2021〕91号"]),
    ("（遂安\n委〔2022〕15号）", ["遂安委〔2022〕15号"]),
    ("《关于开展专项整治的通知》（蓬安\n办发〔2021〕77号）", ["蓬安办发〔2021〕77号"]),
    ("遂安委\n〔2022〕15号", ["遂安委〔2022〕15号"]),
    ("ＧＢ无关 遂应急〔２０２２〕５８号", ["遂应急〔2022〕58号"]),
    # 第 and leading zeros
    ("川办发〔2021〕第007号", ["川办发〔2021〕7号"]),
    ("遂安委〔2022〕第15号", ["遂安委〔2022〕15号"]),
    ("遂安办〔2022〕030号", ["遂安办〔2022〕30号"]),
    ("安委办〔2022〕 第 6 号", ["安委办〔2022〕6号"]),
    ("蓬府办发〔2022〕0004号", ["蓬府办发〔2022〕4号"]),
    # a lost 号
    ("川办发〔2021〕91，", ["川办发〔2021〕91号"]),
    ("遂安委〔2022〕15", ["遂安委〔2022〕15号"]),
    ("（遂安委〔2022〕15）要求", ["遂安委〔2022〕15号"]),
    ("按照蓬安办发〔2021〕77 文件", ["蓬安办发〔2021〕77号"]),
    ("国办发[2016]88。", ["国办发〔2016〕88号"]),
    # traditional characters
    ("國發〔2010〕23號", ["国发〔2010〕23号"]),
    ("國辦發〔2016〕88號", ["国办发〔2016〕88号"]),
    ("川辦發〔2021〕91號", ["川办发〔2021〕91号"]),
    ("應急廳函〔2021〕100號", ["应急厅函〔2021〕100号"]),
    ("國務院辦公廳國辦發〔2016〕88號", ["国办发〔2016〕88号"]),
    # OCR confusions
    ("遂安委〔2022〕15弓", ["遂安委〔2022〕15号"]),
    ("遂安委〔2022〕15兮", ["遂安委〔2022〕15号"]),
    ("遂安委〔2022〕15亏", ["遂安委〔2022〕15号"]),
    ("遂安委〔2O22〕15号", ["遂安委〔2022〕15号"]),
    ("遂安委〔2o22〕l5号", ["遂安委〔2022〕15号"]),
    ("国发〔2O2l〕lO号", ["国发〔2021〕10号"]),
    ("川办发【2021〕9I号", ["川办发〔2021〕91号"]),
    ("遂应急[2O22]58弓", ["遂应急〔2022〕58号"]),
    ("蓬安办发(2021)77兮", ["蓬安办发〔2021〕77号"]),
    ("遂安委「2022」15号", ["遂安委〔2022〕15号"]),
    ("遂安委〔２Ｏ２２〕１５号", ["遂安委〔2022〕15号"]),
    # inside realistic sentences
    ("…的通知》（遂安委〔2022〕15号）要求", ["遂安委〔2022〕15号"]),
    ("关于…的通知（蓬安办发〔2021〕77号）", ["蓬安办发〔2021〕77号"]),
    ("根据遂安委〔2022〕15号文件精神", ["遂安委〔2022〕15号"]),
    ("按照川办发〔2021〕91号要求", ["川办发〔2021〕91号"]),
    ("依据国办发〔2016〕88号", ["国办发〔2016〕88号"]),
    ("参照应急厅函〔2021〕100号执行", ["应急厅函〔2021〕100号"]),
    ("详见遂应急函〔2022〕58号", ["遂应急函〔2022〕58号"]),
    ("即蓬府办发〔2022〕4号", ["蓬府办发〔2022〕4号"]),
    ("印发蓬委办〔2022〕21号", ["蓬委办〔2022〕21号"]),
    ("文件蓬安办发〔2021〕77号", ["蓬安办发〔2021〕77号"]),
    ("发文字号：遂安委〔2022〕15号", ["遂安委〔2022〕15号"]),
    ("川办发〔2021〕91号和川办函〔2021〕91号", ["川办发〔2021〕91号", "川办函〔2021〕91号"]),
    ("川办发〔2021〕91号、川办函〔2021〕91号", ["川办发〔2021〕91号", "川办函〔2021〕91号"]),
    ("遂安委〔2022〕15号及遂安办〔2022〕30号", ["遂安委〔2022〕15号", "遂安办〔2022〕30号"]),
    ("国发〔2021〕10号与国办发〔2016〕88号", ["国发〔2021〕10号", "国办发〔2016〕88号"]),
    (
        "为贯彻落实《中共中央 国务院关于推进安全生产领域改革发展的意见》（中发〔2016〕32号）和"
        "《地方党政领导干部安全生产责任制规定》（中办发〔2018〕13号）精神，",
        ["中发〔2016〕32号", "中办发〔2018〕13号"],
    ),
    (
        "现将《蓬溪县2022年安全生产工作要点》印发给你们（蓬安委〔2022〕1号），请认真贯彻执行。",
        ["蓬安委〔2022〕1号"],
    ),
    ("蓬溪县安全生产委员会办公室文件\n\n蓬安办发〔2022〕3号\n\n关于开展…的通知", ["蓬安办发〔2022〕3号"]),
    ("中共蓬溪县委办公室\n蓬委办〔2022〕21号", ["蓬委办〔2022〕21号"]),
    ("四川省人民政府川府发〔2021〕1号", ["川府发〔2021〕1号"]),
    ("遂宁市应急管理局遂应急〔2022〕10号", ["遂应急〔2022〕10号"]),
    (
        "按照省安委会《通知》（川安委〔2022〕3号）、市安委会《通知》（遂安委〔2022〕15号）",
        ["川安委〔2022〕3号", "遂安委〔2022〕15号"],
    ),
    ("遂安委〔2022〕15号、遂安委〔2022〕15号", ["遂安委〔2022〕15号"]),
    ("遂安委〔2022〕15号 遂安委（２０２２）１５号", ["遂安委〔2022〕15号"]),
    ("转发國發〔2010〕23號的通知", ["国发〔2010〕23号"]),
    ("（川安委办函〔2022〕45号）", ["川安委办函〔2022〕45号"]),
    ("《关于进一步加强安全生产工作的决定》（国发〔2004〕2号）", ["国发〔2004〕2号"]),
    ("《国务院关于进一步加强企业安全生产工作的通知》(国发〔2010〕23号)", ["国发〔2010〕23号"]),
    ("根据甘区政办发201756号文件", ["甘区政办发〔2017〕56号"]),
    ("经研究，现将中办发2022年22号转发你们", ["中办发〔2022〕22号"]),
    ("1.遂安委〔2022〕15号；2.遂安办〔2022〕30号。", ["遂安委〔2022〕15号", "遂安办〔2022〕30号"]),
]

NEGATIVE: list[str] = [
    "GB/T 9704-2012",
    "GB 50016-2014",
    "AQ 3013-2008",
    "AQ/T 9006-2010",
    "国务院令第549号",
    "应急管理部令第2号",
    "中华人民共和国主席令第八十八号",
    "国家税务总局公告2018年第7号",
    "2018年第7号",
    "公告〔2018〕7号",
    "蜀ICP备12345678号",
    "蜀ICP备20121234号",
    "川公网安备51092102000123号",
    "联系电话：0825-5422123",
    "13800138000",
    "(2021)川0921民初1234号",
    "（2022）川09行终12号",
    "索引号：000014349/2022-00012",
    "×××〔20××〕×号",
    "XX〔2022〕X号",
    "XX〔2022〕15号",
    "××〔2022〕15号",
    "〔2024〕3号",
    "2022年5月20日",
    "截至2022年12月31日",
    "遂安委〔2022〕",
    "遂安委〔1900〕5号",
    "遂安委〔2150〕5号",
    "遂安委〔2022〕0号",
    "工作要点（2022年）5、",
    "蓬溪县2022年安全生产工作要点",
    "共检查企业2022家",
    "第2022号",
]


def _canonicals(text: str) -> list[str]:
    return [n.canonical for n in extract_doc_numbers(text)]


def test_table_is_large_enough() -> None:
    assert len(POSITIVE) >= 100
    assert len(NEGATIVE) >= 20


@pytest.mark.parametrize(("text", "expected"), POSITIVE)
def test_positive_forms(text: str, expected: list[str]) -> None:
    assert _canonicals(text) == expected


@pytest.mark.parametrize("text", NEGATIVE)
def test_negative_forms(text: str) -> None:
    assert extract_doc_numbers(text) == []


@pytest.mark.parametrize(("text", "_expected"), POSITIVE)
def test_spans_point_into_the_original(text: str, _expected: list[str]) -> None:
    for n in extract_doc_numbers(text):
        assert text[n.start : n.end] == n.raw


def test_series_are_never_merged() -> None:
    numbers = extract_doc_numbers("川办发〔2021〕91号 川办函〔2021〕91号 川办报〔2021〕91号")
    assert [n.code for n in numbers] == ["川办发", "川办函", "川办报"]


def test_repaired_flag() -> None:
    clean, spaced, ocr, trad, nobracket = (
        extract_doc_numbers(t)[0]
        for t in (
            "遂安委〔2022〕15号",
            "遂安委〔2022〕\n15号",
            "遂安委〔2O22〕15弓",
            "國發〔2010〕23號",
            "中办发2022年22号",
        )
    )
    assert not clean.repaired
    assert not spaced.repaired  # a line break is layout, not damage
    assert ocr.repaired and trad.repaired and nobracket.repaired
    assert ocr.raw == "遂安委〔2O22〕15弓"


def test_fields() -> None:
    (n,) = extract_doc_numbers("根据《通知》（蓬安办发〔2021〕第077号）")
    assert (n.code, n.year, n.serial) == ("蓬安办发", 2021, 77)
    assert n.raw == "蓬安办发〔2021〕第077号"


def test_bare_numbers_are_reported_for_review() -> None:
    text = "根据〔2024〕3号文件和遂安委〔2022〕15号，另见〔2024〕３号、×××〔2022〕1号、公告〔2018〕7号"
    assert extract_bare_numbers(text) == ["〔2024〕3号"]
    assert _canonicals(text) == ["遂安委〔2022〕15号"]
    assert extract_bare_numbers("（2022）川09行终12号 2018年第7号") == []


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("遂安委〔2022〕15号", "遂安委〔2022〕15号"),
        ("（遂安委〔2022〕15号）", "遂安委〔2022〕15号"),
        (" 國發〔2010〕23號 ", "国发〔2010〕23号"),
        ("川办发[2021]第091号", "川办发〔2021〕91号"),
        ("甘区政办发201756号", "甘区政办发〔2017〕56号"),
    ],
)
def test_normalise(raw: str, canonical: str) -> None:
    assert normalise_doc_number(raw) == canonical


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "遂安委",
        "〔2024〕3号",
        "国务院令第549号",
        "根据遂安委〔2022〕15号",
        "遂安委〔2022〕15号和川办发〔2021〕91号",
    ],
)
def test_normalise_rejects(raw: str) -> None:
    assert normalise_doc_number(raw) is None


def _to_full_width(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in s)


_codes = st.sampled_from(
    [
        "国发",
        "国办发",
        "中办发",
        "川办函",
        "川安委办函",
        "遂应急",
        "蓬安办发",
        "济政字",
        "安监总规划字",
        "国发明电",
    ]
)
_brackets = st.sampled_from(["〔〕", "﹝﹞", "[]", "【】", "（）", "()", "［］", "[】"])


@st.composite
def _written_numbers(draw: st.DrawFn) -> str:
    code = draw(_codes)
    year = draw(st.integers(1949, 2099))
    serial = draw(st.integers(1, 9999))
    o, c = draw(_brackets)
    zeros = "0" * draw(st.integers(0, 2))
    di = draw(st.sampled_from(["", "第"]))
    space = draw(st.sampled_from(["", " ", "\n"]))
    return f"{code}{o}{year}{c}{space}{di}{zeros}{serial}{space}号"


@given(_written_numbers())
def test_normalise_is_idempotent(raw: str) -> None:
    canonical = normalise_doc_number(raw)
    assert canonical is not None
    assert normalise_doc_number(canonical) == canonical


@given(_written_numbers())
def test_normalise_is_width_insensitive(raw: str) -> None:
    assert normalise_doc_number(_to_full_width(raw)) == normalise_doc_number(raw)


@given(st.text())
def test_extract_never_raises_and_spans_hold(text: str) -> None:
    for n in extract_doc_numbers(text):
        assert text[n.start : n.end] == n.raw
        assert normalise_doc_number(n.canonical) == n.canonical
    extract_bare_numbers(text)


@settings(max_examples=200)
@given(st.text(alphabet="遂安委发办函号第年〔〕[]【】()（）2019０Ool \n、，。的根据", max_size=80))
def test_extract_on_number_like_noise(text: str) -> None:
    for n in extract_doc_numbers(text):
        assert text[n.start : n.end] == n.raw
        assert 1949 <= n.year <= 2099 and n.serial > 0


def test_a_long_document_yields_each_number_once() -> None:
    # Speed is measured in benchmarks/matching.py, not asserted here (noisy 2-core machines).
    paragraph = (
        "为贯彻落实《中共中央 国务院关于推进安全生产领域改革发展的意见》（中发〔2016〕32号）精神，"
        "根据遂安委〔2022〕15号要求，2022年5月20日，我局检查企业12家，发现隐患35处，联系电话0825-5422123。\n"
    )
    text = (paragraph * (20_000 // len(paragraph) + 1))[:20_000]
    numbers = extract_doc_numbers(text)
    assert [n.canonical for n in numbers] == ["中发〔2016〕32号", "遂安委〔2022〕15号"]
