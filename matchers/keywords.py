"""Keywords of a document: jieba with a user dictionary generated from the rubric.

The dictionary keeps the rubric's own vocabulary whole — “两书一函”, “钢8条”, 《…》 titles, department
names — so that a keyword is a term a person recognises ("共同关键词：燃气、百日行动"). jieba is used for
keywords only; fuzzy scores work on raw characters (see ``matchers.subitems``).

A private ``jieba.Tokenizer`` is used, never the global one, with its cache in a directory of ours under
the system temp dir, and jieba's logger is kept quiet.
"""

from __future__ import annotations

import getpass
import logging
import math
import re
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

import jieba

from pipeline.models import Rubric

__all__ = ["DOMAIN_TERMS", "KeywordExtractor", "build_dictionary", "rubric_terms"]

# Terms of the trade that the rubric uses without quotes; kept whole by the tokenizer and used as
# explainable shared keywords by the scorer.
DOMAIN_TERMS: tuple[str, ...] = (
    "党政同责", "一岗双责", "党政同责考评", "专委会",
    "重要论述", "指示批示", "生命重于泰山", "电视专题片", "理论学习中心组", "常务会议", "常委会",
    "议事日程", "政府工作报告", "重点工作", "领导班子", "调研检查", "形势分析", "职责清单",
    "年度任务清单", "提醒函", "督查督办", "专项资金", "财政预算", "年度考核", "述职", "轮训",
    "任务分工", "新兴产业", "新业态", "密室逃脱", "剧本杀", "私人影院", "电竞酒店", "卡丁车",
    "联席会议", "联席会议制度", "信息共享", "会商研判", "联合执法", "值班值守", "应急值守", "领导带班",
    "24小时值班", "排班表", "值班表", "突发事件信息报告", "风险评估", "风险评估论证", "安全评价",
    "空间布局", "产业规划", "联防联控", "工作规则", "风险研判", "形势会商", "事故快报", "风险分析报告",
    "双重预防机制", "风险分级管控", "隐患排查治理", "工作要点", "养老服务", "养老机构",
    "职业病防治", "十四五", "十五条硬措施", "十五条措施", "安全生产大检查", "大检查", "综合检查",
    "重点企业", "全覆盖", "专项整治三年行动", "三年行动", "巩固提升年", "两年一巡查", "巡查",
    "奋战一百天", "护航二十大", "回头看", "电梯维保", "制度化成果", "巡查工作制度", "隐患清单",
    "五落实", "重大隐患清单", "突出问题清单", "制度措施清单", "危险化学品", "危化品",
    "集中治理", "重点制度项", "重点措施项", "城镇燃气", "燃气", "液化石油气", "气瓶追溯", "百日行动",
    "工作专班", "燃气执法", "自建房", "经营性自建房", "违法建设", "信息归集平台", "火灾隐患",
    "高层建筑", "商业综合体", "消防技术服务", "超高层建筑", "重大火灾风险", "挂牌督办", "重大事故隐患",
    "限期整改", "考评", "考评结果", "清单制", "清单制管理", "清单2.0", "信息化系统", "行政执法",
    "执法监督", "案卷评查", "行政复议", "规范性文件", "执法检查员", "社会监督员", "普法", "执法改革",
    "示范点", "互联网+执法", "执法企业名录库", "曝光", "行刑衔接", "打非治违", "护安2022",
    "执法人员", "到岗率", "钢8条", "粉6条", "清零", "工贸", "粉尘涉爆", "金属冶炼", "监管干部",
    "消防审验", "片区应急体系", "应急体系规划", "专项规划", "安全生产责任保险", "安责险",
    "注册安全工程师", "标准化", "安全生产标准化", "一企一档", "指挥场所", "指挥信息网",
    "基础数据治理", "智慧消防", "信息系统运维", "网络安全", "安全发展示范城市", "安全社区",
    "民生实事", "复评", "安全文化", "安全生产月", "安全宣传", "五进", "进企业", "进农村", "进社区",
    "进学校", "进家庭", "安康杯", "安全生产法", "公益广告", "专栏", "舆情", "应急救援", "应急预案",
    "应急演练", "救援队伍", "应急救援队伍", "消防站", "应急救援装备", "工艺处置队伍", "抢险救援",
    "一票否决", "较大事故", "生产安全事故", "事故报告", "迟报", "瞒报", "谎报", "事故调查",
    "批复结案", "调查报告", "事故统计", "联网直报", "罚款收缴", "举报信息", "黑名单", "联合惩戒",
    "诚信体系", "失信", "举报奖励", "举报投诉", "专项通报", "约谈", "督办事项", "安办实体化",
    "实体化运行", "经验做法", "经验交流", "表彰", "现场会", "督查检查", "防汛", "森林防火",
)  # fmt: skip

