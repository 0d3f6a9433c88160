"""The ledger: what was found, read and understood, in one SQLite file under the state folder.

Content is keyed by sha256, paths by ``rel_path``: an unchanged file is never read again, a file
changed in place is, a removed one is marked withdrawn (never deleted: the history explains past
reports), the same content in two places is read once and the second path is a duplicate.

Crash safety: WAL journal, ``synchronous=FULL``, every write inside one ``BEGIN IMMEDIATE``
transaction, and every write an upsert on a natural key (content hash, path, message key). A run
killed at any point leaves the last committed state; the next ``plan`` sees content that was never
recorded as still to read, so running again finishes the job with no double entries.

Rules for callers:
- record a zip bundle together with its members in one ``record_evidence`` call (or inside one
  ``with ledger.transaction():``), so a crash cannot leave an unchanged bundle without members;
- facts and matches are stored per content; ``understood`` gives each path its own copy with
  ``rel_path`` filled in. Manual overrides are applied by the caller (``pipeline.overrides``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.discover import Discovery, fs_name, printable_name
from pipeline.errors import LedgerError
from pipeline.models import (
    DocNumber,
    Evidence,
    Example,
    Facts,
    Match,
    Problem,
    Skipped,
    SourceFile,
    Table,
    Understood,
)

SCHEMA_VERSION = 2
LEDGER_FILE = "ledger.sqlite3"

# Problems that depend on the machine, not the file: the content is read again on the next run.
RETRY_CODES = frozenset({"missing_tool", "timeout", "reader_failed", "reader_crashed"})

_SCHEMA_V1 = """
CREATE TABLE files (
    rel_path      TEXT PRIMARY KEY,         -- printable, reversible (see discover.printable_name)
    path          TEXT NOT NULL,            -- the same escaping, of the absolute/scratch path
    sha256        TEXT NOT NULL,
    size          INTEGER NOT NULL,
    mtime         REAL NOT NULL,
    department    TEXT,
    folder        TEXT NOT NULL DEFAULT '',
    format        TEXT NOT NULL DEFAULT 'unknown',
    container     TEXT,                     -- rel_path of the zip a member came from
    first_seen    TEXT NOT NULL,
    content_since TEXT NOT NULL,            -- when this path got its current content
    last_seen     TEXT NOT NULL,
    withdrawn_at  TEXT,
    run_id        INTEGER
);
CREATE INDEX files_sha256 ON files(sha256);
CREATE INDEX files_container ON files(container);

CREATE TABLE contents (
    sha256         TEXT PRIMARY KEY,
    text           BLOB NOT NULL,           -- zlib(UTF-8)
    chars          INTEGER NOT NULL DEFAULT 0,
    pages          TEXT NOT NULL DEFAULT '[]',  -- [{number, ocr, confidence, chars}]
    tables         TEXT NOT NULL DEFAULT '[]',  -- [{name, rows}]
    table_data     BLOB,                    -- zlib(JSON [[name, [[cell…]…]]…]), for the consistency checks
    table_rows     INTEGER NOT NULL DEFAULT 0,
    ocr            INTEGER NOT NULL DEFAULT 0,
    ocr_confidence REAL,
    taken_at       TEXT,
    meta           TEXT NOT NULL DEFAULT '[]',
    problems       TEXT NOT NULL DEFAULT '[]',
    reader_version TEXT NOT NULL DEFAULT '',
    read_at        TEXT NOT NULL,
    facts          TEXT,                    -- NULL until understood
    understood_at  TEXT
);

CREATE TABLE matches (
    sha256      TEXT NOT NULL REFERENCES contents(sha256) ON DELETE CASCADE,
    sub_item_id TEXT NOT NULL,
    rank        INTEGER NOT NULL,
    score       REAL NOT NULL,
    reasons     TEXT NOT NULL,
    status      TEXT NOT NULL,
    year_ok     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (sha256, sub_item_id)
);

-- Problems of a path rather than of a content (bad name, symlink out of the inbox, unreadable):
-- replaced by every plan, so they stay listed exactly as long as the cause is there.
CREATE TABLE path_problems (
    rel_path TEXT NOT NULL,
    code     TEXT NOT NULL,
    message  TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (rel_path, code)
);

CREATE TABLE skipped (
    rel_path TEXT PRIMARY KEY,
    reason   TEXT NOT NULL
);

CREATE TABLE runs (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    started  TEXT NOT NULL,
    finished TEXT,
    status   TEXT NOT NULL DEFAULT 'running',   -- running | finished | interrupted
    counts   TEXT NOT NULL DEFAULT '{}'
);

