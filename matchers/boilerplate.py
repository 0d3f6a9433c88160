"""公文 boilerplate that must not decide what a document is about.

Almost every government text opens with "深入贯彻落实习近平总书记关于安全生产的重要论述和党中央、国务院
决策部署" and closes with "为…保驾护航". Read as content, those clauses make every text look like item 1
(学习贯彻 总书记's remarks) and like each other. ``strip_boilerplate`` blanks such clauses out of the
text the scorer reads; the text shown to people is untouched.

A document whose purpose *is* the study (传达学习…指示精神, the 《生命重于泰山》 专题片) keeps them: its
title or its opening says so, and then those clauses are the topic.
"""

from __future__ import annotations

import re

from matchers.text import fold

__all__ = ["is_study_document", "strip_boilerplate"]

# Clauses (between ，。；：、 and line breaks) that are ritual rather than topic.
_RITUAL = re.compile(
    "|".join(
        [
            r"习近平",
            r"总书记",
            r"新时代中国特色社会主义思想",
            r"党的二十大|党的十九大|二十大精神|十九大精神|[一二三四五六七]中全会",
            r"党中央|国务院(?!安委)",
            r"(?:省|市|县)委[、和及]?(?:省|市|县)?(?:政府)?(?:的)?(?:决策部署|工作部署|部署要求|工作要求)",
            r"决策部署",
            r"人民至上|生命至上|两个至上",
            r"统筹发展和安全|发展和安全",
            r"安全发展理念|红线意识|底线思维|忧患意识|政治站位|政治责任",
            r"保驾护航|营造.{0,12}环境",
            r"高质量发展",
            r"思想认识|高度重视|思想上",
        ]
    )
)
_CLAUSE_SPLIT = re.compile(r"([，,。；;：:！!？?\n、])")
_STUDY_TITLE = re.compile(
    r"(?:学习|传达|贯彻|观看).{0,30}(?:精神|指示|批示|论述|讲话|专题片)|生命重于泰山|专题片"
)
_STUDY_OPENING = re.compile(r"传达学习|学习传达|学习贯彻|专题学习|集中学习|观看")
_OPENING = 160
_TITLE_MAX = 40


def is_study_document(text: str, title: str = "") -> bool:
    """Whether studying and passing on remarks and arrangements is what the document is about."""
    # the title (or the first line) names the study; "为深入贯彻…重要论述" opening any text does not
    first = text.strip().split("\n", 1)[0]
    if not title and (len(first) > _TITLE_MAX or first.endswith("。")):
        first = ""  # a paragraph, not a heading
    if _STUDY_TITLE.search(fold(title or first)):
        return True
    opening = fold(text[:_OPENING])
    return bool(_STUDY_OPENING.search(opening) and _RITUAL.search(opening))


def strip_boilerplate(text: str, title: str = "") -> str:
    """``text`` with its ritual clauses blanked (one space each), unless it is a study document."""
    if is_study_document(text, title):
        return text
    parts = _CLAUSE_SPLIT.split(text)
    out: list[str] = []
    for k in range(0, len(parts), 2):
        clause = parts[k]
        out.append(" " if clause and _RITUAL.search(clause) else clause)
        if k + 1 < len(parts):
            out.append(parts[k + 1])
    return "".join(out)
