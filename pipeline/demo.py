"""A realistic, seeded sample inbox for the 2022 rubric: ``evidence demo`` and the tests' end-to-end corpus.

About 60 files from 18 departments and 2 townships, in every format the readers take, with the mess a
real inbox has: folder names in every usual form, a file at the root, a duplicate, a 2021 document, an
encrypted PDF, a truncated .docx, an empty file, an .exe and an Office lock file.

Everything text-based is built here by code, byte-identical for one seed (zip member times, Office core
properties and reportlab's ``invariant`` are fixed). Pictures of Chinese text (scans, photos) need a
TrueType CJK font a user may not have, and the legacy .doc/.xls need LibreOffice, so those were made once
by ``tools/make_demo_assets.py`` and are committed under ``pipeline/data/demo/``; the scans are wrapped
into PDFs here (reportlab embeds a JPEG without any font).

The manifest says what each file is meant to prove, so the pipeline can be measured on the result.
"""

from __future__ import annotations

import io
import os
import random
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal

from pipeline.errors import EvidenceDeskError

ASSETS = Path(__file__).parent / "data" / "demo"

# Every zip member (docx, xlsx, ofd, bundles) carries this time, so one seed gives the same bytes.
ZIP_TIME = (2022, 12, 1, 9, 0, 0)
CORE_TIME = datetime(2022, 12, 1, 9, 0, 0)
DEFAULT_TODAY = date(2022, 12, 20)  # the day the departments handed in (file mtimes)

RED = (200, 16, 28)

Tag = Literal["evidence", "bad", "duplicate", "2021", "skipped"]
MARKERS = ("bad", "duplicate", "2021", "skipped")


class DemoInboxNotEmpty(EvidenceDeskError):
    """The target inbox already holds files; the demo never mixes itself into real material."""


# --------------------------------------------------------------------------------------------
# Manifest
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoFile:
    """One file of the demo inbox and what the pipeline should make of it.

    ``proves`` holds rubric sub-item ids ("7(2)"), or exactly one marker: "bad" (must end as a
    problem, ``problem`` names the code), "duplicate" (same bytes as ``duplicate_of``), "2021" (a
    document of the wrong year) or "skipped" (an Office lock file).
    """

    rel_path: str
    department: str | None  # canonical; from the folder, or from the document at root / unknown folders
    folder: str  # the top folder as written ('' at the inbox root)
    format: str  # FileFormat, or "lock" for an Office lock file
    proves: tuple[str, ...]
    note: str  # Chinese: what it is, what is deliberately missing
    by_code: bool = True  # False: copied from a committed asset (not made by code at run time)
    ocr_pages: int = 0
    doc_number: str = ""
    problem: str | None = None  # expected Problem.code for "bad" files
    duplicate_of: str | None = None
    department_from_document: bool = False  # the folder names no department

    @property
    def tag(self) -> Tag:
        if len(self.proves) == 1 and self.proves[0] in MARKERS:
            return self.proves[0]  # type: ignore[return-value]
        return "evidence"

    @property
    def sub_item_ids(self) -> tuple[str, ...]:
        return () if self.tag != "evidence" else self.proves


@dataclass(frozen=True)
class DemoManifest:
    inbox: Path
    seed: int
    files: tuple[DemoFile, ...]
    # Departments whose report counts (全县…重点企业…家，检查…次…) agree / deliberately disagree with their 台账.
    consistent: tuple[str, ...] = ()
    inconsistent: tuple[str, ...] = ()

    def file(self, rel_path: str) -> DemoFile:
        for f in self.files:
            if f.rel_path == rel_path:
                return f
        raise KeyError(rel_path)

    def by_sub_item(self) -> dict[str, list[DemoFile]]:
        out: dict[str, list[DemoFile]] = {}
        for f in self.files:
            for sid in f.sub_item_ids:
                out.setdefault(sid, []).append(f)
        return out

    def departments(self) -> tuple[str, ...]:
        return tuple(sorted({f.department for f in self.files if f.department}))

    @property
    def ocr_pages(self) -> int:
        return sum(f.ocr_pages for f in self.files)


# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """A county document laid out per GB/T 9704-2012: 红头, 文号, title, 主送, body, 落款, date.

    ``appendix`` is what follows the 落款 (the 方案 a 印发通知 sends, its title first).
    """

    title: str
    body: tuple[str, ...]
    header: str = ""
    number: str = ""
    addressee: str = ""
    signature: str = ""
    date: str = ""
    appendix: tuple[str, ...] = ()
    cc: str = ""

    def lines(self) -> list[str]:
        """The text in reading order, one paragraph a line."""
        head = [self.header, self.number, self.title, self.addressee]
        tail = [self.signature, self.date]
        out = [s for s in head if s] + list(self.body) + [s for s in tail if s] + list(self.appendix)
        return out + ([self.cc] if self.cc else [])

    def text(self) -> str:
        return "\n".join(self.lines())


ALL_UNITS = "各乡镇人民政府、街道办事处，蓬溪经济开发区管委会，县安委会各成员单位："
AB_HEADER = "蓬溪县安全生产委员会办公室文件"
AW_HEADER = "蓬溪县安全生产委员会文件"
AB = "蓬溪县安全生产委员会办公室"
AW = "蓬溪县安全生产委员会"

_CN = "一二三四五六七八九十"


def _plan(
    goal: str, tasks: Sequence[tuple[str, str]], schedule: Sequence[tuple[str, str]], contact: str
) -> list[str]:
    """The usual body of a county 实施方案: 总体要求, 重点任务, 时间安排, 工作要求."""
    out = ["一、总体要求", goal, "二、重点任务"]
    out += [f"（{_CN[i]}）{head}。{text}" for i, (head, text) in enumerate(tasks)]
    out.append("三、时间安排")
    out += [f"（{_CN[i]}）{head}。{text}" for i, (head, text) in enumerate(schedule)]
    out += [
        "四、工作要求",
        "（一）加强组织领导。各单位主要负责同志要亲自研究部署，分管负责同志具体抓落实，明确专人负责，"
        "确保各项工作任务按时保质完成。",
        "（二）压实工作责任。严格落实“三个必须”要求，行业主管部门要切实履行监管职责，督促企业落实"
        "安全生产主体责任，做到责任、措施、资金、时限、预案“五落实”。",
        "（三）强化督导问效。县安办将采取“四不两直”、明查暗访等方式开展督导，对工作推进不力、"
        "问题隐患整改不到位的单位予以通报，情节严重的按规定移交纪检监察机关。",
        f"（四）按时报送信息。{contact}",
    ]
    return out


def _contact(who: str, phone: str) -> str:
    return (
        f"请各单位于每月25日前将工作开展情况和阶段性总结报送{who}，"
        f"工作结束后报送全面总结。联系电话：0825-{phone}，邮箱：pxxaqb@163.com。"
    )


def _issue(plan: str, basis: str = "") -> tuple[str, ...]:
    """The body of a 关于印发《…》的通知: one or two sentences, the plan follows as the appendix."""
    first = f"{basis}经县政府同意，" if basis else ""
    return (f"{first}现将《{plan}》印发给你们，请结合实际，认真抓好贯彻落实。",)


NOTICES: dict[str, Notice] = {}


def _n(key: str, notice: Notice) -> Notice:
    NOTICES[key] = notice
    return notice


_n(
    "15条",
    Notice(
        header=AW_HEADER,
        number="蓬安委〔2022〕8号",
        title="关于印发《蓬溪县贯彻落实安全生产十五条措施的实施方案》的通知",
        addressee=ALL_UNITS,
        body=_issue(
            "蓬溪县贯彻落实安全生产十五条措施的实施方案",
            "为认真贯彻落实遂宁市人民政府安全生产委员会关于印发《遂宁市贯彻落实国务院安委会安全生产十五条措施的"
            "实施方案》的通知（遂安委〔2022〕15号）要求，",
        ),
        signature=AW,
        date="2022年6月8日",
        appendix=(
            "蓬溪县贯彻落实安全生产十五条措施的实施方案",
            *_plan(
                "坚持人民至上、生命至上，统筹发展和安全，坚持“党政同责、一岗双责、齐抓共管、失职追责”，"
                "以十五条硬措施为抓手，全面压实安全生产责任，坚决遏制重特大事故，防范较大事故，减少一般事故。",
                (
                    (
                        "严格落实地方党政领导责任",
                        "县委常委会、县政府常务会每季度至少研究一次安全生产工作，"
                        "党政主要负责同志带队开展安全生产督导检查。",
                    ),
                    (
                        "严格落实部门安全监管责任",
                        "按照“管行业必须管安全、管业务必须管安全、管生产经营必须管安全”"
                        "要求，修订完善县级部门安全生产工作任务分工，消除监管盲区。",
                    ),
                    (
                        "严格落实企业主体责任",
                        "督促企业主要负责人履行第一责任人职责，健全全员安全生产责任制，"
                        "建立安全风险分级管控和隐患排查治理双重预防机制。",
                    ),
                    (
                        "深入开展安全生产大检查",
                        "聚焦危险化学品、城镇燃气、道路交通、建筑施工、消防等重点行业领域，"
                        "对重点企业实行全覆盖检查。",
                    ),
                    (
                        "严厉打击非法违法行为",
                        "保持执法高压态势，对重大隐患实行挂牌督办，依法依规严肃追责问责。",
                    ),
                ),
                (
                    ("动员部署", "2022年6月15日前，各乡镇（街道）、各部门结合实际制定具体落实措施。"),
                    (
                        "全面落实",
                        "2022年6月16日至11月30日，逐条逐项抓好措施落实，建立问题隐患清单和整改责任清单。",
                    ),
                    ("总结提升", "2022年12月10日前，各单位全面总结落实情况，形成制度性成果。"),
                ),
                _contact("县安委办", "5422163"),
            ),
        ),
    ),
)

_n(
    "大检查",
    Notice(
        header=AB_HEADER,
        number="蓬安办发〔2022〕12号",
        title="关于印发《蓬溪县安全生产大检查工作方案》的通知",
        addressee=ALL_UNITS,
        body=(
            "为深入贯彻落实党中央、国务院关于安全生产的决策部署和省、市安全生产大检查工作要求，"
            "经县政府同意，现将《蓬溪县安全生产大检查工作方案》印发给你们，请认真贯彻执行。",
            "各单位要对高危行业领域企业和其他行业重点企业实行全覆盖检查，建立重点企业名单、"
            "检查记录和问题隐患整改台账，于每月25日前报送县安办。",
        ),
        signature=AB,
        date="2022年5月6日",
    ),
)

_n(
    "巩固提升",
    Notice(
        header=AW_HEADER,
        number="蓬安委〔2022〕5号",
        title="关于印发《蓬溪县安全生产专项整治三年行动“巩固提升年”实施方案》的通知",
        addressee=ALL_UNITS,
        body=_issue(
            "蓬溪县安全生产专项整治三年行动“巩固提升年”实施方案",
            "根据遂宁市人民政府安全生产委员会关于印发《安全生产专项整治三年行动“巩固提升年”实施方案》的通知"
            "（遂安委〔2022〕9号）要求，",
        ),
        signature=AW,
        date="2022年3月18日",
        appendix=(
            "蓬溪县安全生产专项整治三年行动“巩固提升年”实施方案",
            *_plan(
                "2022年是安全生产专项整治三年行动的巩固提升年。各单位要对照任务清单，查漏补缺、巩固成果，"
                "推动形成一批制度成果，建立健全公共安全隐患排查和安全预防控制体系。",
                (
                    (
                        "细化任务清单",
                        "各专题、各行业领域对照“两个清单”逐项梳理，完善问题隐患和制度措施清单。",
                    ),
                    ("开展“回头看”", "对前两年排查出的问题隐患逐一复核，确保整改到位、动态清零。"),
                    ("固化制度成果", "总结三年行动经验做法，出台具有实践指导意义的制度性文件。"),
                ),
                (
                    ("查漏补缺", "2022年4月至6月，全面梳理三年行动任务完成情况。"),
                    ("巩固提升", "2022年7月至10月，集中攻坚剩余任务，开展专项整治“回头看”。"),
                    ("总结验收", "2022年11月至12月，全面总结三年行动整治成果。"),
                ),
                _contact("县安委办", "5422163"),
            ),
        ),
    ),
)

_n(
    "百日",
    Notice(
        header=AW_HEADER,
        number="蓬安委〔2022〕21号",
        title="关于印发《蓬溪县“奋战一百天、护航二十大”专项行动工作方案》的通知",
        addressee=ALL_UNITS,
        body=_issue(
            "蓬溪县“奋战一百天、护航二十大”专项行动工作方案",
            "为贯彻落实遂宁市人民政府安全生产委员会关于印发《“奋战一百天、护航二十大”专项行动工作方案》的通知"
            "（遂安委〔2022〕20号）精神，",
        ),
        signature=AW,
        date="2022年7月12日",
        appendix=(
            "蓬溪县“奋战一百天、护航二十大”专项行动工作方案",
            *_plan(
                "以迎接党的二十大胜利召开为主线，从2022年7月中旬至10月下旬，在全县开展为期一百天的安全生产专项行动，"
                "全力防范化解重大安全风险，为党的二十大胜利召开营造安全稳定的环境。",
                (
                    ("全面排查重大风险", "各行业主管部门组织重点企业开展全员参与的风险辨识和隐患排查。"),
                    ("严格重点时段管控", "国庆、党的二十大召开期间落实领导带班和24小时值班值守制度。"),
                    ("强化执法检查", "对重点企业实行“四不两直”暗查暗访，对违法违规行为依法从严查处。"),
                ),
                (
                    ("动员部署阶段", "2022年7月15日前，各单位制定专项行动方案。"),
                    ("集中攻坚阶段", "2022年7月16日至10月15日，全面开展排查整治。"),
                    ("巩固提升阶段", "2022年10月16日至10月25日，开展“回头看”并总结。"),
                ),
                _contact("县安委办", "5422163"),
            ),
        ),
    ),
)

_n(
    "危化",
    Notice(
        header="蓬溪县应急管理局文件",
        number="蓬应急发〔2022〕31号",
        title="关于印发《蓬溪县危险化学品安全风险集中治理工作实施方案》的通知",
        addressee="各乡镇人民政府、街道办事处，县级有关部门，各危险化学品企业：",
        body=(
            "根据《遂宁市人民政府安全生产委员会关于印发<遂宁市危险化学品安全风险集中治理工作方案>的通知》"
            "（遂安委〔2022〕4号）要求，经县安委会同意，现将实施方案印发给你们，请认真贯彻落实。",
            "各单位要细化任务清单，落实整治责任，明确时间进度，每季度末向县应急局报送阶段性落实情况。",
        ),
        signature="蓬溪县应急管理局",
        date="2022年4月2日",
    ),
)

_n(
    "燃气",
    Notice(
        header="蓬溪县住房和城乡建设局文件",
        number="蓬住建发〔2022〕45号",
        title="关于印发《蓬溪县城镇燃气安全专项整治“百日行动”实施方案》的通知",
        addressee="各乡镇人民政府、街道办事处，各燃气经营企业：",
        body=(
            "按照《遂宁市城镇燃气安全排查整治工作实施方案》（遂安委〔2022〕2号）和《遂宁市城镇燃气安全专项整治"
            "“百日行动”实施方案》（遂安委〔2022〕18号）要求，我局制定了本方案，现印发给你们，请认真执行。",
            "县住建局成立城镇燃气安全专项整治工作专班，统筹推进排查整治和液化石油气瓶追溯系统建设。",
        ),
        signature="蓬溪县住房和城乡建设局",
        date="2022年7月20日",
        appendix=(
            "蓬溪县城镇燃气安全专项整治“百日行动”实施方案",
            "一、工作目标",
            "全面排查整治燃气经营、输送、使用各环节安全隐患，实现液化石油气瓶追溯系统全覆盖。",
            "二、重点任务",
            "（一）排查燃气经营企业安全管理制度落实情况。",
            "（二）排查餐饮等人员密集场所燃气使用安全。",
            "（三）依法查处燃气安全违法违规行为。",
            "三、时间安排",
            "2022年7月25日至11月5日，分动员部署、排查整治、督导检查三个阶段推进。",
        ),
    ),
)

_n(
    "自建房",
    Notice(
        header="蓬溪县住房和城乡建设局文件",
        number="蓬住建发〔2022〕28号",
        title="关于印发《蓬溪县城乡自建房安全专项整治工作方案》的通知",
        addressee="各乡镇人民政府、街道办事处，县级有关部门：",
        body=_issue(
            "蓬溪县城乡自建房安全专项整治工作方案",
            "按照遂宁市人民政府安全生产委员会办公室关于印发《遂宁市城乡自建房安全专项整治工作方案》的通知"
            "（遂安办〔2022〕55号）要求，",
        ),
        signature="蓬溪县住房和城乡建设局",
        date="2022年5月30日",
        appendix=(
            "蓬溪县城乡自建房安全专项整治工作方案",
            *_plan(
                "坚持依法依规、突出重点、分类整治，对全县城乡自建房开展全面排查，彻底消除自建房安全隐患。",
                (
                    ("全面摸底排查", "以用作经营的自建房为重点，逐栋排查房屋结构安全、消防安全和经营安全。"),
                    ("分类整治隐患", "对存在严重安全隐患的自建房立即采取停止使用、人员撤离等管控措施。"),
                    ("清查违法建设", "对违法建设和违法违规审批行为进行清查，依法依规查处。"),
                    ("规范信息录入", "将排查整治情况及时、准确录入自建房安全专项整治信息归集平台。"),
                ),
                (
                    ("动员部署", "2022年6月10日前完成。"),
                    ("排查整治", "2022年6月至11月，完成全部排查和隐患整治。"),
                    ("建章立制", "2022年12月，建立城乡房屋安全管理长效机制。"),
                ),
                "请各乡镇（街道）每周五前将排查整治进展报送县住建局村镇建设股，联系电话：0825-5422780。",
            ),
        ),
    ),
)

_n(
    "高层",
    Notice(
        header=AB_HEADER,
        number="蓬安办发〔2022〕33号",
        title="关于印发《蓬溪县高层建筑重大火灾风险专项整治方案》的通知",
        addressee=ALL_UNITS,
        body=_issue(
            "蓬溪县高层建筑重大火灾风险专项整治方案",
            "为认真落实市安委会《关于印发全市高层建筑重大火灾风险专项整治方案的通知》（遂安委〔2022〕21号）要求，",
        ),
        signature=AB,
        date="2022年7月28日",
        appendix=(
            "蓬溪县高层建筑重大火灾风险专项整治方案",
            *_plan(
                "聚焦老旧高层商住混合体、老旧高层住宅和超高层建筑，由县住建局、县消防救援大队牵头，"
                "全面排查整治高层建筑重大火灾风险。",
                (
                    ("摸清底数", "建立全县高层建筑底数台账和隐患整治责任清单。"),
                    (
                        "突出整治重点",
                        "针对消防设施损坏、疏散通道堵塞、电动自行车违规充电等共性问题集中整治。",
                    ),
                    ("建立长效机制", "实时录入专项行动评价系统，落实物业服务企业消防安全责任。"),
                ),
                (
                    ("排查摸底", "2022年8月10日前。"),
                    ("集中整治", "2022年8月11日至11月30日。"),
                    ("总结验收", "2022年12月15日前。"),
                ),
                _contact("县安委办", "5422163"),
            ),
        ),
    ),
)

_n(
    "要点",
    Notice(
        header=AW_HEADER,
        number="蓬安委〔2022〕2号",
        title="关于印发《蓬溪县2022年安全生产工作要点》的通知",
        addressee=ALL_UNITS,
        body=_issue("蓬溪县2022年安全生产工作要点"),
        signature=AW,
        date="2022年2月25日",
        appendix=(
            "蓬溪县2022年安全生产工作要点",
            "一、坚持党政同责，压紧压实安全生产责任。修订县级部门安全生产工作任务分工，"
            "开展2022年度安全生产党政同责考评。",
            "二、深化专项整治，全力巩固三年行动成果。推进危险化学品、城镇燃气、自建房、高层建筑等重点领域集中治理。",
            "三、强化风险防控，健全双重预防机制。每月开展安全风险动态研判，重大节假日、敏感时段单独研判。",
            "四、严格执法检查，严厉打击非法违法行为。推进“互联网+执法”，落实行刑衔接。",
            "五、夯实基层基础，提升应急救援能力。完善县级生产安全事故应急救援预案并组织演练。",
            "六、加强宣传教育，营造良好安全氛围。组织开展安全生产月、“安康杯”竞赛等活动。",
        ),
    ),
)

_n(
    "研判纪要",
    Notice(
        header="蓬溪县安全生产委员会办公室会议纪要",
        number="〔2022〕11期",
        title="2022年11月全县安全风险会商研判会议纪要",
        body=(
            "2022年11月3日，县安办在县应急局三楼会议室召开11月安全风险会商研判会议，"
            "县应急局、县住建局、县交通运输局、县市场监管局、县消防救援大队等单位分管负责同志参加。纪要如下：",
            "一、会议分析了10月份全县安全生产形势，通报了市应急管理局每日生产安全事故快报和市安办"
            "《生产安全事故风险分析报告》提出的风险提示。",
            "二、会议研判了入冬以来城镇燃气、道路交通、森林草原防火和冬季取暖一氧化碳中毒等重点风险。",
            "三、会议要求：各行业主管部门要针对研判出的风险，逐项明确管控措施和责任人，落实领导带班和24小时值班值守。",
            "参会人员：县应急局、县住建局、县交通运输局、县市场监管局、县消防救援大队、县公安局交警大队。",
        ),
        signature=AB,
        date="2022年11月4日",
    ),
)

_n(
    "规划",
    Notice(
        header="蓬溪县人民政府办公室文件",
        number="蓬府办发〔2022〕16号",
        title="关于印发《蓬溪县“十四五”应急体系规划》的通知",
        addressee="各乡镇人民政府、街道办事处，县级各部门：",
        body=(
            "为统筹实施《遂宁市“十四五”应急体系规划》及其相关子规划，经县政府同意，现将《蓬溪县“十四五”"
            "应急体系规划》印发给你们，请认真组织实施。",
        ),
        signature="蓬溪县人民政府办公室",
        date="2022年4月20日",
        appendix=(
            "蓬溪县“十四五”应急体系规划",
            "第一章 发展基础和面临形势",
            "第二章 指导思想、基本原则和规划目标",
            "第三章 主要任务：健全应急管理体制机制，防范化解重大安全风险，提升应急救援能力。",
            "第四章 重点工程：应急指挥信息化工程、乡镇级片区应急能力提升工程。",
            "第五章 保障措施",
        ),
    ),
)

_n(
    "巡查制度",
    Notice(
        header=AW_HEADER,
        number="蓬安委〔2022〕14号",
        title="关于印发《蓬溪县安全生产巡查工作制度》的通知",
        addressee=ALL_UNITS,
        body=_issue("蓬溪县安全生产巡查工作制度"),
        signature=AW,
        date="2022年5月16日",
        appendix=(
            "蓬溪县安全生产巡查工作制度",
            "第一条 为推动安全生产责任落实，规范安全生产巡查工作，制定本制度。",
            "第二条 县安委会对各乡镇（街道）和县级负有安全生产监督管理职责的部门实行“两年一巡查”。",
            "第三条 巡查组由县安委会成员单位抽调人员组成，实行组长负责制。",
            "第四条 巡查发现的问题隐患建立清单，明确整改责任、措施、资金、时限和预案。",
            "第五条 本制度自印发之日起施行。",
        ),
    ),
)

_n(
    "职责清单",
    Notice(
        header=AW_HEADER,
        number="蓬安委〔2022〕6号",
        title="关于印发《蓬溪县党政领导干部安全生产“职责清单”和2022年度“任务清单”》的通知",
        addressee="县级各部门，各乡镇人民政府、街道办事处：",
        body=_issue("蓬溪县党政领导干部安全生产“职责清单”和2022年度“任务清单”"),
        signature=AW,
        date="2022年3月25日",
        appendix=("蓬溪县党政领导干部安全生产“职责清单”和2022年度“任务清单”",),
    ),
)

_n(
    "提醒函",
    Notice(
        header=AB_HEADER,
        number="蓬安办函〔2022〕27号",
        title="关于做好国庆节和党的二十大期间安全生产工作的提醒函",
        addressee="县委、县政府各位领导：",
        body=(
            "国庆节和党的二十大召开在即，为确保全县安全生产形势持续稳定，现就党政领导干部落实安全生产责任提醒如下：",
            "一、请按照“党政同责、一岗双责”要求，带队对分管行业领域开展一次安全生产督导检查。",
            "二、请督促分管部门落实领导带班和24小时值班值守，重大情况及时报告。",
            "三、本提醒函落实情况纳入县委、县政府督查督办重要内容，请于10月10日前反馈。",
        ),
        signature=AB,
        date="2022年9月26日",
    ),
)

_n(
    "2021总结",
    Notice(
        header="蓬溪县应急管理局文件",
        number="蓬应急发〔2021〕56号",
        title="蓬溪县应急管理局关于2021年度安全生产工作情况的报告",
        addressee="县委、县政府：",
        body=(
            "2021年，在县委、县政府的坚强领导下，我局认真贯彻落实习近平总书记关于安全生产重要论述，"
            "全县安全生产形势总体平稳。现将有关情况报告如下：",
            "一、主要工作：修订完善县级部门安全生产工作任务分工，深入推进安全生产专项整治三年行动集中攻坚。",
            "二、存在问题：部分企业主体责任落实不到位，基层监管力量薄弱。",
            "三、2022年工作打算：持续巩固专项整治成果，全力防范化解重大安全风险。",
        ),
        signature="蓬溪县应急管理局",
        date="2021年12月28日",
    ),
)

_n(
    "挂牌督办",
    Notice(
        header=AB_HEADER,
        number="蓬安办发〔2022〕40号",
        title="关于对蓬溪县某化工有限公司重大事故隐患实行挂牌督办的通知",
        addressee="蓬溪县应急管理局、天福镇人民政府：",
        body=("经排查，该企业存在重大事故隐患，现决定由县安办挂牌督办，请于2022年10月31日前整改到位。",),
        signature=AB,
        date="2022年8月19日",
    ),
)

_n(
    "举报奖励",
    Notice(
        header="蓬溪县应急管理局文件",
        number="蓬应急发〔2022〕22号",
        title="关于印发《蓬溪县安全生产举报奖励实施办法》的通知",
        addressee="各乡镇人民政府、街道办事处，县级有关部门：",
        body=_issue("蓬溪县安全生产举报奖励实施办法"),
        signature="蓬溪县应急管理局",
        date="2022年3月10日",
        appendix=(
            "蓬溪县安全生产举报奖励实施办法",
            "第一条 为鼓励社会公众举报安全生产重大事故隐患和违法行为，建立健全举报受理、交办、督办、反馈和奖励兑现制度。",
            "第二条 举报经核查属实的，按规定给予举报人奖励，奖励资金列入年度财政预算。",
            "第三条 县应急局负责举报的受理、登记和交办，承办单位应在规定时限内核查处理并反馈。",
        ),
    ),
)

_n(
    "考评方案",
    Notice(
        header=AW_HEADER,
        number="蓬安委〔2022〕25号",
        title="关于印发《蓬溪县2022年度安全生产党政同责考评工作方案》的通知",
        addressee=ALL_UNITS,
        body=_issue("蓬溪县2022年度安全生产党政同责考评工作方案"),
        signature=AW,
        date="2022年11月15日",
        appendix=(
            "蓬溪县2022年度安全生产党政同责考评工作方案",
            "一、考评对象：各乡镇（街道）、蓬溪经济开发区和县级负有安全生产监督管理职责的部门。",
            "二、考评内容：安全生产责任落实、重点工作推进、事故控制等情况。",
            "三、考评方式：采取查阅资料、实地检查、座谈了解相结合的方式，于2022年12月开展。",
            "四、结果运用：考评结果纳入党政领导班子和领导干部年度考核内容。",
        ),
    ),
)

_n(
    "批示落实",
    Notice(
        header=AB_HEADER,
        number="蓬安办发〔2022〕9号",
        title="关于认真学习贯彻习近平总书记关于安全生产重要指示批示精神的通知",
        addressee=ALL_UNITS,
        body=(
            "为深入学习贯彻习近平总书记关于安全生产重要论述和重要指示批示精神，认真落实国务院安委会、"
            "省委省政府、市委市政府安全生产工作安排部署，现就有关事项通知如下：",
            "一、各级党委（党组）要将观看学习《生命重于泰山——学习习近平总书记关于安全生产重要论述》电视专题片"
            "纳入党委（党组）理论学习中心组学习内容，并向村（社区）党组织和企事业单位延伸。",
            "二、各单位学习情况（会议记录、签到表、照片）于2022年4月30日前报送县安办。",
        ),
        signature=AB,
        date="2022年3月28日",
    ),
)

_n(
    "常务会",
    Notice(
        header="蓬溪县人民政府常务会议纪要",
        number="〔2022〕23次",
        title="县政府十八届第二十三次常务会议纪要",
        body=(
            "2022年6月14日，县长主持召开县政府十八届第二十三次常务会议。纪要如下：",
            "一、会议传达学习了习近平总书记关于安全生产重要论述和重要指示批示精神，"
            "观看了《生命重于泰山——学习习近平总书记关于安全生产重要论述》电视专题片。",
            "二、会议听取了县应急局关于全县安全生产形势和安全生产大检查工作的汇报，研究了城镇燃气、"
            "自建房安全专项整治中的重大问题，同意追加安全生产专项资金。",
            "三、会议要求各分管县领导按照“三个必须”要求，对分管行业领域安全生产工作同时安排部署、"
            "同时组织实施、同时监督检查。",
            "出席：县政府领导班子成员。列席：县应急局、县住建局、县财政局、县交通运输局主要负责人。",
        ),
        signature="蓬溪县人民政府办公室",
        date="2022年6月15日",
    ),
)

_n(
    "工作报告",
    Notice(
        title="2022年蓬溪县人民政府工作报告（节选）",
        body=(
            "——在蓬溪县第十八届人民代表大会第二次会议上",
            "统筹发展和安全，守牢安全稳定底线。坚持人民至上、生命至上，深入开展安全生产专项整治三年行动"
            "“巩固提升年”和安全生产大检查，抓好危险化学品、城镇燃气、道路交通、自建房等重点领域风险防控，"
            "坚决遏制较大及以上生产安全事故。",
            "将安全生产纳入政府重点工作，层层分解目标任务，强化考核问效。",
        ),
    ),
)

_n(
    "分工",
    Notice(
        header="蓬溪县人民政府文件",
        number="蓬府发〔2022〕7号",
        title="蓬溪县人民政府关于县政府领导班子成员工作分工的通知",
        addressee="各乡镇人民政府、街道办事处，县级各部门：",
        body=(
            "因人事变动，经县政府研究，现将县政府领导班子成员工作分工通知如下：",
            "县长：主持县政府全面工作，对全县安全生产工作负总责。",
            "常务副县长：负责县政府常务工作，协助县长分管安全生产工作，分管县应急管理局、县财政局。",
            "副县长：负责住房城乡建设、交通运输方面工作，同时负责分管领域安全生产工作。",
            "各位副县长按照“一岗双责”要求，对分管领域安全生产工作同时安排部署、同时组织实施、同时监督检查。",
        ),
        signature="蓬溪县人民政府",
        date="2022年2月18日",
    ),
)

_n(
    "年度考核",
    Notice(
        header="中共蓬溪县委组织部文件",
        number="蓬组发〔2022〕41号",
        title="关于做好2022年度县管领导班子和领导干部年度考核工作的通知",
        addressee="各乡镇党委，县级各部门党组（党委）：",
        body=(
            "根据干部考核工作有关规定，现就做好2022年度县管领导班子和领导干部年度考核工作通知如下：",
            "一、将安全生产工作列入领导班子和领导干部年度考核内容，考核结果作为干部选拔任用的重要依据。",
            "二、领导班子成员年度述职须包括履行安全生产工作职责情况。",
            "三、考核工作于2023年1月20日前完成。",
        ),
        signature="中共蓬溪县委组织部",
        date="2022年12月5日",
    ),
)

_n(
    "交运方案",
    Notice(
        header="蓬溪县交通运输局文件",
        number="蓬交发〔2022〕19号",
        title="关于印发《蓬溪县交通运输行业安全生产大检查工作方案》的通知",
        addressee="局属各单位，各道路运输企业：",
        body=_issue("蓬溪县交通运输行业安全生产大检查工作方案"),
        signature="蓬溪县交通运输局",
        date="2022年5月12日",
        appendix=(
            "蓬溪县交通运输行业安全生产大检查工作方案",
            *_plan(
                "坚持“全覆盖、零容忍、严执法、重实效”，对道路运输、公路水运工程、城市公交等领域重点企业开展全覆盖检查。",
                (
                    ("道路运输", "重点检查“两客一危”车辆动态监控、驾驶员教育培训和车辆技术状况。"),
                    ("公路水运工程", "重点检查施工现场临边防护、高处作业和特种设备管理。"),
                    ("城市公交和出租汽车", "重点检查车辆消防器材配备和应急处置能力。"),
                ),
                (
                    ("企业自查", "2022年5月20日前，各企业全面开展自查自改。"),
                    ("全面检查", "2022年5月21日至9月30日，局属各单位对重点企业逐一检查。"),
                    ("总结提升", "2022年10月底前，建立重点企业名单、检查记录和问题隐患整改台账。"),
                ),
                "请局属各单位每月25日前将检查情况报送局安全股，联系电话：0825-5425061。",
            ),
        ),
    ),
)

_n(
    "风险评估",
    Notice(
        header="蓬溪县交通运输局文件",
        number="蓬交发〔2022〕23号",
        title="关于开展道路运输企业安全风险评估工作的通知",
        addressee="各道路运输企业，县道路运输服务中心：",
        body=(
            "为建立完善安全风险评估与论证机制，推动企业健全落实双重预防机制，现就开展道路运输企业安全风险评估工作通知如下：",
            "一、各企业对照《道路运输企业安全风险辨识评估指南》开展风险辨识，形成风险清单。",
            "二、县道路运输服务中心组织专家对“两客一危”企业风险评估报告进行论证。",
            "三、请于2022年8月31日前报送安全风险评估报告。",
        ),
        signature="蓬溪县交通运输局",
        date="2022年6月20日",
    ),
)

_n(
    "四方",
    Notice(
        header="蓬溪县道路运输安全四方联系机制会议纪要",
        title="2022年第三季度道路运输安全四方联系机制会议纪要",
        body=(
            "2022年9月8日，县交通运输局组织召开道路运输安全四方联系机制会议，县公安局交警大队、县应急局、"
            "县住建局和重点运输企业负责人参加。",
            "会议通报了第三季度道路运输安全形势，会商研判了国庆和党的二十大期间道路运输安全风险，"
            "明确了联合执法、信息共享的具体措施。",
        ),
        signature="蓬溪县交通运输局",
        date="2022年9月9日",
    ),
)

_n(
    "联席",
    Notice(
        header="蓬溪县道路交通安全工作联席会议纪要",
        title="2022年蓬溪县道路交通安全工作联席会议纪要",
        body=(
            "2022年4月12日，县道安办召开全县道路交通安全工作联席会议，县交通运输局、县应急局、县教体局、"
            "县农业农村局等成员单位参加。",
            "会议总结了一季度道路交通安全工作，部署开展农村道路交通安全、校车安全和“两客一危”专项整治，"
            "建立了信息共享和联合执法机制。",
        ),
        signature="蓬溪县公安局交警大队",
        date="2022年4月13日",
    ),
)

_n(
    "经科方案",
    Notice(
        header="蓬溪县经济科技和信息化局文件",
        number="蓬经科发〔2022〕17号",
        title="关于印发《蓬溪县工贸行业安全生产大检查工作方案》的通知",
        addressee="各工贸企业：",
        body=_issue("蓬溪县工贸行业安全生产大检查工作方案"),
        signature="蓬溪县经济科技和信息化局",
        date="2022年5月18日",
        appendix=(
            "蓬溪县工贸行业安全生产大检查工作方案",
            *_plan(
                "聚焦粉尘涉爆、涉氨制冷、有限空间作业等重点环节，对工贸行业重点企业开展全覆盖检查。",
                (
                    ("粉尘涉爆企业", "检查除尘系统、防爆电气和清扫制度落实情况。"),
                    ("有限空间作业", "检查作业审批、通风检测和应急救援装备配备。"),
                ),
                (
                    ("企业自查", "2022年5月31日前。"),
                    ("部门检查", "2022年6月至9月。"),
                ),
                "请各企业于每月25日前将自查情况报送局安全股。",
            ),
        ),
    ),
)

_n(
    "培训方案",
    Notice(
        header="蓬溪县经济科技和信息化局文件",
        number="蓬经科发〔2022〕24号",
        title="关于举办2022年工贸企业主要负责人安全生产培训班的通知",
        addressee="各工贸企业：",
        body=(
            "为推进安全监管干部和企业负责人学习教育全覆盖，我局决定举办2022年工贸企业主要负责人安全生产培训班。",
            "一、培训时间：2022年8月18日至19日。",
            "二、培训地点：县委党校二楼报告厅。",
            "三、培训内容：新修改的安全生产法、工贸企业重大事故隐患判定标准、粉尘防爆安全规程。",
            "四、参训人员：各工贸企业主要负责人、安全管理人员。请于8月15日前报送参训回执。",
        ),
        signature="蓬溪县经济科技和信息化局",
        date="2022年8月5日",
    ),
)

_n(
    "特种设备",
    Notice(
        header="蓬溪县市场监督管理局文件",
        number="蓬市监发〔2022〕33号",
        title="关于开展特种设备安全隐患排查整治的通知",
        addressee="各市场监管所，各特种设备使用单位：",
        body=(
            "为深入开展安全生产大检查，切实防范特种设备安全事故，决定在全县开展特种设备安全隐患排查整治。",
            "一、整治重点：电梯、气瓶、压力容器、大型游乐设施和场（厂）内专用机动车辆。",
            "二、工作要求：电梯维保单位须按规定公示维保信息，实现电梯维保公示全覆盖。",
            "三、各市场监管所于每月25日前报送排查整治进展。",
        ),
        signature="蓬溪县市场监督管理局",
        date="2022年5月20日",
    ),
)

_n(
    "校园",
    Notice(
        header="蓬溪县教育和体育局文件",
        number="蓬教体发〔2022〕38号",
        title="关于开展2022年校园安全专项检查的通知",
        addressee="各中小学校、幼儿园，局属各单位：",
        body=(
            "为扎实开展安全生产大检查，切实保障师生生命安全，决定在全县开展校园安全专项检查。",
            "一、检查内容：校舍安全、消防安全、食品安全、校车安全和体育场馆安全。",
            "二、检查方式：学校自查与教体局督查相结合，对全县中小学校、幼儿园实行全覆盖检查。",
            "三、时间安排：2022年8月20日至9月10日。",
        ),
        signature="蓬溪县教育和体育局",
        date="2022年8月15日",
    ),
)

_n(
    "职业病",
    Notice(
        header="蓬溪县卫生健康局文件",
        number="蓬卫发〔2022〕52号",
        title="关于印发《蓬溪县“十四五”职业病防治规划》的通知",
        addressee="各乡镇卫生院，县级医疗卫生单位：",
        body=_issue("蓬溪县“十四五”职业病防治规划"),
        signature="蓬溪县卫生健康局",
        date="2022年6月28日",
        appendix=(
            "蓬溪县“十四五”职业病防治规划",
            "一、规划目标：到2025年，职业病危害状况明显好转，重点行业用人单位职业病危害项目申报率达到90%以上。",
            "二、主要任务：强化职业病源头预防，严格职业健康监管执法，提升职业病防治服务能力。",
            "三、保障措施：加强组织领导，落实经费保障，强化考核评估。",
        ),
    ),
)

_n(
    "专委会规则",
    Notice(
        header="蓬溪县农业农村局文件",
        number="蓬农发〔2022〕15号",
        title="关于印发《蓬溪县农业农村安全生产专业委员会工作规则》的通知",
        addressee="各乡镇农业服务中心，局属各单位：",
        body=_issue("蓬溪县农业农村安全生产专业委员会工作规则"),
        signature="蓬溪县农业农村局",
        date="2022年4月8日",
        appendix=(
            "蓬溪县农业农村安全生产专业委员会工作规则",
            "第一条 专委会在县安委会领导下，负责农业农村领域安全生产工作的统筹协调。",
            "第二条 专委会每季度召开一次全体会议，加强信息共享、会商研判，实施重大安全风险联防联控。",
            "第三条 专委会办公室设在县农业农村局，承担日常工作。",
        ),
    ),
)

_n(
    "农机记录",
    Notice(
        header="蓬溪县农业农村局",
        title="2022年农机安全生产检查记录",
        body=(
            "检查时间：2022年9月6日。检查地点：任隆镇农机合作社。检查内容：拖拉机号牌、驾驶证和安全防护装置。",
        ),
        signature="蓬溪县农业农村局",
        date="2022年9月6日",
    ),
)

_n(
    "旅游",
    Notice(
        header="蓬溪县文化广播电视和旅游局文件",
        number="蓬文旅发〔2022〕21号",
        title="关于开展旅游行业安全生产大检查的通知",
        addressee="各A级旅游景区，各星级饭店、旅行社：",
        body=(
            "为切实做好旅游行业安全生产工作，决定在全县旅游行业开展安全生产大检查。",
            "一、检查重点：景区游乐设施、玻璃栈道、水上项目，星级饭店消防安全，旅行社包车安全。",
            "二、时间安排：2022年5月25日至8月31日。",
            "三、工作要求：对检查发现的问题隐患建立台账，限期整改销号。",
        ),
        signature="蓬溪县文化广播电视和旅游局",
        date="2022年5月23日",
    ),
)

_n(
    "双重预防",
    Notice(
        header="蓬溪县商务经济合作局文件",
        number="蓬商经发〔2022〕12号",
        title="关于指导商贸企业健全落实双重预防机制的通知",
        addressee="各商贸企业，各加油站：",
        body=(
            "为指导企业健全落实安全风险分级管控和隐患排查治理双重预防机制，现就有关事项通知如下：",
            "一、各企业开展安全风险辨识评估，建立风险分级管控清单，在醒目位置设置风险告知牌。",
            "二、建立隐患自查自改自报制度，重大安全隐患按期整改。",
            "三、我局将组织专家对大型商场、加油站开展指导服务。",
        ),
        signature="蓬溪县商务经济合作局",
        date="2022年6月6日",
    ),
)

_n(
    "养老",
    Notice(
        header="蓬溪县民政局文件",
        number="蓬民发〔2022〕26号",
        title="关于印发《蓬溪县养老服务机构安全生产监管工作方案》的通知",
        addressee="各乡镇人民政府、街道办事处，各养老服务机构：",
        body=_issue(
            "蓬溪县养老服务机构安全生产监管工作方案",
            "为落实省政府办公厅印发的《关于建立健全养老服务综合监管制度的实施意见》（川办发〔2021〕91号）要求，",
        ),
        signature="蓬溪县民政局",
        date="2022年4月25日",
        appendix=(
            "蓬溪县养老服务机构安全生产监管工作方案",
            "一、监管对象：全县敬老院、公办养老机构和民办养老机构。",
            "二、监管内容：建筑安全、消防安全、食品安全和服务安全。",
            "三、工作要求：将养老服务安全生产监管纳入对乡镇年度安全生产考核。",
        ),
    ),
)

_n(
    "大石学习",
    Notice(
        header="中共蓬溪县大石镇委员会",
        title="大石镇党委理论学习中心组观看《生命重于泰山》电视专题片学习会议记录",
        body=(
            "时间：2022年4月8日上午9:00。地点：镇政府三楼会议室。主持人：镇党委书记。",
            "会议内容：集体观看《生命重于泰山——学习习近平总书记关于安全生产重要论述》电视专题片，"
            "传达学习县安办关于认真学习贯彻习近平总书记关于安全生产重要指示批示精神的通知。",
            "会议要求：各村（社区）党组织和辖区企业要组织党员干部和职工观看学习专题片，做到全覆盖。",
        ),
        signature="中共蓬溪县大石镇委员会",
        date="2022年4月8日",
    ),
)

_n(
    "大石总结",
    Notice(
        title="大石镇2022年“安全生产月”活动总结",
        body=(
            "今年6月是第21个全国“安全生产月”，主题为“遵守安全生产法，当好第一责任人”。我镇按照县安委办统一部署，"
            "认真组织开展了系列宣传活动，现将有关情况总结如下：",
            "一、加强组织领导。镇党委、政府成立了安全生产月活动领导小组，印发了活动方案。",
            "二、广泛宣传发动。在场镇开展安全生产宣传咨询日活动，发放宣传资料，悬挂横幅，张贴标语。",
            "三、开展应急演练。组织辖区学校、企业开展消防应急疏散演练。",
        ),
        signature="蓬溪县大石镇人民政府",
        date="2022年7月4日",
    ),
)

_n(
    "普安方案",
    Notice(
        header="蓬溪县普安街道办事处",
        title="普安街道2022年“安全生产月”活动方案",
        body=(
            "根据县安委办关于开展2022年“安全生产月”活动的通知要求，结合我街道实际，制定本方案。",
            "一、活动主题：遵守安全生产法，当好第一责任人。",
            "二、活动内容：（一）组织观看安全生产警示教育片；（二）开展安全生产宣传咨询日活动；"
            "（三）组织辖区企业开展应急演练。",
            "三、时间安排：2022年6月1日至6月30日。",
        ),
        signature="蓬溪县普安街道办事处",
        date="2022年5月27日",
    ),
)

_n(
    "普安学习",
    Notice(
        header="中共蓬溪县普安街道工作委员会",
        title="普安街道党工委会议记录",
        body=(
            "时间：2022年4月12日。地点：街道办三楼会议室。",
            "议题：学习习近平总书记关于安全生产重要论述，观看《生命重于泰山——学习习近平总书记关于安全生产重要论述》"
            "电视专题片。",
            "会议要求：各社区党组织要将专题片学习纳入“三会一课”内容。",
        ),
        signature="中共蓬溪县普安街道工作委员会",
        date="2022年4月12日",
    ),
)

_n(
    "普法简报",
    Notice(
        title="蓬溪县安全生产普法宣传活动简报（第5期）",
        body=(
            "2022年6月16日，县司法局联合县应急局在县城中心广场开展新修改的安全生产法普法宣传活动，"
            "现场设置咨询台，发放宣传资料，解答群众法律咨询。",
            "活动通过以案释法，引导企业负责人和从业人员增强安全生产法治意识。",
        ),
        signature="蓬溪县司法局",
        date="2022年6月17日",
    ),
)

_n(
    "安全月方案",
    Notice(
        header=AB_HEADER,
        number="蓬安办发〔2022〕18号",
        title="关于印发《蓬溪县2022年“安全生产月”活动方案》的通知",
        addressee=ALL_UNITS,
        body=_issue("蓬溪县2022年“安全生产月”活动方案"),
        signature=AB,
        date="2022年5月24日",
        appendix=(
            "蓬溪县2022年“安全生产月”活动方案",
            "一、活动主题：遵守安全生产法，当好第一责任人。",
            "二、主要活动：（一）安全生产月启动仪式；（二）6月16日安全宣传咨询日；（三）“安康杯”知识竞赛；"
            "（四）新修改的安全生产法常态化宣传；（五）应急演练周。",
            "三、时间安排：2022年6月1日至6月30日。",
        ),
    ),
)

_n(
    "安全月总结",
    Notice(
        header="蓬溪县应急管理局",
        title="蓬溪县2022年“安全生产月”活动总结",
        body=(
            "按照县安委会统一部署，我县以“遵守安全生产法，当好第一责任人”为主题，扎实开展了2022年“安全生产月”活动。",
            "一、精心组织启动。6月1日举行全县安全生产月活动启动仪式，县政府分管领导出席并讲话。",
            "二、集中宣传咨询。6月16日在县城中心广场举行安全宣传咨询日活动，30余个单位设点宣传。",
            "三、开展“安康杯”竞赛和应急演练，营造了浓厚的安全生产氛围。",
        ),
        signature="蓬溪县应急管理局",
        date="2022年7月5日",
    ),
)


# --------------------------------------------------------------------------------------------
# Committed assets (made once by tools/make_demo_assets.py)
# --------------------------------------------------------------------------------------------

SealOver = Literal["signature", "docnum"]


@dataclass(frozen=True)
class ScanSpec:
    """A scanned, stamped paper document: one JPEG per page under ``pipeline/data/demo/``."""

    notice: str  # key of NOTICES
    seal_over: SealOver
    seal_organ: str
    pages: int = 1


SCANS: dict[str, ScanSpec] = {
    "scan-daijiancha": ScanSpec("大检查", "signature", AB),
    "scan-weihua": ScanSpec("危化", "docnum", "蓬溪县应急管理局"),
    "scan-ranqi": ScanSpec("燃气", "signature", "蓬溪县住房和城乡建设局", pages=2),
}


@dataclass(frozen=True)
class PhotoSpec:
    """A phone photo of an activity with its banner caption and EXIF time."""

    caption: str
    taken: datetime
    make: str
    model: str


PHOTOS: dict[str, PhotoSpec] = {
    "photo-qidong": PhotoSpec(
        "蓬溪县2022年安全生产月活动启动仪式", datetime(2022, 6, 1, 9, 32, 18), "HUAWEI", "ELS-AN00"
    ),
    "photo-xiaoyuan": PhotoSpec(
        "蓬溪县2022年校园消防安全检查", datetime(2022, 8, 26, 15, 4, 51), "Xiaomi", "M2102K1C"
    ),
    "photo-dashi": PhotoSpec(
        "大石镇安全生产月宣传咨询日活动", datetime(2022, 6, 16, 10, 12, 5), "OPPO", "PEGM00"
    ),
}

# Legacy Office files converted once with LibreOffice from what ``build_docx`` / ``build_xlsx`` make.
LEGACY_DOC = "legacy-jubao.doc"  # NOTICES["举报奖励"]
LEGACY_XLS = "legacy-zhiban.xls"  # holiday_roster()


def asset_path(name: str) -> Path:
    return ASSETS / name


def scan_page_names(key: str) -> list[str]:
    return [f"{key}-p{i + 1}.jpg" for i in range(SCANS[key].pages)]


# --------------------------------------------------------------------------------------------
# Builders: bytes made by code
# --------------------------------------------------------------------------------------------


def fixed_zip(data: bytes) -> bytes:
    """The same zip with every member's time set to ``ZIP_TIME`` and Office core dates fixed.

    python-docx and openpyxl stamp members with the current time and openpyxl also writes "now" into
    docProps/core.xml; rewriting both makes the package byte-identical from run to run.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = CORE_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = payload.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rf"\g<1>{stamp}\g<2>", text
                )
                payload = text.encode("utf-8")
            new = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o644 << 16
            dst.writestr(new, payload)
    return out.getvalue()