_QUOTED = re.compile(r"[“\"]([^”\"\n]{2,16})[”\"]")
_TITLED = re.compile(r"《([^《》\n]{2,40})》")
_TOKEN_OK = re.compile(r"[\u4e00-\u9fff]")
_STOP = frozenset(
    [
        "工作",
        "有关",
        "要求",
        "开展",
        "进行",
        "加强",
        "关于",
        "通知",
        "情况",
        "相关",
        "各类",
        "以及",
        "我们",
        "他们",
        "一是",
        "二是",
        "三是",
        "四是",
        "切实",
        "认真",
        "全面",
        "进一步",
        "做好",
        "按照",
        "根据",
        "为了",
        "确保",
        "落实",
        "推进",
        "提供",
        "组织",
        "单位",
        "部门",
        "同志",
        "今年",
        "全县",
        "县级",
        "其中",
        "已经",
        "目前",
        "是否",
        "一个",
        "本次",
        "我县",
        "我局",
        "各地",
        "各级",
        "乡镇",
        "街道",
        "附件",
        "联系人",
        "电话",
        "抄送",
        "印发",
        "现将",
        "如下",
    ]
)


# Quoted in the rubric but saying nothing about a topic (“县级” is an abbreviation it defines).
_GENERIC = frozenset({"县级", "安全生产", "以下简称"})


def rubric_terms(rubric: Rubric) -> tuple[str, ...]:
    """Terms the rubric quotes: “两书一函”, “钢8条”, 《遂宁市…方案》."""
    texts: list[str] = []
    for item in rubric.items():
        texts += [item.title, item.duty, item.evidence_hint]
        for sub in item.sub_items:
            texts += [sub.text, sub.duty, *sub.materials]
    if rubric.bonus is not None:
        texts += [b.text for b in rubric.bonus.items]
    terms: list[str] = [
        t.strip("《》 ") for item in rubric.items() for sub in item.sub_items for t in sub.cited_titles
    ]
    for text in texts:
        terms += [m.group(1).strip() for m in _QUOTED.finditer(text)]
        terms += [m.group(1).strip() for m in _TITLED.finditer(text)]
        terms += [t.strip() for t in _extra_titles(text)]
    return tuple(
        dict.fromkeys(t for t in terms if 2 <= len(t) <= 40 and _TOKEN_OK.search(t) and t not in _GENERIC)
    )


def _extra_titles(text: str) -> list[str]:
    # 《遂宁市…<危险化学品…>的通知》 nests titles in <…>
    return re.findall(r"<([^<>\n]{2,40})>", text)


def build_dictionary(rubric: Rubric, department_names: Iterable[str]) -> tuple[str, ...]:
    """Rubric terms, domain terms and department names/aliases, deduplicated, in a stable order."""
    terms = [*rubric_terms(rubric), *DOMAIN_TERMS, *department_names]
    return tuple(dict.fromkeys(t.strip() for t in terms if t and t.strip()))


