"""Matching quality and speed on the labelled evaluation set (tests/matchers/eval) and the demo inbox.

Run: ``.venv/bin/python benchmarks/matching.py [--n 10000] [--no-demo] [--no-ocr]``. Prints
precision@1, recall@3, the confusion of the worst items, the same two figures on the demo inbox (real
files read by the real readers, scans and photos through OCR; the OCR cache lives in ``--state``, so
reruns take seconds), and the time to score N synthesised evidence texts (the eval texts, repeated
with sentences dropped, shuffled and mixed) against every sub-item.
"""

from __future__ import annotations

import argparse
import getpass
import random
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matchers.subitems import EvidenceView, score_many
from tests.matchers.eval.demo import demo_figures, run_demo
from tests.matchers.eval.evalset import context, figures, load_cases, views_of


def _item(sub_item_id: str) -> str:
    return sub_item_id.split("(")[0]


def _perturb(view: EvidenceView, other: EvidenceView, rng: random.Random, n: int) -> EvidenceView:
    sentences = [s for s in view.text.replace("\n", "。").split("。") if s]
    if len(sentences) > 3:
        sentences.pop(rng.randrange(len(sentences)))
        i, j = rng.randrange(len(sentences)), rng.randrange(len(sentences))
        sentences[i], sentences[j] = sentences[j], sentences[i]
    if rng.random() < 0.3:
        sentences.append(other.text.split("\n")[-1])
    return replace(view, rel_path=f"{view.rel_path}#{n}", text="。".join(sentences))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="evidence texts for the speed test")
    parser.add_argument("--repeat", type=int, default=1, help="eval texts joined into one synthetic text")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo inbox")
    parser.add_argument("--no-ocr", action="store_true", help="demo inbox without scans and photos")
    parser.add_argument(
        "--state",
        type=Path,
        default=Path(tempfile.gettempdir()) / f"evidence-desk-demo-bench-{getpass.getuser()}",
        help="folder for the demo's OCR cache, kept between runs",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    ctx = context()
    built = time.perf_counter() - started
    cases = load_cases()
    started = time.perf_counter()
    views = views_of(cases, ctx)
    facts_time = time.perf_counter() - started
    year = ctx.rubric.year
    results = score_many(views, ctx.index, assessment_year=year)
    fig = figures(cases, results)

    print(
        f"评估集：{len(cases)} 份（正例 {fig.positives}，反例 {fig.negatives}），{len(ctx.index.entries)} 个指标"
    )
    print(f"precision@1 = {fig.precision_at_1:.3f}  （有匹配的 {fig.answered} 份中首选正确的比例）")
    print(f"recall@3    = {fig.recall_at_3:.3f}  （正例中前三名含正确指标的比例）")
    print(f"反例无匹配：{fig.negatives_clean}/{fig.negatives}")
    every_reason = all(m.reasons for r in results for m in r)
    print(f"每个匹配都有理由：{'是' if every_reason else '否'}")
    negatives = [v for c, v in zip(cases, views, strict=True) if not c.expect]
    below = score_many(negatives, ctx.index, assessment_year=year, match_threshold=0.0, top=1)
    neg_best = max((r[0].score for r in below if r), default=0.0)
    pos_worst = min((r[0].score for c, r in zip(cases, results, strict=True) if c.expect and r), default=0.0)
    print(f"反例最高得分 {neg_best:.1f}，正例首选最低得分 {pos_worst:.1f}（阈值 45 / 62）")
    statuses = Counter(r[0].status for c, r in zip(cases, results, strict=True) if c.expect and r)
    print(f"正例首选状态：{dict(statuses)}")

    # confusion by item: expected item → items of the wrong first choices
    wrong: dict[str, Counter[str]] = defaultdict(Counter)
    total: Counter[str] = Counter()
    for case, matches in zip(cases, results, strict=True):
        key = _item(case.expect[0]) if case.expect else "无"
        total[key] += 1
        top = matches[0].sub_item_id if matches else "（无匹配）"
        if (case.expect and top not in case.expect) or (not case.expect and matches):
            wrong[key][top] += 1
            print(f"  错配 {case.id}: 期望 {'/'.join(case.expect) or '无'}，首选 {top}")
    print("最差的指标（期望指标 → 错误首选）：")
    worst = sorted(wrong, key=lambda k: (-sum(wrong[k].values()) / total[k], k))[:5]
    for key in worst:
        errors = ", ".join(f"{t}×{n}" for t, n in wrong[key].most_common())
        print(f"  指标{key}: {sum(wrong[key].values())}/{total[key]} 错 → {errors}")
    if not worst:
        print("  （无）")

    if not args.no_demo:
        _demo(args.state, ocr=not args.no_ocr)

    rng = random.Random(20221231)
    synthetic = [
        _perturb(views[i % len(views)], views[rng.randrange(len(views))], rng, i) for i in range(args.n)
    ]
    if args.repeat > 1:  # longer documents: the perturbed text followed by other eval texts
        synthetic = [
            replace(v, text="\n".join([v.text, *(rng.choice(views).text for _ in range(args.repeat - 1))]))
            for v in synthetic
        ]
    chars = sum(len(v.text) for v in synthetic)
    started = time.perf_counter()
    synthetic_results = score_many(synthetic, ctx.index, assessment_year=year)
    elapsed = time.perf_counter() - started
    matched = sum(1 for r in synthetic_results if r)
    print(
        f"速度：{args.n} 份（{chars / 1e6:.1f} 百万字）× {len(ctx.index.entries)} 个指标，"
        f"评分用时 {elapsed:.2f} 秒（{elapsed / args.n * 1000:.2f} 毫秒/份），{matched} 份有匹配"
    )
    print(
        f"一次性准备（细则、部门、词典、索引）：{built:.2f} 秒；评估集事实提取：{facts_time:.2f} 秒/{len(cases)} 份"
    )


def _demo(state: Path, *, ocr: bool) -> None:
    work = Path(tempfile.mkdtemp(prefix="evidence-desk-demo-"))
    try:
        started = time.perf_counter()
        run = run_demo(work, ocr=ocr, state=state)
        elapsed = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)
    fig = demo_figures(run)
    scope = "含扫描件和照片（OCR）" if ocr else "不含扫描件和照片"
    print(f"示例收件箱（{scope}）：{fig.positives} 份应匹配的文件，读取和理解用时 {elapsed:.1f} 秒")
    print(f"precision@1 = {fig.precision_at_1:.3f}  （首选正确的比例，无匹配算错）")
    print(f"recall@3    = {fig.recall_at_3:.3f}  （前三名含正确指标的比例）")
    for case in run.positives():
        ids = [m.sub_item_id for m in case.matches]
        if not ids or ids[0] not in case.expect:
            top = "、".join(f"{m.sub_item_id}（{m.score:.0f}）" for m in case.matches[:3]) or "（无匹配）"
            print(f"  {'未进前三' if case.rel_path in fig.misses else '首选不对'} {case.rel_path}: "
                  f"期望 {'/'.join(case.expect)}，得到 {top}")  # fmt: skip
    old = [c for c in run.cases if c.file.tag == "2021"]
    for case in old:
        shown = (
            "、".join(f"{m.sub_item_id}（{m.score:.0f}，{m.status}）" for m in case.matches) or "（无匹配）"
        )
        print(f"  2021年文件 {case.rel_path}: {shown}")


if __name__ == "__main__":
    main()
