"""The issuing organ as the document names it (the caller resolves it through the department registry).

Three places name it (GB/T 9704-2012 §7.2.3, §7.3.5): the 红头 ("蓬溪县交通运输局文件"), the title
prefix ("蓬溪县应急管理局关于…的通知") and the 落款 (the organ line just before the final date).
"""

from __future__ import annotations

import re

from matchers.dates import extract_dates
from matchers.text import fold

__all__ = ["issuing_organ_text"]

# How organ names end: 局, 委员会, 办公室, 人民政府, 镇, 街道办事处, 中心…
_ORGAN_END = (
    r"(?:局|厅|部|委|委员会|办公室|办|人民政府|政府|人民代表大会常务委员会|人大常委会|政协|"
    r"指挥部|领导小组|中心|站|所|队|院|镇|乡|街道|街道办事处|管委会|管理委员会|公司|协会|联合会|支队|大队)"
)
_ORGAN_LINE = re.compile(rf"^(?P<name>[\u4e00-\u9fff（）()]{{2,40}}?{_ORGAN_END})$")
_HEADER = re.compile(r"^(?P<name>[\u4e00-\u9fff（）()]{2,40}?)文件$")
_TITLE_PREFIX = re.compile(rf"^(?P<name>[\u4e00-\u9fff（）()]{{2,40}}?{_ORGAN_END})关于")
_NOT_ORGAN = re.compile(r"关于|通知|方案|报告|的|各|：|:|如下|附件|抄送|印发")
_SEAL = re.compile(r"[（(]\s*(?:盖章|章|印章|公章|签章)\s*[）)]")
_HEAD_LINES = 8
_TAIL = 300


def _clean(line: str) -> str:
    line = _SEAL.sub("", fold(line))
    return re.sub(r"\s+", "", line)


def _organ(line: str) -> str | None:
    line = _clean(line)
    if not line or _NOT_ORGAN.search(line):
        return None
    m = _ORGAN_LINE.match(line)
    return m["name"] if m else None


def _from_header(lines: list[str]) -> str | None:
    for line in lines[:_HEAD_LINES]:
        m = _HEADER.match(_clean(line))
        if m and not _NOT_ORGAN.search(m["name"]):
            return m["name"]
    # A header without 文件 (letterhead of a 函, a 纪要): the first line if it is an organ name.
    return _organ(lines[0]) if lines else None


def _from_signature(text: str) -> str | None:
    dates = [d for d in extract_dates(text) if d[1] >= len(text) - _TAIL]
    if not dates:
        return None
    _, start, _ = dates[-1]
    line_start = text.rfind("\n", 0, start) + 1
    same_line = text[line_start:start]
    if organ := _organ(same_line):
        return organ  # 蓬溪县应急管理局  2022年5月20日
    before = [line for line in text[:line_start].splitlines() if line.strip()]
    # Joint documents list several organs: the first of the block just above the date.
    block: list[str] = []
    for line in reversed(before[-4:]):
        if _organ(line) is None:
            break
        block.append(line)
    return _organ(block[-1]) if block else None


def _from_title(lines: list[str]) -> str | None:
    for line in lines[:12]:
        m = _TITLE_PREFIX.match(_clean(line))
        if m:
            return m["name"]
    return None


def issuing_organ_text(text: str) -> str | None:
    """The organ name as written (spaces and seal marks removed), or ``None``."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    return _from_header(lines) or _from_signature(text.rstrip()) or _from_title(lines)