def _zip(members: Iterable[tuple[str, bytes]], *, gbk: bool = False) -> bytes:
    """A zip bundle; ``gbk=True`` writes names as Windows in China does: GBK bytes, UTF-8 flag unset.

    zipfile always encodes non-ASCII names as UTF-8 and sets the flag, so each name is first written as
    an ASCII placeholder of the same byte length and the two headers are patched afterwards (the CRC
    covers the data, not the name).
    """
    members = list(members)
    out = io.BytesIO()
    swaps: list[tuple[bytes, bytes]] = []
    with zipfile.ZipFile(out, "w") as zf:
        for i, (name, data) in enumerate(members):
            if gbk and not name.isascii():
                raw = name.encode("gbk")
                placeholder = f"~{i:0{len(raw) - 1}d}".encode()
                swaps.append((placeholder, raw))
                arcname = placeholder.decode()
            else:
                arcname = name
            info = zipfile.ZipInfo(arcname, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    raw_zip = out.getvalue()
    for placeholder, gbk_name in swaps:
        if raw_zip.count(placeholder) != 2:
            raise RuntimeError("zip placeholder is not unique")
        raw_zip = raw_zip.replace(placeholder, gbk_name)
    return raw_zip


def _east_asian(run: object, font: str) -> None:
    from docx.oxml.ns import qn

    r = run._element  # type: ignore[attr-defined]
    rpr = r.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), font)


