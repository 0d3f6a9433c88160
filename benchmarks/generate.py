"""A seeded inbox of N evidence files for the benchmark: ~30 department folders, mixed formats.

Run: ``.venv/bin/python benchmarks/generate.py OUT_DIR --files N [--ocr-pages K] [--seed S]``.

The mix follows what departments hand in: docx 40 %, PDF with a text layer 25 % (1–5 pages), xlsx
20 % (50–500 rows), txt 5 %, photos without text 5 %, zip bundles of a few small files 5 %; plus K
image-only PDF pages (scans, for OCR) as a separate knob. Texts are the demo's county notices
(``pipeline.demo.NOTICES``) given a new 文号, date, issuing unit and paragraphs naming seeded
enterprises and people, so no two files have the same content (identical files would become
duplicates and skew the figures).

Speed (10,000 files in about a minute on 2 cores): a Word file is one python-docx template per
process whose placeholder paragraph is replaced in ``word/document.xml``; PDFs are reportlab with
``invariant=1`` and fixed-width wrapping (CJK glyphs are 1 em); workbooks are openpyxl write-only;
files are built by a process pool.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
import zipfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.demo import NOTICES, SECTORS, Notice, _words

# Share of each format among the N files (the OCR pages come on top).
MIX: tuple[tuple[str, float], ...] = (
    ("docx", 0.40),
    ("pdf", 0.25),
    ("xlsx", 0.20),
    ("txt", 0.05),
    ("jpg", 0.05),
    ("zip", 0.05),
)
FOLDERS = 30
ZIP_TIME = (2022, 12, 1, 9, 0, 0)
FONT_TTC = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

# (department name, folder as the department wrote it, short organ prefix for 文号)
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("县安办", "县安委办", "蓬安办"),
    ("县应急管理局", "县应急局", "蓬应急"),
    ("县住房城乡建设局", "县住建局佐证资料", "蓬住建"),
    ("县交通运输局", "03-县交运局", "蓬交"),
    ("县公安局交警大队", "交警大队 2022佐证", "蓬公交"),
    ("县经济科技和信息化局", "县经科局", "蓬经科"),
    ("县农业农村局", "农业农村局", "蓬农"),
    ("县市场监督管理局", "县市场监管局（佐证）", "蓬市监"),
    ("县文化广播电视和旅游局", "县文广旅游局", "蓬文广旅"),
    ("县商务经济合作局", "县商务经合局", "蓬商"),
    ("县消防救援大队", "消防救援大队", "蓬消"),
    ("县教育和体育局", "县教体局", "蓬教体"),
    ("县卫生健康局", "县卫健局", "蓬卫健"),
    ("县发展和改革局", "县发改局", "蓬发改"),
    ("县自然资源和规划局", "县自规局", "蓬自规"),
    ("县民政局", "民政局", "蓬民"),
    ("县公安局", "县公安局", "蓬公"),
    ("县水利局", "县水利局", "蓬水"),
    ("市生态环境局蓬溪分局", "县生态环境局", "蓬环"),
    ("县委办公室", "县委办", "蓬委办"),
    ("县政府办公室", "县政府办", "蓬府办"),
    ("赤城镇", "赤城镇", "赤城"),
    ("新会镇", "新会镇人民政府", "新会"),
    ("文井镇", "文井镇", "文井"),
    ("明月镇", "蓬溪县明月镇", "明月"),
    ("常乐镇", "常乐镇", "常乐"),
    ("天福镇", "天福镇", "天福"),
    ("宝梵镇", "宝梵镇", "宝梵"),
    ("普安街道", "普安街道办事处", "普安"),
    ("蓬溪经济开发区", "蓬溪经开区", "蓬开"),
)
SUBFOLDERS = ("", "", "", "第一季度", "安全生产大检查", "会议纪要", "隐患排查台账", "宣传培训")

_SURNAMES = "张王李刘陈杨黄赵周吴徐孙胡朱高林何郭马罗唐邓蒋谢"
_GIVEN = (
    "伟",
    "强",
    "军",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "华",
    "平",
    "建国",
    "志强",
    "晓东",
    "海燕",
    "丽",
    "静",
)
_TRADE = _words(
    "鑫源 华川 蓬达 宏远 顺达 金桥 赤城 天福 明月 宝梵 锦华 恒通 兴蓬 安泰 永盛 嘉禾 瑞丰 鸿运 泰和 "
    "新蓬 蜀通 天成 德信 聚源 盛世 华邦 蓬莱 红江 常乐 文井 荣盛 祥瑞 丰源 佳和 卓越 长城 华兴 利民"
)
_SUFFIXES = (
    *(s for sector in SECTORS.values() for s in sector.suffixes),
    "化工有限公司",
    "加油站",
    "烟花爆竹经营部",
    "砖厂",
    "食品有限公司",
    "酒店管理有限公司",
)
_PROBLEMS = (
    *(p for sector in SECTORS.values() for p in sector.problems),
    "安全出口指示标志损坏",
    "液化气钢瓶与灶具间距不足",
    "应急预案未按期修订",
    "有限空间作业未审批",
)
_TOWNS = (
    "赤城镇",
    "新会镇",
    "文井镇",
    "明月镇",
    "常乐镇",
    "天福镇",
    "宝梵镇",
    "大石镇",
    "普安街道",
    "金桥街道",
)
_CN_NUM = "一二三四五六七八九十"


# --------------------------------------------------------------------------------------------
# The plan: what each file is (deterministic for files, ocr_pages, seed)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One file to write: where, which format, and the seed its content comes from."""

    rel_path: str
    kind: str  # docx | pdf | xlsx | txt | jpg | zip | scan
    seed: int
    department: int  # index into DEPARTMENTS
    pages: int = 1  # pdf and scan pages


