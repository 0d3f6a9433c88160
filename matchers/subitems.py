"""Score evidence against every sub-item of the rubric, with a Chinese reason for every point.

Signals and their frozen weights (points on a 0–100 scale, ``Weights``; tuned on the labelled set in
``tests/matchers/eval`` and on the demo inbox with ``benchmarks/matching.py``, then frozen):

- text similarity, up to ``sim`` = 52: cosine of IDF-weighted character 2/3-gram vectors of the evidence
  (file name + title + first 3,000 characters) and of the sub-item's profile (its text + 职责分工 +
  materials; the item title only for single-sub-item items, where it is the only topic). Mapped
  linearly from ``sim_floor`` 0.08 (what unrelated county documents reach on boilerplate) to
  ``sim_saturation`` 0.30. Raw characters, not jieba tokens: space-joined tokens made unrelated
  Chinese texts look alike. IDF is computed over the sub-items plus a few lines of 公文 boilerplate, so
  "关于…的通知" and "2022年" weigh nothing and "自建房", "钢8条" weigh a lot. Grams inside a cited
  《title》 weigh 0.35: the county's own 《蓬溪县…方案》 repeats the city's title, and would otherwise
  look like the sub-item that cites it rather than the one asking for the plan. A text's few hundred
  grams gather their rows of the transposed profile matrix (no dense vector per text).
- label similarity, up to ``label`` = 24 (cosine 0.08 → 0.28): the file's label — its names (and the
  zip's), its title, a table's head down to the header row, a photo's caption — against the profile
  with the item title and without department names. Spreadsheets and photos have little prose and a
  台账's rows (names, addresses) drown its title in the text similarity. In full for thin files
  (tables, photos, short texts) and the department's own sub-items; ``label_other`` = 0.5 for other
  departments' sub-items; ``label_prose`` = 0.5 for prose, whose text similarity already reads the title.
- shared dictionary terms, up to ``terms`` = 22 (full at a summed IDF of 9, i.e. two or three rare
  terms): rubric terms (“巩固提升年”, 《…》) and domain terms in both texts, a term inside a longer
  shared term counted once; department names are not terms (who, not what). In a thin file's label a
  term counts ``label_term`` = 2 times for its department's sub-items: a caption holds one term.
  This is the reason a person reads ("共同关键词：燃气、百日行动").
- the submitting department or the issuing organ is responsible for the sub-item: ``dept`` = 14, halved
  when nothing topical (shared term, file-name ref, 文号, title, own duty named in the label, scope)
  supports it — a prior, not a filter, and not enough to turn a 县委办 notice about 征兵 into evidence
  for 2(1). 县安办 counts for 县应急管理局, where it sits.
- the department's own 职责分工 clause names the material: ``own_duty`` = 10 when the label says it
  ("县应急局提供…值班表" for 国庆期间应急值班表.xlsx) or the file is that form (a photo for "图片", a
  签到表, a 台账), half for a vague form (通知); ``own_phrase`` = 6 more when the label holds the
  clause's whole phrase (问题隐患整改台账, not just 台账). A department named without materials
  ("县住建局提供") provides what the sub-item's own text asks for.
- the scope written after the department in the clause (县教体局（校园安全、体育行业）) shares a rare
  word with the label: ``scope`` = 10.
- the file or folder name cites the sub-item: ``ref`` = 40; an item-level "第7项": ``item_ref`` = 22.
- a 文号 the sub-item cites appears in the evidence: ``docnum`` = 38; a cited 《title》: ``title`` = 32.
- the kind of document (or what its title says it is: 印发《…方案》的通知 is a 方案) is among the
  materials the sub-item asks for: ``kind`` = 6, only where the score is already half-way. A sub-item
  about 活动 accepts their 签到表 and 照片.
- lexicon concepts (``matchers/data/lexicon.toml``): a document saying the rubric's phrase in its own
  words (副县长带队 for 领导班子成员调研检查) adds ``concept`` = 8 per concept, up to 16. A concept
  said once, deep in a long text (the 应急预案 line of a check list), is a passing mention and counts
  for nothing.
- the document's form: a 方案/制度 gains ``form`` = 12 on the sibling that asks for the plan (9(1)) and
  loses it on the siblings that ask for the work (9(3)); an account of work done the reverse; a meeting
  (召开…推进会, 纪要) gains it on the sibling that asks to 部署落实 (10(1)). Where the favoured sibling
  is a match, it ranks above its work siblings however much closer the text reads to them.
- examples (``matchers/learnt.py``): files the office confirmed (``evidence assign``/``learn``), up to
  ``learnt`` = 40, and the bundled reference examples (``matchers/reference.py``), up to ``reference``
  = 50; being closer to a 不是佐证 example than to any evidence costs 30. While the sub-item the text
  itself points to has no confirmed file, a faint likeness (below ``learnt_saturation``) to another
  sub-item's confirmed files adds nothing. The first confirmations cover a few sub-items, and without
  the rule (and with floor/saturation 0.06/0.15) they pulled the files of the others: no OCR, 20 / 50
  files of tune confirmed, P@1 on the test files whose sub-items had none fell 0.616 → 0.555 / 0.626 →
  0.541; now 0.598 / 0.618, while on the files whose sub-items were taught it rises 0.772 → 0.793 /
  0.715 → 0.733.
- a document of another field (食品安全, 防汛, 疫情, 招聘…) or a company's own work
  (``matchers/topic.py``) is capped below the match threshold: its best candidates stay as 待确认
  suggestions, with the reason.
- a sector campaign's sub-items (危险化学品, 城镇燃气, 房屋建筑, 高层建筑: the item's title says which)
  are capped the same way for a document that does not write about the sector (named in neither the
  title, the file path nor twice in the text), unless the office filed it under the item. On tune:
  P@1 0.763 → 0.770, hard negatives 0.886 → 0.914.
- a document dated in another year than the assessment year loses ``wrong_year`` = 10 and is capped
  below the confident threshold, but a match it would have had stays at the match threshold at
  least: shown for review (year_ok=False) with the year as a reason, never counted, never dropped.
- once a sub-item matches, the others the document also evidences need less: a 常务会议 report that
  is 2(1) evidence is often 1 or 2(3) evidence too, in fewer words. A sub-item at ``companion_floor``
  = 35 and at least ``companion_ratio`` = 0.6 of the best score is listed with it, for review (on
  the tune half: recall@3 0.70 → 0.73, any label in the top 3 0.85 → 0.87, precision@1 and the hard
  negatives unchanged, since a document nothing matches gains nothing).

Why: content alone (similarity + terms, up to 74) can reach "confident" (62) for a clearly written
document; a file-name ref plus the responsible department (54) lands in 待确认 unless the content
agrees; a cited 文号 with some content is confident; a 值班表 of the department asked for it, named so,
is a match without prose. The weights were fitted on the tune half of the real corpus
(``tests/matchers/real``) and on the written cases and demo inbox; the figures on the held-back half
are in README and ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

import numpy as np
from rapidfuzz import fuzz, process

from matchers.boilerplate import strip_boilerplate
from matchers.itemref import item_refs
from matchers.keywords import DOMAIN_TERMS, rubric_terms
from matchers.learnt import ExampleIndex, example_similarities
from matchers.lexicon import Lexicon, Mention, load_lexicon, parse_lexicon
from matchers.text import char_grams, fold
from matchers.topic import enterprise_subject, off_topic, sector_of_item, unnamed_sectors
from pipeline.departments import DepartmentRegistry, find_departments, load_departments
from pipeline.models import Example, Facts, Match, Rubric

K = TypeVar("K")

__all__ = [
    "EvidenceView",
    "SubItemIndex",
    "Weights",
    "build_index",
    "score_many",
    "score_sub_items",
    "scoring_text",
]


@dataclass(frozen=True)
class Weights:
    sim: float = 52.0
    sim_floor: float = 0.08  # cosine that unrelated county documents reach on shared boilerplate
    sim_saturation: float = 0.30  # cosine at which the similarity signal is full
    terms: float = 22.0
    term_saturation: float = 9.0  # summed term IDF at which the terms signal is full
    dept: float = 14.0
    ref: float = 40.0
    item_ref: float = 22.0
    docnum: float = 38.0
    title: float = 32.0
    kind: float = 6.0
    wrong_year: float = 10.0
    label: float = 24.0
    label_floor: float = 0.08  # cosine of a bare file name/title against an unrelated sub-item
    label_saturation: float = 0.28
    label_other: float = 0.5  # share of the label signal for sub-items of other departments
    label_prose: float = 0.5  # share for prose documents, whose text similarity already reads the title
    label_term: float = 2.0  # factor on the IDF of a shared term that is in the file name or title
    own_duty: float = 10.0
    own_phrase: float = 6.0
    scope: float = 10.0
    scope_idf: float = 2.5  # a scope word shares a 2-gram at least this rare with the label
    concept: float = 8.0  # per lexicon concept the document expresses in its own words
    concept_max: float = 16.0
    title_concept: float = 10.0  # once more when the file's name or title says it
    form: float = 12.0  # a 方案 goes to the sibling that asks for the plan, a report of work to the others
    learnt: float = 40.0  # similarity to files the office confirmed for the sub-item
    learnt_floor: float = 0.08  # cosine below which an example says nothing (2-fold CV inside tune)
    learnt_saturation: float = 0.20  # two 公文 on the same work reach 0.15–0.4; unrelated ones 0.04
    learnt_sharpness: float = 2.0  # (similarity / the best example's) ** this scales a sub-item's share
    learnt_negative: float = 30.0  # closer to a confirmed 不是佐证 than to any confirmed evidence
    reference: float = 50.0  # the same, for the bundled public documents (matchers/reference.py)
    reference_floor: float = 0.1
    reference_saturation: float = 0.15
    reference_negative: float = 30.0
    suggest_floor: float = 15.0  # suggestions below the threshold start here
    suggestions: int = 3
    companion_floor: float = 35.0  # once one sub-item matches, others need only this ...
    companion_ratio: float = 0.6  # ... and this share of the best one's score
    level_margin: float = 10.0  # a sibling of the title's level this close to the best one takes its place


WEIGHTS = Weights()
_NO_ROWS = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
CITED_WEIGHT = 0.35  # weight of the grams inside 《…》 in a sub-item's profile
MAX_TEXT = 3000  # characters of evidence text used for similarity; the head carries title and topic

# Materials words of the rubric → document kinds (DocKind) they accept.
_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("签到表", ("签到表",)),
    ("方案", ("方案",)),
    ("纪要", ("纪要",)),
    ("会议", ("纪要", "讲话", "签到表", "照片", "通知")),
    ("讲话", ("讲话",)),
    ("照片", ("照片",)),
    ("图片", ("照片",)),
    ("台账", ("台账", "清单", "记录")),
    ("签到", ("签到表",)),
    (
        "活动",
        ("签到表", "照片", "方案", "总结", "简报"),
    ),  # an activity is proven by who came and what was seen
    ("总结", ("总结", "报告")),
    ("报告", ("报告", "总结")),
    ("制度", ("制度",)),
    ("机制", ("制度", "通知", "意见")),
    ("规则", ("制度",)),
    ("清单", ("清单", "台账")),
    ("名单", ("名单", "清单")),
    ("记录", ("记录", "台账")),
    ("简报", ("简报",)),
    ("信息", ("简报",)),
    ("新闻", ("简报",)),
    ("报道", ("简报",)),
    ("规划", ("规划",)),
    ("要点", ("方案",)),
    ("计划", ("方案",)),
    ("文件", ("通知", "方案", "意见", "决定", "函")),
    ("发文", ("通知", "方案", "意见", "决定", "函")),
    ("通知", ("通知",)),
    ("函", ("函",)),
    ("预案", ("预案",)),
    ("通报", ("通报",)),
    ("排班", ("台账", "清单", "名单")),
    ("值班表", ("台账", "清单", "名单")),
    ("预算表", ("台账", "清单")),
    ("批示", ("函", "通知", "讲话")),
)

_ACCEPTS: dict[str, tuple[str, ...]] = dict(_KIND_WORDS)

# An office housed in a department answers for that department's sub-items (县安委会办公室设在县应急管理局).
_SEATED_IN = {"县安办": "县应急管理局"}

# Words of a document's own title that say what it is, beyond its form: "关于印发《…方案》的通知" is a 方案.
_TITLE_KINDS: tuple[tuple[str, str], ...] = (
    ("方案", "方案"), ("规划", "规划"), ("制度", "制度"), ("办法", "制度"), ("规则", "制度"), ("细则", "制度"),
    ("预案", "预案"), ("清单", "清单"), ("纪要", "纪要"), ("总结", "总结"), ("报告", "报告"), ("台账", "台账"),
    ("名单", "名单"), ("要点", "方案"), ("计划", "方案"), ("通报", "通报"),
)  # fmt: skip


@dataclass(frozen=True)
class EvidenceView:
    """What the scorer needs of one file: its place, its department, its text and facts."""

    rel_path: str
    department: str | None
    text: str
    facts: Facts
    is_image: bool = False


@dataclass(frozen=True)
class _Entry:
    id: str
    item_no: int
    departments: frozenset[str]
    doc_numbers: frozenset[str]
    titles: tuple[str, ...]  # folded, without 《》
    kinds: frozenset[str]
    terms: frozenset[int]  # indexes into SubItemIndex.terms


@dataclass(frozen=True)
class _Duty:
    """A department's part of a sub-item's 职责分工: the materials it names, and the scope written in
    brackets after the department (县教体局（校园安全、体育行业）)."""

    words: tuple[str, ...]
    scope: str = ""  # folded
    phrases: tuple[str, ...] = ()  # folded, each ending in one of ``words``: 问题隐患整改台账

    @property
    def scope_grams(self) -> frozenset[str]:
        return _scope_grams(self.scope)


@dataclass(frozen=True)
class SubItemIndex:
    """Built once per run from the rubric; bonus items are pseudo sub-items B1…B10."""

    entries: tuple[_Entry, ...]
    vocab: dict[str, int]
    idf: np.ndarray  # per gram
    matrix_t: np.ndarray  # (grams × entries): the sub-items' profiles, L2-normalised, float32
    terms: tuple[str, ...]  # folded dictionary terms used for the shared-keywords signal
    term_idf: np.ndarray
    term_heads: dict[str, tuple[int, ...]]  # first two characters → the terms starting with them
    all_titles: tuple[str, ...] = ()
    title_owner: tuple[int, ...] = ()
    known_ids: frozenset[str] = field(default_factory=frozenset)
    # inverted maps, so that scoring one evidence touches only the entries a signal concerns
    position: dict[str, int] = field(default_factory=dict)
    term_entries: dict[int, tuple[int, ...]] = field(default_factory=dict)
    dept_entries: dict[str, tuple[int, ...]] = field(default_factory=dict)
    item_entries: dict[int, tuple[int, ...]] = field(default_factory=dict)
    sector_entries: dict[str, tuple[int, ...]] = field(default_factory=dict)  # a sector's campaign items
    doc_entries: dict[str, tuple[int, ...]] = field(default_factory=dict)
    kind_entries: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # lexicon concept → entries whose text (with the item title) holds its rubric phrase
    lexicon: Lexicon = field(default_factory=lambda: parse_lexicon(""))
    concept_entries: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # department → (entry, what its own 职责分工 clauses say it provides there): "县应急局提供…值班表"
    duties: dict[str, tuple[tuple[int, _Duty], ...]] = field(default_factory=dict)
    # (grams × entries), the transposed profiles with the item title in each: what a bare file name
    # or caption ("安全生产月启动仪式") is compared with
    label_matrix_t: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    idf32: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    # entries whose rule asks for a plan or a rule (制定…方案), and their siblings that ask for the work
    plan_rows: frozenset[int] = frozenset()
    work_rows: frozenset[int] = frozenset()
    # entries whose rule asks to deploy the work (制定方案措施并部署落实): what a meeting is evidence of
    deploy_rows: frozenset[int] = frozenset()
    # siblings told apart by the level that 通报/约谈/督办 the county (28(1) 国家, 28(2) 省, 28(3) 市)
    level_rows: dict[int, str] = field(default_factory=dict)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.entries)


_grams = char_grams


_BOILERPLATE: tuple[str, ...] = tuple(
    line.strip()
    for line in """
    关于印发的通知 各乡镇人民政府、街道办事处，县级各部门 现将有关事项通知如下 请认真贯彻落实
    为深入贯彻落实党中央、国务院和省委、省政府，市委、市政府决策部署，结合我县实际，制定本方案
    一、工作目标 二、主要任务 三、工作要求 四、保障措施 附件 联系人 联系电话 抄送 印发
    会议纪要 会议指出 会议强调 会议要求 会议决定 出席 列席 主持召开 听取了汇报 研究了有关问题
    各单位要高度重视，加强组织领导，明确责任分工，确保各项工作落到实处 按时报送工作情况
    2020年 2021年 2022年 2023年 1月 2月 3月 4月 5月 6月 7月 8月 9月 10月 11月 12月 以上 以下 不少于
    蓬溪县人民政府办公室 中共蓬溪县委办公室 蓬溪县人民政府 县委县政府 各乡镇（街道） 县级有关部门
    开展检查 进一步加强 切实做好 全面开展 认真组织 及时报告 工作情况的报告 工作总结 工作方案
    """.strip().splitlines()
)

_CITED = re.compile(r"《[^《》]*》")


def _segments(profile: str) -> list[tuple[str, float]]:
    """The profile split into own words (weight 1) and cited 《titles》 (weight ``CITED_WEIGHT``).

    A sub-item that cites 《遂宁市…方案》 asks for work done under it; the county's own 《蓬溪县…方案》
    repeats the title almost word for word and would otherwise look like the citing sub-item rather
    than the one asking for the plan. The explicit title signal still rewards a real citation.
    """
    out: list[tuple[str, float]] = []
    last = 0
    for m in _CITED.finditer(profile):
        out.append((profile[last : m.start()], 1.0))
        out.append((m.group(0), CITED_WEIGHT))
        last = m.end()
    out.append((profile[last:], 1.0))
    return out


def _kinds_for(texts: Iterable[str]) -> frozenset[str]:
    kinds: set[str] = set()
    for text in texts:
        for word, accepted in _KIND_WORDS:
            if word in text:
                kinds.update(accepted)
    return frozenset(kinds)


def _term_heads(terms: Sequence[str]) -> dict[str, tuple[int, ...]]:
    heads: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(terms):
        heads[t[:2]].append(i)
    return {h: tuple(v) for h, v in heads.items()}


def _find_terms(
    folded: str,
    terms: Sequence[str],
    heads: dict[str, tuple[int, ...]],
    grams: Iterable[str] | None = None,
) -> set[int]:
    """Indexes of the terms in ``folded``; only terms whose first two characters occur are searched."""
    present = heads.keys() & (_grams(folded) if grams is None else grams)
    return {i for h in present for i in heads[h] if terms[i] in folded}


_CLAUSE_END = re.compile(r"[；;。\n]")


# Materials words too general to say what a department must hand in ("会议", "文件" name every notice).
_GENERIC_MATERIALS = frozenset({"会议", "文件", "发文", "机制", "信息", "通知", "函", "批示"})


def _material_words(text: str) -> tuple[str, ...]:
    """The specific materials words of ``_KIND_WORDS`` in ``text``, a word inside a longer one dropped."""
    found = [word for word, _ in _KIND_WORDS if word in text and word not in _GENERIC_MATERIALS]
    return tuple(w for w in found if not any(w != o and w in o for o in found))


def _scope_after(clause: str, end: int) -> str:
    """The bracketed text right after a department's mention, or ``""``."""
    rest = fold(clause[end:])
    if not rest.startswith("("):
        return ""
    close = rest.find(")")
    return rest[1:close] if close > 0 else ""


