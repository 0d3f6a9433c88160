"""Documents that share the assessment's vocabulary but are about something else.

A county's 食品安全 inspection, 防汛值班 notice or 环保督察 visit reads like safety-production work:
检查, 隐患, 值班, 督导, 整改. They are not evidence for the 安全生产党政同责 assessment, and the text
similarity cannot tell, so two plain readings decide:

- ``off_topic``: the marks of another field (食品, 防汛, 疫情, 招聘, a crash told as news…) outnumber
  the marks of safety production (安全生产, 安委会, 隐患, 燃气, 消防…) more than twice over, and the
  title does not name safety work. A 防汛抗旱及安全生产检查 stays evidence. A title that says the
  document recruits people (招聘/招录/遴选) decides alone: 招聘森林消防应急队员 is full of safety words
  and still not evidence of the county's safety work.
- ``enterprise_subject``: the title's subject is a company or a plant (海兴集团开展…大检查): a
  company's own safety work is not the government's.

Such a document is never matched; its best candidates stay as 待确认 suggestions with the reason.

- ``unnamed_sectors``: some items are one sector's campaign, their title says which (2022: items 8–11,
  危险化学品…, 城镇燃气…, 房屋建筑…, 高层建筑…). A document that does not write about the sector is
  not their evidence, however much its 实施方案…任务清单…时间进度 reads like theirs: a township's
  安全生产专项整治工作计划 is no 危化品 plan. Those sub-items stay 待确认 suggestions for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matchers.text import fold

__all__ = ["SECTORS", "OffTopic", "enterprise_subject", "off_topic", "sector_of_item", "unnamed_sectors"]

# sector → (how the title of its campaign item starts, the words that name the sector; folded forms)
SECTORS: dict[str, tuple[str, tuple[str, ...]]] = {
    "危险化学品": ("危险化学品", ("危险化学品", "危化", "化工", "化学品")),
    "城镇燃气": ("城镇燃气", ("燃气", "天然气", "液化气", "液化石油气", "煤气", "气瓶", "用气")),
    "房屋建筑和自建房": ("房屋建筑", ("自建房", "房屋", "违法建设", "违建", "违章建")),
    "高层建筑消防": ("高层建筑", ("高层", "消防", "火灾", "商业综合体")),
}

# field → the words that mark it (folded forms; counted as occurrences)
OTHER_FIELDS: dict[str, tuple[str, ...]] = {
    "食品安全": ("食品安全", "食品", "餐饮", "食安"),
    "防汛抗旱": ("防汛", "抗旱", "汛期", "防台", "山洪"),
    "疫情防控": ("疫情", "新冠", "核酸", "防疫", "肺炎"),
    "森林防灭火": ("森林防火", "防灭火", "森林草原", "野外用火", "林区"),
    "人员招聘": ("招聘", "笔试", "面试", "报名时间", "录用"),
    "税收": ("税收", "纳税", "税务"),
    "招商引资": ("招商引资", "招商"),
    "生态环境": ("生态环境", "环境保护", "污染", "环保"),
    # a crash told as news (小车与水泥车相撞): no investigation, no handling, nothing the county did
    "交通事故新闻": (
        "相撞", "追尾", "司机", "轿车", "货车", "出租车", "小车", "电动车", "摩托车", "伤者", "受伤", "撞飞",
        "目击者", "被撞", "路口", "侧翻",
    ),
}  # fmt: skip
# a title that says the document is one of these is about it, whatever safety words the post's name has
# (公开招聘森林消防应急队员公告 recruits people; it is not 应急救援队伍建设 work) — unless the title
# names safety production itself (招录安全生产执法人员 can be 监管人员结构 evidence)
TITLE_FIELDS: dict[str, tuple[str, ...]] = {"人员招聘": ("招聘", "招录", "遴选")}
TITLE_FIELD_EXEMPT = "安全生产"
SAFETY_MARKS: tuple[str, ...] = (
    "安全生产", "安委会", "安委办", "安办", "生产安全", "危险化学品", "危化品", "非煤矿山", "烟花爆竹",
    "燃气", "建筑施工", "特种设备", "消防", "应急管理", "隐患", "自建房", "事故", "安全检查", "安全监管",
    "安全防范",
)  # fmt: skip
_OTHER_WORDS = re.compile(
    "|".join(sorted({w for ws in OTHER_FIELDS.values() for w in ws}, key=len, reverse=True))
)
_SPACE = re.compile(r"\s+")
MIN_MARKS = 3  # one 防汛 in passing is not a topic
DOMINANCE = 2  # the other field's marks exceed twice the safety marks


@dataclass(frozen=True)
class OffTopic:
    field: str
    marks: int
    safety_marks: int
    by_title: bool = False  # the title alone decided; the counts were not compared

    @property
    def reason(self) -> str:
        if self.by_title:
            return f"文件标题表明主题是{self.field}，不计为安全生产佐证"
        return (
            f"文件主题是{self.field}（相关用语 {self.marks} 处，安全生产用语 {self.safety_marks} 处），"
            "不计为安全生产佐证"
        )


def _squeezed(text: str) -> str:
    """Folded, without the line breaks and spaces a PDF or OCR puts inside words (安全生\n产)."""
    return _SPACE.sub("", fold(text))


def _safety_marks(text: str) -> int:
    """Safety marks outside the other fields' words: 食品安全检查 is no 安全检查."""
    return _count(_OTHER_WORDS.sub("|", text), SAFETY_MARKS)


