"""The kind of a piece of evidence (通知, 台账, 签到表, 照片…), which sub-items ask for by name.

Precedence, from the most to the least reliable signal:

1. a photo: an image whose OCR text is short (a caption, a banner) is a 照片, unless its file name
   names another kind (a photographed 签到表 whose handwriting OCR could not read);
2. the document's own title (关于…的通知 → 通知): the head noun of a Chinese title is its last kind
   word, so 关于印发《…方案》的通知 is a 通知 and …工作方案 is a 方案;
3. the file name, by the same last-kind-word rule (departments name files after what they are);
4. a spreadsheet whose name or header rows say 台账 / 清单 / 名单 (a bare table is a 台账 by default);
5. cues in the opening text (会议纪要, 签到表, 参会人员…签名, 简报 issue lines);
6. otherwise 其他.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from matchers.text import fold
from matchers.titles import document_title
from pipeline.models import DocKind

__all__ = ["classify_kind"]

# Kind words → kind. Longer words win over their substrings at the same end position.
_KIND_WORDS: dict[str, DocKind] = {
    "签到表": "签到表",
    "签到册": "签到表",
    "签到": "签到表",
    "会议纪要": "纪要",
    "会议记录": "纪要",
    "纪要": "纪要",
    "台账": "台账",
    "台帐": "台账",
    "工作总结": "总结",
    "总结": "总结",
    "报告": "报告",
    "汇报": "报告",
    "情况说明": "报告",
    "简报": "简报",
    "工作动态": "简报",
    "快报": "简报",
    "通报": "通报",
    "通知": "通知",
    "通告": "通知",
    "方案": "方案",
    "计划": "方案",
    "工作要点": "方案",
    "预案": "预案",
    "意见": "意见",
    "决定": "决定",
    "规划": "规划",
    "讲话": "讲话",
    "讲话稿": "讲话",
    "发言": "讲话",
    "发言稿": "讲话",
    "制度": "制度",
    "办法": "制度",
    "规定": "制度",
    "细则": "制度",
    "规则": "制度",
    "规程": "制度",
    "清单": "清单",
    "名单": "名单",
    "名册": "名单",
    "花名册": "名单",
    "记录": "记录",
    "记录表": "记录",
    "登记表": "记录",
    "复函": "函",
    "函": "函",
    "照片": "照片",
    "图片": "照片",
    "相片": "照片",
}
_KIND_RE = re.compile("|".join(sorted(_KIND_WORDS, key=len, reverse=True)))
_TABLE_KINDS: dict[str, DocKind] = {
    "台账": "台账",
    "台帐": "台账",
    "清单": "清单",
    "名单": "名单",
    "名册": "名单",
}
_TABLE_RE = re.compile("|".join(_TABLE_KINDS))
# 函 alone is too common inside words (函数, 公函 is fine): only as the last character of a title.
_WEAK = frozenset({"函", "签到", "发言", "计划", "记录"})

_PHOTO_TEXT_MAX = 60  # non-space characters of OCR text below which an image is a photo
_HEAD = 300

_BODY_CUES: tuple[tuple[re.Pattern[str], DocKind], ...] = (
    (re.compile(r"(?s)签到表|签\s*到\s*表|签\s*名.{0,40}(?:签\s*名|单位)|参会人员.{0,30}签名"), "签到表"),
    (
        re.compile(r"(?s)会议纪要|会\s*议\s*纪\s*要|会议记录|会议时间.{0,60}会议地点|参会人员|出席人员"),
        "纪要",
    ),
    (re.compile(r"(?s)简\s*报|第\s*\d+\s*期.{0,40}(?:编印|主办)"), "简报"),
    (re.compile(r"(?s)台\s*账"), "台账"),
    (re.compile(r"(?s)讲\s*话|同志们[：:]"), "讲话"),
    (re.compile(r"(?s)应急预案"), "预案"),
    (re.compile(r"(?s)实施方案|工作方案"), "方案"),
    (re.compile(r"(?s)自查报告|工作报告|情况报告"), "报告"),
    (re.compile(r"(?s)工作总结"), "总结"),
)


def _last_kind(s: str) -> DocKind | None:
    """The kind of the last kind word in ``s`` (the head noun); weak words count only at the end."""
    best: tuple[int, int, DocKind] | None = None
    s = s.strip()
    for m in _KIND_RE.finditer(s):
        word = m.group()
        if word in _WEAK and m.end() != len(s):
            continue
        key = (m.end(), len(word), _KIND_WORDS[word])
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


def _stem(filename: str) -> str:
    return PurePath(filename.replace("\\", "/")).stem if filename else ""


def classify_kind(
    text: str, filename: str = "", *, is_image: bool = False, is_table: bool = False
) -> DocKind:
    """The kind of the evidence; see the module docstring for the order of signals."""
    stem = fold(_stem(filename))
    compact = re.sub(r"\s", "", text)
    if is_image and len(compact) < _PHOTO_TEXT_MAX:
        named = _last_kind(stem) if stem else None
        return named if named is not None else "照片"
    head = fold(text[:_HEAD])

    title = document_title(text) if text.strip() else ""
    if title and (kind := _last_kind(title)) is not None and kind != "照片":
        return kind

    if stem and (kind := _last_kind(stem)) is not None and (kind != "照片" or is_image):
        return kind

    if is_table:
        if m := _TABLE_RE.search(stem) or _TABLE_RE.search(head):
            return _TABLE_KINDS[m.group()]
        return "台账"

    for pattern, cue_kind in _BODY_CUES:
        if pattern.search(head):
            return cue_kind
    if is_image:
        return "照片"
    return "其他"
