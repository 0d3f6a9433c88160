"""The completeness matrix: every sub-item × responsible department, with a status and the points at risk.

Rules (issue 5 §1), in the order a reader would ask about them:

- Which files count for a cell: files *submitted by* the department (``SourceFile.department``) or *issued
  by* it (``Facts.organ``). Matches from other departments are listed in ``SubItemStatus.other_evidence``
  and named in the cell's reasons, but do **not** upgrade a 缺失 cell: the department still owes its own
  material, and the reminder must still go out. A duplicate never counts (its original does) and a file
  counts once per cell even when matched twice.
- Outcome sub-items: where every deduction is triggered by an adverse event (发生事故/舆情, 被通报/约谈,
  事故迟报/瞒报, 败诉, 引发上访, 事故起数超…), the county keeps the points unless the event happened; the
  city judges them from its own records, not from the binder. Such a sub-item can cost nothing for want of
  evidence: its ``max_loss`` is 0 and a cell without files is 结果类 (no gap, no reminder). Evidence that
  does arrive (an 事故统计 note) is still evaluated and shown as usual. When the office records that the
  event did happen (``evidence occurred``, an ``Occurrence``), the points are lost for certain: the
  recorded deduction (by default one of each of its deductions; never more than its rule or what the
  item has left) comes off both ends of the projected range, and every cell of the sub-item says so.
- Cell status: 完成 = a confident/manual match of the assessment year from a file without problems, and the
  confident files together cover every kind of material the sub-item asks for; 部分 = evidence exists but a
  kind is missing, or it is of another year, or the file has a problem (low confidence); 待确认 = only matches
  awaiting a person's decision; 缺失 = nothing; 结果类 = nothing, for an outcome sub-item.
- Sub-item status from its cells (结果类 cells left out unless all are): all 完成 → 完成; all 缺失 → 缺失;
  only 完成/待确认 → 待确认; else 部分.
- Points a sub-item can cost (``max_loss``): its cap (本项X分，扣完为止), else the deductions it can reach
  (flat amounts summed; a per-unit amount counted once, since the count is unknown), else the item's points
  split evenly; within one item scaled down so the sub-items never exceed the item's points.
- Co-responsible departments share a gap: the county loses ``max_loss`` once, split evenly across the
  departments whose cells are not 完成.
- Projected score = total points − Σ max_loss of 缺失 sub-items − ½ Σ max_loss of 部分/待确认 sub-items
  − the recorded occurrences, shown as the range [all partial lost, none lost]; an outcome event nobody
  recorded is assumed not to have happened (the outputs say so). The veto item (一票否决) is never in the
  sum; bonus items (B…) are claimed up to the cap and kept apart from the projection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pipeline.errors import ConfigError
from pipeline.models import Item, Match, Problem, Rubric, Skipped, SubItem, Understood
from pipeline.overrides import Occurrence
from pipeline.rubric import OUTCOME_RULE, is_outcome

CellStatus = Literal["完成", "部分", "缺失", "待确认", "结果类"]

STATUS_SYMBOL: dict[str, str] = {"完成": "✓", "部分": "△", "缺失": "✗", "待确认": "?", "结果类": "○"}

SETTLED: frozenset[str] = frozenset({"完成", "结果类"})
"""Cell statuses that owe nothing: no gap, no reminder, no share of the points at risk."""

OUTCOME_NOTE = f"结果类指标：{OUTCOME_RULE}，未发生不扣分，不需专门佐证；如已发生，请用 evidence occurred 登记，预计得分随之核减"


@dataclass(frozen=True)
class Cell:
    """One sub-item × one responsible department."""

    sub_item_id: str
    department: str
    status: CellStatus
    evidence: tuple[str, ...]  # rel_paths of the files that count, best first
    reasons: tuple[str, ...]  # Chinese: why 部分/待确认/缺失
    points_at_risk: float  # this department's share of the sub-item's risk

    @property
    def symbol(self) -> str:
        return STATUS_SYMBOL[self.status]


@dataclass(frozen=True)
class SubItemStatus:
    sub_item_id: str
    item_no: int
    status: CellStatus
    max_loss: float  # the points this sub-item can cost
    at_risk_low: float  # 缺失: max_loss; 部分/待确认: 0; 完成: 0
    at_risk_high: float  # 缺失/部分/待确认: max_loss; 完成: 0
    cells: tuple[Cell, ...]
    missing_materials: tuple[str, ...]
    other_evidence: tuple[str, ...]  # matched files from non-responsible departments
    occurred: float = 0.0  # points lost to a recorded adverse event (in both at_risk figures)
    occurred_note: str = ""  # Chinese: what was recorded

    @property
    def at_risk_mid(self) -> float:
        return (self.at_risk_low + self.at_risk_high) / 2


@dataclass(frozen=True)
class Gap:
    """One line of a department's reminder."""

    department: str
    sub_item_id: str
    status: CellStatus
    points_at_risk: float
    missing_materials: tuple[str, ...]
    what_to_send: str  # the rubric's own words (the SubItem.duty segment or its text)
    examples: tuple[str, ...]  # cited 《titles》 / 文号 / 佐证资料 examples from the rubric
    reasons: tuple[str, ...] = ()  # the cell's reasons, for 部分/待确认


