"""Dates as Chinese government documents write them, and the one date that is the document's own.

The 落款 date (GB/T 9704-2012 §7.3.5) closes the body, so the document's date is the last date near
the end; deadlines (…前报送) and ranges (…至…) near the end are not it.
"""

from __future__ import annotations

import re
from datetime import date

from matchers.text import cn_number, fold

__all__ = ["document_date", "extract_dates"]

_YEAR_MIN, _YEAR_MAX = 1949, 2099

_D = "[0-9OoIl]"
# 2022年5月20日 (OCR digits tolerated), 2022.5.20, 2022-05-20, 2022/5/20: one separator throughout.
_ARABIC = re.compile(
    rf"(?<![0-9A-Za-z.\-/])(?P<y>[12lI]{_D}{{3}})\s{{0,2}}"
    rf"(?:年\s{{0,2}}(?P<m1>{_D}{{1,2}})\s{{0,2}}月\s{{0,2}}(?P<d1>{_D}{{1,2}})\s{{0,2}}日"
    r"|(?P<sep>[.\-/])(?P<m2>[0-9]{1,2})(?P=sep)(?P<d2>[0-9]{1,2})(?![0-9]|\.[0-9]))"
)
_CN_DIGIT = "〇○零OoＯ0一二三四五六七八九"
_CN_SMALL = "一二三四五六七八九十"
# 二〇二二年五月二十日 as 落款 writes it.
_CHINESE = re.compile(
    rf"(?P<y>[{_CN_DIGIT}]{{4}})\s{{0,2}}年\s{{0,2}}(?P<m>[{_CN_SMALL}]{{1,3}})\s{{0,2}}月"
    rf"\s{{0,2}}(?P<d>[{_CN_SMALL}]{{1,3}})\s{{0,2}}日"
)
_OCR_DIGITS = str.maketrans("OoIl", "0011")

_TAIL = 300  # the 落款 sits in the last few hundred characters
_HEAD = 500
# After a date: a deadline, a range or a period, not the date the document was signed.
_NOT_SIGNING_AFTER = re.compile(r"\s{0,2}(?:前|之前|以前|起|至|到|—|–|-|~|～|期间|止|开始|截止)")
_NOT_SIGNING_BEFORE = re.compile(r"(?:于|在|截至|截止|自|从|至|到|—|~|～)\s{0,2}$")


def _make(y: int | None, m: int | None, d: int | None) -> date | None:
    if y is None or m is None or d is None or not _YEAR_MIN <= y <= _YEAR_MAX:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None  # 2月30日


def _int(s: str) -> int | None:
    s = s.translate(_OCR_DIGITS)
    return int(s) if s.isdigit() else None


def extract_dates(text: str) -> list[tuple[date, int, int]]:
    """Every valid date in order of appearance with its start/end offsets in ``text``."""
    folded = fold(text)
    found: list[tuple[date, int, int]] = []
    for m in _ARABIC.finditer(folded):
        if m["m1"] is not None:
            d = _make(_int(m["y"]), _int(m["m1"]), _int(m["d1"]))
        else:
            d = _make(_int(m["y"]), int(m["m2"]), int(m["d2"]))
        if d is not None:
            found.append((d, m.start(), m.end()))
    for m in _CHINESE.finditer(folded):
        d = _make(cn_number(m["y"]), cn_number(m["m"]), cn_number(m["d"]))
        if d is not None:
            found.append((d, m.start(), m.end()))
    found.sort(key=lambda t: t[1])
    return found


def _signing(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 4) : start]
    return not (_NOT_SIGNING_AFTER.match(text, end) or _NOT_SIGNING_BEFORE.search(before))


def document_date(text: str) -> date | None:
    """The document's own date: the 落款 date, else the latest date in the header area, else None.

    落款 = the last date in the final ~300 characters that is not a deadline or a range
    ("6月30日前报送", "5月1日至10日"). The header fallback serves tables and minutes whose date
    sits at the top (会议时间：2022年5月20日).
    """
    dates = extract_dates(text)
    if not dates:
        return None
    tail_start = max(0, len(text) - _TAIL)
    tail = [(d, s, e) for d, s, e in dates if s >= tail_start]
    for d, s, e in reversed(tail):
        if _signing(text, s, e):
            return d
    head = [d for d, s, e in dates if s < _HEAD and _signing(text, s, e)]
    if head:
        return max(head)
    return None