def build_docx(
    notice: Notice,
    *,
    tables: Sequence[Sequence[Sequence[str]]] = (),
    author: str = "",
    when: datetime = CORE_TIME,
) -> bytes:
    """A Word document laid out like the printed notice; ``tables`` follow the appendix."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt, RGBColor

    doc = Document()
    props = doc.core_properties
    props.author = author or notice.signature or "Administrator"
    props.last_modified_by = props.author
    props.title = notice.title
    props.created = when
    props.modified = when
    props.last_printed = when
    props.revision = 3

    def para(
        text: str,
        *,
        size: float = 16,
        font: str = "仿宋_GB2312",
        align: WD_ALIGN_PARAGRAPH | None = None,
        bold: bool = False,
        red: bool = False,
        indent: bool = False,
    ) -> None:
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        _east_asian(run, font)
        if red:
            run.font.color.rgb = RGBColor(*RED)

    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    if notice.header:
        para(notice.header, size=26, font="方正小标宋简体", align=center, red=True)
    if notice.number:
        para(notice.number, align=center)
    para(notice.title, size=22, font="方正小标宋简体", align=center)
    if notice.addressee:
        para(notice.addressee)
    for text in notice.body:
        para(text, indent=True, font="黑体" if _is_heading(text) else "仿宋_GB2312")
    if notice.signature:
        para(notice.signature, align=right)
    if notice.date:
        para(notice.date, align=right)
    if notice.appendix:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        para(notice.appendix[0], size=22, font="方正小标宋简体", align=center)
        for text in notice.appendix[1:]:
            para(text, indent=True, font="黑体" if _is_heading(text) else "仿宋_GB2312")
    for rows in tables:
        table = doc.add_table(rows=0, cols=len(rows[0]))
        table.style = "Table Grid"
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
    if notice.cc:
        para(notice.cc, size=14)
    buf = io.BytesIO()
    doc.save(buf)
    return fixed_zip(buf.getvalue())


def _is_heading(text: str) -> bool:
    return bool(re.match(r"^[一二三四五六七八九十]+、", text)) and len(text) <= 20


def build_xlsx(
    sheets: Sequence[tuple[str, str, Sequence[str], Sequence[Sequence[object]]]],
    *,
    author: str = "Administrator",
) -> bytes:
    """A workbook of 台账 sheets: (sheet name, title row, header, rows) each, a title merged over the header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    wb.properties.creator = author
    wb.properties.lastModifiedBy = author
    wb.properties.created = CORE_TIME
    wb.properties.modified = CORE_TIME
    for name, title, header, rows in sheets:
        ws = wb.create_sheet(name)
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws["A1"].font = Font(name="宋体", size=16, bold=True)
        ws["A1"].alignment = Alignment(horizontal="center")
        ws.append(list(header))
        for cell in ws[2]:
            cell.font = Font(name="宋体", bold=True)
        for row in rows:
            ws.append(list(row))
        for k, head in enumerate(header):
            ws.column_dimensions[chr(ord("A") + k)].width = max(8, min(40, len(str(head)) * 2 + 4))
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_zip(buf.getvalue())


