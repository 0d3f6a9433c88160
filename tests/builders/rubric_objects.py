"""Small Rubric objects built in code, shaped like the 2022 蓬溪 rubric but tiny enough to reason about.

``small_rubric()`` holds (points in brackets, what each sub-item can cost after the rules of
pipeline/matrix.py):

- 一、加强组织领导 (13) / （一）责任落实 (10)
  - item 1 (5): sub-item "1", 县委办公室 + 县政府办公室, materials 纪要 + 文件, deductions 2 + 1/项次 + 1 → 4
  - item 2 (5): "2(1)" cap 1, 县委办公室; "2(3)" cap 1, 县应急局 + 县住房城乡建设局, materials 方案 + 签到 + 照片;
    "2(4)" 0.5 flat, 县应急局
  - item 5 (1): "5(1)" 0.5, "5(2)" 0.3 + 0.2 + 0.5 → raw 1.5 > 1, scaled by 2/3 → 1/3 and 2/3; both 县应急局
- 二、推动重点工作 (50) / （四）重点专项整治 (17)
  - item 7 (12): "7(2)" 1 + 1 → 2, 县住房城乡建设局 + 县应急局, materials 名单 + 记录 + 台账
  - item 13 (1): "13" no deductions → the item's points, 县应急局
- 三、强化考核问效 (37) / （十）事故防控 (25)
  - item 21 (25, veto): "21", 县应急局
- bonus (cap 5): B1 1, B2 1, B3 1, B4 3
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.models import (
    Bonus,
    BonusItem,
    Category,
    Deduction,
    DeductionUnit,
    Item,
    ItemKind,
    Part,
    Rubric,
    SubItem,
)

WEI = "县委办公室"
ZHENGFU = "县政府办公室"
YINGJI = "县应急局"
ZHUJIAN = "县住房城乡建设局"
REGISTRY_ORDER = (YINGJI, ZHENGFU, WEI, ZHUJIAN, "县财政局")
ALIASES = {ZHUJIAN: ("县住建局", "县住建", "住建"), YINGJI: ("县应急", "应急局")}


def deduction(amount: float, unit: DeductionUnit = "once", text: str = "") -> Deduction:
    return Deduction(amount, unit, text or f"扣{amount}分")


def sub_item(
    sub_id: str,
    *,
    text: str = "",
    departments: Sequence[str] = (YINGJI,),
    materials: Sequence[str] = (),
    deductions: Sequence[Deduction] = (),
    cap: float | None = None,
    duty: str = "",
    evidence_hint: str = "",
    cited_titles: Sequence[str] = (),
    cited_doc_numbers: Sequence[str] = (),
) -> SubItem:
    item_no = int(sub_id.split("(")[0])
    no = int(sub_id.split("(")[1].rstrip(")")) if "(" in sub_id else None
    return SubItem(
        id=sub_id,
        item_no=item_no,
        no=no,
        text=text or f"第{sub_id}项的考评内容",
        departments=tuple(departments),
        materials=tuple(materials),
        cited_doc_numbers=tuple(cited_doc_numbers),
        cited_titles=tuple(cited_titles),
        deductions=tuple(deductions),
        cap=cap,
        duty=duty,
        evidence_hint=evidence_hint,
    )


def item(
    no: int, points: float, subs: Sequence[SubItem], *, kind: ItemKind = "normal", title: str = ""
) -> Item:
    return Item(no=no, title=title or f"第{no}项", points=points, kind=kind, sub_items=tuple(subs))


def rubric(
    parts: Sequence[Part], *, bonus: Bonus | None = None, year: int = 2022, title: str = "测试考核表"
) -> Rubric:
    return Rubric(year=year, title=title, parts=tuple(parts), bonus=bonus)


def one_item_rubric(subs: Sequence[SubItem], *, points: float = 10.0, item_no: int | None = None) -> Rubric:
    """A rubric of a single item (points ``points``) in a single part and category of 100 points."""
    no = item_no if item_no is not None else subs[0].item_no
    cat = Category("一", 1, "测试类别", 100.0, (item(no, points, subs),))
    return rubric([Part("一", 1, "测试部分", 100.0, (cat,))])


def small_rubric() -> Rubric:
    item1 = item(
        1,
        5,
        [
            sub_item(
                "1",
                text="未及时学习贯彻习近平总书记关于安全生产工作重要论述的，扣2分",
                departments=(WEI, ZHENGFU),
                materials=("纪要", "文件"),
                deductions=(deduction(2), deduction(1, "occurrence"), deduction(1)),
                duty="县委办公室、县政府办公室提供县委常委会、县政府常务会学习贯彻相关资料",
                evidence_hint="例如：1.县政府十一届十二次常务会议纪要\n2.关于建立“两书一函”制度的通知（蓬安办发〔2021〕77号）",
                cited_titles=("生命重于泰山——学习习近平总书记关于安全生产重要论述",),
            )
        ],
    )
    item2 = item(
        2,
        5,
        [
            sub_item("2(1)", departments=(WEI,), deductions=(deduction(0.5), deduction(0.5)), cap=1),
            sub_item(
                "2(3)",
                departments=(YINGJI, ZHUJIAN),
                materials=("方案", "签到", "照片"),
                deductions=(deduction(0.5, "person"), deduction(0.5, "person")),
                cap=1,
                duty="县应急局、县住房城乡建设局提供安排部署或检查方案、签到、照片；县政府办公室提供分工文件",
            ),
            sub_item("2(4)", deductions=(deduction(0.5),)),
        ],
    )
    item5 = item(
        5,
        1,
        [
            sub_item("5(1)", deductions=(deduction(0.5),)),
            sub_item("5(2)", deductions=(deduction(0.3), deduction(0.2), deduction(0.5))),
        ],
    )
    item7 = item(
        7,
        12,
        [
            sub_item(
                "7(2)",
                departments=(ZHUJIAN, YINGJI),
                materials=("名单", "记录", "台账"),
                deductions=(deduction(1), deduction(1)),
                duty="县住建（燃气、建筑施工）、县应急（危险化学品）提供本行业领域重点企业名单+重点企业检查记录+问题隐患整改台账；县应急局提供大检查综合督导的工作佐证资料",
            )
        ],
    )
    item13 = item(13, 1, [sub_item("13")])
    item21 = item(21, 25, [sub_item("21", text="发生重大及以上生产安全事故的实行“一票否决”")], kind="veto")
    part1 = Part("一", 1, "加强组织领导", 13, (Category("一", 1, "责任落实", 10, (item1, item2, item5)),))
    part2 = Part("二", 2, "推动重点工作", 50, (Category("四", 4, "重点专项整治", 17, (item7, item13)),))
    part3 = Part("三", 3, "强化考核问效", 37, (Category("十", 10, "事故防控", 25, (item21,)),))
    bonus = Bonus(
        "加分项",
        5.0,
        (
            BonusItem("B1", "健全安全生产体制机制取得显著成效", 1.0),
            BonusItem("B2", "实施安办实体化运行", 1.0),
            BonusItem("B3", "经验做法被推广", 1.0),
            BonusItem("B4", "创建成功被命名为安全发展示范城市", 3.0),
        ),
    )
    return rubric([part1, part2, part3], bonus=bonus)


# The sub-items of the bundled 2022 rubric whose every deduction is for an adverse event (结果类)
OUTCOME_2022 = frozenset(
    {"17(4)", "19(4)", "22(1)", "22(2)", "23(1)", "23(2)", "24(4)", "28(1)", "28(2)", "28(3)"}
)