def plan(files: int, *, ocr_pages: int = 0, seed: int = 0) -> list[Spec]:
    rng = random.Random(seed)
    counts = {kind: int(files * share) for kind, share in MIX}
    counts["docx"] += files - sum(counts.values())
    kinds = [k for k, n in counts.items() for _ in range(n)]
    rng.shuffle(kinds)
    titles = list(NOTICES.values())
    specs: list[Spec] = []
    used: set[str] = set()

    def place(kind: str, index: int, pages: int) -> Spec:
        dept = index % len(DEPARTMENTS) if files >= len(DEPARTMENTS) else rng.randrange(len(DEPARTMENTS))
        s = rng.randrange(1 << 30)
        title = _short(titles[s % len(titles)].title)
        sub = rng.choice(SUBFOLDERS)
        ext = "pdf" if kind == "scan" else kind
        stem = (
            f"{title}（{index + 1:05d}）" if kind not in ("jpg", "zip") else _photo_or_bundle(kind, index, s)
        )
        rel = "/".join(p for p in (DEPARTMENTS[dept][1], sub, f"{stem}.{ext}") if p)
        assert rel not in used
        used.add(rel)
        return Spec(rel, kind, s, dept, pages)

    for i, kind in enumerate(kinds):
        specs.append(place(kind, i, rng.randint(1, 5) if kind == "pdf" else 1))
    left, i = ocr_pages, len(kinds)
    while left > 0:
        pages = min(left, rng.randint(1, 3))
        specs.append(place("scan", i, pages))
        left -= pages
        i += 1
    return specs


def _short(title: str) -> str:
    for bad in "/\\《》“”":
        title = title.replace(bad, "")
    return title[:40]


def _photo_or_bundle(kind: str, index: int, s: int) -> str:
    if kind == "jpg":
        return f"IMG_2022{(s % 12) + 1:02d}{(s % 28) + 1:02d}_{index:05d}"
    return f"佐证资料打包{index + 1:05d}"


# --------------------------------------------------------------------------------------------
# Texts: a demo notice, re-issued by another unit with its own number, date and findings
# --------------------------------------------------------------------------------------------


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _enterprise(rng: random.Random) -> str:
    return f"蓬溪县{rng.choice(_TRADE)}{rng.choice(_SUFFIXES)}"


def _findings(rng: random.Random, day: date, count: int) -> list[str]:
    out = []
    for k in range(count):
        d = day - timedelta(days=rng.randrange(5, 120))
        names = "、".join(_enterprise(rng) for _ in range(rng.randint(1, 3)))
        found = rng.randint(0, 6)
        fixed = rng.randint(0, found)
        out.append(
            f"（{_CN_NUM[k % 10]}）{d.month}月{d.day}日，{_person(rng)}带队对{rng.choice(_TOWNS)}{names}开展"
            f"安全生产检查，发现{rng.choice(_PROBLEMS)}等问题隐患{found}处，现场整改{fixed}处，"
            f"其余{found - fixed}处已下达限期整改指令书，明确整改责任人和整改时限，实行闭环管理。"
        )
    return out