@dataclass(frozen=True)
class Matrix:
    rubric: Rubric
    assessment_year: int
    deadline: date | None
    today: date
    sub_items: tuple[SubItemStatus, ...]
    gaps: tuple[Gap, ...]  # sorted by points at risk (desc), then rubric order
    files: tuple[Understood, ...]
    skipped: tuple[Skipped, ...]
    problems: tuple[Problem, ...]  # all problems incl. consistency
    projected_low: float
    projected_high: float
    veto_item: int | None
    bonus_claimed: float
    bonus_cap: float
    bonus_evidence: tuple[tuple[str, tuple[str, ...]], ...]
    departments: tuple[str, ...]  # every department that has a cell, in registry order

    def cells(self) -> Iterator[Cell]:
        for sub in self.sub_items:
            yield from sub.cells

    def cells_for(self, department: str) -> list[Cell]:
        return [c for c in self.cells() if c.department == department]

    def gaps_for(self, department: str) -> list[Gap]:
        return [g for g in self.gaps if g.department == department]

    def files_for(self, department: str) -> list[Understood]:
        """Files the department submitted (its receipt); sorted by path."""
        return sorted((u for u in self.files if u.department == department), key=lambda u: u.source.rel_path)

    def sub_item_status(self, sub_item_id: str) -> SubItemStatus:
        for sub in self.sub_items:
            if sub.sub_item_id == sub_item_id:
                return sub
        raise KeyError(sub_item_id)

    def problems_for(self, rel_path: str) -> list[Problem]:
        return [p for p in self.problems if p.rel_path == rel_path]

    @property
    def days_left(self) -> int | None:
        return None if self.deadline is None else (self.deadline - self.today).days

    @property
    def projected(self) -> float:
        return (self.projected_low + self.projected_high) / 2

    @property
    def total_points(self) -> float:
        return self.rubric.total_points

    @property
    def at_risk_low(self) -> float:
        return sum(s.at_risk_low for s in self.sub_items)

    @property
    def at_risk_high(self) -> float:
        return sum(s.at_risk_high for s in self.sub_items)

    @property
    def occurred(self) -> tuple[SubItemStatus, ...]:
        """Outcome sub-items whose adverse event the office recorded."""
        return tuple(s for s in self.sub_items if s.occurred_note)

    @property
    def outcome_basis(self) -> str:
        """How the projection treats outcome sub-items, in the words every output uses."""
        done = self.occurred
        if not done:
            return "结果类指标按未发生事故、未被通报计"
        ids = "、".join(s.sub_item_id for s in done)
        lost = fmt_points(sum(s.occurred for s in done))
        return f"结果类指标中已登记发生扣分情形 {len(done)} 项（{ids}），已扣 {lost} 分，其余按未发生计"

    @property
    def recorded_outcomes(self) -> str:
        """``outcome_basis`` once the office recorded an event, else "": the one-line summaries
        (``evidence run``, ``evidence report``) name events, not the standing assumption."""
        return self.outcome_basis if self.occurred else ""