def _cache_dir() -> Path:
    # per user: a cache dir created by another account in a shared /tmp would not be writable
    path = Path(tempfile.gettempdir()) / f"evidence-desk-jieba-{getpass.getuser()}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _load_idf() -> tuple[dict[str, float], float]:
    """jieba's IDF table, read line by line from the package's data file.

    Not through ``jieba.analyse``: importing that module builds a second copy of the same table
    (~100 MB resident) for its default extractor, which we never use."""
    idf: dict[str, float] = {}
    with resources.files("jieba").joinpath("analyse", "idf.txt").open(encoding="utf-8") as f:
        for line in f:
            word, _, value = line.rstrip("\n").partition(" ")
            if value:
                idf[word] = float(value)
    median = sorted(idf.values())[len(idf) // 2] if idf else 10.0
    return idf, median


# Tabs and newlines separate table cells and lines; jieba treats them as breaks between words.
_PIECE_SPLIT = re.compile(r"[\t\n]+")
_PIECE_CACHE_CHARS = 40  # cells and short lines recur across a 台账 and across files; long lines do not
_PIECE_CACHE_SIZE = 200_000  # about 40 MB at most


class KeywordExtractor:
    """TF-IDF keywords over a private jieba tokenizer; dictionary terms are boosted. Built once per run."""

    BOOST = 3.0

    def __init__(self, dictionary: Sequence[str]) -> None:
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self.dictionary: frozenset[str] = frozenset(dictionary)
        self._pieces: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()
        self._loaded: tuple[jieba.Tokenizer, dict[str, float], float, float] | None = None

    def _load(self) -> tuple[jieba.Tokenizer, dict[str, float], float, float]:
        """The tokenizer and the IDF table (~100 MB, ~2 s), on first use: a run in which nothing
        changed, or one that is still OCR-ing photos, does not need them."""
        with self._lock:
            if self._loaded is None:
                tokenizer = jieba.Tokenizer()
                tokenizer.tmp_dir = str(_cache_dir())
                tokenizer.initialize()
                for term in sorted(self.dictionary):
                    if " " not in term:
                        tokenizer.add_word(term, freq=200_000)
                idf, median = _load_idf()
                self._loaded = (tokenizer, idf, median, max(idf.values(), default=12.0))
            return self._loaded

    def tokens(self, text: str) -> list[str]:
        return self._load()[0].lcut(text, HMM=False)

    def _piece_words(self, piece: str) -> tuple[str, ...]:
        """The kept tokens of one line or table cell; short pieces are cached across documents."""
        words = self._pieces.get(piece)
        if words is None:
            # Interned: the same words recur across pieces, and the cache held one copy per piece.
            words = tuple(
                sys.intern(token)
                for token in (t.strip() for t in self.tokens(piece))
                if len(token) >= 2 and token not in _STOP and _TOKEN_OK.search(token)
            )
            if len(piece) <= _PIECE_CACHE_CHARS and len(self._pieces) < _PIECE_CACHE_SIZE:
                self._pieces[piece] = words
        return words

    def keywords(self, text: str, top: int = 20) -> tuple[str, ...]:
        """The ``top`` most characteristic words, dictionary terms first among equals; deterministic.

        jieba never joins words across a tab or a newline, so the text is tokenized line by line and
        cell by cell, each distinct piece once: a 台账 repeats the same cells (乡镇, 整改情况, 隐患) on
        hundreds of rows, and tokenizing was most of the time spent understanding a spreadsheet."""
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        position = 0
        for piece in _PIECE_SPLIT.split(text):
            for token in self._piece_words(piece):
                counts[token] += 1
                first.setdefault(token, position)
                position += 1
        if not counts:
            return ()
        total = sum(counts.values())
        _, idf, idf_median, idf_max = self._load()

        def weight(token: str) -> float:
            if token in self.dictionary:
                return (counts[token] / total) * idf_max * self.BOOST
            return (counts[token] / total) * idf.get(token, idf_median) * (1 + 0.1 * math.log(len(token)))

        ranked = sorted(counts, key=lambda t: (-weight(t), first[t]))
        return tuple(ranked[:top])