def notice_for(spec: Spec, variant: int = 0, *, paragraphs: int = 3) -> Notice:
    """The spec's document; ``variant`` > 0 gives the same file new content (a resubmission)."""
    rng = random.Random(spec.seed * 7919 + variant)
    base = list(NOTICES.values())[spec.seed % len(NOTICES)]
    name, _, organ = DEPARTMENTS[spec.department]
    day = date(2022, 1, 10) + timedelta(days=rng.randrange(330))
    number = f"{organ}{rng.choice(('发', '函', '办发'))}〔2022〕{rng.randint(1, 300)}号"
    body = [*base.body, *_findings(rng, day, paragraphs)]
    return Notice(
        title=base.title,
        body=tuple(body),
        header=f"蓬溪县{name.removeprefix('县')}文件" if base.header else "",
        number=number,
        addressee=base.addressee,
        signature=f"蓬溪县{name.removeprefix('县')}",
        date=f"2022年{day.month}月{day.day}日",
        appendix=base.appendix,
    )


def _filler(rng: random.Random, chars: int) -> list[str]:
    """More body paragraphs (findings) until the text is about ``chars`` characters long."""
    out: list[str] = []
    total = 0
    while total < chars:
        para = _findings(rng, date(2022, 11, 30), 1)[0]
        out.append(para)
        total += len(para)
    return out


# --------------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------------

_PLACEHOLDER = "@@BODY@@"


@cache
def _docx_template() -> tuple[tuple[tuple[str, bytes], ...], str, str]:
    """A python-docx document with one placeholder paragraph: (members, document.xml before, after)."""
    from docx import Document

    doc = Document()
    doc.core_properties.author = "Administrator"
    doc.add_paragraph(_PLACEHOLDER)
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(buf) as z:
        members = tuple((n, z.read(n)) for n in z.namelist())
    xml = dict(members)["word/document.xml"].decode()
    start = xml.rindex("<w:p>", 0, xml.index(_PLACEHOLDER)) if "<w:p>" in xml else xml.rindex("<w:p ")
    end = xml.index("</w:p>", xml.index(_PLACEHOLDER)) + len("</w:p>")
    return members, xml[:start], xml[end:]


def _w_p(text: str, *, center: bool = False, bold: bool = False) -> str:
    ppr = '<w:pPr><w:jc w:val="center"/></w:pPr>' if center else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _w_table(rows: Sequence[Sequence[str]]) -> str:
    cells = "".join(
        "<w:tr>"
        + "".join(f'<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr>{_w_p(c)}</w:tc>' for c in row)
        + "</w:tr>"
        for row in rows
    )
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
        f"{cells}</w:tbl>"
    )