# --------------------------------------------------------------------------------------------
# Materials: the rubric's words for what to send → the document kinds that satisfy them
# --------------------------------------------------------------------------------------------

_OFFICIAL = frozenset(
    {"通知", "方案", "纪要", "台账", "报告", "总结", "制度", "清单", "简报", "函", "规划", "讲话", "意见",
     "决定", "通报", "预案", "名单", "记录"}
)  # fmt: skip

MATERIAL_KINDS: dict[str, frozenset[str]] = {
    "方案": frozenset({"方案"}),
    "纪要": frozenset({"纪要"}),
    "台账": frozenset({"台账"}),
    "记录": frozenset({"记录", "台账"}),
    "清单": frozenset({"清单", "台账", "名单"}),
    "名单": frozenset({"名单", "清单"}),
    "照片": frozenset({"照片"}),
    "图片": frozenset({"照片"}),
    "签到": frozenset({"签到表"}),
    "签到表": frozenset({"签到表"}),
    "文件": _OFFICIAL,
    "总结": frozenset({"总结", "报告"}),
    "报告": frozenset({"报告", "总结"}),
    "制度": frozenset({"制度"}),
    "规划": frozenset({"规划"}),
    "简报": frozenset({"简报"}),
    "讲话": frozenset({"讲话"}),
    "通知": frozenset({"通知"}),
    "通报": frozenset({"通报"}),
    "预案": frozenset({"预案"}),
    "函": frozenset({"函"}),
    "意见": frozenset({"意见"}),
}
"""A material word the mapping does not know (信息, 新闻 …) is not required: it cannot be checked by kind."""


MATERIAL_WORDS: dict[str, tuple[str, ...]] = {"照片": ("照片", "图片", "相片"), "文件": ("文件", "发文")}
"""How the rubric writes a material in the 职责分工 text, when not just the word itself."""

_CLAUSE_SPLIT = re.compile(r"[；;。\n]")


def required_materials(sub: SubItem, materials: Sequence[str] | None = None) -> tuple[str, ...]:
    """The materials that can be checked against ``Facts.kind``, in rubric order, once each."""
    words = sub.materials if materials is None else materials
    return tuple(dict.fromkeys(m for m in words if m in MATERIAL_KINDS))


def missing_materials(
    sub: SubItem, kinds: set[str], materials: Sequence[str] | None = None
) -> tuple[str, ...]:
    return tuple(m for m in required_materials(sub, materials) if not (MATERIAL_KINDS[m] & kinds))


def _short_names(department: str) -> tuple[str, ...]:
    core = department.removeprefix("县")
    for suffix in ("办公室", "管理局", "局", "大队"):
        if core.endswith(suffix) and len(core) > len(suffix) + 1:
            core = core.removesuffix(suffix)
            break
    return (department, core) if len(core) >= 2 else (department,)


def _department_clauses(sub: SubItem, department: str, aliases: Sequence[str]) -> list[str]:
    names = tuple(n for n in ((department, *aliases) if aliases else _short_names(department)) if len(n) >= 2)
    return [c.strip() for c in _CLAUSE_SPLIT.split(sub.duty) if any(n in c for n in names)]


def department_duty(sub: SubItem, department: str, aliases: Sequence[str] = ()) -> str:
    """The rubric's own words for what this department sends: its clauses of the duty, else all of it."""
    clauses = _department_clauses(sub, department, aliases)
    return "；".join(clauses) if clauses else (sub.duty.strip() or sub.text)