_PHRASE_SPLIT = re.compile(r"[、，,+＋：:（）()“”\"《》<>\s]|提供|以及|和|及|与|或")
_PHRASE_MAX = 12


def _material_phrases(clause: str) -> list[str]:
    """The noun phrases of a clause that end in a materials word: "…名单+重点企业检查记录+问题隐患整改
    台账" gives 重点企业检查记录 and 问题隐患整改台账."""
    out: list[str] = []
    for piece in _PHRASE_SPLIT.split(fold(clause)):
        ends = [piece.rfind(w) + len(w) for w in _material_words(piece)]
        if ends:
            phrase = piece[: max(ends)][-_PHRASE_MAX:]
            if phrase not in out:
                out.append(phrase)
    return out


def _duty_clauses(duty: str, registry: DepartmentRegistry) -> dict[str, _Duty]:
    """Department → what the 职责分工 clauses that name it say it provides.

    "县应急局提供应急局的日常和节假日的值班表" gives 县应急管理局 → (值班表,). A clause naming no
    department continues the one before it ("各乡镇（街道）提供；2022年观看学习…专题片资料")."""
    words: dict[str, list[str]] = defaultdict(list)
    phrases: dict[str, list[str]] = defaultdict(list)
    scopes: dict[str, list[str]] = defaultdict(list)
    named: list[str] = []
    for clause in _CLAUSE_END.split(duty):
        if not clause.strip():
            continue
        mentions = find_departments(clause, registry)
        if mentions:
            named = list(dict.fromkeys(m.department.name for m in mentions))
            for m in mentions:
                scope = _scope_after(clause, m.end)
                if scope and scope not in scopes[m.department.name]:
                    scopes[m.department.name].append(scope)
        for department in named:
            words[department] += [w for w in _material_words(clause) if w not in words[department]]
            phrases[department] += [x for x in _material_phrases(clause) if x not in phrases[department]]
    return {
        d: _Duty(tuple(words[d]), "、".join(scopes[d]), tuple(phrases[d]))
        for d in dict.fromkeys([*words, *scopes])
        if words[d] or scopes[d]
    }


