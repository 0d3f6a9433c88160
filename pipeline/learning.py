"""``evidence learn DIR``: a past year's binder (迎检资料) becomes the office's labelled examples.

Offices keep last year's evidence in folders named after the rubric: "一、加强组织领导/（一）责任落实/
2/2(1) 党委政府研究安全生产/…", "7（2）大检查方案.docx", "第9项 城镇燃气/…", or a folder named with an
item's title ("城镇燃气安全排查集中治理"). A file's labels are read from its path:

1. sub-item IDs anywhere in the path (``matchers.itemref``: 7（2）, 7.2, 指标7-2, a "（2）" folder under
   an item folder) are the labels;
2. otherwise an item (第9项, a folder "9、…", or a folder whose name is an item's title): an item
   with one sub-item gives it; with several, the sub-item of that item the file's content matches
   best (the reason says so);
3. otherwise the file is listed as not learnt, with why.

Files are read by the same readers as the inbox (OCR included) into the state's scratch area; the
binder itself is never modified.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from matchers.facts import extract_facts
from matchers.itemref import item_refs
from matchers.subitems import EvidenceView, score_many, scoring_text
from matchers.text import fold
from pipeline import stages
from pipeline.config import Config
from pipeline.discover import discover
from pipeline.errors import ConfigError
from pipeline.ledger import Ledger
from pipeline.models import Evidence, Example, Rubric

__all__ = ["LearnReport", "LearntFile", "labels_from_path", "learn_binder"]

_TITLE_MIN = 4
_TITLE_SCORE = 88.0
_CLAUSE = re.compile(r"[：:。；;，,（(]")


@dataclass(frozen=True)
class PathLabel:
    sub_item_ids: tuple[str, ...] = ()
    item_no: int | None = None  # only an item was named; the sub-item is to be chosen by content
    how: str = ""  # Chinese, for the report


@dataclass(frozen=True)
class LearntFile:
    path: str  # relative to the binder
    sub_item_ids: tuple[str, ...]
    how: str  # Chinese: how the labels were read, or why there are none


@dataclass(frozen=True)
class LearnReport:
    directory: Path
    learnt: tuple[LearntFile, ...]
    skipped: tuple[LearntFile, ...]  # read but no label could be read from the path
    problems: tuple[LearntFile, ...]  # could not be read

    def summary(self) -> str:
        per_sub = Counter(s for f in self.learnt for s in f.sub_item_ids)
        lines = [
            f"已从 {self.directory} 学习 {len(self.learnt)} 份已归档佐证，涉及 {len(per_sub)} 个指标。",
        ]
        if per_sub:
            top = "、".join(
                f"{s}（{n}份）" for s, n in sorted(per_sub.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
            )
            lines.append(f"  指标：{top}{'等' if len(per_sub) > 12 else ''}")
        if self.skipped:
            lines.append(f"未能从文件夹或文件名确定指标的 {len(self.skipped)} 份（未学习）：")
            lines.extend(f"  {f.path}：{f.how}" for f in self.skipped[:20])
            if len(self.skipped) > 20:
                lines.append(f"  …另有 {len(self.skipped) - 20} 份")
        if self.problems:
            lines.append(f"无法读取的 {len(self.problems)} 份：")
            lines.extend(f"  {f.path}：{f.how}" for f in self.problems[:20])
        lines.append("下次运行 evidence run（或 evidence report）时，所有文件会参考这些样例重新匹配。")
        return "\n".join(lines)


def _item_titles(rubric: Rubric) -> list[tuple[int, str]]:
    """(item, the head of its title) — "城镇燃气安全排查集中治理" of "城镇燃气安全排查集中治理：系统性推进…"."""
    out: list[tuple[int, str]] = []
    for item in rubric.items():
        head = _CLAUSE.split(fold(item.title), maxsplit=1)[0].strip()
        if len(head) >= _TITLE_MIN:
            out.append((item.no, head))
    return out


def labels_from_path(rel_path: str, rubric: Rubric, known_ids: frozenset[str]) -> PathLabel:
    """What a binder's folders and file name say a file proves (see the module docstring)."""
    refs = item_refs(rel_path, known_ids)
    subs = tuple(r for r in refs if not r.isdigit())
    if subs:
        return PathLabel(subs, how="文件夹或文件名标注指标 " + "、".join(subs))
    items = [int(r) for r in refs if r.isdigit()]
    how = ""
    if items:
        how = f"文件夹或文件名标注第{items[0]}项"
    else:
        for part in rel_path.split("/")[:-1] or [rel_path]:
            name = fold(part)
            best = max(
                ((fuzz.partial_ratio(title, name), no, title) for no, title in _item_titles(rubric)),
                default=None,
            )
            if best and best[0] >= _TITLE_SCORE and len(name) >= _TITLE_MIN:
                items = [best[1]]
                how = f"文件夹“{part}”即第{best[1]}项（{best[2]}）"
                break
    if not items:
        return PathLabel(how="文件夹和文件名都没有指标编号或指标名称")
    item = rubric.item(items[0])
    if len(item.sub_items) == 1:
        return PathLabel((item.sub_items[0].id,), how=how)
    return PathLabel(item_no=item.no, how=how)


