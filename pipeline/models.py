"""The data that flows from stage to stage: small frozen dataclasses, no behaviour beyond lookups.

Imports nothing of ours (see HOUSE_STYLE: models ← matchers ← pipeline stages ← flows ← CLI).
Rubric side:   Rubric → Part → Category → Item → SubItem (+ Deduction), Bonus → BonusItem.
Evidence side: SourceFile → Evidence (Page, Table, Problem) → Facts (DocNumber, …) → Match.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

# --------------------------------------------------------------------------------------------
# Rubric
# --------------------------------------------------------------------------------------------

DeductionUnit = Literal[
    "once",  # a flat deduction: 扣0.5分
    "occurrence",  # 每项次 / 每次 / 每发现一次
    "item",  # 每项 / 每缺1项 / 未完成1项
    "person",  # 每位 / 每少1人次
    "percent_point",  # 每少一个百分点
    "department",  # per department / sector: 每缺1个重点行业领域, 每少一个行业领域
    "region",  # 1个片区 / 1个 (community, unit)
    "enterprise",  # 每少1家
    "hazard",  # 1个隐患
    "tenth_accident",  # 每超0.1起
    "times",  # 每少一次 (a missing repetition of a periodic duty)
]

ItemKind = Literal["normal", "veto"]


@dataclass(frozen=True)
class Deduction:
    """One deduction rule of a sub-item, e.g. 每项次扣1分 → Deduction(1.0, "occurrence", "…")."""

    amount: float
    unit: DeductionUnit
    text: str  # the clause it was read from, as written


@dataclass(frozen=True)
class SubItem:
    """The smallest thing the county is scored on and evidence is filed against.

    ``id`` is ``"7(4)"`` for a numbered sub-item, ``"3"`` when the item has none.
    ``departments`` are canonical names from the department registry.
    """

    id: str
    item_no: int
    no: int | None
    text: str
    departments: tuple[str, ...] = ()
    departments_defaulted: bool = False  # no department named in the rubric; the default owner was used
    materials: tuple[str, ...] = ()
    cited_doc_numbers: tuple[str, ...] = ()  # canonical 代字〔YYYY〕N号
    cited_titles: tuple[str, ...] = ()  # without 《》
    deductions: tuple[Deduction, ...] = ()
    cap: float | None = None  # 本项X分，扣完为止
    duty: str = ""  # the 职责分工 text that concerns this sub-item, as written
    evidence_hint: str = ""  # the 佐证资料 cell of the item, as written

    @property
    def short_text(self) -> str:
        return self.text if len(self.text) <= 40 else self.text[:39] + "…"


@dataclass(frozen=True)
class Item:
    no: int
    title: str
    points: float
    points_inferred: bool = False
    kind: ItemKind = "normal"
    sub_items: tuple[SubItem, ...] = ()
    duty: str = ""  # the whole 职责分工 cell
    evidence_hint: str = ""  # the whole 佐证资料 cell


@dataclass(frozen=True)
class Category:
    no: str  # 一, 二, … 十二
    index: int  # 1 … 12
    title: str
    points: float
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Part:
    no: str  # 一, 二, 三
    index: int
    title: str
    points: float
    categories: tuple[Category, ...] = ()


@dataclass(frozen=True)
class BonusItem:
    id: str  # B1 … B10
    text: str
    points: float  # the largest single award the text names


@dataclass(frozen=True)
class Bonus:
    title: str
    cap: float
    items: tuple[BonusItem, ...] = ()
    note: str = ""  # text of the bonus part outside its items (上述…只计算1次), as written


@dataclass(frozen=True)
class Rubric:
    year: int
    title: str
    parts: tuple[Part, ...]
    bonus: Bonus | None = None
    warnings: tuple[str, ...] = ()
    source: str = ""

    def categories(self) -> Iterator[Category]:
        for part in self.parts:
            yield from part.categories

    def items(self) -> Iterator[Item]:
        for category in self.categories():
            yield from category.items

    def sub_items(self) -> Iterator[SubItem]:
        for item in self.items():
            yield from item.sub_items

    def item(self, no: int) -> Item:
        for item in self.items():
            if item.no == no:
                return item
        raise KeyError(no)

    def sub_item(self, sub_item_id: str) -> SubItem:
        for sub in self.sub_items():
            if sub.id == sub_item_id:
                return sub
        raise KeyError(sub_item_id)

    def locate(self, sub_item_id: str) -> tuple[Part, Category, Item, SubItem]:
        """The chain from part to sub-item, for ordering the binder like the rubric."""
        for part in self.parts:
            for category in part.categories:
                for item in category.items:
                    for sub in item.sub_items:
                        if sub.id == sub_item_id:
                            return part, category, item, sub
        raise KeyError(sub_item_id)

    @property
    def total_points(self) -> float:
        return sum(p.points for p in self.parts)


# --------------------------------------------------------------------------------------------
# Departments
# --------------------------------------------------------------------------------------------

DepartmentKind = Literal["部门", "乡镇", "街道", "园区"]


@dataclass(frozen=True)
class Department:
    name: str  # canonical, e.g. 县住房城乡建设局
    aliases: tuple[str, ...] = ()
    kind: DepartmentKind = "部门"
    email: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """The answer of ``resolve_department``: a department, or the candidates when ambiguous."""

    query: str
    department: Department | None
    candidates: tuple[Department, ...] = ()
    method: Literal["exact", "normalised", "fuzzy", "ambiguous", "none"] = "none"
    score: float = 0.0

    @property
    def ok(self) -> bool:
        return self.department is not None


# --------------------------------------------------------------------------------------------
# Evidence
# --------------------------------------------------------------------------------------------

FileFormat = Literal["docx", "pdf", "image", "xlsx", "xls", "zip", "ofd", "doc", "txt", "unknown"]


@dataclass(frozen=True)
class SourceFile:
    """A file found in the inbox. ``rel_path`` is relative to the inbox root, with '/' separators.

    A member of a zip bundle has ``rel_path`` ``"dept/bundle.zip!/a/b.docx"`` and ``path`` pointing
    into the scratch area; ``container`` is the zip's own rel_path.
    """

    path: str
    rel_path: str
    department: str | None  # canonical name, None when unknown so far
    folder: str  # the top folder as the department wrote it ('' at the inbox root)
    sha256: str
    size: int
    mtime: float
    format: FileFormat = "unknown"
    container: str | None = None


@dataclass(frozen=True)
class Problem:
    """Something wrong with one file, in words the office can act on."""

    rel_path: str
    code: str  # stable: encrypted, corrupt, empty, too_large, unsupported, no_text, missing_tool, …
    message: str  # Chinese, specific
    detail: str = ""  # library message, for developers


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    text: str
    ocr: bool = False
    confidence: float | None = None  # mean OCR confidence 0–1 when ocr


@dataclass(frozen=True)
class Table:
    name: str  # sheet name or "表1"
    rows: tuple[tuple[str, ...], ...]

    @property
    def row_count(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Evidence:
    """What a reader made of one file. ``problems`` non-empty means the status is not OK."""

    source: SourceFile
    text: str
    pages: tuple[Page, ...] = ()
    tables: tuple[Table, ...] = ()
    ocr: bool = False
    ocr_confidence: float | None = None
    taken_at: str | None = None  # EXIF DateTimeOriginal of a photo, ISO format
    meta: tuple[tuple[str, str], ...] = ()  # title/author/created from the file's own metadata
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


# --------------------------------------------------------------------------------------------
# Facts and matches
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocNumber:
    """A 发文字号 per GB/T 9704-2012: 代字〔年份〕序号号. ``raw`` is the text as written."""

    code: str  # 发文机关代字, e.g. 蓬安办发
    year: int
    serial: int
    raw: str
    start: int = -1
    end: int = -1
    repaired: bool = False  # brackets, 号, digits or characters were repaired (OCR, variants)

    @property
    def canonical(self) -> str:
        return f"{self.code}〔{self.year}〕{self.serial}号"


DocKind = Literal[
    "通知",
    "方案",
    "纪要",
    "台账",
    "报告",
    "总结",
    "签到表",
    "照片",
    "制度",
    "清单",
    "简报",
    "函",
    "规划",
    "讲话",
    "意见",
    "决定",
    "通报",
    "预案",
    "名单",
    "记录",
    "其他",
]


@dataclass(frozen=True)
class Facts:
    """What a document says about itself, extracted from its text and name."""

    doc_numbers: tuple[DocNumber, ...] = ()
    bare_numbers: tuple[str, ...] = ()  # 〔2024〕3号 with no code: shown for review
    titles: tuple[str, ...] = ()  # 《…》 cited titles, without brackets
    title: str = ""  # the document's own title (关于…的通知), if found
    dates: tuple[date, ...] = ()
    date: date | None = None  # the document's date (落款 or the most plausible)
    organ: str | None = None  # issuing department, canonical
    kind: DocKind = "其他"
    keywords: tuple[str, ...] = ()

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None


# suggested: below the match threshold, the best candidates of a file nothing matched, for a person
MatchStatus = Literal["confident", "review", "manual", "rejected", "suggested"]


@dataclass(frozen=True)
class Match:
    """Evidence → sub-item with its score (0–100) and the reasons a person would accept."""

    rel_path: str
    sub_item_id: str
    score: float
    reasons: tuple[str, ...]
    status: MatchStatus = "confident"
    year_ok: bool = True


ExampleOrigin = Literal["assign", "learn", "reference"]  # reference: bundled public documents


@dataclass(frozen=True)
class Example:
    """A file a person labelled (``evidence assign``, or a past binder's folder): the office's own
    data for the learnt signal. ``sub_item_ids`` empty: a person said it is not evidence."""

    key: str  # content sha256: a file is never its own neighbour
    sub_item_ids: tuple[str, ...]
    text: str  # what the scorer reads of it (names, title, head of the text), width-folded
    origin: ExampleOrigin
    source: str  # where it came from: the inbox path, or the path in the imported binder


@dataclass(frozen=True)
class Understood:
    """One file after reading, understanding and matching: what the matrix and reports consume."""

    source: SourceFile
    facts: Facts = field(default_factory=Facts)
    matches: tuple[Match, ...] = ()
    problems: tuple[Problem, ...] = ()
    # a file nothing matched: the best candidates below the threshold, shown as 待确认建议, never counted
    suggestions: tuple[Match, ...] = ()
    pages: int = 0
    ocr: bool = False
    table_rows: int = 0
    duplicate_of: str | None = None  # rel_path of the first file with the same content

    @property
    def department(self) -> str | None:
        """The submitting department (top folder), else the issuing organ found in the document."""
        return self.source.department or self.facts.organ

    @property
    def status(self) -> Literal["matched", "unmatched", "review", "problem", "duplicate"]:
        """The evidence.csv status; a file with a problem is never reported as matched."""
        if self.problems:
            return "problem"
        if self.duplicate_of:
            return "duplicate"
        if any(m.status in ("confident", "manual") for m in self.matches):
            return "matched"
        if any(m.status == "review" for m in self.matches):
            return "review"
        return "unmatched"


@dataclass(frozen=True)
class Skipped:
    """An inbox entry deliberately not read (Office lock file, Thumbs.db, a symlink out of the inbox)."""

    rel_path: str
    reason: str  # Chinese