def _without_departments(text: str, registry: DepartmentRegistry) -> str:
    """``text`` with the departments it names blanked out: who provides a material is not what it is."""
    out, last = [], 0
    for m in find_departments(text, registry):
        if m.start >= last:
            out.append(text[last : m.start])
            last = m.end
    out.append(text[last:])
    return " ".join(out)


def _label_matrix(profiles: Sequence[str], vocab: dict[str, int], idf: np.ndarray) -> np.ndarray:
    """Rows for the label similarity; grams only item titles have join ``vocab`` (as rare grams)."""
    rows = [Counter(g for segment, _ in _segments(p) for g in _grams(segment)) for p in profiles]
    for counts in rows:
        for g in counts:
            vocab.setdefault(g, len(vocab))
    full_idf = np.concatenate([idf, np.full(len(vocab) - len(idf), idf.max())])
    out = np.zeros((len(profiles), len(vocab)), dtype=np.float32)
    for r, counts in enumerate(rows):
        for g, c in counts.items():
            out[r, vocab[g]] = (1 + math.log(c)) * full_idf[vocab[g]]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)


def build_index(
    rubric: Rubric, extra_terms: Iterable[str] = (), registry: DepartmentRegistry | None = None
) -> SubItemIndex:
    """Once per run. Bonus items become pseudo sub-items B1…B10 with no department; ``extra_terms``
    (e.g. a KeywordExtractor's dictionary) widen the shared-keywords signal. ``registry`` resolves the
    departments named in each 职责分工 clause; by default the registry ``read_rubric`` uses."""
    if registry is None:
        registry = load_departments()
    profiles: list[str] = []
    label_profiles: list[str] = []
    duties: list[dict[str, _Duty]] = []
    raw: list[tuple[str, int, tuple[str, ...], tuple[str, ...], tuple[str, ...], str]] = []
    concept_texts: list[str] = []  # what a lexicon concept's rubric phrase is looked up in
    plan_texts: list[str] = []
    for item in rubric.items():
        for sub in item.sub_items:
            # the item title only where the sub-item is the whole item: shared titles blur siblings
            title = item.title if len(item.sub_items) == 1 else ""
            profile = " ".join([title, sub.text, sub.duty, " ".join(sub.materials)])
            profiles.append(fold(profile))
            concept_texts.append(fold(item.title + "\n" + sub.text))
            plan_texts.append(_CITED.sub("", fold(sub.text)).replace("关于印发", ""))
            label_profiles.append(
                fold(
                    " ".join([item.title, sub.text, _without_departments(sub.duty, registry), *sub.materials])
                )
            )
            kinds_from = "\x00".join((*sub.materials, sub.duty, sub.text))
            clauses = _duty_clauses(sub.duty, registry)
            if not sub.departments_defaulted:
                # "县住建局提供": the department provides what the sub-item's own text asks for
                own_text = " ".join([sub.text, *sub.materials])
                asked = _material_words(own_text)
                for department in sub.departments:
                    if asked and not (department in clauses and clauses[department].words):
                        scope = clauses[department].scope if department in clauses else ""
                        clauses[department] = _Duty(asked, scope, tuple(_material_phrases(own_text)))
            duties.append(clauses)
            raw.append(
                (sub.id, item.no, sub.departments, sub.cited_doc_numbers, sub.cited_titles, kinds_from)
            )
    if rubric.bonus is not None:
        for bonus in rubric.bonus.items:
            profiles.append(fold(bonus.text))
            concept_texts.append(fold(bonus.text))
            plan_texts.append("")
            label_profiles.append(fold(bonus.text))
            duties.append({})
            raw.append((bonus.id, 0, (), (), (), ""))

    # department names are who, not what: a minute listing 县交通运输局 is not about every sub-item
    # whose 职责分工 lists it (the department prior already speaks for the submitting one)
    names = {fold(n) for d in registry.departments for n in (d.name, *d.aliases)}
    term_list = tuple(
        dict.fromkeys(
            fold(t)
            for t in (*rubric_terms(rubric), *DOMAIN_TERMS, *extra_terms)
            if len(t) >= 2 and fold(t) not in names
        )
    )
    heads = _term_heads(term_list)
    sub_terms = [_find_terms(p, term_list, heads) for p in profiles]
    n = len(profiles)
    df_terms = np.zeros(len(term_list))
    for present in sub_terms:
        for i in present:
            df_terms[i] += 1
    # a term no sub-item uses cannot be shared; one every sub-item uses explains nothing
    term_idf = np.where(df_terms > 0, np.log((n + 1) / (df_terms + 1)), 0.0)

    vocab: dict[str, int] = {}
    rows: list[dict[int, float]] = []
    for profile in profiles:
        counts: dict[int, float] = {}
        for segment, weight in _segments(profile):
            for g in _grams(segment):
                col = vocab.setdefault(g, len(vocab))
                counts[col] = counts.get(col, 0.0) + weight
        rows.append(counts)
    df = np.zeros(len(vocab))
    for counts in rows:
        for col in counts:
            df[col] += 1
    # 公文 boilerplate counts as documents too, so that a rubric of few sub-items still gives
    # "关于…的通知", "各乡镇" and "2022年" no weight
    for line in _BOILERPLATE:
        for col in {vocab[g] for g in _grams(line) if g in vocab}:
            df[col] += 1
    n_docs = n + len(_BOILERPLATE)
    idf = np.log((n_docs + 1) / (df + 1)) + 0.05
    matrix = np.zeros((n, len(vocab)), dtype=np.float32)
    for r, counts in enumerate(rows):
        for col, c in counts.items():
            matrix[r, col] = (1 + math.log(max(c, 1.0))) * idf[col] * min(c, 1.0)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.where(norms == 0, 1, norms)
    label_matrix = _label_matrix(label_profiles, vocab, idf)
    idf = np.concatenate([idf, np.full(len(vocab) - len(idf), idf.max())])
    matrix = np.pad(matrix, ((0, 0), (0, len(vocab) - matrix.shape[1])))

    entries: list[_Entry] = []
    all_titles: list[str] = []
    owner: list[int] = []
    for r, (sid, item_no, depts, docs, titles, kinds_from) in enumerate(raw):
        folded_titles = tuple(fold(t).strip("《》 ") for t in titles if t.strip())
        for t in folded_titles:
            all_titles.append(t)
            owner.append(r)
        entries.append(
            _Entry(
                id=sid,
                item_no=item_no,
                departments=frozenset(depts),
                doc_numbers=frozenset(docs),
                titles=folded_titles,
                kinds=_kinds_for(kinds_from.split("\x00")) if kinds_from else frozenset(),
                terms=frozenset(i for i in sub_terms[r] if term_idf[i] > 1.0),
            )
        )

    def inverted(keys_of: Callable[[_Entry], Iterable[K]]) -> dict[K, tuple[int, ...]]:
        out: dict[K, list[int]] = defaultdict(list)
        for r, entry in enumerate(entries):
            for key in keys_of(entry):
                out[key].append(r)
        return {k: tuple(v) for k, v in out.items()}

    by_department: dict[str, list[tuple[int, _Duty]]] = defaultdict(list)
    for r, clauses in enumerate(duties):
        for department, duty in clauses.items():
            by_department[department].append((r, duty))

    # a rule all of whose deductions are about the plan; one that also deducts for the work (7(2):
    # 制定…方案的，扣1分；未认真组织开展…检查的，扣1分) is on neither side
    deductions = [[c for c in _DEDUCTION.findall(t) if c.strip("，,；;。 ")] for t in plan_texts]
    plans = {r for r, cs in enumerate(deductions) if cs and all(_ASKS_FOR_PLAN.search(c) for c in cs)}
    mixed = {
        r for r, cs in enumerate(deductions) if r not in plans and any(_ASKS_FOR_PLAN.search(c) for c in cs)
    }
    items_with_plan = {entries[r].item_no for r in plans if entries[r].item_no}
    work = {r for r, e in enumerate(entries) if e.item_no in items_with_plan and r not in plans | mixed}
    plans &= {r for r, e in enumerate(entries) if e.item_no in {entries[k].item_no for k in work}}

    sector_by_item = {
        item.no: sector
        for part in rubric.parts
        for category in part.categories
        for item in category.items
        if (sector := sector_of_item(item.title)) is not None
    }
    lexicon = load_lexicon()
    concept_entries = {
        c: tuple(r for r, t in enumerate(concept_texts) if concept.rubric in t)
        for c, concept in enumerate(lexicon.concepts)
    }
    return SubItemIndex(
        plan_rows=frozenset(plans),
        work_rows=frozenset(work),
        deploy_rows=frozenset(r for r, t in enumerate(plan_texts) if _DEPLOYS.search(t)),
        level_rows=_levelled_rows(plan_texts, entries),
        lexicon=lexicon,
        concept_entries={c: rows for c, rows in concept_entries.items() if rows},
        duties={d: tuple(v) for d, v in by_department.items()},
        label_matrix_t=np.ascontiguousarray(label_matrix.T),
        matrix_t=np.ascontiguousarray(matrix.T),
        idf32=idf.astype(np.float32),
        position={e.id: r for r, e in enumerate(entries)},
        term_entries=inverted(lambda e: e.terms),
        dept_entries=inverted(lambda e: e.departments),
        item_entries=inverted(lambda e: [e.item_no] if e.item_no else []),
        sector_entries=inverted(lambda e: [sector_by_item[e.item_no]] if e.item_no in sector_by_item else []),
        doc_entries=inverted(lambda e: e.doc_numbers),
        kind_entries=inverted(lambda e: e.kinds),
        entries=tuple(entries),
        vocab=vocab,
        idf=idf,
        terms=term_list,
        term_idf=term_idf,
        term_heads=heads,
        all_titles=tuple(all_titles),
        title_owner=tuple(owner),
        known_ids=frozenset(e.id for e in entries),
    )


