"""Kinds of evidence: title first, then file name, then tables, then body cues."""

from __future__ import annotations

import pytest

from matchers.kinds import classify_kind

HEADER = "蓬溪县应急管理局文件\n蓬应急〔2022〕3号\n"

BY_TITLE = [
    (HEADER + "关于开展安全生产大检查的通知\n各乡镇：", "通知"),
    (HEADER + "关于印发《蓬溪县安全生产专项整治实施方案》的通知\n各乡镇：", "通知"),
    ("蓬溪县2022年安全生产专项整治实施方案\n一、总体要求", "方案"),
    ("关于2022年上半年安全生产工作情况的报告\n县安委办：", "报告"),
    ("关于第一季度安全生产工作的通报\n各乡镇：", "通报"),
    ("蓬溪县安全生产委员会\n2022年第一次全体会议纪要\n会议时间：", "纪要"),
    ("2022年隐患排查整治台账\n序号 企业", "台账"),
    ("2022年安全生产工作总结\n今年以来", "总结"),
    ("蓬溪县危险化学品事故应急预案\n1 总则", "预案"),
    ("关于进一步加强安全生产工作的意见\n各乡镇：", "意见"),
    ("关于表彰安全生产先进集体的决定\n各乡镇：", "决定"),
    ("关于商请协助开展联合执法的函\n县公安局：", "函"),
    ("蓬溪县安全生产“十四五”规划\n第一章", "规划"),
    ("蓬溪县安全生产责任清单\n序号 部门", "清单"),
    ("2022年安全生产先进个人名单\n张三", "名单"),
    ("蓬溪县应急管理局安全生产会议制度\n第一条", "制度"),
    ("2022年企业安全检查记录\n检查时间", "记录"),
    ("2022年安全生产月活动\n签到表\n姓名 单位", "签到表"),
]


@pytest.mark.parametrize(("text", "kind"), BY_TITLE)
def test_kind_from_title(text: str, kind: str) -> None:
    assert classify_kind(text, "无关.docx") == kind


BY_NAME = [
    ("关于印发安全生产工作方案的通知.pdf", "通知"),
    ("7.2 安全生产工作方案（盖章版）.pdf", "方案"),
    ("县安委会第一次全体会议会议记录.docx", "纪要"),
    ("安全生产简报第3期.docx", "简报"),
    ("县长在安全生产大会上的讲话.docx", "讲话"),
    ("2022年安全生产月活动签到表.pdf", "签到表"),
    ("巡查记录.docx", "记录"),
    ("复函.pdf", "函"),
]


@pytest.mark.parametrize(("filename", "kind"), BY_NAME)
def test_kind_from_file_name(filename: str, kind: str) -> None:
    assert classify_kind("正文。各单位要认真落实。", filename) == kind


def test_photo_short_ocr_text() -> None:
    assert classify_kind("安全生产月 咨询日", "IMG_0012.jpg", is_image=True) == "照片"
    assert classify_kind("", "现场检查.png", is_image=True) == "照片"


def test_photographed_sign_in_sheet_keeps_its_name() -> None:
    assert classify_kind("签 名", "会议签到表.jpg", is_image=True) == "签到表"


def test_scanned_document_image_is_read_as_a_document() -> None:
    text = HEADER + "关于开展安全生产大检查的通知\n" + "各乡镇要认真开展检查，及时整改隐患。" * 5
    assert classify_kind(text, "扫描件.jpg", is_image=True) == "通知"


@pytest.mark.parametrize(
    ("text", "filename", "kind"),
    [
        ("序号\t企业名称\t隐患\n1\t甲公司\t无", "隐患排查.xlsx", "台账"),
        ("序号\t姓名\t职务\n1\t张三\t局长", "人员.xlsx", "台账"),
        ("序号\t部门\t责任\n1\t应急局\t监管", "1.xlsx", "台账"),
        ("重点企业清单\n序号\t企业", "附表.xlsx", "清单"),
        ("序号\t姓名", "安全员名单.xlsx", "名单"),
    ],
)
def test_spreadsheets(text: str, filename: str, kind: str) -> None:
    assert classify_kind(text, filename, is_table=True) == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("会议时间：2022年5月20日\n会议地点：三楼会议室\n参会人员：张三、李四", "纪要"),
        ("姓名 单位 签名\n张三 应急局 （签名）", "签到表"),
        ("第3期\n蓬溪县应急管理局编印\n本期导读", "简报"),
        ("同志们：\n今天我们召开全县安全生产大会", "讲话"),
        ("今天天气很好。", "其他"),
        ("", "其他"),
    ],
)
def test_body_cues(text: str, kind: str) -> None:
    assert classify_kind(text, "") == kind


def test_full_width_file_name() -> None:
    assert classify_kind("", "２０２２年隐患排查台账．ｘｌｓｘ", is_table=True) == "台账"
