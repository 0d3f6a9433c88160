"""The evidence-desk flow: one run of the pipeline, step by step. It holds no logic of its own:
every step is a function of ``pipeline.stages`` made a Prefect task here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NONE
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from pipeline import stages
from pipeline.config import load_config
from pipeline.ledger import Ledger

open_workspace = task(name="载入考核细则与部门名册", cache_policy=NONE)(stages.open_workspace)
discover_inbox = task(name="扫描收件箱", cache_policy=NONE)(stages.discover_inbox)
plan_reads = task(name="比对台账", cache_policy=NONE)(stages.plan_reads)
# Content-hash caching lives in the ledger (content read once, never again) and the OCR cache (pages
# keyed by content hash): Prefect's own result persistence would pickle every text a second time.
read_batch = task(
    name="读取文件",
    retries=2,
    retry_delay_seconds=[2, 10],
    cache_policy=NONE,
    persist_result=False,
)(stages.read_batch)
record_batch = task(name="理解与匹配", cache_policy=NONE)(stages.record_batch)
understand_recorded = task(name="补做上次未完成的匹配", cache_policy=NONE)(stages.understand_recorded)
attach_examples = task(name="载入本单位已确认的样例", cache_policy=NONE)(stages.attach_examples)
rescore_recorded = task(name="按新的样例或细则重新匹配", cache_policy=NONE)(stages.rescore_recorded)
compute_matrix = task(name="计算完整性矩阵", cache_policy=NONE)(stages.compute_matrix)
write_outputs = task(name="写出报表与资料汇编", cache_policy=NONE)(stages.write_outputs)
send_reminders = task(name="发送提醒与回执", cache_policy=NONE)(stages.send_reminders)


# Every large argument (texts, tables, the workspace, the matrix) is passed ``quote``d: Prefect would
# otherwise walk each of them element by element looking for futures — at 1,000 files that walk cost
# more CPU than understanding the files.
@flow(name="evidence-desk", task_runner=ThreadPoolTaskRunner(max_workers=2), log_prints=False)
def evidence_run(
    config_file: str | None = None,
    inbox: str | None = None,
    outbox: str | None = None,
    departments: str | None = None,
    today: date | None = None,
) -> stages.RunSummary:
    log = get_run_logger()
    config = load_config(
        Path(config_file) if config_file else None,
        inbox=Path(inbox) if inbox else None,
        outbox=Path(outbox) if outbox else None,
        departments=Path(departments) if departments else None,
    )
    day = today or stages.today_in(config.timezone)
    ws = open_workspace(config)
    with Ledger.for_config(config) as ledger:
        run_id = ledger.begin_run()
        ws = attach_examples(ledger, quote(ws))
        discovery = discover_inbox(quote(ws), ledger)
        plan = plan_reads(ledger, quote(discovery), run_id)
        batches = stages.make_batches(plan.to_read)
        log.info(
            "收件箱共 %d 个文件，需读取 %d 个（分 %d 批）",
            len(discovery.files),
            len(plan.to_read),
            len(batches),
        )
        futures = read_batch.map(batches, unmapped(stages.read_context(config)))
        read = 0
        try:
            for number in range(1, len(futures) + 1):
                # Take each batch's result out of the list once recorded, so a 10,000-file run never
                # holds every text in memory at once.
                future, futures[number - 1] = futures[number - 1], None
                read += record_batch(ledger, quote(future.result()), quote(ws), run_id)
                del future
                log.info("已读取第 %d/%d 批", number, len(batches))
        finally:
            stages.release_readers()
        understand_recorded(ledger, quote(plan.to_understand), quote(ws))
        rescored = rescore_recorded(ledger, quote(ws))
        fingerprint = stages.inputs_fingerprint(ws, discovery, day)
        published = stages.reuse_outputs(ws, plan, fingerprint, rescored)
        if published is not None:
            log.info("收件箱与设置均无变化，沿用上次的报表")
            summary = stages.summarise_reused(plan, discovery, published, ws)
        else:
            matrix = compute_matrix(ledger, quote(ws), day)
            outputs = write_outputs(quote(matrix), quote(ws))
            delivery = send_reminders(
                quote(matrix), quote(ws), ledger, day, quote(stages.newly_processed(plan, ledger))
            )
            stages.remember_outputs(ws, fingerprint, outputs, delivery)
            summary = stages.summarise(plan, discovery, read, outputs, delivery, ws)
        ledger.finish_run(run_id, summary.counts())
    return summary