def _gathered_cosine(grams: Sequence[Counter[str]], index: SubItemIndex, matrix_t: np.ndarray) -> np.ndarray:
    """Cosine of each gram bag's IDF-weighted vector against the rows of ``matrix_t.T``,
    (len(grams) × entries); a text has a few hundred of the index's grams, so the rows of the
    transposed matrix it has are gathered rather than a dense vector being made."""
    out = np.zeros((len(grams), len(index.entries)), dtype=np.float32)
    vocab = index.vocab
    for r, counts in enumerate(grams):
        known = [(vocab[g], c) for g, c in counts.items() if g in vocab]
        if not known:
            continue
        cols = np.fromiter((c for c, _ in known), dtype=np.intp, count=len(known))
        values = (1 + np.log(np.fromiter((n for _, n in known), dtype=np.float32))) * index.idf32[cols]
        norm = float(np.linalg.norm(values))
        if norm:
            out[r] = (values / norm) @ matrix_t[cols]
    return out


def _label_similarity(labels: Sequence[Counter[str]], index: SubItemIndex) -> np.ndarray:
    """Cosine of each (short) label against the label profiles."""
    return _gathered_cosine(labels, index, index.label_matrix_t)


def _similarity(grams: Sequence[Counter[str]], index: SubItemIndex) -> np.ndarray:
    """Cosine of IDF-weighted gram vectors against the sub-items' profiles."""
    return _gathered_cosine(grams, index, index.matrix_t)