def department_materials(sub: SubItem, department: str, aliases: Sequence[str] = ()) -> tuple[str, ...]:
    """The materials the rubric asks *this* department for.

    The 职责分工 text of a sub-item often gives each department its own list (县委办 provides 会议资料, the
    专委会 provide 方案、纪要、照片、台账), so the clauses of ``sub.duty`` that name the department decide.
    A department the duty never names gets ``sub.materials`` when it is the only one responsible, else
    nothing beyond matched evidence (requiring another department's list would make every cell 部分).
    """
    clauses = _department_clauses(sub, department, aliases)
    if clauses:
        text = "".join(clauses)
        return tuple(m for m in sub.materials if any(w in text for w in MATERIAL_WORDS.get(m, (m,))))
    return sub.materials if len(set(sub.departments)) <= 1 else ()


# --------------------------------------------------------------------------------------------
# Points at risk
# --------------------------------------------------------------------------------------------


def _reachable(sub: SubItem, item: Item) -> float:
    if is_outcome(sub):
        return 0.0
    if sub.cap is not None and sub.cap > 0:
        return sub.cap
    reach = sum(d.amount for d in sub.deductions)  # per-unit amounts counted once: the count is unknown
    if reach > 0:
        return reach
    return _even_share(item)


def _even_share(item: Item) -> float:
    """What a sub-item whose rule names no amount can cost: the item's points split evenly."""
    return item.points / len(item.sub_items) if item.sub_items else 0.0


def event_loss(sub: SubItem, item: Item, occurrence: Occurrence) -> float:
    """What a recorded adverse event costs: the deduction the office gave, by default one of each of
    the sub-item's deductions; never more than its rule allows (its cap; a per-event rule, 每次扣1分,
    up to the item's points; a flat one, its amount)."""
    once = sum(d.amount for d in sub.deductions) or _even_share(item)
    if sub.cap is not None and sub.cap > 0:
        bound = sub.cap
    elif any(d.unit != "once" for d in sub.deductions):
        bound = max(item.points, once)
    else:
        bound = once
    if item.points > 0:
        bound = min(bound, item.points)
    wanted = once if occurrence.deduct is None else occurrence.deduct
    return round(min(wanted, bound), 4)


def check_occurrences(rubric: Rubric, occurrences: Iterable[Occurrence]) -> None:
    """Only an outcome sub-item's points hang on an event; any other's hang on its evidence."""
    subs = {sub.id: sub for sub in rubric.sub_items()}
    for o in occurrences:
        sub = subs.get(o.sub_item_id)
        if sub is not None and not is_outcome(sub):
            raise ConfigError(
                f"指标 {o.sub_item_id} 不是结果类指标（{OUTCOME_RULE}），不能登记为已发生；"
                "它的扣分由佐证材料推算，请补交材料或用 evidence assign 指定"
            )


def occurrence_note(loss: float, occurrence: Occurrence, item_no: int) -> str:
    when = f"（{occurrence.recorded_at[:10]}登记）" if occurrence.recorded_at else ""
    note = f"：{occurrence.note}" if occurrence.note else ""
    if loss <= 0:
        return f"已登记发生扣分情形{note}{when}，第{item_no}项的分值已被同项其他情形扣完"
    return f"已登记发生扣分情形{note}{when}，扣{fmt_points(loss)}分，已从预计得分中核减"


def fmt_points(value: float) -> str:
    """Points as the rubric writes them: 1, 0.5, 0.33 — never 1.0 or 0.3333."""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def max_losses(item: Item) -> dict[str, float]:
    """What each sub-item of ``item`` can cost, scaled down so the item never loses more than its points."""
    raw = {sub.id: _reachable(sub, item) for sub in item.sub_items}
    total = sum(raw.values())
    factor = item.points / total if item.points > 0 and total > item.points else 1.0
    scaled = {k: v * factor for k, v in raw.items()}
    return dict(zip(scaled, split_cents(sum(scaled.values()), list(scaled.values())), strict=True))


def split_cents(total: float, weights: Sequence[float]) -> list[float]:
    """Split ``total`` in proportion to ``weights`` into amounts of whole cents that add up exactly
    (largest remainder), so every figure a person adds up in the workbook or the CSV reconciles."""
    cents = round(total * 100)
    weight = sum(weights)
    if not weights or weight <= 0:
        return [0.0] * len(weights)
    exact = [cents * w / weight for w in weights]
    floors = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: cents - sum(floors)]:
        floors[i] += 1
    return [f / 100 for f in floors]


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------

