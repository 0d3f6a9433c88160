"""发文字号 (GB/T 9704-2012 §7.2.4): 发文机关代字 + 〔年份〕 + 发文顺序号 + 号, canonical ``代字〔YYYY〕N号``.

Real text bends every part of it (brackets, width, spaces and line breaks, 第 and leading zeros, a
lost 号, traditional characters, OCR confusions), so the number part is found first with a tolerant
regex on folded text, and the 代字 is then read backwards from it with explicit rules:

* the code is the run of CJK characters just before the bracket (a line break inside it is bridged
  only when the part after the break is too short to be a code: "（遂安\\n委〔2022〕15号）");
* everything up to the last sentence word in that run is dropped (根据, 按照, 印发, 文件, 通知, 的, 和 …),
  so "关于…的通知（蓬安办发〔2021〕77号）" and "根据遂安委〔2022〕15号" give 蓬安办发 and 遂安委;
* a preposition glued to the code is dropped when what is left is still a code of three characters
  or more: 以川办发〔2011〕84号印发 gives 川办发, 经川府发 gives 川府发, but 经信发 stays 经信发;
* the code may end with any ideograph (real ones end in 发 函 办 委, but also in 气 of 环大气, 库 of 财库,
  指 of 遂环指, 权 of 国资发产权), never with 令 (令 numbers), 告 (公告), 备 (ICP/公网安备), 第, 年 or 号, and
  never holds an organ's full name (办公室, 人民政府 …): that is a header, not a code.

发, 函 and 报 are different series of one organ: the code is kept exactly, so 川办发〔2021〕91号 and
川办函〔2021〕91号 never merge. A bracketed number with no code at all is returned by
``extract_bare_numbers`` for a person to review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matchers.text import CJK_RE_CLASS, fold, is_cjk
from pipeline.models import DocNumber

__all__ = ["extract_bare_numbers", "extract_doc_numbers", "normalise_doc_number"]

# Traditional characters seen in codes (and 號), one for one so offsets stay valid.
_TRADITIONAL = str.maketrans(
    "國發號辦廳會電報書務區縣廣東貴陝蘇遼黨紀組規環衛農業財審計統醫質監總應險機關產護資運輸經濟體門閩滬貿勞動稅鐵軍僑聯協學華藥災礦糧復轉廠鄉鎮陽寧與見據參劃辭檢錄職團設僱園礎歲遞價獲廈"
    "韓懷鄭灣雲漢濱齊魯豐龍嶺臨長瀋烏蘭紹錫慶遠邊贛晉瓊粵臺興寶溫麗潁滄鄖岡樂壽諸銅撫開營張萊棗濰順員達鳳鶴雞賓彙議傳權證類認標準實條義處習舉選單歷圖廢壓線網絡視話說講層級織維穩戰觀測驗"
    "試庫靈蘆陸豬雜綜術療養殘婦愛貧鄰莊衝壩戶專項倉歸齒藝憲補貼隊遷橋濕氣熱場車輛飛駕駛導頭獎懲罰詢訴訪稱異優績評決戀徵嚴執違貫徹範韋陰麥淵瀘潤灤灘鄧鄲黃劉楊趙陳吳孫鄒蔣盧賴羅葉蕭馮於雙"
    "訂頒佈轄隸託憑鑑際兩萬億個間呂請",
    "国发号办厅会电报书务区县广东贵陕苏辽党纪组规环卫农业财审计统医质监总应险机关产护资运输经济体门闽沪贸劳动税铁军侨联协学华药灾矿粮复转厂乡镇阳宁与见据参划辞检录职团设雇园础岁递价获厦"
    "韩怀郑湾云汉滨齐鲁丰龙岭临长沈乌兰绍锡庆远边赣晋琼粤台兴宝温丽颍沧郧冈乐寿诸铜抚开营张莱枣潍顺员达凤鹤鸡宾汇议传权证类认标准实条义处习举选单历图废压线网络视话说讲层级织维稳战观测验"
    "试库灵芦陆猪杂综术疗养残妇爱贫邻庄冲坝户专项仓归齿艺宪补贴队迁桥湿气热场车辆飞驾驶导头奖惩罚询诉访称异优绩评决恋征严执违贯彻范韦阴麦渊泸润滦滩邓郸黄刘杨赵陈吴孙邹蒋卢赖罗叶萧冯于双"
    "订颁布辖隶托凭鉴际两万亿个间吕请",
)

# OCR and look-alike digits inside the year and the serial.
_DIGIT_FIX = str.maketrans("OoIl|", "00111")

_D = "[0-9OoIl]"
_OPEN = "[〔\\[【(［{「『〈<„]"
_CLOSE = "[〕\\]】)］}」』〉>‟]"
# 号 and what OCR makes of it at the end position.
_HAO = "[号號弓兮亏]"
# A lost 号 is accepted only when the number visibly ends here.
_END = "(?=[\\s，。、；：,.;:!?！？)）\\]】〕》」』\"”'’]|$)"

# 〔2022〕15号 in all its bent forms; at least one bracket is checked in code.
_BRACKETED = re.compile(
    # The lookahead lets the engine skip positions that cannot start a number (2× faster).
    rf"(?=[〔\[【(［{{「『〈<„12lI])(?:(?P<open>{_OPEN})\s{{0,3}})?"
    rf"(?P<year>[12lI](?:[ \t]?{_D}){{3}})"
    rf"\s{{0,3}}(?P<nian>年)?\s{{0,3}}(?P<close>{_CLOSE})?"
    rf"\s{{0,3}}(?P<di>第)?\s{{0,3}}(?P<serial>{_D}{{1,8}})(?!{_D})"
    rf"(?:\s{{0,3}}(?P<hao>{_HAO})|{_END})"
)
# 甘区政办发201756号, 中办发2022年22号, 湘编办2023 21号: no brackets, so only clean digits and a real
# 号; or the serial in brackets, 人社发2024(91), 湘工发2015[4]号, where the brackets end the number.
_PLAIN = re.compile(
    rf"(?<=[{CJK_RE_CLASS}])[ \t]?(?P<year>(?:19|20)[0-9]{{2}})(?P<nian>年)?"
    rf"(?:[ \t]?(?P<di>第)?(?P<serial>[0-9]{{1,4}})\s?(?P<hao>[号號])"
    rf"|[(（\[［【〔](?P<pserial>[0-9]{{1,4}})[)）\]］】〕](?:\s?(?P<phao>[号號]))?)"
)

# Words that start a sentence or a phrase before a code: the code begins after the last of them.
_STOP_WORDS = (
    "根据",
    "按照",
    "依据",
    "参照",
    "对照",
    "遵照",
    "依照",
    "印发",
    "转发",
    "下发",
    "制发",
    "发布",
    "文件",
    "通知",
    "要求",
    "精神",
    "规定",
    "关于",
    "贯彻",
    "落实",
    "执行",
    "详见",
    "附件",
    "文号",
    "字号",
    "编号",
    "现将",
    "已于",
    "以及",
    "见",
    "即",
    "和",
    "及",
    "与",
    "或",
    "的",
    "了",
    "是",
    "为",
    "在",
    "将",
    "由",
    "按",
    "据",
    "等",
    "并",
    "号",
    "年",
    "月",
    "向",
    "对",
)
_STOP_RE = re.compile("|".join(sorted(_STOP_WORDS, key=len, reverse=True)))
# Where an organ's full name ends, for a header line glued to its code: 蓬溪县安委会办公室蓬安办.
_ORGAN_END_RE = re.compile("办公室|办公厅|委员会|人民政府|指挥部|领导小组|管理局|局|厅")
# A title glued to the code that follows it: 乡村建设行动实施方案中办发2022年22号.
_TITLE_END_RE = re.compile(
    "方案|意见|通知|办法|细则|规则|规范|标准|指南|决定|规划|纲要|条例|要点|公告|通报|全文"
)
# Pinyin a site's converter left after a character: 滬府發(fā)〔2017〕92號.
_PINYIN_NOTE = re.compile(rf"(?<=[{CJK_RE_CLASS}])\([a-zü]{{0,5}}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{{0,5}}\)")
# without tone marks (國(guo)辦(ban)發) only where a text has several: "(ab)" alone may be a list label
_PLAIN_NOTE = re.compile(rf"(?<=[{CJK_RE_CLASS}])\([a-zü]{{2,6}}\)")


def _without_notes(m: str) -> tuple[str, list[int] | None]:
    """``m`` without pinyin notes, and where each of its characters was (None: nothing removed)."""
    if "(" not in m:
        return m, None
    notes = [n.span() for n in _PINYIN_NOTE.finditer(m)]
    plain = [n.span() for n in _PLAIN_NOTE.finditer(m)]
    if len(plain) >= 2:
        notes = sorted(set(notes) | set(plain))
    if not notes:
        return m, None
    keep: list[int] = []
    last = 0
    for start, end in notes:
        keep.extend(range(last, start))
        last = end
    keep.extend(range(last, len(m)))
    keep.append(len(m))
    return "".join(m[i] for i in keep[:-1]), keep


# A code is an abbreviation: a full organ name before the bracket is a header, not a code.
_ORGAN_WORD_RE = re.compile("办公室|办公厅|委员会|人民政府|指挥部|领导小组|管理局")

# Last characters of most codes: series (发 函 报 字 复 规 电 …) and organ abbreviations (办 委 政 …).
# A code ending otherwise (环大气, 财库) is believed only with its 号: "工作要点（2022年）5、" is a heading.
_USUAL_END = frozenset(
    "发函报字复规电督密便呈"
    "办委政府局厅部会组纪通急干建监健安教财税农林水环交商统审社民科信公法检院卫旅体宣党工联协处室队站所"
)
# A preposition glued to the front of a code: 以川办发〔2011〕84号印发, 经川府发〔2020〕3号批准.
_LEADING_PREPOSITIONS = frozenset("以经由将按依据凭从自于至被把用在")
_MIN_AFTER_PREPOSITION = 3
# Never a 发文字号 whatever the number looks like: 令 numbers, 公告 numbers, ICP/公网安备 records.
_CODE_FORBIDDEN_END = frozenset("令告备第年号")
_CODE_FORBIDDEN_PARTS = ("公告", "公网安", "ICP", "案号", "索引")

_MIN_CODE, _MAX_CODE = 2, 12
_SCAN = 24  # how far back to look for the code
_YEAR_MIN, _YEAR_MAX = 1949, 2099

# A placeholder just before the number marks a template: ×××〔2022〕15号, XX〔2022〕15号.
_PLACEHOLDER = frozenset("×xX*＊○〇□△XＸ")


@dataclass(frozen=True)
class _Hit:
    code: str  # '' when there is no code
    code_start: int
    year: int
    serial: int
    start: int  # of the number part
    end: int
    has_hao: bool
    placeholder: bool  # a template or letters stand where the code would be
    code_invalid: bool  # some CJK word stands there but it is not a code


def _run_before(m: str, pos: int) -> tuple[str, int]:
    """The CJK run ending at ``pos`` (exclusive) and where it starts, traditional forms simplified."""
    i = pos
    lo = max(0, pos - _SCAN)
    while i > lo and is_cjk(m[i - 1]):
        i -= 1
    return m[i:pos].translate(_TRADITIONAL), i


def _strip_run(run: str, *, line_start: bool = False) -> tuple[str, int]:
    """Drop everything up to the last sentence word; returns the rest and its offset in ``run``.

    A preposition glued to the front (以川办发) goes, unless the run opens its line: a number alone on
    its line is a header, and there 于府办发 is 于都县's code."""
    cut = 0
    for sm in _STOP_RE.finditer(run):
        cut = sm.end()
    rest = run[cut:]
    if len(rest) > 8:
        ends = [om.end() for om in _ORGAN_END_RE.finditer(rest) if om.end() < len(rest)]
        if ends:
            # the last organ name ends where the code begins: 四川省人民政府办公厅以川办发
            rest, cut = rest[ends[-1] :], cut + ends[-1]
    if len(rest) > 5:
        ends = [tm.end() for tm in _TITLE_END_RE.finditer(rest) if _code_ok(rest[tm.end() :])]
        if ends:
            rest, cut = rest[ends[-1] :], cut + ends[-1]
    at_start = line_start and cut == 0
    while (
        not at_start
        and len(rest) > _MIN_AFTER_PREPOSITION
        and rest[0] in _LEADING_PREPOSITIONS
        and _code_ok(rest[1:])
    ):
        rest, cut = rest[1:], cut + 1
    return rest, cut