def _name_parts(rel_path: str) -> tuple[list[str], list[str]]:
    """(folders and stem below the department's folder, those of the zip holding it): what the file
    was named by the people who filed it."""
    outer, _, inner = rel_path.rpartition("!/")
    parts = inner.split("/") if outer else rel_path.split("/")[1:] or [rel_path]
    parts[-1] = parts[-1].rsplit(".", 1)[0]
    holder = outer.split("/")[1:] if outer else []
    if holder:
        holder[-1] = holder[-1].rsplit(".", 1)[0]
    return parts, holder


# pinyin glosses a web page printed after its characters (縣安委會(huì)召開): noise between the words
_GLOSS = re.compile(r"(?<=[\u3400-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ]{1,7}\)")


def _folded(text: str) -> str:
    return _GLOSS.sub("", fold(text))


def scoring_text(view: EvidenceView) -> str:
    """File name, folders below the department's, own title and the head of the text, width-folded:
    what the similarity signals read of a file (and what an office example keeps of it)."""
    parts, _ = _name_parts(view.rel_path)
    head = view.facts.title
    body = strip_boilerplate(view.text[:MAX_TEXT], head)
    return _folded(" ".join([*parts, head, body]))


# a concept said once, deep in a long text, is a passing mention (a check list's "应急预案" line), not the
# document's subject: it neither adds concept points nor its rubric phrase (chosen on the tune half)
PASSING_TEXT = 600  # characters of scoring text
PASSING_HEAD = 200  # a mention within the name, title and lead is never in passing


def _expanded(text: str, lexicon: Lexicon) -> tuple[str, list[Mention]]:
    """The scoring text with the rubric's phrase of every lexicon concept it expresses appended."""
    found = lexicon.find(text)
    if len(text) > PASSING_TEXT:
        found = [m for m in found if m.count > 1 or m.first <= PASSING_HEAD]
    if not found:
        return text, found
    return text + " " + " ".join(lexicon.concepts[m.concept].rubric for m in found), found


_HEAD_LINES = 5
_HEAD_CHARS = 2000  # enough for five lines of a wide header row
SHORT_TEXT = 80  # characters: a photo caption or banner is its own label


def _table_head(text: str) -> str:
    """A table's lines down to its header row (sheet name, title row, 序号 企业名称 …), or ``""``."""
    lines = text[:_HEAD_CHARS].splitlines()[:_HEAD_LINES]
    for k, line in enumerate(lines):
        if sum(1 for c in line.split("\t") if c.strip()) > 1:
            return " ".join(x.strip() for x in lines[: k + 1])
    return ""


def _phrase_in(phrases: Sequence[str], label: str) -> str:
    """The longest tail of a materials phrase that the label contains (整改台账 of 问题隐患整改台账)."""
    best = ""
    for phrase in phrases:
        for start in range(len(phrase) - 1):
            if len(phrase) - start <= len(best):
                break
            if phrase[start:] in label:
                best = phrase[start:]
                break
    return best


# a rule that asks for the plan itself: "未…制定县级城镇燃气安全生产专项行动实施方案的"
_ASKS_FOR_PLAN = re.compile(
    r"(?:制定|出台|编制|建立健全|修订)[^，,；;。]{0,40}?(?:方案|计划|制度|办法|规定|要点)"
)
# one deduction: the failure it names and its "扣0.5分"
_DEDUCTION = re.compile(r".*?扣[0-9.]+分", re.S)
# what a document's title says it is: the plan, or an account of work done
_PLAN_TITLE = re.compile(r"方案|计划|办法|制度|要点|细则|规定|规则")
_WORK_TITLE = re.compile(r"总结|成效|实效|报告|通报|开展|召开|完成|取得|推进|检查|督导|调研|行动中")
_WORK_KINDS = frozenset({"总结", "报告", "简报", "通报", "台账", "纪要", "照片", "记录", "名单"})
# the level the rubric says 通报/约谈/督办 the county: 被国家专项通报或约谈 (28(1)), 被省… (28(2))
_RUBRIC_LEVEL = re.compile(r"(国家|省|市)级?(?:专项)?(?:通报|约谈|督办)")
# the first level a title names is the one that acts: 国务院安委办约谈21个市级政府 is 国家
_TITLE_LEVEL = re.compile(r"(国务院|国家|全国|应急管理部)|(省|自治区)|((?<!城)市(?!场)|州)")


def _levelled_rows(texts: Sequence[str], entries: Sequence[_Entry]) -> dict[int, str]:
    """Entries whose text names one level only, in an item where siblings name other levels."""
    single: dict[int, str] = {}
    for r, t in enumerate(texts):
        levels = set(_RUBRIC_LEVEL.findall(t))
        if len(levels) == 1:
            single[r] = levels.pop()
    by_item: dict[int, set[str]] = defaultdict(set)
    for r, level in single.items():
        by_item[entries[r].item_no].add(level)
    return {
        r: level for r, level in single.items() if entries[r].item_no and len(by_item[entries[r].item_no]) > 1
    }


def document_level(title: str) -> str | None:
    """国家 / 省 / 市: who acts in the title, or None (a county's own document names none)."""
    m = _TITLE_LEVEL.search(title)
    if m is None:
        return None
    return "国家" if m.group(1) else "省" if m.group(2) else "市"


# a meeting (召开…推进会, a 会议纪要) deploys work: it is evidence where the rule asks to 部署落实
_MEETING_TITLE = re.compile(r"召开|(?:会议|推进会|调度会|部署会|电视电话会|视频会)(?:召开)?$")
_DEPLOYS = re.compile(r"并部署落实")


