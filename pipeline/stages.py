"""The steps of one run, as plain functions the Prefect flow puts in order.

discover → plan → read (in batches) → understand → record → matrix → outputs → reminders.
Everything here is callable without Prefect (``evidence report`` rebuilds the outputs from the ledger
alone, ``evidence inspect`` reads and understands files without touching the ledger).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from zoneinfo import ZoneInfo

from matchers.facts import extract_facts
from matchers.keywords import KeywordExtractor, build_dictionary
from matchers.learnt import ExampleIndex, build_example_index
from matchers.reference import load_reference, reference_examples, rubric_texts
from matchers.subitems import EvidenceView, SubItemIndex, build_index, score_many, scoring_text
from pipeline import readpool
from pipeline.atomic import atomic_write_text
from pipeline.binder import build_binder
from pipeline.config import Config
from pipeline.consistency import check_consistency
from pipeline.csvout import write_evidence_csv, write_matrix_csv
from pipeline.dashboard import write_dashboard
from pipeline.departments import DepartmentRegistry, load_departments
from pipeline.discover import Discovery, discover
from pipeline.ledger import Ledger, Plan
from pipeline.matrix import Matrix, build_matrix, check_occurrences
from pipeline.models import Evidence, Example, Facts, Match, Problem, Rubric, SourceFile, Understood
from pipeline.notify import Delivery, deliver, make_transport
from pipeline.overrides import Overrides, apply_overrides, load_overrides, overrides_path
from pipeline.readers import ReadContext
from pipeline.reading import read_sources
from pipeline.reminders import build_messages
from pipeline.reports import write_department_reports
from pipeline.rubric import read_rubric
from pipeline.workbook import write_workbook

# Bump when a reader changes what it extracts: the ledger then re-reads content read by an older one.
READER_VERSION = "1"
# Bump when scoring changes: recorded content is then re-scored (from its stored text and facts).
MATCHER_VERSION = "14"
RESCORE_CHUNK = 500
WORKBOOK_NAME = "完整性矩阵.xlsx"


@dataclass(frozen=True)
class Workspace:
    """What every step of a run shares, loaded once: configuration, rubric, registry, matcher index."""

    config: Config
    rubric: Rubric
    registry: DepartmentRegistry
    keywords: KeywordExtractor
    index: SubItemIndex
    assessment_year: int
    base_key: str = ""  # what scores depend on besides the office's examples (rubric, registry …)
    examples: ExampleIndex = field(default_factory=ExampleIndex)
    reference: tuple[Example, ...] = ()  # the bundled public documents, mapped to this rubric

    @property
    def known_ids(self) -> frozenset[str]:
        return frozenset(self.index.ids)

    @property
    def scoring_key(self) -> str:
        """Recorded matches scored under another key are scored again."""
        return hashlib.sha256(f"{self.base_key}|{self.examples.digest}".encode()).hexdigest()[:20]


def _file_digest(path: str | Path | None) -> str:
    p = Path(path) if path else None
    return hashlib.sha256(p.read_bytes()).hexdigest() if p is not None and p.is_file() else ""


def open_workspace(config: Config) -> Workspace:
    registry = load_departments(config.departments)
    rubric = read_rubric(config.rubric, registry=registry, default_owner=config.default_owner)
    dictionary = build_dictionary(rubric, _all_names(registry))
    year = config.assessment_year or rubric.year
    base = "|".join(
        [
            MATCHER_VERSION,
            _file_digest(rubric.source),
            _file_digest(registry.source),
            f"{year}|{config.match_threshold}|{config.confident_threshold}|{config.default_owner}",
        ]
    )
    ws = Workspace(
        config=config,
        rubric=rubric,
        registry=registry,
        keywords=KeywordExtractor(dictionary),
        index=build_index(rubric, dictionary, registry=registry),
        assessment_year=year,
        base_key=base,
        reference=tuple(reference_examples(load_reference(), rubric_texts(rubric)))
        if config.reference_examples
        else (),
    )
    return with_examples(ws, ())


# --------------------------------------------------------------------------------------------
# The office's examples (issue 12)
# --------------------------------------------------------------------------------------------


def office_examples(ledger: Ledger, ws: Workspace) -> list[Example]:
    """Every labelled file the office has: its ``assign`` decisions on inbox files the ledger has
    read, and the files of imported past binders (``evidence learn``)."""
    examples = list(ledger.examples())
    for entry in load_overrides(ws.config.state, ws.known_ids).entries:
        sha = entry.sha256 if entry.sha256 and ledger.facts(entry.sha256) else ledger.sha_for(entry.rel_path)
        facts = ledger.facts(sha) if sha else None
        text = ledger.text(sha) if sha else None
        if sha is None or facts is None or not text:
            continue  # not read yet: it becomes an example once a run has read it
        view = EvidenceView(entry.rel_path, None, text, facts)
        examples.append(Example(sha, entry.sub_item_ids or (), scoring_text(view), "assign", entry.rel_path))
    return examples


def with_examples(ws: Workspace, examples: Sequence[Example]) -> Workspace:
    """The workspace scoring with ``examples`` (the office's) beside the bundled reference ones."""
    background = [sub.text for item in ws.rubric.items() for sub in item.sub_items]
    return replace(ws, examples=build_example_index([*ws.reference, *examples], background))


def attach_examples(ledger: Ledger, ws: Workspace) -> Workspace:
    """The workspace with the office's examples, which every later scoring uses."""
    return with_examples(ws, office_examples(ledger, ws))


def _all_names(registry: DepartmentRegistry) -> list[str]:
    names: list[str] = []
    for d in registry.departments:
        names.append(d.name)
        names.extend(d.aliases)
    return names


def read_context(config: Config) -> ReadContext:
    limits = config.limits
    # Each reader process may OCR: the OCR threads are shared out between them.
    limits = replace(limits, ocr_workers=max(limits.ocr_workers, limits.read_workers))
    return ReadContext(
        limits=limits,
        scratch=config.scratch.absolute(),
        ocr_cache=(config.state / "ocr").absolute(),
        workers=limits.read_workers,
    )


def release_readers() -> None:
    """Stop the reader processes at the end of a run."""
    readpool.close_shared()


# --------------------------------------------------------------------------------------------
# Discover and plan
# --------------------------------------------------------------------------------------------


def discover_inbox(ws: Workspace, ledger: Ledger | None = None) -> Discovery:
    if not ws.config.inbox.is_dir():
        ws.config.inbox.mkdir(parents=True, exist_ok=True)
    return discover(ws.config.inbox, ws.registry, known=ledger.known if ledger else None)


def plan_reads(ledger: Ledger, discovery: Discovery, run_id: int) -> Plan:
    return ledger.plan(discovery, run_id=run_id, reader_version=READER_VERSION)


def make_batches(
    files: Sequence[SourceFile], *, max_files: int = 50, max_bytes: int = 64 << 20
) -> list[list[SourceFile]]:
    """Group files so one Prefect task reads many (a task run costs 15–40 ms); OCR-bound files
    (images, PDFs) go in smaller batches so that two workers share the slow ones evenly.

    Photos come first, together: OCR keeps both cores busy and leaves little text to understand,
    while the text formats are read on one core and leave the other to understand what the batch
    before held (interleaved, understanding slowed every OCR pass down). First rather than last, the
    reader's OCR peak comes while the run's own process is still small."""
    batches: list[list[SourceFile]] = []
    current: list[SourceFile] = []
    weight = 0
    for f in sorted(files, key=lambda s: (s.format != "image", s.rel_path)):
        cost = f.size + (8 << 20 if f.format in ("image", "pdf") else 0)
        if current and (len(current) >= max_files or weight + cost > max_bytes):
            batches.append(current)
            current, weight = [], 0
        current.append(f)
        weight += cost
    if current:
        batches.append(current)
    return batches


def newly_processed(plan: Plan, ledger: Ledger | None = None) -> list[str]:
    """Paths whose content was new or changed this run, or since the last run that finished: their
    departments get a receipt. A run killed before sending its receipts recorded the files already,
    so the next run sees them as unchanged; the receipts they are owed come from the ledger (a
    receipt already sent has the same digest and is not sent again)."""
    paths = {s.rel_path for s in (*plan.new, *plan.changed)}
    if ledger is not None:
        finished = [r.finished for r in ledger.runs() if r.status == "finished" and r.finished]
        paths.update(ledger.arrived_since(max(finished) if finished else None))
    return sorted(paths)


def today_in(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


# --------------------------------------------------------------------------------------------
# Read
# --------------------------------------------------------------------------------------------


def read_batch(sources: Sequence[SourceFile], ctx: ReadContext) -> list[Evidence]:
    """Read a batch, in a reader process when ``ctx.workers`` asks for one (see ``pipeline.readpool``)."""
    if ctx.workers > 0 and readpool.can_spawn():
        return readpool.shared(ctx.workers).read(sources, ctx)
    return read_sources(sources, ctx)


# --------------------------------------------------------------------------------------------
# Understand
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Understanding:
    sha256: str
    facts: Facts
    matches: tuple[Match, ...]


def understand(evidence: Sequence[Evidence], ws: Workspace) -> list[Understanding]:
    """Facts and sub-item matches of each readable evidence (problem files get neither)."""
    readable = [ev for ev in evidence if ev.text.strip() and not ev.problems and ev.source.format != "zip"]
    facts = [
        extract_facts(
            ev.text,
            Path(ev.source.rel_path.rsplit("!/", 1)[-1]).name,
            registry=ws.registry,
            keywords=ws.keywords,
            is_image=ev.source.format == "image",
            is_table=ev.source.format in ("xlsx", "xls") or bool(ev.tables),
        )
        for ev in readable
    ]
    views = [
        EvidenceView(
            rel_path=ev.source.rel_path,
            department=ev.source.department or f.organ,
            text=ev.text,
            facts=f,
            is_image=ev.source.format == "image",
        )
        for ev, f in zip(readable, facts, strict=True)
    ]
    scored = _score(views, [ev.source.sha256 for ev in readable], ws)
    return [Understanding(ev.source.sha256, f, m) for ev, f, m in zip(readable, facts, scored, strict=True)]


def _score(views: Sequence[EvidenceView], keys: Sequence[str], ws: Workspace) -> list[tuple[Match, ...]]:
    config = ws.config
    return score_many(
        views,
        ws.index,
        assessment_year=ws.assessment_year,
        match_threshold=config.match_threshold,
        confident_threshold=config.confident_threshold,
        examples=ws.examples,
        keys=keys,
    )


def rescore_recorded(ledger: Ledger, ws: Workspace) -> int:
    """Score again, from the ledger's text and facts, what was scored under another key (a new
    ``assign``, an imported binder, a changed rubric or matcher); returns how many contents."""
    pending = ledger.to_rescore(ws.scoring_key)
    for start in range(0, len(pending), RESCORE_CHUNK):
        chunk = pending[start : start + RESCORE_CHUNK]
        texts = [ledger.text(source.sha256) or "" for source, _ in chunk]
        live = [k for k, (source, _) in enumerate(chunk) if texts[k].strip() and source.format != "zip"]
        views = [
            EvidenceView(
                rel_path=chunk[k][0].rel_path,
                department=chunk[k][0].department or chunk[k][1].organ,
                text=texts[k],
                facts=chunk[k][1],
                is_image=chunk[k][0].format == "image",
            )
            for k in live
        ]
        scored = dict(zip(live, _score(views, [chunk[k][0].sha256 for k in live], ws), strict=True))
        ledger.record_matches(
            ((source.sha256, scored.get(k, ())) for k, (source, _) in enumerate(chunk)),
            scored_with=ws.scoring_key,
        )
    return len(pending)


def record_batch(ledger: Ledger, evidence: Sequence[Evidence], ws: Workspace, run_id: int) -> int:
    """Record what was read and understood of a batch, in two transactions (reads, then matches).

    A run killed between the two leaves content read but not understood; the next plan lists it in
    ``to_understand`` and the run finishes the job."""
    ledger.record_evidence(evidence, reader_version=READER_VERSION, run_id=run_id)
    _record_understandings(ledger, evidence, ws)
    # The batch's texts were unpickled in one thread's arena and freed in another's: without a trim
    # the run's process grew by ~250 MB over 10,000 files with nothing alive to show for it.
    readpool.trim_heap()
    return len(evidence)


def _record_understandings(ledger: Ledger, evidence: Sequence[Evidence], ws: Workspace) -> None:
    """Facts and matches of what can be understood; empty ones for the rest (problem files, zip
    bundles), so that the next plan does not list them as still to understand."""
    done = {u.sha256: u for u in understand(evidence, ws)}
    for ev in evidence:
        u = done.get(ev.source.sha256)
        ledger.record_understanding(
            ev.source.sha256, u.facts if u else Facts(), u.matches if u else (), scored_with=ws.scoring_key
        )


def understand_recorded(ledger: Ledger, sources: Sequence[SourceFile], ws: Workspace) -> int:
    """Understand content that was read in an earlier, interrupted run (text from the ledger)."""
    evidence = []
    for s in sources:
        text = ledger.text(s.sha256)
        if text is not None:
            evidence.append(Evidence(s, text))
    _record_understandings(ledger, evidence, ws)
    return len(evidence)


# --------------------------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outputs:
    matrix: Matrix
    workbook: Path
    evidence_csv: Path
    matrix_csv: Path
    reports: tuple[Path, ...]
    binder: Path
    dashboard: Path


def current_files(ledger: Ledger, ws: Workspace, overrides: Overrides | None = None) -> list[Understood]:
    """What the ledger holds, with manual overrides applied (they always win)."""
    if overrides is None:
        overrides = load_overrides(ws.config.state, ws.known_ids)
    return [_overridden(u, overrides) if len(overrides) else u for u in ledger.understood()]


def _overridden(u: Understood, overrides: Overrides) -> Understood:
    matches = apply_overrides(u.source.rel_path, u.source.sha256, u.matches, overrides)
    # a person decided: the matcher's suggestions for the file are moot
    return u if matches is u.matches else replace(u, matches=matches, suggestions=())


def consistency_problems(ledger: Ledger, files: Sequence[Understood], ws: Workspace) -> list[Problem]:
    """The rubric's own cross-checks (report counts vs 台账 rows, 名单 vs 检查记录), per department.

    One department's texts and tables are loaded at a time: at 10,000 files all of them at once
    would be most of a run's memory."""
    by_department: dict[str, list[Understood]] = {}
    for u in files:
        if u.department and not u.problems and not u.duplicate_of:
            by_department.setdefault(u.department, []).append(u)
    problems: list[Problem] = []
    for department in sorted(by_department):
        evidence = [
            Evidence(u.source, ledger.text(u.source.sha256) or "", tables=ledger.tables(u.source.sha256))
            for u in by_department[department]
        ]
        problems.extend(check_consistency(department, evidence))
    return problems


def path_problems(ledger: Ledger, files: Sequence[Understood]) -> list[Problem]:
    """Problems of paths that are not files being read (a symlink out of the inbox, an unreadable entry)."""
    current = {u.source.rel_path for u in files}
    return [p for p in ledger.problems() if p.rel_path not in current]


def compute_matrix(ledger: Ledger, ws: Workspace, today: date) -> Matrix:
    overrides = load_overrides(ws.config.state, ws.known_ids)
    check_occurrences(ws.rubric, overrides.occurrences)
    files = current_files(ledger, ws, overrides)
    config = ws.config
    return build_matrix(
        ws.rubric,
        files,
        departments=[d.name for d in ws.registry.departments],
        assessment_year=ws.assessment_year,
        today=today,
        deadline=config.deadline,
        skipped=ledger.skipped(),
        extra_problems=[*consistency_problems(ledger, files, ws), *path_problems(ledger, files)],
        aliases={d.name: d.aliases for d in ws.registry.departments},
        occurred=overrides.occurred(),
    )


def write_outputs(matrix: Matrix, ws: Workspace) -> Outputs:
    out = ws.config.outbox
    out.mkdir(parents=True, exist_ok=True)
    workbook = out / WORKBOOK_NAME
    write_workbook(matrix, workbook, registry=ws.registry, inbox=ws.config.inbox)
    evidence_csv = write_evidence_csv(matrix, out / "evidence.csv")
    matrix_csv = write_matrix_csv(matrix, out / "matrix.csv")
    reports = write_department_reports(matrix, out / "reports")
    build_binder(matrix, ws.config.inbox, out / "binder")
    dashboard = out / "index.html"
    write_dashboard(
        matrix,
        dashboard,
        links={"完整性矩阵": WORKBOOK_NAME, "evidence.csv": "evidence.csv", "matrix.csv": "matrix.csv"},
    )
    return Outputs(
        matrix=matrix,
        workbook=workbook,
        evidence_csv=Path(evidence_csv),
        matrix_csv=Path(matrix_csv),
        reports=tuple(reports),
        binder=out / "binder",
        dashboard=dashboard,
    )


def send_reminders(
    matrix: Matrix, ws: Workspace, ledger: Ledger, today: date, newly_processed: Iterable[str] = ()
) -> Delivery:
    """Reminders (gaps changed or N days passed) and receipts (files newly processed), logged per message."""
    config = ws.config
    messages = build_messages(
        matrix, ws.registry, today=today, newly_processed=set(newly_processed), config=config
    )
    transport = make_transport(config.smtp, config.outbox)
    return deliver(
        messages,
        transport,
        ledger,
        mail_from=config.smtp.mail_from,
        today=today,
        every_days=config.remind_every_days,
    )


# --------------------------------------------------------------------------------------------
# Outputs that are still current
# --------------------------------------------------------------------------------------------

OUTPUTS_STAMP = "outputs.json"


@dataclass(frozen=True)
class Published:
    """What the last complete run published, and the fingerprint of the inputs it was made from."""

    fingerprint: str
    projected: float
    projected_low: float
    projected_high: float
    problems: int
    outcome_basis: str = ""  # Matrix.recorded_outcomes: the recorded events the summary names, or ""


def inputs_fingerprint(ws: Workspace, discovery: Discovery, today: date) -> str:
    """Everything the outputs depend on: the inbox's contents and places, the overrides, the
    rubric, the registry, the configuration, the code's version and the day (days left, reminders)."""

    try:
        code = version("evidence-desk")
    except PackageNotFoundError:
        code = "dev"
    digest = hashlib.sha256(
        f"{code}|{READER_VERSION}|{ws.scoring_key}|{today.isoformat()}|{ws.config!r}".encode()
    )
    for extra in (overrides_path(ws.config.state), Path(ws.registry.source), Path(ws.rubric.source)):
        if extra.is_file():
            digest.update(hashlib.sha256(extra.read_bytes()).digest())
    for f in discovery.files:
        digest.update(f"{f.rel_path}\0{f.sha256}\0{f.department}\n".encode("utf-8", "surrogateescape"))
    for sk in discovery.skipped:
        digest.update(f"skip\0{sk.rel_path}\0{sk.reason}\n".encode("utf-8", "surrogateescape"))
    for p in discovery.problems:
        digest.update(f"problem\0{p.rel_path}\0{p.code}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def reuse_outputs(ws: Workspace, plan: Plan, fingerprint: str, rescored: int = 0) -> Published | None:
    """The last run's outputs when nothing was read, understood or re-scored since and no input
    changed: a nightly run over an unchanged inbox then costs a walk and a plan, not a rebuild."""

    if plan.to_read or plan.to_understand or plan.new or plan.changed or plan.withdrawn or rescored:
        return None
    stamp = ws.config.state / OUTPUTS_STAMP
    try:
        data = json.loads(stamp.read_text(encoding="utf-8"))
        published = Published(**data)
    except (OSError, ValueError, TypeError):
        return None
    out = ws.config.outbox
    needed = (out / WORKBOOK_NAME, out / "evidence.csv", out / "matrix.csv", out / "index.html")
    if published.fingerprint != fingerprint or not all(p.is_file() for p in needed):
        return None
    return published


def remember_outputs(ws: Workspace, fingerprint: str, outputs: Outputs, delivery: Delivery) -> None:
    """Stamp the outputs as current, unless a message failed (the next run must try it again)."""

    stamp = ws.config.state / OUTPUTS_STAMP
    if delivery.failed:
        stamp.unlink(missing_ok=True)
        return
    m = outputs.matrix
    published = Published(
        fingerprint,
        m.projected,
        m.projected_low,
        m.projected_high,
        sum(1 for u in m.files if u.problems),
        m.recorded_outcomes,
    )
    atomic_write_text(stamp, json.dumps(published.__dict__, ensure_ascii=False))


# --------------------------------------------------------------------------------------------
# The run summary
# --------------------------------------------------------------------------------------------


@dataclass
class RunSummary:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    duplicates: int = 0
    withdrawn: int = 0
    skipped: int = 0
    read: int = 0
    problems: int = 0
    projected: float = 0.0
    projected_low: float = 0.0
    projected_high: float = 0.0
    outcome_basis: str = ""
    delivery: Delivery = field(default_factory=Delivery)
    outbox: Path = Path("outbox")
    transport: str = "eml"
    outputs_reused: bool = False  # nothing changed since the last run: its outputs are still current

    def counts(self) -> dict[str, int | float]:
        return {
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "withdrawn": self.withdrawn,
            "skipped": self.skipped,
            "read": self.read,
            "problems": self.problems,
            "projected": self.projected,
        }


def summarise(
    plan: Plan, discovery: Discovery, read: int, outputs: Outputs, delivery: Delivery, ws: Workspace
) -> RunSummary:
    m = outputs.matrix
    return RunSummary(
        new=len(plan.new),
        changed=len(plan.changed),
        unchanged=len(plan.unchanged),
        duplicates=len(plan.duplicates),
        withdrawn=len(plan.withdrawn),
        skipped=len(discovery.skipped),
        read=read,
        problems=sum(1 for u in m.files if u.problems) + len(discovery.problems),
        projected=m.projected,
        projected_low=m.projected_low,
        projected_high=m.projected_high,
        outcome_basis=m.recorded_outcomes,
        delivery=delivery,
        outbox=ws.config.outbox,
        transport="SMTP" if ws.config.smtp.configured else "eml",
    )


def summarise_reused(plan: Plan, discovery: Discovery, published: Published, ws: Workspace) -> RunSummary:
    return RunSummary(
        unchanged=len(plan.unchanged),
        duplicates=len(plan.duplicates),
        skipped=len(discovery.skipped),
        problems=published.problems + len(discovery.problems),
        projected=published.projected,
        projected_low=published.projected_low,
        projected_high=published.projected_high,
        outcome_basis=published.outcome_basis,
        outbox=ws.config.outbox,
        transport="SMTP" if ws.config.smtp.configured else "eml",
        outputs_reused=True,
    )


def format_summary(s: RunSummary) -> str:
    """The few lines a clerk reads at the end of a run."""
    d = s.delivery
    mail_where = (
        "已通过邮件服务器发送" if s.transport == "SMTP" else f"已写入 {s.outbox / 'mail'}（未配置邮件服务器）"
    )
    lines = [
        "运行完成。",
        f"文件：新增 {s.new}，更新 {s.changed}，未变 {s.unchanged}，重复 {s.duplicates}，"
        f"已撤回 {s.withdrawn}，跳过 {s.skipped}，有问题 {s.problems}。",
        f"预计得分：{s.projected:.1f} 分（区间 {s.projected_low:.1f}–{s.projected_high:.1f}）。"
        + (f"{s.outcome_basis}。" if s.outcome_basis else ""),
        f"提醒：发送 {len(d.sent)} 封（{mail_where}），内容未变未重发 {len(d.unchanged)} 封，"
        f"发送失败 {len(d.failed)} 封。"
        if not s.outputs_reused
        else "自上次运行以来收件箱和设置均无变化，报表与提醒沿用上次结果（如需重建：evidence report）。",
    ]
    if d.no_address:
        shown = "、".join(d.no_address[:8]) + ("等" if len(d.no_address) > 8 else "")
        lines.append(
            f"未设置邮箱的部门 {len(d.no_address)} 个（{shown}），详见工作簿“未设置邮箱”表；"
            "在 departments.toml 中填写 email 后即可发送。"
        )
    for department, reason in d.failed:
        lines.append(f"  {department}：{reason}")
    lines.append(
        f"输出：{s.outbox / WORKBOOK_NAME}、{s.outbox / 'index.html'}、{s.outbox / 'reports'}、{s.outbox / 'binder'}"
    )
    return "\n".join(lines)


def clear_scratch(config: Config) -> None:
    """The scratch area holds extracted zip members between runs; rebuilt on demand."""
    shutil.rmtree(config.scratch, ignore_errors=True)