def _code_ok(code: str) -> bool:
    if not _MIN_CODE <= len(code) <= _MAX_CODE:
        return False
    if code[-1] in _CODE_FORBIDDEN_END or not is_cjk(code[-1]):
        return False
    if _ORGAN_WORD_RE.search(code):
        return False
    return not any(part in code for part in _CODE_FORBIDDEN_PARTS)


def _find_code(m: str, pos: int) -> tuple[str, int, bool, bool]:
    """(code, start, placeholder, invalid) for a number starting at ``pos`` in the match text."""
    j = pos
    # The code may sit on the line before the bracket, or be followed by a space: 中发 〔2016〕.
    k = 0
    while j > 0 and m[j - 1].isspace() and k < 3:
        j -= 1
        k += 1
    if j > 0 and (m[j - 1] in _PLACEHOLDER or (m[j - 1].isascii() and m[j - 1].isalpha())):
        return "", j, True, False
    run, run_start = _run_before(m, j)
    if not run:
        return "", pos, False, False
    rest, cut = _strip_run(run, line_start=run_start == 0 or m[run_start - 1] == "\n")
    code, start = rest, run_start + cut
    if len(code) <= 2 and cut == 0:
        # A code broken by a line break: （遂安\n委〔2022〕15号）.
        b = run_start
        w = 0
        while b > 0 and m[b - 1] in " \t\r\n\u3000" and w < 3:
            b -= 1
            w += 1
        if w > 0 and "\n" in m[b:run_start]:
            prev, prev_start = _run_before(m, b)
            prev_rest, prev_cut = _strip_run(prev)
            joined = prev_rest + code
            if prev_rest and len(joined) <= 8 and (len(code) < 2 or len(prev_rest) <= 3) and _code_ok(joined):
                return joined, prev_start + prev_cut, False, False
    if not code:
        return "", pos, False, False
    if _code_ok(code):
        return code, start, False, False
    return "", pos, False, True