_STATUS_RANK = {"manual": 0, "confident": 1, "review": 2, "rejected": 3}


@dataclass(frozen=True)
class _Hit:
    """One file matched to one sub-item (the best of its matches there)."""

    file: Understood
    match: Match

    @property
    def rel_path(self) -> str:
        return self.file.source.rel_path

    @property
    def confident(self) -> bool:
        return self.match.status in ("confident", "manual")

    @property
    def good(self) -> bool:
        return self.confident and self.match.year_ok and not self.file.problems

    def sort_key(self) -> tuple[int, int, int, float, str]:
        return (
            _STATUS_RANK[self.match.status],
            0 if self.match.year_ok else 1,
            1 if self.file.problems else 0,
            -self.match.score,
            self.rel_path,
        )


def _counting_files(files: Sequence[Understood]) -> list[Understood]:
    """Files that may count as evidence: no duplicates, one file per content (first path wins)."""
    seen: set[str] = set()
    out: list[Understood] = []
    for u in sorted(files, key=lambda f: f.source.rel_path):
        if u.duplicate_of:
            continue
        if u.source.sha256 and u.source.sha256 in seen:
            continue
        seen.add(u.source.sha256)
        out.append(u)
    return out


def _hits_by_sub_item(files: Sequence[Understood]) -> dict[str, list[_Hit]]:
    by_sub: dict[str, dict[str, _Hit]] = {}
    for u in files:
        for m in u.matches:
            if m.status == "rejected":
                continue
            hit = _Hit(u, m)
            per_file = by_sub.setdefault(m.sub_item_id, {})
            old = per_file.get(hit.rel_path)
            if old is None or hit.sort_key() < old.sort_key():
                per_file[hit.rel_path] = hit
    return {k: sorted(v.values(), key=_Hit.sort_key) for k, v in by_sub.items()}


def _counts_for(u: Understood, department: str) -> bool:
    return u.source.department == department or u.facts.organ == department


def _fmt_list(names: Sequence[str]) -> str:
    return "、".join(names)


def _evaluate(
    sub: SubItem, hits: Sequence[_Hit], assessment_year: int, others: int, materials: Sequence[str]
) -> tuple[CellStatus, tuple[str, ...], tuple[str, ...]]:
    """Status, reasons and missing materials of one cell from the hits that count for it."""
    if not hits and is_outcome(sub):
        return "结果类", (OUTCOME_NOTE,), ()
    if not hits:
        why = ("未收到材料", f"其他部门有相关材料{others}份，待核实能否采用") if others else ("未收到材料",)
        return "缺失", why, required_materials(sub, materials)
    good = [h for h in hits if h.good]
    missing = missing_materials(sub, {h.file.facts.kind for h in good}, materials)
    if good:
        if missing:
            return "部分", (f"缺少材料：{_fmt_list(missing)}",), missing
        return "完成", (), ()
    confident = [h for h in hits if h.confident]
    if confident:
        reasons: list[str] = []
        other_year = [h for h in confident if not h.match.year_ok]
        if other_year:
            years = sorted({y for h in other_year if (y := h.file.facts.year) is not None})
            if years:
                reasons.append(f"仅有{'、'.join(str(y) for y in years)}年的材料")
            else:
                reasons.append(f"未能确认材料属于{assessment_year}年度")
        for h in confident:
            for p in h.file.problems:
                reasons.append(f"文件有问题：{p.message}")
        return "部分", tuple(dict.fromkeys(reasons)), missing
    return "待确认", (f"仅有待确认的匹配（{len(hits)}份）",), missing