def _count(text: str, words: tuple[str, ...]) -> int:
    return sum(text.count(w) for w in words)


def off_topic(text: str, title: str = "") -> OffTopic | None:
    """The other field the document is about, if its marks dominate the safety-production ones."""
    head = _squeezed(title)
    for name, words in TITLE_FIELDS.items():
        if TITLE_FIELD_EXEMPT not in head and any(w in head for w in words):
            folded = _squeezed(f"{title}\n{text}")
            return OffTopic(name, _count(folded, OTHER_FIELDS[name]), _safety_marks(folded), by_title=True)
    if _safety_marks(head):
        return None  # the title says it is safety work: 防汛抗旱及安全生产检查
    folded = _squeezed(f"{title}\n{text}")
    safety = _safety_marks(folded)
    best: OffTopic | None = None
    for name, words in OTHER_FIELDS.items():
        marks = _count(folded, words)
        if marks >= MIN_MARKS and marks > DOMINANCE * safety and (best is None or marks > best.marks):
            best = OffTopic(name, marks, safety)
    return best


_ENTERPRISE = re.compile(
    r"^(?P<subject>[^，,。：:；;\s]{0,20}?(?:集团|公司|厂|车间))[^，,。]{0,8}?(?:开展|组织|召开|举办|进行)"
)
# a subject naming a government body is the government acting on a company (县应急局对XX公司开展…)
_GOVERNMENT = re.compile(r"局|委|办|政府|县|市|区|镇|乡|街道|部|厅|中心|大队|支队|所|站|对")


def enterprise_subject(title: str) -> str | None:
    """The company the title says is doing the work, or None."""
    m = _ENTERPRISE.match(fold(title).strip())
    if m is None or _GOVERNMENT.search(m.group("subject")):
        return None
    return m.group("subject")


SECTOR_MENTIONS = 2  # a sector named once in a long list of work (…危化、消防、燃气…) is not the topic


def sector_of_item(item_title: str) -> str | None:
    """The sector whose campaign an item of the rubric is, by how its title starts."""
    head = _squeezed(item_title)
    return next((name for name, (start, _) in SECTORS.items() if head.startswith(start)), None)


def unnamed_sectors(text: str, title: str = "") -> frozenset[str]:
    """The sectors the document does not write about: named neither in the title nor at least
    ``SECTOR_MENTIONS`` times in the text."""
    head, body = _squeezed(title), _squeezed(text)
    return frozenset(
        name
        for name, (_, words) in SECTORS.items()
        if not any(w in head for w in words) and _count(body, words) < SECTOR_MENTIONS
    )