def _digits(s: str) -> int | None:
    clean = re.sub(r"\s", "", s).translate(_DIGIT_FIX)
    return int(clean) if clean.isdigit() else None


def _hits(text: str) -> list[_Hit]:
    m, where = _without_notes(fold(text))
    hits = _hits_in(m)
    if where is None:
        return hits
    # back to the original text's offsets; a note inside the number is part of what was written
    return [
        _Hit(
            h.code,
            where[h.code_start],
            h.year,
            h.serial,
            where[h.start],
            where[h.end - 1] + 1,
            h.has_hao,
            h.placeholder,
            h.code_invalid,
        )
        for h in hits
    ]


def _hits_in(m: str) -> list[_Hit]:
    hits: list[_Hit] = []
    taken: list[tuple[int, int]] = []
    for match in _BRACKETED.finditer(m):
        if not (match["open"] or match["close"]):
            continue
        before = m[match.start("year") - 1] if match.start("year") > 0 else ""
        if not match["open"] and before.isascii() and before.isalnum():
            continue  # inside a longer number or an ASCII word
        year, serial = _digits(match["year"]), _digits(match["serial"])
        if year is None or serial is None or not _YEAR_MIN <= year <= _YEAR_MAX or not 0 < serial < 100_000:
            continue
        if not re.search("[0-9]", match["serial"]) and not match["hao"]:
            continue  # 'lO' with no 号 is a word, not a serial
        if m.startswith("令", match.end()):
            continue  # 住建部2023年3号令 is a 令 number
        code, code_start, placeholder, invalid = _find_code(m, match.start())
        if code and code[-1] not in _USUAL_END and not match["hao"]:
            code, invalid = "", True
        hits.append(
            _Hit(
                code,
                code_start,
                year,
                serial,
                match.start(),
                match.end(),
                bool(match["hao"]),
                placeholder,
                invalid,
            )
        )
        taken.append((match.start(), match.end()))
    for match in _PLAIN.finditer(m):
        if any(s <= match.start() < e for s, e in taken):
            continue
        year, serial = int(match["year"]), int(match["serial"] or match["pserial"])
        if not _YEAR_MIN <= year <= _YEAR_MAX or serial == 0 or m.startswith("令", match.end()):
            continue
        code, code_start, _, _ = _find_code(m, match.start())
        if code and (match["hao"] or match["phao"] or code[-1] in _USUAL_END):
            hits.append(_Hit(code, code_start, year, serial, match.start(), match.end(), True, False, False))
    hits.sort(key=lambda h: h.start)
    return hits