def _combine(statuses: Sequence[CellStatus]) -> CellStatus:
    """A sub-item's status from its cells: see the module docstring."""
    kinds = set(statuses)
    if kinds == {"结果类"}:
        return "结果类"
    kinds.discard("结果类")
    if not kinds or kinds == {"缺失"}:
        return "缺失"
    if kinds == {"完成"}:
        return "完成"
    if kinds <= {"完成", "待确认"}:
        return "待确认"
    return "部分"


_EXAMPLE_LEAD = re.compile(r"例如[:：]?|\s+(?=\d+[.．、])")
_EXAMPLE_NUMBER = re.compile(r"^\s*\d+[.．、]\s*")


def rubric_examples(sub: SubItem) -> tuple[str, ...]:
    """Examples the rubric names for a sub-item: cited 《titles》, 文号 and the 佐证资料 "例如" lines."""
    out: list[str] = [f"《{t}》" for t in sub.cited_titles]
    out.extend(sub.cited_doc_numbers)
    hint = sub.evidence_hint.strip()
    if hint:
        for line in _EXAMPLE_LEAD.sub("\n", hint).splitlines():
            piece = _EXAMPLE_NUMBER.sub("", line).strip().rstrip("；;，,。")
            if len(piece) >= 4:
                out.append(piece)
    return tuple(dict.fromkeys(out))


def _bonus(
    rubric: Rubric, hits: dict[str, list[_Hit]]
) -> tuple[float, float, tuple[tuple[str, tuple[str, ...]], ...]]:
    if rubric.bonus is None:
        return 0.0, 0.0, ()
    evidence: list[tuple[str, tuple[str, ...]]] = []
    claimed = 0.0
    for bonus_item in rubric.bonus.items:
        paths = tuple(h.rel_path for h in hits.get(bonus_item.id, []) if h.good)
        if paths:
            evidence.append((bonus_item.id, paths))
            claimed += bonus_item.points
    return round(min(claimed, rubric.bonus.cap), 4), rubric.bonus.cap, tuple(evidence)


