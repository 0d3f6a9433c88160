"""Sub-item references in file and folder names: departments file evidence as "7（2）大检查方案.docx",
"指标7-2", "2-(7)", "第7项" or a folder "7/（2）…".

A reference is only reported when it names an id of the rubric (``known_ids``). Item-level references
("第7项", a folder "7") come back as the bare item number "7"; the scorer treats them as weaker than a
sub-item reference unless the item has a single sub-item whose id is "7". Dates (2022.5.20, 7-8月),
phone numbers and versions (v2.0, 清单2.0版) are not references.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from functools import lru_cache

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

# Characters around a number that make it a quantity, date, version or phone number rather than a ref.
_NOT_BEFORE = r"(?<![0-9A-Za-z.\-_/:年月第])"
_NOT_AFTER = r"(?![0-9A-Za-z%年月日号时点分万元人家次个条期版天周岁米]|[.\-_—]\d)"

# 7(2), 7（2）, 7 (2), 指标7(2), 7-(2), 7-（2）
_PAREN = re.compile(_NOT_BEFORE + r"(\d{1,2})\s*[-—_]?\s*\((\d{1,2})\)")
# 7.2, 7-2, 7_2, 7—2, 指标7-2, 7-2-照片
_SEP = re.compile(_NOT_BEFORE + r"(\d{1,2})\s*[.\-—_]\s*(\d{1,2})" + _NOT_AFTER)
# 第7项, 第七项, 指标7, 考评指标7, 7、… or 7. at the start of a name component
_ITEM_WORD = re.compile(
    r"(?:第\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*项|指标\s*([0-9]{1,2})" + _NOT_AFTER + ")"
)
_ITEM_LEAD = re.compile(r"^\s*([0-9]{1,2})\s*(?:[、.．)\s]|$)(?!\d)")
# a component that is only "(2)" / "（2）…" under an item folder
_SUB_LEAD = re.compile(r"^\s*\((\d{1,2})\)")
# bonus items: B3, 加分项3, 加分项（三）, 加分3
_BONUS = re.compile(
    r"(?<![A-Za-z0-9])B(\d{1,2})(?!\d)|加分项?\s*\(?\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*\)?"
)


def _cn_number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if len(token) == 1:
        return _CN_DIGITS.get(token)
    if token.startswith("十"):  # 十一 … 十九
        rest = _CN_DIGITS.get(token[1:], 0) if len(token) == 2 else None
        return None if rest is None else 10 + rest
    if len(token) in (2, 3) and token[1] == "十":  # 二十, 二十八
        tens = _CN_DIGITS.get(token[0])
        ones = _CN_DIGITS.get(token[2], 0) if len(token) == 3 else 0
        return None if tens is None else tens * 10 + ones
    return None


def _normalise(name: str) -> str:
    return unicodedata.normalize("NFKC", name)


@lru_cache(maxsize=8)
def _items_with_subs(known: frozenset[str]) -> frozenset[str]:
    return frozenset(k.split("(")[0] for k in known if "(" in k)


def item_refs(name: str, known_ids: Collection[str]) -> list[str]:
    """Sub-item ids (or bare item numbers) that a file or folder name cites, in order of appearance."""
    known = known_ids if isinstance(known_ids, frozenset) else frozenset(known_ids)
    items_with_subs = _items_with_subs(known)
    found: list[tuple[int, str]] = []

    def add(pos: int, ref: str) -> None:
        if ref in known or ref in items_with_subs:
            found.append((pos, ref))

    offset = 0
    text = _normalise(name).replace("\\", "/")
    parent_item: str | None = None
    for component in text.split("/"):
        taken = [False] * len(component)

        def free(m: re.Match[str], taken: list[bool] = taken) -> bool:
            if any(taken[m.start() : m.end()]):
                return False
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
            return True

        component_item: str | None = None
        for m in _BONUS.finditer(component):
            number = _cn_number(m.group(1) or m.group(2))
            if number and free(m):
                add(offset + m.start(), f"B{number}")
        for m in _PAREN.finditer(component):
            if free(m):
                add(offset + m.start(), f"{int(m.group(1))}({int(m.group(2))})")
                component_item = str(int(m.group(1)))
        for m in _SEP.finditer(component):
            ref = f"{int(m.group(1))}({int(m.group(2))})"
            if ref in known and free(m):
                add(offset + m.start(), ref)
                component_item = str(int(m.group(1)))
        for m in _ITEM_WORD.finditer(component):
            number = _cn_number(m.group(1) or m.group(2))
            if number and free(m):
                add(offset + m.start(), str(number))
                component_item = str(number)
        lead = _ITEM_LEAD.match(component)
        if lead and free(lead):
            add(offset + lead.start(), str(int(lead.group(1))))
            component_item = str(int(lead.group(1)))
        sub = _SUB_LEAD.match(component)
        if sub and parent_item is not None and free(sub):
            add(offset + sub.start(), f"{parent_item}({int(sub.group(1))})")
        parent_item = component_item or parent_item
        offset += len(component) + 1

    result: list[str] = []
    for _, ref in sorted(found, key=lambda pair: pair[0]):
        if ref not in result:
            result.append(ref)
    # an item-level ref adds nothing when a sub-item of the same item is named ("7/（2）方案")
    specific = {ref.split("(")[0] for ref in result if "(" in ref}
    return [ref for ref in result if "(" in ref or ref not in specific or ref in known]