def _repaired(raw: str, canonical: str) -> bool:
    return re.sub(r"\s", "", raw) != canonical


def extract_doc_numbers(text: str) -> list[DocNumber]:
    """Every 发文字号 in ``text`` in order of appearance, the first of each canonical form kept.

    ``raw``, ``start`` and ``end`` refer to the original text; ``repaired`` says something other
    than whitespace differed from the canonical form (brackets, width, 第, zeros, 号, OCR, 繁体).
    """
    seen: set[str] = set()
    out: list[DocNumber] = []
    for hit in _hits(text):
        if not hit.code:
            continue
        raw = text[hit.code_start : hit.end]
        number = DocNumber(hit.code, hit.year, hit.serial, raw, hit.code_start, hit.end)
        if number.canonical in seen:
            continue
        seen.add(number.canonical)
        out.append(
            DocNumber(
                hit.code,
                hit.year,
                hit.serial,
                raw,
                hit.code_start,
                hit.end,
                repaired=_repaired(raw, number.canonical),
            )
        )
    return out


def extract_bare_numbers(text: str) -> list[str]:
    """Bracketed numbers with 号 but no 代字 (〔2024〕3号), as written, for a person to review.

    Templates (×××〔2022〕1号) and numbers after a word that is not a code (公告〔2018〕7号) are left out.
    """
    seen: set[str] = set()
    out: list[str] = []
    for hit in _hits(text):
        if hit.code or hit.placeholder or hit.code_invalid or not hit.has_hao:
            continue
        key = f"〔{hit.year}〕{hit.serial}号"
        if key in seen:
            continue
        seen.add(key)
        out.append(text[hit.start : hit.end].strip())
    return out


_EDGE_PUNCT = " \t\r\n\u3000()（）《》〈〉<>“”\"'‘’「」『』，。、；：,.;:"


def normalise_doc_number(s: str) -> str | None:
    """One number as written → canonical ``代字〔YYYY〕N号``; ``None`` if it is not one 发文字号.

    Surrounding brackets and punctuation are tolerated (（遂安委〔2022〕15号）), other words are not.
    """
    numbers = extract_doc_numbers(s)
    if len(numbers) != 1:
        return None
    n = numbers[0]
    if s[: n.start].strip(_EDGE_PUNCT) or s[n.end :].strip(_EDGE_PUNCT):
        return None
    return n.canonical