def _zip_bytes(members: Iterable[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def build_docx(notice: Notice, rng: random.Random) -> bytes:
    members, before, after = _docx_template()
    parts = [_w_p(notice.header, center=True, bold=True)] if notice.header else []
    parts += [_w_p(notice.number, center=True), _w_p(notice.title, center=True, bold=True)]
    parts += [_w_p(t) for t in (notice.addressee, *notice.body, notice.signature, notice.date) if t]
    parts += [_w_p(t) for t in notice.appendix]
    if rng.random() < 0.3:
        rows = [("序号", "企业名称", "隐患问题", "整改情况")]
        rows += [
            (str(i + 1), _enterprise(rng), rng.choice(_PROBLEMS), rng.choice(("已整改", "整改中")))
            for i in range(rng.randint(3, 15))
        ]
        parts.append(_w_table(rows))
    xml = before + "".join(parts) + after
    return _zip_bytes((n, xml.encode() if n == "word/document.xml" else data) for n, data in members)


_CHARS_PER_LINE = 30  # 14 pt CJK on A4 with 78 pt margins
_LINES_PER_PAGE = 38


@cache
def _cid_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _wrap(text: str, width: int = _CHARS_PER_LINE) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def build_text_pdf(notice: Notice, pages: int, rng: random.Random) -> bytes:
    """A text-layer PDF of exactly ``pages`` pages (the notice, then findings to fill the pages)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _cid_font()
    lines = [ln for para in notice.lines() for ln in _wrap(para)]
    want = pages * _LINES_PER_PAGE - 4
    if len(lines) < want:
        extra = _filler(rng, (want - len(lines)) * _CHARS_PER_LINE)
        lines += [ln for para in extra for ln in _wrap(para)]
    lines = lines[: pages * _LINES_PER_PAGE]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(notice.title)
    c.setAuthor(notice.signature)
    for start in range(0, len(lines), _LINES_PER_PAGE):
        c.setFont(font, 14)
        y = 790.0
        for line in lines[start : start + _LINES_PER_PAGE]:
            c.drawString(78, y, line)
            y -= 19.5
        c.showPage()
    c.save()
    return buf.getvalue()


def build_xlsx(spec: Spec, rng: random.Random) -> bytes:
    """A 隐患排查整改台账 of 50–500 rows (write-only openpyxl: rows stream straight to the zip)."""
    from openpyxl import Workbook

    name = DEPARTMENTS[spec.department][0]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("隐患排查整改台账")
    ws.append([f"{name}2022年安全生产隐患排查整改台账"])
    ws.append(
        ["序号", "企业名称", "所在乡镇（街道）", "检查日期", "检查人员", "隐患问题", "整改时限", "整改情况"]
    )
    for i in range(rng.randint(50, 500)):
        d = date(2022, 1, 4) + timedelta(days=rng.randrange(330))
        ws.append(
            [
                i + 1,
                _enterprise(rng),
                rng.choice(_TOWNS),
                d.isoformat(),
                f"{_person(rng)}、{_person(rng)}",
                rng.choice(_PROBLEMS),
                (d + timedelta(days=rng.choice((7, 15, 30)))).isoformat(),
                "已整改" if rng.random() < 0.9 else "整改中",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def build_txt(notice: Notice, rng: random.Random) -> bytes:
    text = notice.text().replace("\n", "\r\n")
    return text.encode("gbk" if rng.random() < 0.6 else "utf-8")


@cache
def _photo_base(k: int, size: tuple[int, int] = (1280, 960)) -> object:
    """One of a few textless scenes (sky, ground, blocks, grain); photos are these, varied cheaply."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(k)
    w, h = size
    img = Image.new("RGB", size, (rng.randrange(90, 200), rng.randrange(120, 210), rng.randrange(160, 240)))
    draw = ImageDraw.Draw(img)
    horizon = rng.randrange(h // 3, 2 * h // 3)
    ground = (rng.randrange(60, 140), rng.randrange(70, 130), rng.randrange(40, 90))
    draw.rectangle((0, horizon, w, h), fill=ground)
    for _ in range(rng.randint(3, 8)):
        x, y = rng.randrange(w), rng.randrange(h // 4, h)
        bw, bh = rng.randrange(60, 400), rng.randrange(60, 300)
        shade = rng.randrange(40, 220)
        draw.rectangle((x, y - bh, x + bw, y), fill=(shade, shade - rng.randrange(0, 30), shade - 20))
    img = img.filter(ImageFilter.GaussianBlur(2))
    grain = Image.effect_noise(size, 18).convert("RGB")
    return Image.blend(img, grain, 0.08)


def build_photo(rng: random.Random) -> bytes:
    """A textless photo with EXIF time, as a phone writes it: a base scene, shifted and re-tinted."""
    from PIL import Image, ImageChops

    base: Image.Image = _photo_base(rng.randrange(8))  # type: ignore[assignment]
    img = ImageChops.offset(base, rng.randrange(base.width), rng.randrange(base.height // 8))
    tint = Image.new("RGB", img.size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    img = Image.blend(img, tint, rng.uniform(0.02, 0.12))
    exif = Image.Exif()
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    exif[0x010F] = "HUAWEI"
    exif[0x0110] = "HUAWEI P40"
    exif.get_ifd(0x8769)[36867] = (
        f"2022:{month:02d}:{day:02d} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:00"
    )
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85, exif=exif)
    return buf.getvalue()


def build_bundle(spec: Spec, variant: int) -> bytes:
    """A zip of 2–4 small files (a notice, its txt copy, a small 台账), as a department e-mails them."""
    rng = random.Random(spec.seed * 31 + variant)
    members: list[tuple[str, bytes]] = []
    for k in range(rng.randint(2, 4)):
        inner = Spec(f"{k}", "docx", spec.seed + k + 1, spec.department)
        notice = notice_for(inner, variant, paragraphs=2)
        title = _short(notice.title)[:24]
        kind = rng.choice(("docx", "docx", "txt", "xlsx"))
        if kind == "docx":
            members.append((f"{k + 1}.{title}.docx", build_docx(notice, rng)))
        elif kind == "txt":
            members.append((f"{k + 1}.{title}.txt", notice.text().encode("utf-8")))
        else:
            small = Spec("", "xlsx", spec.seed + k, spec.department)
            members.append((f"{k + 1}.隐患台账.xlsx", _small_xlsx(small, rng)))
    return _zip_bytes(members)


def _small_xlsx(spec: Spec, rng: random.Random) -> bytes:
    state = rng.getstate()
    data = build_xlsx(spec, random.Random(rng.randrange(1 << 30)))
    rng.setstate(state)
    return data


@cache
def _pil_font(px: int) -> object:
    from PIL import ImageFont

    return ImageFont.truetype(FONT_TTC, px)


def build_scan(notice: Notice, pages: int, rng: random.Random) -> bytes:
    """An image-only PDF (150 dpi grey JPEG pages of printed text, slightly tilted) for OCR."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    lines = [ln for para in notice.lines() for ln in _wrap(para, 28)]
    extra = _filler(rng, pages * 34 * 28)
    lines += [ln for para in extra for ln in _wrap(para, 28)]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    font = _pil_font(38)
    for p in range(pages):
        img = Image.new("L", (1240, 1754), 246)
        draw = ImageDraw.Draw(img)
        y = 120
        for line in lines[p * 34 : (p + 1) * 34]:
            draw.text((130, y), line, fill=25, font=font)  # type: ignore[arg-type]
            y += 44
        img = img.rotate(rng.uniform(-0.8, 0.8), fillcolor=246)
        jpeg = io.BytesIO()
        img.save(jpeg, "JPEG", quality=80)
        jpeg.seek(0)
        c.drawImage(ImageReader(jpeg), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return buf.getvalue()


def build(spec: Spec, variant: int = 0) -> bytes:
    """The bytes of one file; another ``variant`` gives the same file different content."""
    rng = random.Random(spec.seed * 104729 + variant)
    if spec.kind == "docx":
        return build_docx(notice_for(spec, variant, paragraphs=rng.randint(2, 12)), rng)
    if spec.kind == "pdf":
        return build_text_pdf(notice_for(spec, variant), spec.pages, rng)
    if spec.kind == "xlsx":
        return build_xlsx(spec, rng)
    if spec.kind == "txt":
        return build_txt(notice_for(spec, variant, paragraphs=rng.randint(1, 4)), rng)
    if spec.kind == "jpg":
        return build_photo(rng)
    if spec.kind == "zip":
        return build_bundle(spec, variant)
    if spec.kind == "scan":
        return build_scan(notice_for(spec, variant), spec.pages, rng)
    raise ValueError(spec.kind)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _write_chunk(out: str, specs: Sequence[Spec], variant: int) -> int:
    total = 0
    for spec in specs:
        path = os.path.join(out, spec.rel_path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = build(spec, variant)
        tmp = path + ".part"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        total += len(data)
    return total


def write_files(out: Path, specs: Sequence[Spec], *, variant: int = 0, workers: int | None = None) -> int:
    """Write ``specs`` under ``out`` (in parallel); returns the bytes written."""
    workers = workers or os.cpu_count() or 1
    chunks = [list(specs[i : i + 64]) for i in range(0, len(specs), 64)]
    if workers == 1 or len(chunks) <= 1:
        return sum(_write_chunk(str(out), c, variant) for c in chunks)
    with ProcessPoolExecutor(workers) as pool:
        return sum(pool.map(_write_chunk, [str(out)] * len(chunks), chunks, [variant] * len(chunks)))


def generate(
    out: Path, files: int, *, ocr_pages: int = 0, seed: int = 0, workers: int | None = None
) -> list[Spec]:
    specs = plan(files, ocr_pages=ocr_pages, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    write_files(out, specs, workers=workers)
    return specs


def change(out: Path, specs: Sequence[Spec], fraction: float, *, seed: int = 1) -> list[Spec]:
    """Rewrite ``fraction`` of the files (same paths) with new content, as a resubmission does."""
    rng = random.Random(seed)
    chosen = rng.sample(list(specs), max(1, round(len(specs) * fraction)))
    write_files(out, chosen, variant=seed)
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成基准测试用的收件箱（N 个佐证文件）")
    parser.add_argument("out", type=Path, help="收件箱目录")
    parser.add_argument("--files", type=int, required=True, help="文件数")
    parser.add_argument("--ocr-pages", type=int, default=0, help="另加的扫描页数（纯图片 PDF，需要 OCR）")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None, help="并行进程数（默认 CPU 数）")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    specs = generate(args.out, args.files, ocr_pages=args.ocr_pages, seed=args.seed, workers=args.workers)
    size = sum((args.out / s.rel_path).stat().st_size for s in specs)
    print(
        f"已生成 {len(specs)} 个文件（{size / 1e6:.1f} MB）：{args.out}，用时 {time.perf_counter() - start:.1f} 秒"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