_CID_FONT = "STSong-Light"


def _register_cid_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if _CID_FONT not in pdfmetrics.getRegisteredFontNames():
        # Adobe's built-in CID font: nothing is embedded, text maps back to Unicode through UniGB-UCS2-H.
        pdfmetrics.registerFont(UnicodeCIDFont(_CID_FONT))
    return _CID_FONT


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    current = ""
    for ch in text:
        if current and stringWidth(current + ch, font, size) > width:
            lines.append(current)
            current = ""
        current += ch
    if current:
        lines.append(current)
    return lines


def build_text_pdf(notice: Notice, *, encrypt_password: str | None = None) -> bytes:
    """A PDF with a real text layer in STSong-Light (no font file needed to make or read it)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    font = _register_cid_font()
    buf = io.BytesIO()
    encrypt = StandardEncryption(encrypt_password, ownerPassword="pxaq-owner") if encrypt_password else None
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, encrypt=encrypt)
    c.setTitle(notice.title)
    c.setAuthor(notice.signature or "蓬溪县")
    c.setCreator("Microsoft Word")
    width = A4[0]
    left, right, top, bottom = 78.0, 78.0, 790.0, 70.0
    y = top

    def line(text: str, size: float, align: str = "left", red: bool = False, indent: float = 0.0) -> None:
        nonlocal y
        usable = width - left - right
        for k, part in enumerate(_wrap(text, font, size, usable - (indent if align == "left" else 0))):
            if y < bottom:
                c.showPage()
                y = top
            c.setFont(font, size)
            c.setFillColorRGB(*(v / 255 for v in RED) if red else (0, 0, 0))
            if align == "center":
                c.drawCentredString(width / 2, y, part)
            elif align == "right":
                c.drawRightString(width - right, y, part)
            else:
                c.drawString(left + (indent if k == 0 else 0), y, part)
            y -= size * 1.75

    if notice.header:
        line(notice.header, 24, "center", red=True)
        y -= 6
    if notice.number:
        line(notice.number, 14, "center")
        c.setStrokeColorRGB(*(v / 255 for v in RED))
        c.setLineWidth(1.5)
        c.line(left - 8, y + 12, width - right + 8, y + 12)
        y -= 10
    line(notice.title, 18, "center")
    y -= 4
    if notice.addressee:
        line(notice.addressee, 14)
    for text in notice.body:
        line(text, 14, indent=28)
    y -= 10
    if notice.signature:
        line(notice.signature, 14, "right")
    if notice.date:
        line(notice.date, 14, "right")
    if notice.appendix:
        c.showPage()
        y = top
        line(notice.appendix[0], 18, "center")
        y -= 4
        for text in notice.appendix[1:]:
            line(text, 14, indent=28)
    c.showPage()
    c.save()
    return buf.getvalue()


def build_scan_pdf(pages: Sequence[bytes], *, title: str = "") -> bytes:
    """An image-only PDF: each committed JPEG is a page's only content, like a scanner's output.

    Written object by object: reportlab would ASCII85-encode the JPEG (a quarter larger, and slow).
    """
    from PIL import Image

    objects: list[bytes] = []
    kids: list[int] = []
    for jpeg in pages:
        with Image.open(io.BytesIO(jpeg)) as img:
            w, h = img.size
            gray = img.mode == "L"
        image_id, content_id, page_id = len(objects) + 3, len(objects) + 4, len(objects) + 5
        image = (
            (
                f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /BitsPerComponent 8 "
                f"/ColorSpace /{'DeviceGray' if gray else 'DeviceRGB'} /Filter /DCTDecode /Length {len(jpeg)} >>\n"
                "stream\n"
            ).encode()
            + jpeg
            + b"\nendstream"
        )
        draw = b"q 595.28 0 0 841.89 0 0 cm /Im0 Do Q"
        content = f"<< /Length {len(draw)} >>\nstream\n".encode() + draw + b"\nendstream"
        page = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents {content_id} 0 R "
            f"/Resources << /XObject << /Im0 {image_id} 0 R >> >> >>"
        ).encode()
        objects += [image, content, page]
        kids.append(page_id)
    info_title = title.encode("utf-16-be").hex().upper()
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    tree = f"<< /Type /Pages /Count {len(kids)} /Kids [{' '.join(f'{k} 0 R' for k in kids)}] >>".encode()
    info = f"<< /Producer (Canon iR-ADV C3520) /Title <FEFF{info_title}> /CreationDate (D:20221201090000+08'00') >>"
    body = [catalog, tree, *objects, info.encode()]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(body, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(body) + 1}\n0000000000 65535 f \n".encode())
    out.write(b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets))
    out.write(
        f"trailer\n<< /Size {len(body) + 1} /Root 1 0 R /Info {len(body)} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


_OFD_NS = "http://www.ofdspec.org/2016"


def build_ofd(notice: Notice, *, lines_per_page: int = 24) -> bytes:
    """A minimal OFD (GB/T 33190-2016): one TextObject per line, positions in millimetres."""
    import html

    wrapped: list[str] = []
    for text in notice.lines():
        wrapped += [text[i : i + 30] for i in range(0, len(text), 30)] or [""]
    pages = [wrapped[i : i + lines_per_page] for i in range(0, len(wrapped), lines_per_page)]
    ns = f'xmlns:ofd="{_OFD_NS}"'
    ofd_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.0" DocType="OFD">'
        "<ofd:DocBody><ofd:DocInfo><ofd:DocID>7f3c2a90d1e84b6f9a5e0c1d2b3a4f5e</ofd:DocID>"
        f"<ofd:Title>{html.escape(notice.title)}</ofd:Title><ofd:Author>{html.escape(notice.signature)}</ofd:Author>"
        "<ofd:CreationDate>2022-04-20</ofd:CreationDate><ofd:Creator>数科OFD版式办公套件</ofd:Creator>"
        "</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    refs = "".join(
        f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
    )
    document_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}>'
        "<ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea>"
        "<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
        f"<ofd:Pages>{refs}</ofd:Pages></ofd:Document>"
    )
    public_res = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {ns} BaseLoc="Res">'
        '<ofd:Fonts><ofd:Font ID="1" FontName="仿宋_GB2312" FamilyName="仿宋"/></ofd:Fonts></ofd:Res>'
    )
    members = [
        ("OFD.xml", ofd_xml),
        ("Doc_0/Document.xml", document_xml),
        ("Doc_0/PublicRes.xml", public_res),
    ]
    for p, lines in enumerate(pages):
        objects = []
        for i, text in enumerate(lines):
            y = 25 + i * 10
            objects.append(
                f'<ofd:TextObject ID="{p * 100 + i + 10}" Boundary="25 {y} 160 8" Font="1" Size="5.6">'
                f'<ofd:TextCode X="0" Y="5.6">{html.escape(text)}</ofd:TextCode></ofd:TextObject>'
            )
        content = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content>'
            f'<ofd:Layer ID="{p * 100 + 1}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
        )
        members.append((f"Doc_0/Pages/Page_{p}/Content.xml", content))
    return _zip((name, text.encode("utf-8")) for name, text in members)


def build_txt(notice: Notice, encoding: str = "gbk") -> bytes:
    """A plain-text copy as Windows Notepad in China saves it: GBK, CRLF."""
    return notice.text().replace("\n", "\r\n").encode(encoding)


# --------------------------------------------------------------------------------------------
# Seeded tables
# --------------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_WORDS = _words(
    "鑫源 华川 蓬达 宏远 顺达 金桥 赤城 天福 明月 宝梵 锦华 恒通 兴蓬 安泰 永盛 嘉禾 瑞丰 鸿运 泰和 新蓬 蜀通 天成 德信 聚源 盛世 华邦 蓬莱 红江 常乐 文井 荣盛 祥瑞 丰源 佳和 卓越 创新 长城 华兴 利民 兴达"
)
_TOWNS = _words(
    "赤城镇 新会镇 文井镇 明月镇 常乐镇 天福镇 红江镇 宝梵镇 大石镇 吉祥镇 鸣凤镇 任隆镇 三凤镇 高坪镇 蓬南镇 群利镇 普安街道 金桥街道"
)
_PEOPLE = _words("张 王 李 刘 陈 杨 黄 赵 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗 唐 邓 蒋 谢")
_GIVEN = _words("伟 强 军 勇 杰 涛 明 超 华 平 刚 兵 建国 志强 晓东 海燕 丽 静 敏 红 燕 霞 建华 德明")


@dataclass(frozen=True)
class Sector:
    """One department's 行业领域 for the 大检查 tables: who is inspected and what is found there."""

    name: str  # 住建 / 交通运输
    suffixes: tuple[str, ...]
    problems: tuple[str, ...]
    inspectors: str


SECTORS: dict[str, Sector] = {
    "住建": Sector(
        "住建",
        (
            "建筑工程有限公司",
            "建设工程有限公司",
            "燃气有限公司",
            "房地产开发有限公司",
            "市政工程有限公司",
            "物业服务有限公司",
        ),
        (
            "施工现场临边防护不到位",
            "脚手架连墙件设置不足",
            "特种作业人员未持证上岗",
            "配电箱未设置漏电保护器",
            "安全技术交底记录不全",
            "燃气管道标识缺失",
            "消防器材过期未更换",
            "塔吊限位装置失效",
            "基坑周边堆载超限",
            "高处作业未系安全带",
            "燃气用户未安装报警装置",
            "安全教育培训台账不全",
        ),
        "县住建局质安站",
    ),
    "交通运输": Sector(
        "交通运输",
        (
            "汽车运输有限公司",
            "客运有限责任公司",
            "物流有限公司",
            "危险货物运输有限公司",
            "驾驶培训有限公司",
            "公交有限公司",
        ),
        (
            "车辆动态监控值守记录不全",
            "驾驶员安全教育培训台账缺失",
            "车载灭火器压力不足",
            "应急演练记录不完整",
            "车辆未按期进行二级维护",
            "站场安全出口堵塞",
            "危险货物运输车辆标志灯损坏",
            "安全生产责任书未签订",
            "驾驶员超时驾驶未及时纠正",
            "隐患排查记录填写不规范",
        ),
        "县交通运输局安全股",
    ),
}