def _choose_within_item(view: EvidenceView, item_no: int, ws: stages.Workspace) -> str:
    """The sub-item of ``item_no`` the file's content matches best (scored without a threshold)."""
    ids = [s.id for s in ws.rubric.item(item_no).sub_items]
    (matches,) = score_many(
        [view], ws.index, assessment_year=ws.assessment_year, match_threshold=0.0, top=len(ws.index.entries)
    )
    for m in matches:
        if m.sub_item_id in ids:
            return m.sub_item_id
    return ids[0]


def learn_binder(directory: Path, config: Config) -> LearnReport:
    """Read every file under ``directory``, label it from its path, store the labelled ones as
    examples in the ledger (a content learnt again replaces its earlier label)."""
    if not directory.is_dir():
        raise ConfigError(f"找不到文件夹：{directory}")
    ws = stages.open_workspace(config)
    found = discover(directory, ws.registry)
    ctx = stages.read_context(config)
    evidence: list[Evidence] = []
    try:
        for start in range(0, len(found.files), 50):
            evidence.extend(stages.read_batch(found.files[start : start + 50], ctx))
    finally:
        stages.release_readers()
    learnt: list[LearntFile] = []
    skipped: list[LearntFile] = []
    problems: list[LearntFile] = [LearntFile(p.rel_path, (), p.message) for p in found.problems]
    examples: list[Example] = []
    for ev in evidence:
        rel = ev.source.rel_path
        if ev.source.format == "zip":
            continue  # its members are the evidence
        if ev.problems or not ev.text.strip():
            reason = ev.problems[0].message if ev.problems else "没有可读取的文字"
            problems.append(LearntFile(rel, (), reason))
            continue
        label = labels_from_path(rel, ws.rubric, ws.known_ids)
        if not label.sub_item_ids and label.item_no is None:
            skipped.append(LearntFile(rel, (), label.how))
            continue
        name = rel.rsplit("!/", 1)[-1].rsplit("/", 1)[-1]
        facts = extract_facts(
            ev.text,
            name,
            registry=ws.registry,
            keywords=ws.keywords,
            is_image=ev.source.format == "image",
            is_table=ev.source.format in ("xlsx", "xls") or bool(ev.tables),
        )
        # the folders are the label, not the document: the example keeps only the file's own name
        view = EvidenceView(f"_/{name}", facts.organ, ev.text, facts, is_image=ev.source.format == "image")
        ids = label.sub_item_ids
        how = label.how
        if not ids and label.item_no is not None:
            chosen = _choose_within_item(view, label.item_no, ws)
            ids, how = (chosen,), f"{label.how}，按内容归入 {chosen}"
        learnt.append(LearntFile(rel, ids, how))
        examples.append(
            Example(ev.source.sha256, ids, scoring_text(view), "learn", f"{directory.name}/{rel}")
        )
    with Ledger.for_config(config) as ledger:
        ledger.record_examples(examples)
    return LearnReport(directory, tuple(learnt), tuple(skipped), tuple(problems))


def forget_learnt(config: Config) -> int:
    with Ledger.for_config(config) as ledger:
        return ledger.forget_examples()


def learnt_examples(config: Config) -> Sequence[Example]:
    with Ledger.for_config(config) as ledger:
        return ledger.examples()