def build_matrix(
    rubric: Rubric,
    files: Sequence[Understood],
    *,
    departments: Sequence[str],
    assessment_year: int,
    today: date,
    deadline: date | None = None,
    skipped: Sequence[Skipped] = (),
    extra_problems: Sequence[Problem] = (),
    aliases: Mapping[str, Sequence[str]] | None = None,
    occurred: Mapping[str, Occurrence] | None = None,
) -> Matrix:
    """The matrix of ``files`` (already matched) against ``rubric``; ``departments`` in registry order.

    ``aliases`` (canonical name → aliases, from the department registry) let the 职责分工 text's short names
    (县住建, 经科) find each department's own list of materials; without them a derived short name is used.
    ``occurred``: the office's recorded adverse events, by outcome sub-item (others are refused earlier).
    """
    counting = _counting_files(files)
    hits = _hits_by_sub_item(counting)
    veto_item: int | None = None
    statuses: list[SubItemStatus] = []
    gaps: list[tuple[int, Gap]] = []
    seen_departments: list[str] = []
    order = 0
    for item in rubric.items():
        if item.kind == "veto":
            veto_item = item.no if veto_item is None else veto_item
            continue
        losses = max_losses(item)
        budget = item.points  # events lose at most the item's points between them
        for sub in item.sub_items:
            order += 1
            sub_hits = hits.get(sub.id, [])
            responsible = tuple(dict.fromkeys(sub.departments))
            other = tuple(
                h.rel_path for h in sub_hits if not any(_counts_for(h.file, d) for d in responsible)
            )
            event = occurred.get(sub.id) if occurred and is_outcome(sub) else None
            lost = min(event_loss(sub, item, event), max(budget, 0.0)) if event is not None else 0.0
            budget -= lost
            event_note = (occurrence_note(lost, event, item.no),) if event is not None else ()
            if not responsible:  # no owner at all: judge on every file, show no cells
                status, _, missing = _evaluate(sub, sub_hits, assessment_year, 0, sub.materials)
                statuses.append(_sub_status(sub, status, losses[sub.id], (), missing, (), lost, event_note))
                continue
            evaluated = []
            duties: dict[str, str] = {}
            for dept in responsible:
                if dept not in seen_departments:
                    seen_departments.append(dept)
                own = [h for h in sub_hits if _counts_for(h.file, dept)]
                dept_aliases = tuple(aliases.get(dept, ())) if aliases else ()
                wanted = department_materials(sub, dept, dept_aliases)
                duties[dept] = department_duty(sub, dept, dept_aliases)
                status, reasons, missing = _evaluate(sub, own, assessment_year, len(other), wanted)
                if event_note:
                    reasons = (*event_note, *(r for r in reasons if r != OUTCOME_NOTE))
                evaluated.append((dept, status, reasons, missing, tuple(h.rel_path for h in own)))
            sub_status = _combine([e[1] for e in evaluated])
            loss = losses[sub.id]
            open_cells = [e[1] not in SETTLED for e in evaluated]
            shares = split_cents(loss, [1.0 if is_open else 0.0 for is_open in open_cells])
            cells = []
            for (dept, status, reasons, missing, paths), risk in zip(evaluated, shares, strict=True):
                cells.append(Cell(sub.id, dept, status, paths, reasons, risk))
                if status not in SETTLED:
                    gap = Gap(
                        department=dept,
                        sub_item_id=sub.id,
                        status=status,
                        points_at_risk=risk,
                        missing_materials=missing,
                        what_to_send=duties[dept],
                        examples=rubric_examples(sub),
                        reasons=reasons,
                    )
                    gaps.append((order, gap))
            all_missing = {m for e in evaluated if e[1] != "完成" for m in e[3]}
            missing_all = tuple(m for m in dict.fromkeys(sub.materials) if m in all_missing)
            statuses.append(
                _sub_status(sub, sub_status, loss, tuple(cells), missing_all, other, lost, event_note)
            )

    registry_order = {d: i for i, d in enumerate(departments)}
    ordered_departments = tuple(
        sorted(
            seen_departments,
            key=lambda d: (registry_order.get(d, len(registry_order)), seen_departments.index(d)),
        )
    )
    dept_rank = {d: i for i, d in enumerate(ordered_departments)}
    sorted_gaps = tuple(
        g for _, g in sorted(gaps, key=lambda og: (-og[1].points_at_risk, og[0], dept_rank[og[1].department]))
    )

    total = rubric.total_points
    low = total - sum(s.at_risk_high for s in statuses)
    high = total - sum(s.at_risk_low for s in statuses)
    bonus_claimed, bonus_cap, bonus_evidence = _bonus(rubric, hits)

    problems: list[Problem] = []
    for u in sorted(files, key=lambda f: f.source.rel_path):
        problems.extend(u.problems)
    problems.extend(extra_problems)

    return Matrix(
        rubric=rubric,
        assessment_year=assessment_year,
        deadline=deadline,
        today=today,
        sub_items=tuple(statuses),
        gaps=sorted_gaps,
        files=tuple(sorted(files, key=lambda f: f.source.rel_path)),
        skipped=tuple(sorted(skipped, key=lambda s: s.rel_path)),
        problems=tuple(dict.fromkeys(problems)),
        projected_low=round(max(low, 0.0), 4),
        projected_high=round(max(high, 0.0), 4),
        veto_item=veto_item,
        bonus_claimed=bonus_claimed,
        bonus_cap=bonus_cap,
        bonus_evidence=bonus_evidence,
        departments=ordered_departments,
    )


def _sub_status(
    sub: SubItem,
    status: CellStatus,
    loss: float,
    cells: tuple[Cell, ...],
    missing: tuple[str, ...],
    other: tuple[str, ...],
    occurred: float = 0.0,
    occurred_note: tuple[str, ...] = (),
) -> SubItemStatus:
    low = (loss if status == "缺失" else 0.0) + occurred
    high = (0.0 if status == "完成" else loss) + occurred
    return SubItemStatus(
        sub.id, sub.item_no, status, loss, low, high, cells, missing, other, occurred, "".join(occurred_note)
    )
