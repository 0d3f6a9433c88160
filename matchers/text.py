"""Small text helpers shared by the matchers: width and script folding, Chinese numerals.

``fold`` is length-preserving on purpose: every matcher searches the folded text and reports offsets
into the original, so one character must stay one character. It also maps traditional characters to
simplified ones (``data/t2s.tsv``, from OpenCC; ``tools/make_t2s.py``): a 繁體 notice and an OCR page
mixing both forms then read like the simplified rubric.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

__all__ = ["CJK_RE_CLASS", "CN_NUMERAL_CHARS", "char_grams", "cn_number", "fold", "is_cjk"]

# Unified ideographs and extension A: the characters a 发文机关代字 or an organ name is made of.
CJK_RE_CLASS = "\u3400-\u4dbf\u4e00-\u9fff"


_T2S_PATH = Path(__file__).with_name("data") / "t2s.tsv"


@cache
def _t2s() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _T2S_PATH.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            traditional, simplified = line.split("\t")
            table[traditional] = simplified
    return table


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table filled on demand, so ``fold`` costs one dict lookup per character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        # Keep characters whose compatibility form is longer (㈠ → (一), ½ → 1⁄2): one char in, one out.
        value = folded if len(folded) == 1 else char
        value = _t2s().get(value, value)
        self[code] = value
        return value


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """NFKC width folding (full-width digits/letters/spaces → half-width) and traditional →
    simplified, one character for one.

    Used for matching only; callers show the original text. Compatibility ideographs and Kangxi
    radicals fold to the unified ideograph, which OCR needs.
    """
    if text.isascii():
        return text
    return text.translate(_FOLD)


def is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "Ｏ": 0,
    "O": 0,
    "o": 0,
    "0": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}

# Characters ``cn_number`` understands, for building regexes in the other matchers.
CN_NUMERAL_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS)


def cn_number(text: str) -> int | None:
    """A Chinese numeral as an int: 二〇二二 → 2022 (digit by digit), 二十 → 20, 十五 → 15, 三十一 → 31.

    Arabic digits pass through (ASCII or full-width). ``None`` when the text is not a numeral.
    """
    text = text.strip()
    if not text:
        return None
    if fold(text).isdigit():
        return int(fold(text))
    if all(c in _CN_DIGITS for c in text):
        # 二〇二二: positional digits, as years are written in 落款.
        value = 0
        for c in text:
            value = value * 10 + _CN_DIGITS[c]
        return value
    total = 0
    pending: int | None = None
    for c in text:
        if c in _CN_DIGITS:
            if pending is not None and _CN_DIGITS[c] != 0:
                return None  # two digits in a row without a unit: 二三十
            pending = _CN_DIGITS[c] if _CN_DIGITS[c] != 0 else pending
        elif c in _CN_UNITS:
            total += (pending if pending is not None else 1) * _CN_UNITS[c]
            pending = None
        else:
            return None
    if pending is not None:
        total += pending
    return total


_RUN = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff]+")


def char_grams(text: str) -> list[str]:
    """Character 2- and 3-grams within runs of letters, digits and ideographs: what the similarity
    signals compare (raw characters survive OCR noise and need no tokenizer)."""
    grams: list[str] = []
    for run in _RUN.findall(text):
        grams += [run[i : i + 2] for i in range(len(run) - 1)]
        grams += [run[i : i + 3] for i in range(len(run) - 2)]
    return grams