def _document_form(facts: Facts) -> str:
    """ "plan" for a 方案/制度 (关于印发《…方案》的通知 included), "meeting" for a meeting that deploys
    the work, "work" for an account of work done (a 总结, a news item, a 台账), "" when the title does
    not say."""
    title = fold(facts.title)
    if facts.kind not in ("方案", "制度") and (facts.kind == "纪要" or _MEETING_TITLE.search(title)):
        return "meeting"
    if facts.kind in _WORK_KINDS or _WORK_TITLE.search(title):
        return "work"
    if facts.kind in ("方案", "制度") or _PLAN_TITLE.search(title):
        return "plan"
    return ""


_VAGUE_KINDS = frozenset({"通知", "函", "意见", "决定", "其他"})


@cache
def _scope_grams(scope: str) -> frozenset[str]:
    return frozenset(g for g in _grams(scope) if len(g) == 2)


def _scope_in(scope: frozenset[str], label_grams: set[str], index: SubItemIndex, min_idf: float) -> bool:
    """Whether a rare 2-gram of a department's scope (校园安全 → 校园) is in the label."""
    for g in scope.intersection(label_grams):
        col = index.vocab.get(g)
        if col is not None and index.idf[col] >= min_idf:
            return True
    return False


def _is_thin(view: EvidenceView) -> bool:
    """A photo or a table: little prose for the text similarity to read. (A short Word file is still
    prose, only a short one.)"""
    return view.is_image or bool(_table_head(view.text.strip()))


def _label_text(view: EvidenceView) -> str:
    """What names the file rather than fills it: its names, its title, a table's head, a caption.

    Spreadsheets and photos have little prose, and a 台账's rows (names, addresses) drown its title
    in the whole-text similarity; the label is scored on its own."""
    parts, holder = _name_parts(view.rel_path)
    text = view.text.strip()
    caption = text if view.is_image and len(text) <= SHORT_TEXT else _table_head(text)
    return _folded(" ".join([*holder, *parts, view.facts.title, caption]))


_CHUNK = 256  # views scored together


def score_many(
    views: Sequence[EvidenceView],
    index: SubItemIndex,
    *,
    assessment_year: int,
    match_threshold: float = 45.0,
    confident_threshold: float = 62.0,
    top: int = 5,
    weights: Weights = WEIGHTS,
    examples: ExampleIndex | None = None,
    keys: Sequence[str | None] | None = None,
) -> list[tuple[Match, ...]]:
    """Matches of each view, best first.

    ``examples`` are the office's labelled files (``keys``: each view's content hash, so that a file
    is never its own example). A view nothing matches gets its best candidates as ``suggested``."""
    results: list[tuple[Match, ...]] = []
    all_keys = list(keys) if keys is not None else [None] * len(views)
    # in chunks: the gram bags of ten thousand texts held at once cost more in memory and in the
    # garbage collector's passes over them than the scoring itself
    for start in range(0, len(views), _CHUNK):
        chunk = views[start : start + _CHUNK]
        plain = [scoring_text(v) for v in chunk]
        expanded = [_expanded(t, index.lexicon) for t in plain]
        texts = [t for t, _ in expanded]
        learnt = (
            example_similarities(examples, plain, all_keys[start : start + _CHUNK])
            if examples is not None and len(examples)
            else None
        )
        grams = [Counter(_grams(t)) for t in texts]
        sims = _similarity(grams, index)
        labels = [_label_text(v) for v in chunk]
        label_grams = [Counter(_grams(t)) for t in labels]
        label_sims = _label_similarity(label_grams, index)
        for row, (view, text) in enumerate(zip(chunk, texts, strict=True)):
            results.append(
                _score_one(
                    view,
                    text,
                    labels[row],
                    set(label_grams[row]),
                    grams[row],
                    sims[row],
                    label_sims[row],
                    index,
                    assessment_year=assessment_year,
                    match_threshold=match_threshold,
                    confident_threshold=confident_threshold,
                    top=top,
                    w=weights,
                    examples=examples if learnt is not None else None,
                    learnt=learnt[row] if learnt is not None else None,
                    concepts=expanded[row][1],
                )
            )
    return results


def _short_name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _learnt_terms(w: Weights, reference: bool) -> tuple[float, float, float]:
    """(floor, saturation, weight) of the office's examples or of the reference ones."""
    if reference:
        return w.reference_floor, w.reference_saturation, w.reference
    return w.learnt_floor, w.learnt_saturation, w.learnt


def _learnt_reason(sub_id: str, office: int, reference: int, closest: float, nearest: Example) -> str:
    """The office's confirmations are named first: they are what a person there decided."""
    name = f"“{nearest.source}”" if nearest.origin == "reference" else _short_name(nearest.source)
    tail = f"（最相近：{name}，相似度{closest:.2f}）"
    if office and reference:
        return f"与已确认的 {office} 份 {sub_id} 佐证及 {reference} 份同类公开文件样例相似{tail}"
    if office:
        return f"与已确认的 {office} 份 {sub_id} 佐证相似{tail}"
    return f"与 {reference} 份属于 {sub_id} 的公开文件样例相似{tail}"


def score_sub_items(
    view: EvidenceView,
    index: SubItemIndex,
    *,
    assessment_year: int,
    match_threshold: float = 45.0,
    confident_threshold: float = 62.0,
    top: int = 5,
    weights: Weights = WEIGHTS,
) -> tuple[Match, ...]:
    return score_many(
        [view],
        index,
        assessment_year=assessment_year,
        match_threshold=match_threshold,
        confident_threshold=confident_threshold,
        top=top,
        weights=weights,
    )[0]


def _best_sibling(index: SubItemIndex, scores: np.ndarray, r: int, among: Container[int]) -> float:
    """The best score of ``r``'s siblings (same item) that are ``among`` the given rows; 0 if none."""
    siblings = index.item_entries.get(index.entries[r].item_no, ())
    return max((float(scores[k]) for k in siblings if k != r and k in among), default=0.0)


