"""Titles: the 《…》 a document cites, and the document's own title (GB/T 9704-2012 §7.3.1).

An official title is "发文机关 + 关于… + 的 + 文种" and may wrap onto a second line; evidence that is
not an official document (a 台账, 签到表, 会议纪要) has a title line ending in its kind instead.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from matchers.text import fold

__all__ = ["document_title", "extract_cited_titles"]

_MAX_TITLE = 150

# 文种 that end an official title (关于…的通知).
OFFICIAL_KINDS = (
    "通知",
    "通报",
    "通告",
    "公告",
    "报告",
    "请示",
    "批复",
    "意见",
    "决定",
    "决议",
    "命令",
    "函",
    "复函",
    "纪要",
    "方案",
    "办法",
    "规定",
    "细则",
    "制度",
    "规划",
    "计划",
    "要点",
    "预案",
    "总结",
    "汇报",
    "情况说明",
    "说明",
    "清单",
    "名单",
    "讲话",
)
# Line endings of non-official evidence titles.
EVIDENCE_KINDS = (
    "方案",
    "台账",
    "纪要",
    "总结",
    "清单",
    "名单",
    "记录",
    "签到表",
    "简报",
    "报告",
    "预案",
    "制度",
    "规划",
    "计划",
    "要点",
    "办法",
    "细则",
)

_OFFICIAL_RE = re.compile(r"关于.{2,120}?(?:" + "|".join(OFFICIAL_KINDS) + r")$")
_EVIDENCE_RE = re.compile(r"(?:" + "|".join(EVIDENCE_KINDS) + r")$")
# Header lines that are not the title: 红头, 文号, 签发人, 密级/紧急程度, 抄送, page numbers.
_NOT_TITLE = re.compile(
    r"文件$|^\S{0,12}[〔\[(（【]\s*\d{4}\s*[〕\])）】]\s*第?\s*\d+\s*号$|签发人|^(?:特急|加急|平急|特提|机密|秘密|绝密|★)|^抄送|^主送|^附件|^[-—\d\s]+$"
)
_TOP_LINES = 15
_LINE_MAX = 60

_STEM_NUMBERING = re.compile(
    r"^(?:附件\s*\d*\s*[-_：:、.]?\s*|[（(]?\d{1,3}(?:[.\-_]\d{1,3})*[）)]?[\s.、_\-：:]*|[一二三四五六七八九十]+[、.]\s*)+"
)
_STEM_COPY = re.compile(
    r"(?:\s*[（(]\d{1,2}[）)]|\s*-\s*副本|\s*副本|\s*-\s*copy|\s*\(\d\))+$", re.IGNORECASE
)


def extract_cited_titles(text: str) -> list[str]:
    """《…》 titles without the outer brackets, deduplicated in order.

    Nested titles keep their inner brackets as written: 《关于印发〈…〉的通知》, 《关于印发《…》的通知》.
    A line break inside a title is layout and is removed.
    """
    out: list[str] = []
    seen: set[str] = set()
    i = text.find("《")
    while i != -1:
        depth = 0
        j = i
        end = -1
        limit = min(len(text), i + _MAX_TITLE + 2)
        while j < limit:
            c = text[j]
            if c == "《":
                depth += 1
            elif c == "》":
                depth -= 1
                if depth == 0:
                    end = j
                    break
            j += 1
        if end == -1:
            i = text.find("《", i + 1)
            continue
        title = re.sub(r"\s*[\r\n]+\s*", "", text[i + 1 : end]).strip()
        if title and title not in seen:
            seen.add(title)
            out.append(title)
        i = text.find("《", end + 1)
    return out


def _top_lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    return [line for line in lines if line][:_TOP_LINES]


def _squeeze(line: str) -> str:
    """Drop the spaces that letter-spaced titles and OCR put between characters."""
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", line)


def _clean_stem(filename: str) -> str:
    stem = PurePath(filename.replace("\\", "/")).stem if filename else ""
    stem = _STEM_COPY.sub("", stem.strip())
    stem = _STEM_NUMBERING.sub("", stem).strip(" -_.、")
    return stem


def document_title(text: str, filename: str = "") -> str:
    """The document's own title, as written; ``""`` if nothing looks like one.

    Search order: an official title near the top (may span two lines), then a line ending in an
    evidence kind (…台账, …签到表), then the file name without numbering (附件3-, 7.2-, (1) copies).
    """
    lines = [_squeeze(line) for line in _top_lines(text)]
    for k, line in enumerate(lines):
        if _NOT_TITLE.search(fold(line)) or len(line) > 2 * _LINE_MAX:
            continue
        if _OFFICIAL_RE.search(line):
            return line
        if "关于" in line and k + 1 < len(lines):
            joined = line + lines[k + 1]
            if _OFFICIAL_RE.search(joined) and len(joined) <= 2 * _LINE_MAX:
                return joined
    for k, line in enumerate(lines):
        if _NOT_TITLE.search(fold(line)) or len(line) > _LINE_MAX:
            continue
        if _EVIDENCE_RE.search(line):
            return line
        if k + 1 < len(lines) and len(line) + len(lines[k + 1]) <= _LINE_MAX:
            joined = line + lines[k + 1]
            if _EVIDENCE_RE.search(joined) and len(lines[k + 1]) <= 6:
                return joined
    return _clean_stem(filename)