@dataclass(frozen=True)
class SectorTables:
    """名单, 检查记录 and 整改台账 of one sector, and the numbers a truthful report would state."""

    listed: tuple[tuple[object, ...], ...]
    inspections: tuple[tuple[object, ...], ...]
    hazards: tuple[tuple[object, ...], ...]

    @property
    def rectified(self) -> int:
        return sum(1 for row in self.hazards if row[-2] == "已整改")


NAME_HEADER = ("序号", "企业名称", "所在乡镇（街道）", "主要负责人", "联系电话", "企业类别")
INSPECTION_HEADER = ("序号", "被检查单位", "检查日期", "检查人员", "检查内容", "发现问题数")
HAZARD_HEADER = ("序号", "企业名称", "隐患问题", "整改措施", "整改责任人", "整改时限", "整改情况", "备注")


def _person(rng: random.Random) -> str:
    return rng.choice(_PEOPLE) + rng.choice(_GIVEN)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def sector_tables(rng: random.Random, sector: Sector, count: int) -> SectorTables:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(('蓬溪县', '蓬溪县', '四川', '遂宁'))}{rng.choice(_WORDS)}{rng.choice(sector.suffixes)}"
        if name not in names:
            names.append(name)
    listed = tuple(
        (
            i + 1,
            n,
            rng.choice(_TOWNS),
            _person(rng),
            f"1{rng.choice('358')}{rng.randrange(10**8, 10**9)}",
            rng.choice(("重点企业", "高危企业", "规上企业")),
        )
        for i, n in enumerate(names)
    )
    visits: list[tuple[str, date, int]] = []
    for n in names:
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            visits.append(
                (n, _day(rng, date(2022, 5, 10), date(2022, 11, 25)), rng.choice((0, 0, 1, 1, 2, 3)))
            )
    visits.sort(key=lambda v: (v[1], v[0]))
    inspections = tuple(
        (i + 1, n, d.isoformat(), f"{_person(rng)}、{_person(rng)}", "安全生产大检查", found)
        for i, (n, d, found) in enumerate(visits)
    )
    hazards: list[tuple[object, ...]] = []
    for n, d, found in visits:
        for _ in range(found):
            problem = rng.choice(sector.problems)
            deadline = d + timedelta(days=rng.choice((7, 15, 30)))
            done = rng.random() < 0.88
            hazards.append(
                (
                    len(hazards) + 1,
                    n,
                    problem,
                    f"责令企业{problem.replace('不到位', '').replace('未', '')}限期整改",
                    _person(rng),
                    deadline.isoformat(),
                    "已整改" if done else "整改中",
                    "" if done else "已约谈企业负责人",
                )
            )
    return SectorTables(listed, inspections, tuple(hazards))


def hazard_list(rng: random.Random, rows: int = 24) -> list[tuple[object, ...]]:
    """The county 事故隐患清单 with the 五落实 (责任、措施、资金、时限、预案) of rubric 7(8)."""
    fields = ("危险化学品", "城镇燃气", "道路交通", "建筑施工", "消防", "特种设备", "工贸", "水电站")
    problems = (
        "储罐区可燃气体报警器未定期检定",
        "液化石油气储配站防雷检测过期",
        "临水临崖路段防护栏缺失",
        "深基坑未按方案支护",
        "人员密集场所疏散通道堵塞",
        "电梯安全部件超期未检",
        "粉尘涉爆车间除尘系统未设泄爆装置",
        "水电站压力钢管锈蚀",
    )
    out: list[tuple[object, ...]] = []
    for i in range(rows):
        k = rng.randrange(len(fields))
        d = _day(rng, date(2022, 5, 20), date(2022, 10, 31))
        out.append(
            (
                i + 1,
                fields[k],
                f"{rng.choice(('蓬溪县', '四川'))}{rng.choice(_WORDS)}{rng.choice(('有限公司', '加油站', '水电站', '燃气公司'))}",
                problems[k],
                rng.choice(("一般隐患", "一般隐患", "重大隐患")),
                _person(rng),
                f"制定专项整改方案，{rng.choice(('停产整改', '限期整改', '边整改边防范'))}",
                round(rng.uniform(0.5, 60), 1),
                (d + timedelta(days=30)).isoformat(),
                rng.choice(("已制定现场处置方案", "纳入企业应急预案")),
                rng.choice(("已整改", "已整改", "整改中")),
            )
        )
    return out


def holiday_roster(start: date = date(2022, 9, 30), days: int = 9) -> list[tuple[object, ...]]:
    leaders = (
        "县委书记",
        "县长",
        "常务副县长",
        "副县长（应急）",
        "县委副书记",
        "副县长（住建）",
        "县委常委",
        "副县长（交通）",
        "县长",
    )
    out: list[tuple[object, ...]] = []
    for i in range(days):
        d = start + timedelta(days=i)
        out.append(
            (
                d.isoformat(),
                "一二三四五六日"[d.weekday()],
                leaders[i % len(leaders)],
                f"县政府办值班员{i % 4 + 1}",
                "0825-5422110",
            )
        )
    return out


def duty_roster(rng: random.Random) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    d = date(2022, 10, 1)
    while d.month == 10:
        out.append(
            (
                d.isoformat(),
                "一二三四五六日"[d.weekday()],
                f"{_person(rng)}（副局长）",
                _person(rng),
                _person(rng),
                "0825-5422163",
            )
        )
        d += timedelta(days=1)
    return out


def self_built_roster(rng: random.Random, rows: int, start: date, end: date) -> list[tuple[object, ...]]:
    """A 自建房 排查汇总: deliberately without 隐患/整改 headers, so it is not read as a 台账."""
    uses = ("经营性自建房", "居住自建房", "居住兼经营", "出租自建房")
    out: list[tuple[object, ...]] = []
    for i in range(rows):
        town = rng.choice(_TOWNS)
        out.append(
            (
                i + 1,
                town,
                f"{rng.choice(_WORDS)}村" if "街道" not in town else f"{rng.choice(_WORDS)}社区",
                f"{town}{rng.choice(_WORDS)}路{rng.randrange(1, 300)}号",
                _person(rng),
                rng.choice(("砖混", "框架", "砖木")),
                rng.randrange(1, 7),
                rng.choice(uses),
                _day(rng, start, end).isoformat(),
                rng.choice(("安全", "安全", "安全", "需鉴定", "立即停用")),
            )
        )
    return out


def sign_in(rng: random.Random, rows: int, unit: str, posts: Sequence[str]) -> list[tuple[object, ...]]:
    return [
        (i + 1, _person(rng), unit if i % 3 else f"{unit}（班子成员）", rng.choice(posts), "")
        for i in range(rows)
    ]


# --------------------------------------------------------------------------------------------
# The inbox
# --------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """Files in writing order; the duplicate is recorded by content, not rebuilt."""

    entries: list[tuple[DemoFile, bytes]] = field(default_factory=list)

    def add(
        self,
        folder: str,
        name: str,
        department: str | None,
        fmt: str,
        proves: Sequence[str],
        note: str,
        data: bytes,
        **extra: object,
    ) -> DemoFile:
        rel = f"{folder}/{name}" if folder else name
        f = DemoFile(rel, department, folder, fmt, tuple(proves), note, **extra)  # type: ignore[arg-type]
        self.entries.append((f, data))
        return f


def _asset(name: str) -> bytes:
    path = asset_path(name)
    try:
        return path.read_bytes()
    except OSError as e:
        raise EvidenceDeskError(f"示例数据文件缺失：{path}，请重新安装程序", detail=str(e)) from e


def _scan(key: str) -> bytes:
    return build_scan_pdf([_asset(n) for n in scan_page_names(key)], title=NOTICES[SCANS[key].notice].title)


def _lock_file(owner: str) -> bytes:
    """An Office owner file (~$…): the user name as a length-prefixed string, padded to 162 bytes."""
    name = owner.encode("utf-16-le")
    data = bytes([len(owner)]) + owner.encode("gbk")[:53].ljust(53, b" ") + bytes([len(owner), 0]) + name
    return data.ljust(162, b"\x00")


def _exe() -> bytes:
    """Something a department should not send: a Windows executable's first bytes (MZ/PE stub)."""
    stub = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00"
    return (stub + b"This program cannot be run in DOS mode.\r\r\n$").ljust(512, b"\x00") + b"PE\x00\x00"


def _claims_report(
    title: str,
    sector: str,
    organ: str,
    day: str,
    enterprises: int,
    inspections: int,
    found: int,
    rectified: int,
) -> Notice:
    """The text the rubric asks to go with the 大检查 tables (7(2)/7(7) 提示)."""
    return Notice(
        header=f"{organ}文件" if "局" in organ else "",
        title=title,
        addressee="县安委会办公室：",
        body=(
            f"全县{sector}行业领域重点企业单位{enterprises}家，安全生产大检查以来共计检查{inspections}次，"
            f"发现问题{found}个，整改{rectified}个。",
            "一、工作开展情况。我局成立了安全生产大检查工作领导小组，制定了工作方案，明确了检查重点和责任分工，"
            "对行业领域重点企业实行全覆盖检查，建立了重点企业名单、检查记录和问题隐患整改台账。",
            "二、存在的主要问题。部分企业安全生产主体责任落实不到位，安全教育培训流于形式，隐患排查治理不深入。",
            "三、下一步工作。持续督促企业落实隐患整改，对未整改完成的隐患实行挂账督办、逐项销号。",
        ),
        signature=organ,
        date=day,
    )