def _score_one(
    view: EvidenceView,
    text: str,
    label: str,
    label_grams: set[str],
    grams: Counter[str],
    sim: np.ndarray,
    label_sim: np.ndarray,
    index: SubItemIndex,
    *,
    assessment_year: int,
    match_threshold: float,
    confident_threshold: float,
    top: int,
    w: Weights,
    examples: ExampleIndex | None = None,
    learnt: np.ndarray | None = None,
    concepts: Sequence[Mention] = (),
) -> tuple[Match, ...]:
    """One view against all entries: signals are added as vectors, reasons are written for the winners."""
    facts = view.facts
    scores = np.clip((sim - w.sim_floor) / (w.sim_saturation - w.sim_floor), 0.0, 1.0) * w.sim
    label_points = (
        np.clip((label_sim - w.label_floor) / (w.label_saturation - w.label_floor), 0.0, 1.0) * w.label
    )
    thin = _is_thin(view)
    if not thin:
        label_points *= w.label_prose

    # department prior: the submitting folder, else the issuing organ
    direct = {d for d in (view.department, facts.organ) if d}
    owners = direct | {_SEATED_IN[d] for d in direct if d in _SEATED_IN}
    dept_of: dict[int, str] = {}
    for owner in sorted(owners):
        for r in index.dept_entries.get(owner, ()):
            dept_of.setdefault(r, owner)
    # shared dictionary terms; "三年行动" inside "专项整治三年行动" counts once
    shared_by: dict[int, list[int]] = defaultdict(list)
    for t in _find_terms(text, index.terms, index.term_heads, grams):
        for r in index.term_entries.get(t, ()):
            shared_by[r].append(t)
    for r, shared in shared_by.items():
        kept = [i for i in shared if not any(index.terms[i] in index.terms[j] for j in shared if j != i)]
        kept.sort(key=lambda i: (-index.term_idf[i], index.terms[i]))
        shared_by[r] = kept
        # a term the file is named after says more than one in passing, for its own department's sub-items
        boost = w.label_term if r in dept_of and thin else 1.0
        weight = sum(index.term_idf[i] * (boost if index.terms[i] in label else 1.0) for i in kept)
        scores[r] += min(1.0, float(weight) / w.term_saturation) * w.terms

    # what the rubric says in the words documents use (lexicon): "副县长带队" is 领导班子成员调研检查;
    # said in the file's name or title, a concept is what the document is about, not a word in it
    titled = {m.concept: m.variant for m in index.lexicon.find(label)} if concepts else {}
    concept_of: dict[int, list[tuple[str, str, bool]]] = defaultdict(list)
    for m in concepts:
        variant = titled.get(m.concept, m.variant)
        for r in index.concept_entries.get(m.concept, ()):
            concept_of[r].append((variant, index.lexicon.concepts[m.concept].rubric, m.concept in titled))
    for r, said in concept_of.items():
        scores[r] += min(w.concept_max, w.concept * len(said))

    # a 方案 is evidence of making the plan (9(1)), not of doing the work (9(3)), and a report the reverse
    form = _document_form(facts)
    form_of: dict[int, str] = {}
    against: set[int] = set()
    if form == "meeting":
        for r in index.deploy_rows:
            if scores[r] > 0:
                scores[r] += w.form
                form_of[r] = form
    elif form:
        favoured = index.plan_rows if form == "plan" else index.work_rows
        other = index.work_rows if form == "plan" else index.plan_rows
        for r in favoured:
            if scores[r] > 0:
                scores[r] += w.form
                form_of[r] = form
        for r in other:
            if scores[r] > 0:
                scores[r] -= w.form
                against.add(r)
    for r, said in concept_of.items():
        if r not in against:  # the title's concept does not outweigh the document's form
            scores[r] += w.title_concept * sum(in_title for _, _, in_title in said)

    # the file or folder name cites the sub-item or its item
    ref_of: dict[int, str] = {}
    for ref in item_refs(view.rel_path, index.known_ids) if view.rel_path else []:
        if ref in index.position:
            ref_of[index.position[ref]] = f"文件名标注指标 {ref}"
        if ref.isdigit():
            for r in index.item_entries.get(int(ref), ()):
                ref_of.setdefault(r, f"文件名标注第{ref}项")
    for r, reason in ref_of.items():
        scores[r] += w.ref if reason.startswith("文件名标注指标") else w.item_ref

    # a 文号 or 《title》 the sub-item cites
    doc_of: dict[int, str] = {}
    for number in facts.doc_numbers:
        for r in index.doc_entries.get(number.canonical, ()):
            doc_of.setdefault(r, number.canonical)
    for r in doc_of:
        scores[r] += w.docnum
    title_of: dict[int, str] = {}
    for cited_title, title_owner in zip(index.all_titles, index.title_owner, strict=True):
        if len(cited_title) >= 6 and cited_title in text:
            title_of.setdefault(title_owner, cited_title)
    for cited in facts.titles:
        best = process.extractOne(fold(cited), index.all_titles, scorer=fuzz.ratio, score_cutoff=88)
        if best is not None:
            title_of.setdefault(index.title_owner[best[2]], best[0])
    for r in title_of:
        scores[r] += w.title
    # the kind of document versus the materials asked for
    kind = "照片" if view.is_image and facts.kind == "其他" else facts.kind
    kinds = [kind, *sorted({k for word, k in _TITLE_KINDS if word in facts.title} - {kind})]
    kind_set = frozenset(kinds)

    # the department's own 职责分工 clause names this material ("县应急局提供…值班表" for a 值班表.xlsx),
    # or the scope written after its name (县教体局（校园安全）) is what the file is about
    own_of: dict[int, tuple[str, str, bool]] = {}
    scope_of: dict[int, tuple[str, str]] = {}
    for owner in sorted(owners):
        for r, duty in index.duties.get(owner, ()):
            # a prose document's name alone does not make it the material: its form must agree
            named = next(
                (wd for wd in duty.words if wd in label and (thin or not kind_set.isdisjoint(_ACCEPTS[wd]))),
                None,
            )
            if named is not None:
                phrase = _phrase_in(duty.phrases, label)
                if len(phrase) > len(named) + 1:
                    named = phrase
                own_of[r] = (owner, named, True)
            elif r not in own_of:
                accepted = next((wd for wd in duty.words if not kind_set.isdisjoint(_ACCEPTS[wd])), None)
                if accepted is not None:
                    own_of[r] = (owner, accepted, False)
            if (
                duty.scope
                and r not in scope_of
                and _scope_in(duty.scope_grams, label_grams, index, w.scope_idf)
            ):
                scope_of[r] = (owner, duty.scope)
    for r, (_, named, in_label) in own_of.items():
        # a form that says what it is (照片, 签到表, 台账) counts like the word itself; a 通知 is anything
        scores[r] += w.own_duty if in_label or kind not in _VAGUE_KINDS else w.own_duty / 2
        if in_label and named not in _ACCEPTS:  # the whole phrase: 问题隐患整改台账, not just 台账
            scores[r] += w.own_phrase
    for r in scope_of:
        scores[r] += w.scope

    # the department prior counts in full only next to a topical signal; on generic text it is halved,
    # or a 县委办 notice about 征兵 would look like 2(1) evidence
    # the label speaks for the department's own sub-items; another department's sub-item needs more
    own_rows = np.zeros(len(scores), dtype=bool)
    own_rows[list(dept_of)] = True
    label_points = np.where(own_rows, label_points, label_points * w.label_other)
    scores += label_points
    if dept_of:
        topical = {
            *shared_by,
            *ref_of,
            *doc_of,
            *title_of,
            *scope_of,
            *(r for r, o in own_of.items() if o[2]),
        }
        rows = np.fromiter(dept_of, dtype=np.intp, count=len(dept_of))
        scores[rows] += [w.dept if r in topical else w.dept / 2 for r in dept_of]

    # the kind of document versus the materials asked for; only where something else already fits
    kind_of: dict[int, str] = {}
    for k in kinds:
        for r in index.kind_entries.get(k, ()):
            kind_of.setdefault(r, k)
    for r in kind_of:
        if scores[r] >= match_threshold / 2:
            scores[r] += w.kind
        else:
            kind_of[r] = ""

    # the office's own confirmed files: a file like three confirmed 2(1) files is 2(1) evidence; the
    # bundled public documents (reference examples) the same way, with less weight: another county's
    # file on the same work reads less alike than the office's own
    learnt_of: dict[int, tuple[int, int, float, Example]] = {}  # office, reference, nearest
    unlike: Example | None = None
    if examples is not None and learnt is not None:
        positives = [i for i, e in enumerate(examples.examples) if e.sub_item_ids]
        best_positive = float(learnt[positives].max()) if positives else 0.0
        # the office confirms a few files of a few sub-items first: while the sub-item the text itself
        # points to has none, a faint likeness to another one's files is that gap, not evidence
        leader = index.entries[int(np.argmax(scores))].id
        leader_taught = len(examples.rows_by_origin.get(leader, _NO_ROWS)[0]) > 0
        for sub_id, (office_rows, reference_rows) in examples.rows_by_origin.items():
            at = index.position.get(sub_id)
            if at is None:
                continue
            close_by: list[tuple[float, Example]] = []
            gain = 0.0
            for rows, reference in ((office_rows, False), (reference_rows, True)):
                if not len(rows):
                    continue
                floor, saturation, weight = _learnt_terms(w, reference)
                sims = learnt[rows]
                closest = float(sims.max())
                if closest <= floor or (not reference and not leader_taught and closest < saturation):
                    continue
                close_by += [
                    (float(sims[k]), examples.examples[rows[k]]) for k in np.flatnonzero(sims > floor)
                ]
                # the closest examples speak; a sub-item whose examples are only half as close, much less
                rank = (closest / best_positive) ** w.learnt_sharpness
                gain = max(gain, min(1.0, (closest - floor) / (saturation - floor)) * weight * rank)
            if close_by:
                closest, nearest = max(close_by, key=lambda p: p[0])
                reference_count = sum(1 for _, e in close_by if e.origin == "reference")
                learnt_of[at] = (len(close_by) - reference_count, reference_count, closest, nearest)
                scores[at] += gain
        negatives = examples.negatives
        if negatives:
            nearest_row = max(negatives, key=lambda i: float(learnt[i]))
            nearest_negative = examples.examples[nearest_row]
            reference = nearest_negative.origin == "reference"
            _, saturation, _ = _learnt_terms(w, reference)
            if float(learnt[nearest_row]) >= saturation and float(learnt[nearest_row]) > best_positive:
                unlike = nearest_negative
                scores -= w.reference_negative if reference else w.learnt_negative

    # between siblings the form decides: a 方案 or a deploying meeting that fits the plan sibling (10(1))
    # is its evidence, however much closer the text reads to the work sibling (10(3))
    for r, f in form_of.items():
        if f == "work" or scores[r] < match_threshold:
            continue
        top_rival = _best_sibling(index, scores, r, index.work_rows)
        if top_rival >= scores[r]:
            scores[r] = top_rival + 1.0

    # the same between siblings that differ by level: a 国务院安委办 约谈 is 28(1), a 市 one 28(3)
    level_of: dict[int, str] = {}
    level = document_level(facts.title or label) if index.level_rows else None
    if level is not None:
        for r, rubric_level in index.level_rows.items():
            if rubric_level != level:
                continue
            top_rival = _best_sibling(index, scores, r, index.level_rows)
            if top_rival >= match_threshold and scores[r] >= top_rival - w.level_margin:
                scores[r] = max(float(scores[r]), top_rival + 1.0)
                level_of[r] = level

    year = facts.year
    wrong_year = year is not None and year != assessment_year
    raw = np.minimum(100.0, scores)
    final = raw
    if wrong_year:
        # weaker and never confident, but still shown for review: an old file is a reason to ask, not to
        # lose the evidence silently
        final = np.minimum(raw - w.wrong_year, confident_threshold - 0.5)
        final = np.where(raw >= match_threshold, np.maximum(final, match_threshold), final)
    # another field's document (食品安全, 防汛) or a company's own work: shown, never matched
    gate = off_topic(view.text, facts.title)
    company = enterprise_subject(facts.title) if gate is None else None
    if gate is not None or company is not None:
        final = np.minimum(final, match_threshold - 0.5)
    sector_of: dict[int, str] = {}  # a file the office filed under the item (9（2）/现场.jpg) keeps it
    for sector in unnamed_sectors(view.text, f"{view.rel_path}\n{facts.title}"):
        for r in index.sector_entries.get(sector, ()):
            if final[r] >= w.suggest_floor and r not in ref_of:
                sector_of[r] = sector
                final[r] = min(float(final[r]), match_threshold - 0.5)
    candidates = np.flatnonzero(final >= match_threshold)
    # ties at the cap of 100 are broken by what the signals added up to
    order = sorted(candidates.tolist(), key=lambda r: (-final[r], -scores[r], r))[:top]
    companions: list[int] = []
    if order and len(order) < top:
        bar = max(w.companion_floor, w.companion_ratio * float(final[order[0]]))
        more = [
            r
            for r in np.flatnonzero((final >= bar) & (final < match_threshold)).tolist()
            if r not in sector_of
        ]
        companions = sorted(more, key=lambda r: (-final[r], -scores[r], r))[: top - len(order)]
        order += companions
    suggesting = not order
    if suggesting:  # nothing passes: the best few, for a person to pick from (待确认建议)
        near = np.flatnonzero(final >= w.suggest_floor)
        order = sorted(near.tolist(), key=lambda r: (-final[r], -scores[r], r))[: w.suggestions]

    matches: list[Match] = []
    for r in order:
        entry = index.entries[r]
        score = round(float(final[r]), 1)
        why: list[str] = []
        if sim[r] > w.sim_floor:
            why.append(f"正文与指标{entry.id}内容相近（相似度{float(sim[r]):.2f}）")
        if shared_by.get(r):
            why.append("共同关键词：" + "、".join(index.terms[i] for i in shared_by[r][:5]))
        for variant, phrase, in_title in concept_of.get(r, [])[:3]:
            lead = "标题写明" if in_title else ""
            why.append(f"{lead}“{variant}”即细则所说的“{phrase}”")
        if r in dept_of:
            owner = dept_of[r]
            seated = sorted(d for d in direct if _SEATED_IN.get(d) == owner and owner not in direct)
            why.append(
                f"部门 {seated[0]}（设在{owner}）负责 {entry.id}"
                if seated
                else f"部门 {owner} 负责 {entry.id}"
            )
        if form_of.get(r) == "plan":
            why.append(f"文件是方案或制度，指标{entry.id}要求的正是制定方案或制度")
        elif form_of.get(r) == "meeting":
            why.append(f"文件是会议，指标{entry.id}要求的正是部署落实")
        elif form_of.get(r) == "work":
            why.append(f"文件记述已开展的工作，指标{entry.id}考核的是工作的落实")
        if r in level_of:
            why.append(
                f"文件是{level_of[r]}层面的通报、约谈或督办，指标{entry.id}考核的正是{level_of[r]}层面的"
            )
        if r in ref_of:
            why.append(ref_of[r])
        if r in doc_of:
            why.append(f"引用文号 {doc_of[r]} 与指标{entry.id}一致")
        if r in title_of:
            why.append(f"引用《{title_of[r]}》")
        if r in own_of:
            owner, word, _ = own_of[r]
            why.append(f"{owner}的职责分工要求提供{word}")
        if r in scope_of:
            owner, scope = scope_of[r]
            why.append(f"{owner}在指标{entry.id}中负责“{scope}”")
        if label_points[r] > 0:
            why.append(f"文件名或标题与指标{entry.id}相近（相似度{float(label_sim[r]):.2f}）")
        if kind_of.get(r):
            why.append(f"文件类型 {kind_of[r]} 符合要求的材料")
        if r in learnt_of:
            why.append(_learnt_reason(entry.id, *learnt_of[r]))
        if unlike is not None:
            why.append(
                f"与公开文件样例中“不是佐证”的“{unlike.source}”相似"
                if unlike.origin == "reference"
                else f"与已确认“不是佐证”的文件相似（{_short_name(unlike.source)}）"
            )
        if gate is not None:
            why.append(gate.reason)
        if company is not None:
            why.append(f"文件记述的是企业（{company}）自身的工作，不是政府或部门的工作")
        if wrong_year:
            why.append(f"文件日期为{year}年，不是考核年度{assessment_year}年")
        if r in sector_of:
            why.append(f"文件未提及{sector_of[r]}，指标{entry.id}是{sector_of[r]}专项工作")
        if r in companions:
            why.append(
                f"文件已佐证指标{index.entries[order[0]].id}，本项得分低于单独匹配的门槛{match_threshold:.0f}，一并列出待复核"
            )
        if not why:  # cannot happen with positive weights; kept so that no match is ever unexplained
            why.append(f"综合得分{score:.0f}")
        matches.append(
            Match(
                rel_path=view.rel_path,
                sub_item_id=entry.id,
                score=score,
                reasons=tuple(why),
                status="suggested"
                if suggesting
                else "confident"
                if score >= confident_threshold
                else "review",
                year_ok=not wrong_year,
            )
        )
    return tuple(matches)
