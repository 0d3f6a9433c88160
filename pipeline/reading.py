"""Reading files into ``Evidence``: the part of a run that runs in reader processes.

Kept apart from ``pipeline.stages`` so that a reader process imports the readers and nothing else
(no Prefect, no jieba dictionary, no matcher index): it starts in about a second and stays small.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

from pipeline.errors import ReaderError
from pipeline.models import Evidence, Problem, SourceFile
from pipeline.readers import ReadContext, read_evidence
from pipeline.readers.archive import expand_zip

# A reader raised something it does not know (a library bug on an odd file, a share gone mid-read).
# The ledger reads such content again on the next run (``ledger.RETRY_CODES``).
FAILED = "reader_failed"


def read_one(source: SourceFile, ctx: ReadContext) -> Evidence:
    """Typed reader errors become the file's problem; so does anything unexpected, so that one odd
    file never stops the batch (the next run tries it again)."""
    try:
        return read_evidence(source, ctx)
    except ReaderError as e:
        problem = Problem(source.rel_path, e.code, e.message, e.detail)
    except Exception as e:
        problem = Problem(
            source.rel_path,
            FAILED,
            f"读取时出现意外错误（{type(e).__name__}），本文件已跳过，下次运行会重试；如仍出错，请把文件交给技术人员",
            f"{type(e).__module__}.{type(e).__qualname__}: {e}",
        )
    return Evidence(source, "", problems=(problem,))


def read_sources(sources: Sequence[SourceFile], ctx: ReadContext) -> list[Evidence]:
    """Read files in this process. A zip bundle yields its own record (listing problems) followed by
    its members."""
    out: list[Evidence] = []
    for source in sources:
        if source.format == "zip":
            out.extend(read_bundle(source, ctx))
        else:
            out.append(read_one(source, ctx))
    return out


def read_bundle(source: SourceFile, ctx: ReadContext) -> list[Evidence]:
    members, problems = expand_zip(source, ctx.scratch, ctx.limits)
    own = tuple(p for p in problems if p.rel_path == source.rel_path)
    member_problems: dict[str, list[Problem]] = {}
    for p in problems:
        if p.rel_path != source.rel_path:
            member_problems.setdefault(p.rel_path, []).append(p)
    listing = "\n".join(m.rel_path.rsplit("!/", 1)[-1] for m in members)
    bundle = Evidence(source, f"压缩包，包含 {len(members)} 个文件：\n{listing}", problems=own)
    out = [bundle]
    seen: set[str] = set()
    for member in members:
        seen.add(member.rel_path)
        ev = read_one(member, ctx)
        extra = tuple(member_problems.get(member.rel_path, ()))
        out.append(replace(ev, problems=ev.problems + extra) if extra else ev)
    for rel_path, probs in member_problems.items():
        if rel_path not in seen:  # refused members (zip slip, bombs): listed, never extracted
            ghost = SourceFile(
                path="", rel_path=rel_path, department=source.department, folder=source.folder,
                sha256=_ghost_hash(rel_path), size=0, mtime=source.mtime, format="unknown",
                container=source.rel_path,
            )  # fmt: skip
            out.append(Evidence(ghost, "", problems=tuple(probs)))
    return out


def _ghost_hash(rel_path: str) -> str:
    """A stable key for a refused zip member (never extracted, so it has no content hash)."""
    return "refused:" + hashlib.sha256(rel_path.encode("utf-8", "surrogateescape")).hexdigest()[:56]