-- The mail sent-log (issue 6): one row per message, written right after it was handed over.
CREATE TABLE sent (
    key        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL DEFAULT 'reminder',
    department TEXT NOT NULL,
    digest     TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    transport  TEXT NOT NULL
);
CREATE INDEX sent_department ON sent(department, kind, sent_at);
"""

# Version 2 (issue 12): matches remember what scored them, so a changed rubric, registry, matcher or
# set of the office's examples re-scores recorded content; examples learnt from a past binder.
_SCHEMA_V2 = """
ALTER TABLE contents ADD COLUMN scored_with TEXT;
CREATE TABLE examples (
    sha256    TEXT PRIMARY KEY,
    sub_items TEXT NOT NULL,                -- JSON list of sub-item IDs, [] = 不是佐证
    origin    TEXT NOT NULL,                -- learn (an imported binder) | assign
    source    TEXT NOT NULL,                -- the file's path in what was imported
    text      TEXT NOT NULL,                -- what the scorer reads of it (names, title, head)
    added_at  TEXT NOT NULL
)
"""

_MIGRATIONS: dict[int, str] = {1: _SCHEMA_V1, 2: _SCHEMA_V2}


# --------------------------------------------------------------------------------------------
# JSON forms of the models (explicit, so a model change is a visible change here, never pickle)
# --------------------------------------------------------------------------------------------


def problem_to_dict(p: Problem) -> dict[str, Any]:
    return {"rel_path": p.rel_path, "code": p.code, "message": p.message, "detail": p.detail}


def problem_from_dict(d: Mapping[str, Any]) -> Problem:
    return Problem(d["rel_path"], d["code"], d["message"], d.get("detail", ""))


def doc_number_to_dict(n: DocNumber) -> dict[str, Any]:
    return {
        "code": n.code,
        "year": n.year,
        "serial": n.serial,
        "raw": n.raw,
        "start": n.start,
        "end": n.end,
        "repaired": n.repaired,
    }


def doc_number_from_dict(d: Mapping[str, Any]) -> DocNumber:
    return DocNumber(
        code=d["code"],
        year=int(d["year"]),
        serial=int(d["serial"]),
        raw=d.get("raw", ""),
        start=int(d.get("start", -1)),
        end=int(d.get("end", -1)),
        repaired=bool(d.get("repaired", False)),
    )


def _date_to_str(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date_from_str(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def facts_to_dict(f: Facts) -> dict[str, Any]:
    return {
        "doc_numbers": [doc_number_to_dict(n) for n in f.doc_numbers],
        "bare_numbers": list(f.bare_numbers),
        "titles": list(f.titles),
        "title": f.title,
        "dates": [d.isoformat() for d in f.dates],
        "date": _date_to_str(f.date),
        "organ": f.organ,
        "kind": f.kind,
        "keywords": list(f.keywords),
    }


def facts_from_dict(d: Mapping[str, Any]) -> Facts:
    return Facts(
        doc_numbers=tuple(doc_number_from_dict(n) for n in d.get("doc_numbers", ())),
        bare_numbers=tuple(d.get("bare_numbers", ())),
        titles=tuple(d.get("titles", ())),
        title=d.get("title", ""),
        dates=tuple(date.fromisoformat(s) for s in d.get("dates", ())),
        date=_date_from_str(d.get("date")),
        organ=d.get("organ"),
        kind=d.get("kind", "其他"),
        keywords=tuple(d.get("keywords", ())),
    )


def match_to_dict(m: Match) -> dict[str, Any]:
    return {
        "rel_path": m.rel_path,
        "sub_item_id": m.sub_item_id,
        "score": m.score,
        "reasons": list(m.reasons),
        "status": m.status,
        "year_ok": m.year_ok,
    }


def match_from_dict(d: Mapping[str, Any]) -> Match:
    return Match(
        rel_path=d.get("rel_path", ""),
        sub_item_id=d["sub_item_id"],
        score=float(d["score"]),
        reasons=tuple(d.get("reasons", ())),
        status=d.get("status", "confident"),
        year_ok=bool(d.get("year_ok", True)),
    )


def _dumps(value: Any) -> str:
    # ensure_ascii: a stray surrogate from a bad file name can never make the write fail.
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def _pack_text(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 6)


def _unpack_text(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8", "surrogatepass")


TABLE_ROWS_KEPT = 5000


def _pack_tables(tables: Iterable[Table]) -> bytes | None:
    data = [[t.name, [list(r) for r in t.rows[:TABLE_ROWS_KEPT]]] for t in tables]
    return _pack_text(json.dumps(data, ensure_ascii=False)) if data else None


# --------------------------------------------------------------------------------------------
# What the ledger hands out
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    source: SourceFile
    duplicate_of: str  # rel_path of the first path that had this content


@dataclass(frozen=True)
class Plan:
    """What to do with one discovery. Every discovered file is in exactly one of ``new``,
    ``changed``, ``unchanged``; ``to_read`` holds one file per content that must be read,
    ``to_understand`` one per content read but never understood (a run killed between the two
    stages), and ``duplicates`` the other paths of a content (never read twice)."""

    to_read: tuple[SourceFile, ...]
    new: tuple[SourceFile, ...]
    changed: tuple[SourceFile, ...]
    unchanged: tuple[SourceFile, ...]
    duplicates: tuple[Duplicate, ...]
    withdrawn: tuple[str, ...]
    to_understand: tuple[SourceFile, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        return {
            "to_read": len(self.to_read),
            "to_understand": len(self.to_understand),
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "duplicates": len(self.duplicates),
            "withdrawn": len(self.withdrawn),
        }


@dataclass(frozen=True)
class RunRecord:
    id: int
    started: datetime
    finished: datetime | None
    status: str
    counts: dict[str, Any]


@dataclass(frozen=True)
class SentRecord:
    key: str
    kind: str
    department: str
    digest: str
    sent_at: datetime
    transport: str


def _utcnow() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------------------------
# The ledger
# --------------------------------------------------------------------------------------------


class Ledger:
    """One SQLite connection, shareable across threads (Prefect runs tasks in threads)."""

    def __init__(self, path: Path, *, clock: Callable[[], datetime] = _utcnow) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.RLock()
        self._depth = 0
        self._known: dict[str, tuple[int, float, str]] | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise LedgerError(f"无法创建状态文件夹：{self.path.parent}", detail=str(e)) from e
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        except sqlite3.Error as e:
            raise LedgerError(f"状态数据库无法打开或已损坏：{self.path}", detail=str(e)) from e
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as e:
            self._db.close()
            raise LedgerError(f"状态数据库无法打开或已损坏：{self.path}", detail=str(e)) from e
        except BaseException:
            self._db.close()
            raise

    @classmethod
    def open(cls, path: Path, **kwargs: Any) -> Ledger:
        return cls(path, **kwargs)

    @classmethod
    def for_config(cls, config: Config, **kwargs: Any) -> Ledger:
        return cls(config.state / LEDGER_FILE, **kwargs)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise LedgerError(f"状态数据库由更新版本的程序创建（版本 {version}），请升级程序：{self.path}")
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            for target in range(version + 1, SCHEMA_VERSION + 1):
                # Statement by statement: executescript() would commit half-way.
                for statement in _MIGRATIONS[target].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {target}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE … COMMIT``; nested uses join the outer transaction."""
        with self._lock:
            outer = self._depth == 0
            try:
                if outer:
                    self._db.execute("BEGIN IMMEDIATE")
                self._depth += 1
                try:
                    yield self._db
                finally:
                    self._depth -= 1
                if outer:
                    self._db.execute("COMMIT")
            except BaseException as e:
                if outer and self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if isinstance(e, sqlite3.Error):
                    raise LedgerError(f"写入状态数据库失败：{self.path}", detail=str(e)) from e
                raise
            finally:
                self._known = None

    def _now(self) -> str:
        return self._clock().isoformat()

    # ---- discovery -----------------------------------------------------------------------

    def known(self, rel_path: str, size: int, mtime: float) -> str | None:
        """The recorded sha256 of a current file whose size and mtime are unchanged (no hashing)."""
        with self._lock:
            if self._known is None:
                rows = self._db.execute(
                    "SELECT rel_path, size, mtime, sha256 FROM files "
                    "WHERE withdrawn_at IS NULL AND container IS NULL"
                )
                self._known = {r[0]: (r[1], r[2], r[3]) for r in rows}
            entry = self._known.get(rel_path)
        if entry is not None and entry[0] == size and entry[1] == mtime:
            return entry[2]
        return None

    def plan(
        self,
        discovery: Discovery,
        *,
        run_id: int | None = None,
        reader_version: str | None = None,
        dry_run: bool = False,
    ) -> Plan:
        """Compare a discovery with the ledger and (unless ``dry_run``) record it in one transaction.

        Content is to be read when it was never recorded (a new file, or a run killed before its
        evidence was written), when its last read failed for a machine reason (``RETRY_CODES``),
        or when ``reader_version`` is given and differs from the one that read it.
        """
        with self.transaction() as db:
            current = {
                r[0]: (r[1], r[2], r[3])
                for r in db.execute(
                    "SELECT rel_path, sha256, content_since, withdrawn_at FROM files WHERE container IS NULL"
                )
            }
            contents = {
                r[0]: (json.loads(r[1]), r[2])
                for r in db.execute("SELECT sha256, problems, reader_version FROM contents")
            }
            not_understood = {r[0] for r in db.execute("SELECT sha256 FROM contents WHERE facts IS NULL")}
            now = self._now()
            new: list[SourceFile] = []
            changed: list[SourceFile] = []
            unchanged: list[SourceFile] = []
            since: dict[str, str] = {}
            for f in discovery.files:
                row = current.get(f.rel_path)
                if row is None or row[2] is not None:
                    new.append(f)
                    since[f.rel_path] = now
                elif row[0] != f.sha256:
                    changed.append(f)
                    since[f.rel_path] = now
                else:
                    unchanged.append(f)
                    since[f.rel_path] = row[1]

            by_sha: dict[str, list[SourceFile]] = {}
            for f in discovery.files:
                by_sha.setdefault(f.sha256, []).append(f)
            to_read: list[SourceFile] = []
            to_understand: list[SourceFile] = []
            duplicates: list[Duplicate] = []
            for sha, files in by_sha.items():
                files.sort(key=lambda f: (since[f.rel_path], f.rel_path))
                first = files[0]
                duplicates.extend(Duplicate(f, first.rel_path) for f in files[1:])
                if self._needs_reading(contents.get(sha), reader_version):
                    to_read.append(first)
                elif sha in not_understood:
                    to_understand.append(first)
            # Zip members are not discovered, only read with their bundle: a run killed after it
            # recorded a bundle's members and before it understood them leaves them to this run.
            rereading = {f.rel_path for f in to_read}
            pending = {f.sha256 for f in to_understand}
            for r in db.execute(
                "SELECT rel_path, path, sha256, size, mtime, department, folder, format, container "
                "FROM files WHERE container IS NOT NULL AND withdrawn_at IS NULL ORDER BY rel_path"
            ).fetchall():
                if r[2] in not_understood and r[2] not in pending and r[0].split("!/")[0] not in rereading:
                    pending.add(r[2])
                    to_understand.append(
                        SourceFile(
                            path=fs_name(r[1]),
                            rel_path=r[0],
                            department=r[5],
                            folder=r[6],
                            sha256=r[2],
                            size=r[3],
                            mtime=r[4],
                            format=r[7],
                            container=r[8],
                        )
                    )

            # A file that could not be hashed this time (locked, no permission) is not gone.
            seen = {f.rel_path for f in discovery.files} | {p.rel_path for p in discovery.problems}
            withdrawn = tuple(sorted(p for p, row in current.items() if row[2] is None and p not in seen))
            plan = Plan(
                to_read=tuple(sorted(to_read, key=lambda f: f.rel_path)),
                new=tuple(new),
                changed=tuple(changed),
                unchanged=tuple(unchanged),
                duplicates=tuple(duplicates),
                withdrawn=withdrawn,
                to_understand=tuple(sorted(to_understand, key=lambda f: f.rel_path)),
            )
            if dry_run:
                return plan
            for f in discovery.files:
                self._upsert_file(f, now, run_id)
            self.mark_withdrawn(withdrawn)
            # A bundle with new content will list its members again when it is read.
            self._withdraw_members([f.rel_path for f in changed], now)
            db.execute("DELETE FROM path_problems")
            db.executemany(
                "INSERT OR REPLACE INTO path_problems (rel_path, code, message, detail) VALUES (?, ?, ?, ?)",
                [(p.rel_path, p.code, p.message, p.detail) for p in discovery.problems],
            )
            db.execute("DELETE FROM skipped")
            db.executemany(
                "INSERT OR REPLACE INTO skipped (rel_path, reason) VALUES (?, ?)",
                [(s.rel_path, s.reason) for s in discovery.skipped],
            )
            return plan

    @staticmethod
    def _needs_reading(content: tuple[list[dict[str, Any]], str] | None, reader_version: str | None) -> bool:
        if content is None:
            return True
        problems, version = content
        if any(p.get("code") in RETRY_CODES for p in problems):
            return True
        return reader_version is not None and version != reader_version

    def _upsert_file(self, f: SourceFile, now: str, run_id: int | None) -> None:
        self._db.execute(
            """
            INSERT INTO files (rel_path, path, sha256, size, mtime, department, folder, format, container,
                               first_seen, content_since, last_seen, withdrawn_at, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
            ON CONFLICT(rel_path) DO UPDATE SET
                path = excluded.path,
                content_since = CASE WHEN files.sha256 != excluded.sha256 OR files.withdrawn_at IS NOT NULL
                                     THEN excluded.content_since ELSE files.content_since END,
                sha256 = excluded.sha256, size = excluded.size, mtime = excluded.mtime,
                department = excluded.department, folder = excluded.folder, format = excluded.format,
                container = excluded.container, last_seen = excluded.last_seen,
                withdrawn_at = NULL, run_id = COALESCE(excluded.run_id, files.run_id)
            """,
            (
                f.rel_path,
                printable_name(f.path),
                f.sha256,
                f.size,
                f.mtime,
                f.department,
                f.folder,
                f.format,
                f.container,
                now,
                now,
                now,
                run_id,
            ),
        )

    def mark_withdrawn(self, rel_paths: Iterable[str]) -> None:
        """Paths gone from the inbox (and the members of bundles among them). History is kept."""
        paths = list(rel_paths)
        if not paths:
            return
        with self.transaction() as db:
            now = self._now()
            db.executemany(
                "UPDATE files SET withdrawn_at = ? WHERE rel_path = ? AND withdrawn_at IS NULL",
                [(now, p) for p in paths],
            )
            self._withdraw_members(paths, now)

    def _withdraw_members(self, containers: list[str], now: str) -> None:
        self._db.executemany(
            "UPDATE files SET withdrawn_at = ? WHERE container = ? AND withdrawn_at IS NULL",
            [(now, c) for c in containers],
        )

    # ---- reading ---------------------------------------------------------------------------

    def record_evidence(
        self, evidence: Evidence | Iterable[Evidence], *, reader_version: str = "", run_id: int | None = None
    ) -> None:
        """Record what readers made of files, all in one transaction. Upserts by content hash, so
        recording the same content again replaces it (a retry) and never adds a second entry."""
        items = [evidence] if isinstance(evidence, Evidence) else list(evidence)
        with self.transaction() as db:
            now = self._now()
            for ev in items:
                self._upsert_file(ev.source, now, run_id)
                pages = [
                    {"number": p.number, "ocr": p.ocr, "confidence": p.confidence, "chars": len(p.text)}
                    for p in ev.pages
                ]
                tables = [{"name": t.name, "rows": t.row_count} for t in ev.tables]
                db.execute(
                    """
                    INSERT INTO contents (sha256, text, chars, pages, tables, table_data, table_rows, ocr,
                                          ocr_confidence, taken_at, meta, problems, reader_version, read_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(sha256) DO UPDATE SET
                        text = excluded.text, chars = excluded.chars, pages = excluded.pages,
                        tables = excluded.tables, table_data = excluded.table_data,
                        table_rows = excluded.table_rows, ocr = excluded.ocr,
                        ocr_confidence = excluded.ocr_confidence, taken_at = excluded.taken_at,
                        meta = excluded.meta, problems = excluded.problems,
                        reader_version = excluded.reader_version, read_at = excluded.read_at
                    """,
                    (
                        ev.source.sha256,
                        _pack_text(ev.text),
                        len(ev.text),
                        _dumps(pages),
                        _dumps(tables),
                        _pack_tables(ev.tables),
                        sum(t.row_count for t in ev.tables),
                        int(ev.ocr),
                        ev.ocr_confidence,
                        ev.taken_at,
                        _dumps([list(kv) for kv in ev.meta]),
                        _dumps([problem_to_dict(p) for p in ev.problems]),
                        reader_version,
                        now,
                    ),
                )

    def record_problem(self, source: SourceFile, problem: Problem, *, reader_version: str = "") -> None:
        """A file no reader could turn into text: recorded as evidence with no text and the problem."""
        self.record_evidence(Evidence(source, "", problems=(problem,)), reader_version=reader_version)

    def record_understanding(
        self, sha256: str, facts: Facts, matches: tuple[Match, ...], *, scored_with: str = ""
    ) -> None:
        """Facts and matches of a content, replacing earlier ones (re-matching is idempotent)."""
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE contents SET facts = ?, understood_at = ?, scored_with = ? WHERE sha256 = ?",
                (_dumps(facts_to_dict(facts)), self._now(), scored_with, sha256),
            )
            if cur.rowcount == 0:
                raise LedgerError(f"内容尚未记录，无法保存匹配结果：{sha256}")
            self._replace_matches(db, sha256, matches)

    def record_matches(self, scored: Iterable[tuple[str, tuple[Match, ...]]], *, scored_with: str) -> None:
        """New matches of contents understood before (re-scored, facts unchanged), in one transaction."""
        with self.transaction() as db:
            for sha256, matches in scored:
                db.execute("UPDATE contents SET scored_with = ? WHERE sha256 = ?", (scored_with, sha256))
                self._replace_matches(db, sha256, matches)

    def to_rescore(self, scored_with: str) -> list[tuple[SourceFile, Facts]]:
        """Current contents understood under another scoring key, each with its first current path."""
        with self._lock:
            rows = self._db.execute(
                "SELECT c.sha256, c.facts, f.rel_path, f.path, f.size, f.mtime, f.department, f.folder, "
                "f.format, f.container FROM contents c JOIN files f ON f.sha256 = c.sha256 "
                "WHERE c.facts IS NOT NULL AND (c.scored_with IS NULL OR c.scored_with != ?) "
                "AND f.withdrawn_at IS NULL ORDER BY c.sha256, f.content_since, f.rel_path",
                (scored_with,),
            ).fetchall()
        out: list[tuple[SourceFile, Facts]] = []
        seen: set[str] = set()
        for sha, facts, rel_path, path, size, mtime, department, folder, fmt, container in rows:
            if sha in seen:
                continue
            seen.add(sha)
            source = SourceFile(
                path=fs_name(path),
                rel_path=rel_path,
                department=department,
                folder=folder,
                sha256=sha,
                size=size,
                mtime=mtime,
                format=fmt,
                container=container,
            )
            out.append((source, facts_from_dict(json.loads(facts))))
        return out

    def _replace_matches(self, db: sqlite3.Connection, sha256: str, matches: tuple[Match, ...]) -> None:
        db.execute("DELETE FROM matches WHERE sha256 = ?", (sha256,))
        db.executemany(
            "INSERT INTO matches (sha256, sub_item_id, rank, score, reasons, status, year_ok) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (sha256, m.sub_item_id, rank, m.score, _dumps(list(m.reasons)), m.status, int(m.year_ok))
                for rank, m in enumerate(_unique_by_sub_item(matches))
            ],
        )

    # ---- the office's examples --------------------------------------------------------------

    def record_examples(self, examples: Iterable[Example]) -> int:
        """Store learnt examples (a content learnt again replaces its earlier label)."""
        rows = [
            (e.key, _dumps(list(e.sub_item_ids)), e.origin, e.source, e.text, self._now()) for e in examples
        ]
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO examples (sha256, sub_items, origin, source, text, added_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(sha256) DO UPDATE SET sub_items = excluded.sub_items, origin = excluded.origin, "
                "source = excluded.source, text = excluded.text, added_at = excluded.added_at",
                rows,
            )
        return len(rows)

    def examples(self) -> list[Example]:
        with self._lock:
            rows = self._db.execute(
                "SELECT sha256, sub_items, origin, source, text FROM examples ORDER BY sha256"
            ).fetchall()
        return [
            Example(key=sha, sub_item_ids=tuple(json.loads(subs)), text=text, origin=origin, source=source)
            for sha, subs, origin, source, text in rows
        ]

    def forget_examples(self) -> int:
        with self.transaction() as db:
            return db.execute("DELETE FROM examples").rowcount

    def path_for(self, sha256: str) -> str | None:
        """The first current path of a content."""
        with self._lock:
            row = self._db.execute(
                "SELECT rel_path FROM files WHERE sha256 = ? AND withdrawn_at IS NULL "
                "ORDER BY content_since, rel_path LIMIT 1",
                (sha256,),
            ).fetchone()
        return row[0] if row else None

    def sha_for(self, rel_path: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT sha256 FROM files WHERE rel_path = ?", (rel_path,)).fetchone()
        return row[0] if row else None

    def facts(self, sha256: str) -> Facts | None:
        with self._lock:
            row = self._db.execute("SELECT facts FROM contents WHERE sha256 = ?", (sha256,)).fetchone()
        return facts_from_dict(json.loads(row[0])) if row and row[0] else None

    # ---- reading back ----------------------------------------------------------------------

    def text(self, sha256: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT text FROM contents WHERE sha256 = ?", (sha256,)).fetchone()
        return _unpack_text(row[0]) if row else None

    def tables(self, sha256: str) -> tuple[Table, ...]:
        """The tables of a content (rows capped at ``TABLE_ROWS_KEPT`` each), for cross-checks."""
        with self._lock:
            row = self._db.execute("SELECT table_data FROM contents WHERE sha256 = ?", (sha256,)).fetchone()
        if not row or row[0] is None:
            return ()
        data = json.loads(_unpack_text(row[0]))
        return tuple(Table(name, tuple(tuple(r) for r in rows)) for name, rows in data)

    def texts(self) -> Iterator[tuple[str, str]]:
        """(sha256, text) of every current content, for re-matching without re-reading files.

        Uses its own connection (WAL lets it read while the main one writes)."""
        db = sqlite3.connect(self.path)
        try:
            cur = db.execute(
                "SELECT sha256, text FROM contents WHERE sha256 IN "
                "(SELECT sha256 FROM files WHERE withdrawn_at IS NULL) ORDER BY sha256"
            )
            while rows := cur.fetchmany(200):
                for sha, blob in rows:
                    yield sha, _unpack_text(blob)
        finally:
            db.close()

    def understood(self) -> list[Understood]:
        """Every current file as the reports need it, rebuilt from the ledger alone.

        A current file whose content was never recorded (a run killed mid-way, a read that raised)
        is still listed, with a ``not_read`` problem: nothing in the inbox silently disappears."""
        with self._lock:
            db = self._db
            files = db.execute(
                "SELECT rel_path, path, sha256, size, mtime, department, folder, format, container "
                "FROM files WHERE withdrawn_at IS NULL ORDER BY content_since, rel_path"
            ).fetchall()
            contents = {
                r[0]: r[1:]
                for r in db.execute(
                    "SELECT sha256, pages, table_rows, ocr, problems, facts FROM contents WHERE sha256 IN "
                    "(SELECT sha256 FROM files WHERE withdrawn_at IS NULL)"
                )
            }
            matches: dict[str, list[tuple[Any, ...]]] = {}
            for r in db.execute(
                "SELECT sha256, sub_item_id, score, reasons, status, year_ok FROM matches "
                "WHERE sha256 IN (SELECT sha256 FROM files WHERE withdrawn_at IS NULL) ORDER BY sha256, rank"
            ):
                matches.setdefault(r[0], []).append(r[1:])
            path_problems: dict[str, list[Problem]] = {}
            for r in db.execute("SELECT rel_path, code, message, detail FROM path_problems"):
                path_problems.setdefault(r[0], []).append(Problem(*r))

        first_path: dict[str, str] = {}
        result: list[Understood] = []
        for rel_path, path, sha, size, mtime, department, folder, fmt, container in files:
            source = SourceFile(
                path=fs_name(path),
                rel_path=rel_path,
                department=department,
                folder=folder,
                sha256=sha,
                size=size,
                mtime=mtime,
                format=fmt,
                container=container,
            )
            duplicate_of = first_path.setdefault(sha, rel_path)
            problems = list(path_problems.get(rel_path, ()))
            content = contents.get(sha)
            if content is None:
                problems.append(
                    Problem(rel_path, "not_read", "文件尚未读取（上次运行未完成），下次运行时会读取")
                )
                result.append(Understood(source, problems=tuple(problems)))
                continue
            pages, table_rows, ocr, content_problems, facts = content
            stored = [
                Match(rel_path, sub, score, tuple(json.loads(reasons)), status, bool(year_ok))
                for sub, score, reasons, status, year_ok in matches.get(sha, ())
            ]
            problems.extend(
                replace(problem_from_dict(p), rel_path=rel_path) for p in json.loads(content_problems)
            )
            result.append(
                Understood(
                    source=source,
                    facts=facts_from_dict(json.loads(facts)) if facts else Facts(),
                    matches=tuple(m for m in stored if m.status != "suggested"),
                    suggestions=tuple(m for m in stored if m.status == "suggested"),
                    problems=tuple(problems),
                    pages=len(json.loads(pages)),
                    ocr=bool(ocr),
                    table_rows=table_rows,
                    duplicate_of=None if duplicate_of == rel_path else duplicate_of,
                )
            )
        result.sort(key=lambda u: u.source.rel_path)
        return result

    def problems(self) -> list[Problem]:
        """Every current problem: of paths (names, symlinks, unreadable) and of contents."""
        out: list[Problem] = []
        seen: set[tuple[str, str]] = set()
        for u in self.understood():
            for p in u.problems:
                seen.add((p.rel_path, p.code))
                out.append(p)
        with self._lock:
            rows = self._db.execute(
                "SELECT rel_path, code, message, detail FROM path_problems ORDER BY rel_path, code"
            ).fetchall()
        out.extend(Problem(*r) for r in rows if (r[0], r[1]) not in seen)
        return sorted(out, key=lambda p: (p.rel_path, p.code))

    def skipped(self) -> list[Skipped]:
        with self._lock:
            rows = self._db.execute("SELECT rel_path, reason FROM skipped ORDER BY rel_path").fetchall()
        return [Skipped(*r) for r in rows]

    def arrived_since(self, since: datetime | None) -> list[str]:
        """Current paths whose content arrived after ``since`` (every one when ``None``): what a
        run that was killed before its receipts went out still owes receipts for."""
        with self._lock:
            rows = self._db.execute(
                "SELECT rel_path FROM files WHERE withdrawn_at IS NULL AND content_since > ? ORDER BY rel_path",
                (since.isoformat() if since else "",),
            ).fetchall()
        return [r[0] for r in rows]

    # ---- runs ------------------------------------------------------------------------------

    def begin_run(self) -> int:
        """A new run; runs left ``running`` by a killed process are marked ``interrupted``."""
        with self.transaction() as db:
            db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            cur = db.execute("INSERT INTO runs (started) VALUES (?)", (self._now(),))
            assert cur.lastrowid is not None
            return cur.lastrowid

    def finish_run(self, run_id: int, counts: Mapping[str, Any]) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished = ?, status = 'finished', counts = ? WHERE id = ?",
                (self._now(), _dumps(dict(counts)), run_id),
            )

    def runs(self) -> list[RunRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, started, finished, status, counts FROM runs ORDER BY id"
            ).fetchall()
        return [
            RunRecord(
                r[0],
                datetime.fromisoformat(r[1]),
                datetime.fromisoformat(r[2]) if r[2] else None,
                r[3],
                json.loads(r[4]),
            )
            for r in rows
        ]

    # ---- the mail sent-log -----------------------------------------------------------------

    def sent_before(self, key: str) -> SentRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT key, kind, department, digest, sent_at, transport FROM sent WHERE key = ?", (key,)
            ).fetchone()
        return _sent(row) if row else None

    def last_sent(self, department: str, kind: str = "reminder") -> SentRecord | None:
        """The latest message of a kind to a department: its gap digest and date decide a new one."""
        with self._lock:
            row = self._db.execute(
                "SELECT key, kind, department, digest, sent_at, transport FROM sent "
                "WHERE department = ? AND kind = ? ORDER BY sent_at DESC, rowid DESC LIMIT 1",
                (department, kind),
            ).fetchone()
        return _sent(row) if row else None

    def record_sent(
        self,
        key: str,
        department: str,
        digest: str,
        transport: str,
        *,
        kind: str = "reminder",
        sent_at: datetime | None = None,
    ) -> bool:
        """Write right after a message was handed over; False when ``key`` was already recorded."""
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO sent (key, kind, department, digest, sent_at, transport) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(key) DO NOTHING",
                (key, kind, department, digest, (sent_at or self._clock()).isoformat(), transport),
            )
            return cur.rowcount == 1

    # ---- checks ----------------------------------------------------------------------------

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` plus foreign keys; empty when the database is sound."""
        with self._lock:
            rows = [r[0] for r in self._db.execute("PRAGMA integrity_check")]
            fk = self._db.execute("PRAGMA foreign_key_check").fetchall()
        errors = [r for r in rows if r != "ok"]
        errors.extend(f"foreign key: {r}" for r in fk)
        return errors


def _unique_by_sub_item(matches: Iterable[Match]) -> list[Match]:
    """The best match per sub-item, keeping the caller's order (best first)."""
    seen: set[str] = set()
    out: list[Match] = []
    for m in matches:
        if m.sub_item_id not in seen:
            seen.add(m.sub_item_id)
            out.append(m)
    return out


def _sent(row: tuple[Any, ...]) -> SentRecord:
    return SentRecord(row[0], row[1], row[2], row[3], datetime.fromisoformat(row[4]), row[5])