def _build(seed: int) -> tuple[_Plan, tuple[str, ...], tuple[str, ...]]:
    def rng(key: str) -> random.Random:
        return random.Random(f"{seed}/{key}")  # one stream per file: adding a file changes no other

    p = _Plan()
    yj, ab, zj, jy = "县应急管理局", "县安办", "县住房城乡建设局", "县交通运输局"

    # ---- 县应急管理局 (folder written as the full name) -------------------------------------
    f = "县应急管理局"
    p.add(
        f,
        "蓬溪县贯彻落实安全生产十五条措施实施方案.docx",
        yj,
        "docx",
        ["7(1)"],
        "十五条措施落实方案，引用遂安委〔2022〕15号，附任务分解表",
        build_docx(
            NOTICES["15条"],
            tables=[
                [
                    ("序号", "重点任务", "牵头单位", "完成时限"),
                    ("1", "修订县级部门安全生产工作任务分工", "县应急局", "2022年7月底"),
                    ("2", "开展安全生产大检查", "县安委会各成员单位", "2022年11月底"),
                    ("3", "重大隐患挂牌督办", "县安办", "持续推进"),
                    ("4", "党政领导干部安全生产履职督查", "县委督查室、县政府督查室", "2022年12月底"),
                ]
            ],
        ),
        doc_number="蓬安委〔2022〕8号",
    )
    p.add(
        f,
        "蓬安办发〔2022〕12号大检查方案（盖章扫描件）.pdf",
        yj,
        "pdf",
        ["7(2)"],
        "扫描件（无文字层），红章盖在落款上",
        _scan("scan-daijiancha"),
        by_code=False,
        ocr_pages=1,
        doc_number="蓬安办发〔2022〕12号",
    )
    p.add(
        f,
        "巩固提升年实施方案.pdf",
        yj,
        "pdf",
        ["7(3)"],
        "文字版PDF，引用遂安委〔2022〕9号",
        build_text_pdf(NOTICES["巩固提升"]),
        doc_number="蓬安委〔2022〕5号",
    )
    p.add(
        f,
        "奋战一百天护航二十大专项行动工作方案.docx",
        yj,
        "docx",
        ["7(3)"],
        "引用遂安委〔2022〕20号",
        build_docx(NOTICES["百日"]),
        doc_number="蓬安委〔2022〕21号",
    )
    p.add(
        f,
        "危化品集中治理实施方案（扫描）.pdf",
        yj,
        "pdf",
        ["8(1)", "8(2)"],
        "扫描件，红章盖在文号上；引用遂安委〔2022〕4号",
        _scan("scan-weihua"),
        by_code=False,
        ocr_pages=1,
        doc_number="蓬应急发〔2022〕31号",
    )
    p.add(
        f,
        "11月安全风险会商研判会议纪要.docx",
        yj,
        "docx",
        ["6(4)"],
        "会议纪要（只有11月一期，缺其他月份）",
        build_docx(NOTICES["研判纪要"]),
    )
    p.add(
        f,
        "2022年全县安全生产工作要点.pdf",
        yj,
        "pdf",
        ["6(7)"],
        "文字版PDF",
        build_text_pdf(NOTICES["要点"]),
        doc_number="蓬安委〔2022〕2号",
    )
    p.add(
        f,
        "蓬溪县“十四五”应急体系规划.ofd",
        yj,
        "ofd",
        ["2(4)"],
        "OFD 版式文件",
        build_ofd(NOTICES["规划"]),
        doc_number="蓬府办发〔2022〕16号",
    )
    p.add(
        f,
        "安全生产巡查工作制度.txt",
        yj,
        "txt",
        ["7(6)"],
        "GBK 编码的文本文件（Windows 记事本）",
        build_txt(NOTICES["巡查制度"]),
        doc_number="蓬安委〔2022〕14号",
    )
    p.add(
        f,
        "2022年大检查事故隐患清单.xlsx",
        yj,
        "xlsx",
        ["7(8)"],
        "事故隐患清单，含五落实各列",
        build_xlsx(
            [
                (
                    "隐患清单",
                    "蓬溪县2022年安全生产大检查事故隐患清单",
                    (
                        "序号",
                        "行业领域",
                        "隐患单位",
                        "隐患描述",
                        "隐患等级",
                        "整改责任人",
                        "整改措施",
                        "整改资金（万元）",
                        "整改时限",
                        "应急预案",
                        "整改情况",
                    ),
                    hazard_list(rng("隐患清单")),
                )
            ]
        ),
    )
    bundle = [
        ("安全生产月/安全生产月活动方案.docx", build_docx(NOTICES["安全月方案"])),
        ("安全生产月/安全生产月活动总结.pdf", build_text_pdf(NOTICES["安全月总结"])),
        (
            "安全生产月/宣传咨询日签到表.xlsx",
            build_xlsx(
                [
                    (
                        "签到表",
                        "2022年安全生产月宣传咨询日活动签到表",
                        ("序号", "姓名", "单位", "职务", "签名"),
                        sign_in(
                            rng("签到月"), 28, "县应急局", ("局长", "副局长", "股长", "科员", "执法队员")
                        ),
                    )
                ]
            ),
        ),
    ]
    p.add(
        f,
        "安全生产月活动资料.zip",
        yj,
        "zip",
        ["19(2)"],
        "压缩包：方案、总结、签到表；成员名为 GBK 编码（未设 UTF-8 标志，Windows 压缩）",
        _zip(bundle, gbk=True),
    )
    p.add(
        f,
        "安全生产月启动仪式.jpg",
        yj,
        "image",
        ["19(2)"],
        "活动照片，横幅文字，EXIF 拍摄时间 2022-06-01",
        _asset("photo-qidong.jpg"),
        by_code=False,
        ocr_pages=1,
    )
    p.add(
        f,
        "2021年度安全生产工作总结.docx",
        yj,
        "docx",
        ["2021"],
        "2021年的文件（2022年度考核不应采用）",
        build_docx(NOTICES["2021总结"], when=datetime(2021, 12, 28, 16, 20)),
        doc_number="蓬应急发〔2021〕56号",
    )
    p.add(
        f,
        "~$方案.docx",
        None,
        "lock",
        ["skipped"],
        "Word 打开文件时生成的锁定文件，应跳过",
        _lock_file("应急局-李伟"),
    )
    p.add(
        f,
        "党政领导干部安全生产职责清单和年度任务清单.docx",
        yj,
        "docx",
        ["2(6)"],
        "职责清单和任务清单（缺培训签到、照片）",
        build_docx(
            NOTICES["职责清单"],
            tables=[
                [
                    ("岗位", "安全生产职责", "2022年度任务"),
                    ("县委书记", "对全县安全生产工作负领导责任", "主持召开县委常委会研究安全生产不少于2次"),
                    ("县长", "对全县安全生产工作负全面领导责任", "召开县政府常务会研究安全生产不少于2次"),
                    ("常务副县长", "协助县长负责安全生产综合监管", "组织安全生产形势分析"),
                    ("副县长", "对分管领域安全生产负领导责任", "同时安排部署、同时组织实施、同时监督检查"),
                ]
            ],
        ),
        doc_number="蓬安委〔2022〕6号",
    )
    p.add(
        f,
        "党政领导干部安全生产提醒函.docx",
        yj,
        "docx",
        ["2(5)"],
        "提醒函（缺落实情况反馈）",
        build_docx(NOTICES["提醒函"]),
        doc_number="蓬安办函〔2022〕27号",
    )
    p.add(
        f,
        "重大事故隐患挂牌督办通知.pdf",
        yj,
        "pdf",
        ["bad"],
        "加密PDF（有打开密码），应列为问题",
        build_text_pdf(NOTICES["挂牌督办"], encrypt_password="pxyj2022"),
        problem="encrypted",
        doc_number="蓬安办发〔2022〕40号",
    )
    p.add(
        f,
        "安全生产举报奖励实施办法.doc",
        yj,
        "doc",
        ["27(1)"],
        "旧版 Word（.doc），需 LibreOffice 读取",
        _asset(LEGACY_DOC),
        by_code=False,
        doc_number="蓬应急发〔2022〕22号",
    )
    p.add(
        f,
        "国庆期间应急值班表.xlsx",
        yj,
        "xlsx",
        ["5(1)", "5(2)"],
        "应急局值班表（缺值守制度文件）",
        build_xlsx(
            [
                (
                    "10月值班表",
                    "蓬溪县应急管理局2022年10月值班表",
                    ("日期", "星期", "带班领导", "值班人员", "备班人员", "值班电话"),
                    duty_roster(rng("值班")),
                )
            ]
        ),
    )

    # ---- 县安办 ---------------------------------------------------------------------------------
    f = "县安委办"
    p.add(
        f,
        "2022年度安全生产党政同责考评工作方案.docx",
        ab,
        "docx",
        ["13"],
        "考评方案",
        build_docx(NOTICES["考评方案"]),
        doc_number="蓬安委〔2022〕25号",
    )
    p.add(
        f,
        "关于学习贯彻总书记安全生产重要指示批示精神的通知.pdf",
        ab,
        "pdf",
        ["1"],
        "文字版PDF",
        build_text_pdf(NOTICES["批示落实"]),
        doc_number="蓬安办发〔2022〕9号",
    )

    # ---- 县政府办公室 ---------------------------------------------------------------------------
    f, gb = "县府办", "县政府办公室"
    p.add(
        f,
        "县政府十八届第二十三次常务会议纪要.docx",
        gb,
        "docx",
        ["1", "2(1)"],
        "常务会议纪要",
        build_docx(NOTICES["常务会"]),
    )
    p.add(
        f,
        "2022年政府工作报告（节选）.pdf",
        gb,
        "pdf",
        ["2(2)"],
        "文字版PDF（无文号）",
        build_text_pdf(NOTICES["工作报告"]),
    )
    p.add(
        f,
        "国庆节假日领导带班值班表.xls",
        gb,
        "xls",
        ["5(1)"],
        "旧版 Excel（.xls）",
        _asset(LEGACY_XLS),
        by_code=False,
    )
    p.add(
        f,
        "县政府领导班子成员工作分工.docx",
        gb,
        "docx",
        ["2(3)"],
        "分工文件",
        build_docx(NOTICES["分工"]),
        doc_number="蓬府发〔2022〕7号",
    )

    # ---- 县委组织部, 县财政局 -------------------------------------------------------------------
    p.add(
        "县委组织部",
        "年度考核工作通知.docx",
        "县委组织部",
        "docx",
        ["2(8)"],
        "年度考核文件（缺述职材料）",
        build_docx(NOTICES["年度考核"]),
        doc_number="蓬组发〔2022〕41号",
    )
    budget = [
        ("安全生产监管执法经费", 86.0, 92.5),
        ("安全生产专项整治经费", 120.0, 135.0),
        ("应急救援队伍建设", 60.0, 66.0),
        ("应急物资储备", 45.0, 50.0),
        ("安全生产宣传教育培训", 18.0, 20.0),
        ("举报奖励经费", 5.0, 6.0),
        ("重大隐患治理补助", 80.0, 90.0),
        ("应急指挥信息化建设", 70.0, 78.0),
        ("森林防灭火", 55.0, 58.0),
        ("安全生产责任保险补助", 12.0, 13.0),
    ]
    rows: list[tuple[object, ...]] = [
        (i + 1, n, a, b, f"{(b - a) / a:.1%}", "") for i, (n, a, b) in enumerate(budget)
    ]
    ta, tb = sum(a for _, a, _ in budget), sum(b for _, _, b in budget)
    rows.append(("合计", "", ta, tb, f"{(tb - ta) / ta:.1%}", "与一般公共预算收入增幅同步"))
    p.add(
        "财政局",
        "2022年安全生产专项资金预算表.xlsx",
        "县财政局",
        "xlsx",
        ["2(7)"],
        "预算表（缺同步增长说明）",
        build_xlsx(
            [
                (
                    "预算表",
                    "蓬溪县2022年安全生产专项资金预算表（单位：万元）",
                    ("序号", "项目", "2021年预算数", "2022年预算数", "增长率", "备注"),
                    rows,
                )
            ],
            author="县财政局",
        ),
    )

    # ---- 县住房城乡建设局: report numbers MATCH the tables -----------------------------------
    f = "住建"
    zt = sector_tables(rng("住建"), SECTORS["住建"], rng("住建n").randrange(22, 29))
    p.add(
        f,
        "城镇燃气百日行动实施方案（盖章）.pdf",
        zj,
        "pdf",
        ["9(1)", "9(3)"],
        "两页扫描件，红章盖在落款上；引用遂安委〔2022〕2号、18号",
        _scan("scan-ranqi"),
        by_code=False,
        ocr_pages=2,
        doc_number="蓬住建发〔2022〕45号",
    )
    p.add(
        f,
        "城乡自建房安全专项整治工作方案.docx",
        zj,
        "docx",
        ["10(1)"],
        "引用遂安办〔2022〕55号",
        build_docx(NOTICES["自建房"]),
        doc_number="蓬住建发〔2022〕28号",
    )
    p.add(
        f,
        "住建领域重点企业名单.xlsx",
        zj,
        "xlsx",
        ["7(2)", "7(7)"],
        f"重点企业{len(zt.listed)}家",
        build_xlsx([("名单", "蓬溪县住建领域重点企业名单", NAME_HEADER, zt.listed)], author="县住建局"),
    )
    p.add(
        f,
        "住建领域重点企业检查记录.xlsx",
        zj,
        "xlsx",
        ["7(2)", "7(7)"],
        f"检查记录{len(zt.inspections)}条",
        build_xlsx(
            [("检查记录", "蓬溪县住建领域重点企业检查记录", INSPECTION_HEADER, zt.inspections)],
            author="县住建局",
        ),
    )
    p.add(
        f,
        "住建领域问题隐患整改台账.xlsx",
        zj,
        "xlsx",
        ["7(2)", "7(7)"],
        f"隐患{len(zt.hazards)}条，已整改{zt.rectified}条",
        build_xlsx(
            [("整改台账", "蓬溪县住建领域问题隐患整改台账", HAZARD_HEADER, zt.hazards)], author="县住建局"
        ),
    )
    p.add(
        f,
        "住建领域安全生产大检查工作情况报告.docx",
        zj,
        "docx",
        ["7(2)", "7(7)"],
        "文字描述与名单、检查记录、台账一致",
        build_docx(
            _claims_report(
                "蓬溪县住房和城乡建设局关于安全生产大检查工作开展情况的报告",
                "建筑施工和城镇燃气",
                "蓬溪县住房和城乡建设局",
                "2022年11月28日",
                len(zt.listed),
                len(zt.inspections),
                len(zt.hazards),
                zt.rectified,
            )
        ),
    )
    gaoceng = build_text_pdf(NOTICES["高层"])
    p.add(
        f,
        "高层建筑重大火灾风险专项整治方案.pdf",
        zj,
        "pdf",
        ["11(1)"],
        "文字版PDF，引用遂安委〔2022〕21号",
        gaoceng,
        doc_number="蓬安办发〔2022〕33号",
    )
    p.add(
        f,
        "自建房排查整治/城乡自建房安全排查汇总表.xlsx",
        zj,
        "xlsx",
        ["10(3)"],
        "子文件夹中的排查汇总表",
        build_xlsx(
            [
                (
                    "排查汇总",
                    "蓬溪县城乡自建房安全排查汇总表",
                    (
                        "序号",
                        "乡镇（街道）",
                        "村（社区）",
                        "房屋地址",
                        "产权人",
                        "结构类型",
                        "层数",
                        "用途",
                        "排查日期",
                        "排查结论",
                    ),
                    self_built_roster(rng("自建房"), 60, date(2022, 6, 10), date(2022, 10, 31)),
                )
            ],
            author="县住建局",
        ),
    )

    # ---- 县消防救援大队: the same 高层 PDF again (a duplicate) -------------------------------
    f, xf = "消防大队", "县消防救援大队"
    p.add(
        f,
        "关于印发高层建筑整治方案的通知.pdf",
        xf,
        "pdf",
        ["duplicate"],
        "与住建文件夹中的方案字节完全相同",
        gaoceng,
        duplicate_of="住建/高层建筑重大火灾风险专项整治方案.pdf",
        doc_number="蓬安办发〔2022〕33号",
    )
    r = rng("高层台账")
    p.add(
        f,
        "高层建筑火灾风险排查整治台账.xlsx",
        xf,
        "xlsx",
        ["11(3)"],
        "底数台账",
        build_xlsx(
            [
                (
                    "高层建筑",
                    "蓬溪县高层建筑火灾风险排查整治台账",
                    ("序号", "建筑名称", "地址", "层数", "物业服务企业", "排查日期", "主要隐患", "整改情况"),
                    [
                        (
                            i + 1,
                            f"{r.choice(_WORDS)}{r.choice(('花园', '国际', '大厦', '名城', '华府'))}{r.randrange(1, 9)}栋",
                            f"赤城镇{r.choice(_WORDS)}路{r.randrange(1, 200)}号",
                            r.randrange(10, 33),
                            f"蓬溪县{r.choice(_WORDS)}物业服务有限公司",
                            _day(r, date(2022, 8, 10), date(2022, 11, 20)).isoformat(),
                            r.choice(
                                (
                                    "消防车通道被占用",
                                    "楼梯间堆放杂物",
                                    "电动自行车入户充电",
                                    "消火栓无水",
                                    "防火门闭门器损坏",
                                )
                            ),
                            r.choice(("已整改", "已整改", "整改中")),
                        )
                        for i in range(36)
                    ],
                )
            ],
            author="县消防救援大队",
        ),
    )

    # ---- 县交通运输局: report numbers do NOT match the tables -------------------------------
    f = "蓬溪县交通运输局"
    jt = sector_tables(rng("交通"), SECTORS["交通运输"], rng("交通n").randrange(18, 25))
    p.add(
        f,
        "7(2)-交通运输行业安全生产大检查方案.docx",
        jy,
        "docx",
        ["7(2)"],
        "文件名引用考核项 7(2)",
        build_docx(NOTICES["交运方案"]),
        doc_number="蓬交发〔2022〕19号",
    )
    # One listed company was never inspected; the report rounds its numbers up.
    skipped_name = str(jt.listed[-1][1])
    records = [row for row in jt.inspections if row[1] != skipped_name]
    records = [(i + 1, *row[1:]) for i, row in enumerate(records)]
    p.add(
        f,
        "交通运输领域大检查资料汇总.xlsx",
        jy,
        "xlsx",
        ["7(2)", "7(7)"],
        "一个工作簿三张表：重点企业名单、检查记录、隐患整改台账",
        build_xlsx(
            [
                ("重点企业名单", "交通运输行业重点企业名单", NAME_HEADER, jt.listed),
                ("检查记录", "交通运输行业重点企业检查记录", INSPECTION_HEADER, records),
                ("隐患整改台账", "交通运输行业问题隐患整改台账", HAZARD_HEADER, jt.hazards),
            ],
            author="县交通运输局",
        ),
    )
    p.add(
        f,
        "交通运输领域大检查工作总结.pdf",
        jy,
        "pdf",
        ["7(2)", "7(7)"],
        "文字描述与清单不一致（检查次数、整改数偏大，一家企业无检查记录）",
        build_text_pdf(
            _claims_report(
                "蓬溪县交通运输局安全生产大检查工作总结",
                "交通运输",
                "蓬溪县交通运输局",
                "2022年11月25日",
                len(jt.listed),
                len(records) + 6,
                len(jt.hazards),
                min(len(jt.hazards), jt.rectified + 3),
            )
        ),
    )
    p.add(
        f,
        "四方联系机制会议纪要.docx",
        jy,
        "docx",
        ["4"],
        "联席会议纪要（缺机制文件）",
        build_docx(NOTICES["四方"]),
    )
    p.add(
        "",
        "关于开展道路运输企业安全风险评估工作的通知.docx",
        jy,
        "docx",
        ["6(1)"],
        "放在收件箱根目录，部门须从红头识别",
        build_docx(NOTICES["风险评估"]),
        doc_number="蓬交发〔2022〕23号",
        department_from_document=True,
    )

    # ---- the other departments --------------------------------------------------------------
    f, jk = "03-县经科局佐证", "县经济科技和信息化局"
    p.add(
        f,
        "工贸行业安全生产大检查工作方案.docx",
        jk,
        "docx",
        ["7(2)"],
        "只有方案，缺名单、检查记录和台账",
        build_docx(NOTICES["经科方案"]),
        doc_number="蓬经科发〔2022〕17号",
    )
    p.add(
        f,
        "工贸企业负责人安全生产培训通知.docx",
        jk,
        "docx",
        ["2(6)"],
        "培训通知（缺签到表、照片）",
        build_docx(NOTICES["培训方案"]),
        doc_number="蓬经科发〔2022〕24号",
    )

    f, sj = "县市场监管局", "县市场监督管理局"
    r = rng("回头看")
    p.add(
        f,
        "特种设备巩固提升年回头看工作台账.xlsx",
        sj,
        "xlsx",
        ["7(4)"],
        "回头看台账",
        build_xlsx(
            [
                (
                    "回头看",
                    "特种设备安全专项整治“回头看”工作台账",
                    ("序号", "使用单位", "设备类别", "设备注册代码", "复查日期", "复查结论"),
                    [
                        (
                            i + 1,
                            f"蓬溪县{r.choice(_WORDS)}{r.choice(('商贸有限公司', '酒店', '医院', '学校', '小区'))}",
                            r.choice(("电梯", "气瓶", "压力容器", "场（厂）内机动车辆")),
                            f"3110510{r.randrange(10**6, 10**7)}",
                            _day(r, date(2022, 7, 1), date(2022, 10, 30)).isoformat(),
                            r.choice(("合格", "合格", "已督促整改")),
                        )
                        for i in range(30)
                    ],
                )
            ],
            author="县市场监管局",
        ),
    )
    p.add(
        f,
        "特种设备安全隐患排查整治通知.pdf",
        sj,
        "pdf",
        ["7(2)"],
        "文字版PDF",
        build_text_pdf(NOTICES["特种设备"]),
        doc_number="蓬市监发〔2022〕33号",
    )

    f, jt_ = "教体局", "县教育和体育局"
    p.add(
        f,
        "校园安全专项检查通知.docx",
        jt_,
        "docx",
        ["7(2)"],
        "检查通知",
        build_docx(NOTICES["校园"]),
        doc_number="蓬教体发〔2022〕38号",
    )
    p.add(
        f,
        "校园消防安全检查.jpg",
        jt_,
        "image",
        ["7(2)"],
        "检查照片，EXIF 拍摄时间 2022-08-26",
        _asset("photo-xiaoyuan.jpg"),
        by_code=False,
        ocr_pages=1,
    )

    f, wj = "05_县卫健局", "县卫生健康局"
    p.add(
        f,
        "蓬溪县“十四五”职业病防治规划.pdf",
        wj,
        "pdf",
        ["6(8)"],
        "文字版PDF",
        build_text_pdf(NOTICES["职业病"]),
        doc_number="蓬卫发〔2022〕52号",
    )
    p.add(f, "医疗机构安全检查台账.xlsx", wj, "xlsx", ["bad"], "0 字节文件", b"", problem="empty")

    f, ny = "县农业农村局佐证材料", "县农业农村局"
    p.add(
        f,
        "农业农村安全生产专业委员会工作规则.docx",
        ny,
        "docx",
        ["6(3)"],
        "专委会工作规则",
        build_docx(NOTICES["专委会规则"]),
        doc_number="蓬农发〔2022〕15号",
    )
    whole = build_docx(NOTICES["农机记录"])
    p.add(
        f,
        "农机安全检查记录.docx",
        ny,
        "docx",
        ["bad"],
        "文件不完整（复制中断，截去后半）",
        whole[: len(whole) * 3 // 5],
        problem="corrupt",
    )

    f, wg = "文广旅", "县文化广播电视和旅游局"
    p.add(
        f,
        "旅游行业安全生产大检查通知.docx",
        wg,
        "docx",
        ["7(2)"],
        "检查通知",
        build_docx(NOTICES["旅游"]),
        doc_number="蓬文旅发〔2022〕21号",
    )
    p.add(
        f,
        "安全检查系统安装包.exe",
        wg,
        "unknown",
        ["bad"],
        "可执行程序，不支持的文件类型",
        _exe(),
        problem="unsupported",
    )

    p.add(
        "商务局",
        "商贸企业双重预防机制建设通知.docx",
        "县商务经济合作局",
        "docx",
        ["6(6)"],
        "指导双重预防机制",
        build_docx(NOTICES["双重预防"]),
        doc_number="蓬商经发〔2022〕12号",
    )
    p.add(
        "民政局",
        "养老服务机构安全生产监管工作方案.docx",
        "县民政局",
        "docx",
        ["6(8)"],
        "引用川办发〔2021〕91号",
        build_docx(NOTICES["养老"]),
        doc_number="蓬民发〔2022〕26号",
    )
    p.add(
        "交警大队",
        "道路交通安全联席会议纪要.docx",
        "县公安局交警大队",
        "docx",
        ["4"],
        "联席会议纪要",
        build_docx(NOTICES["联席"]),
    )

    # ---- townships ----------------------------------------------------------------------------
    f, ds = "大石镇", "大石镇"
    p.add(
        f,
        "大石镇观看《生命重于泰山》专题片学习记录.docx",
        ds,
        "docx",
        ["1"],
        "学习会议记录",
        build_docx(NOTICES["大石学习"]),
    )
    p.add(
        f,
        "专题片学习签到表.xlsx",
        ds,
        "xlsx",
        ["1"],
        "签到表",
        build_xlsx(
            [
                (
                    "签到表",
                    "大石镇观看《生命重于泰山》专题片学习签到表",
                    ("序号", "姓名", "单位", "职务", "签名"),
                    sign_in(
                        rng("大石签到"), 24, "大石镇", ("党委委员", "副镇长", "站所负责人", "村支部书记")
                    ),
                )
            ],
            author="大石镇",
        ),
    )
    p.add(
        f,
        "安全生产月宣传咨询日.jpg",
        ds,
        "image",
        ["19(2)"],
        "活动照片，EXIF 拍摄时间 2022-06-16",
        _asset("photo-dashi.jpg"),
        by_code=False,
        ocr_pages=1,
    )
    p.add(
        f,
        "大石镇2022年安全生产月活动总结.docx",
        ds,
        "docx",
        ["19(2)"],
        "活动总结",
        build_docx(NOTICES["大石总结"]),
    )

    f, pa = "普安街道办", "普安街道"
    p.add(
        f,
        "普安街道安全生产月活动方案.docx",
        pa,
        "docx",
        ["19(2)"],
        "只有方案，缺照片和总结",
        build_docx(NOTICES["普安方案"]),
    )
    p.add(
        f,
        "党工委学习专题片会议记录.pdf",
        pa,
        "pdf",
        ["1"],
        "文字版PDF（缺签到表）",
        build_text_pdf(NOTICES["普安学习"]),
    )

    # ---- a folder that names no department ------------------------------------------------------
    p.add(
        "新建文件夹",
        "普法宣传活动简报.docx",
        "县司法局",
        "docx",
        ["19(2)"],
        "文件夹名不是部门名，部门须从落款识别",
        build_docx(NOTICES["普法简报"]),
        department_from_document=True,
    )

    return p, (zj,), (jy,)


def _occupied(inbox: Path) -> list[str]:
    """What makes ``inbox`` non-empty: anything but the README and system clutter (Thumbs.db …)."""
    from pipeline.discover import skip_reason

    if not inbox.exists():
        return []
    if not inbox.is_dir():
        raise DemoInboxNotEmpty(f"“{inbox}” 不是文件夹，无法写入示例收件箱")
    return sorted(
        e.name
        for e in inbox.iterdir()
        if e.name.lower() != "readme.md" and not skip_reason(e.name, is_dir=e.is_dir())
    )


def write_demo_inbox(
    inbox: Path, *, seed: int = 2022, today: date | None = None, force: bool = False
) -> DemoManifest:
    """Write the demo inbox under ``inbox`` and say what each file should prove.

    Refuses a non-empty inbox (a README.md and system clutter do not count) unless ``force``, which
    overwrites the demo's own paths and leaves every other file alone. ``today`` is the hand-in day
    that file modification times are set to, so ledgers built on two demo runs agree.
    """
    inbox = Path(inbox)
    occupied = _occupied(inbox)
    if occupied and not force:
        shown = "、".join(occupied[:5]) + ("等" if len(occupied) > 5 else "")
        raise DemoInboxNotEmpty(
            f"收件箱“{inbox}”不是空的（已有 {len(occupied)} 项：{shown}），为免与各部门的真实材料混在一起，"
            "未写入示例数据。请换一个空文件夹，或确认后加 --force 覆盖写入。",
            detail=f"{len(occupied)} entries",
        )
    plan, consistent, inconsistent = _build(seed)
    day = today or DEFAULT_TODAY
    try:
        for i, (f, data) in enumerate(plan.entries):
            path = inbox.joinpath(*f.rel_path.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            stamp = datetime.combine(day, time(9, 0)) + timedelta(minutes=7 * i)
            os.utime(path, (stamp.timestamp(), stamp.timestamp()))
    except OSError as e:
        raise EvidenceDeskError(f"无法写入示例收件箱“{inbox}”：{e.strerror or e}", detail=str(e)) from e
    return DemoManifest(
        inbox=inbox,
        seed=seed,
        files=tuple(f for f, _ in plan.entries),
        consistent=consistent,
        inconsistent=inconsistent,
    )
