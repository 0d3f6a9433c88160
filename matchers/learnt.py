"""The office's own decisions as labelled examples: a nearest-neighbour classifier beside the rubric.

Every ``evidence assign`` and every file of an imported past binder (``evidence learn``) is an
example: its text and the sub-items a person said it proves (none: 不是佐证). A new file that reads
like confirmed examples of a sub-item gains points there, with the reason "与已确认的 3 份 2(1) 佐证相似"
(paperless-ngx learns its "auto" matching from the documents people filed the same way).

Nearest neighbours rather than a trained model: an office confirms tens of files, not thousands, and
a neighbour can be named in the reason. Texts are compared as IDF-weighted character 2/3-gram vectors
(cosine), the same representation the rubric similarity uses, so OCR noise and full-width forms
cost the same here as there. The examples are stored transposed (gram → examples holding it), so a
file is compared with all examples at the cost of the grams they share, whatever their number.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from matchers.text import char_grams
from pipeline.models import Example

__all__ = ["Example", "ExampleIndex", "build_example_index", "example_similarities"]


@dataclass(frozen=True)
class ExampleIndex:
    examples: tuple[Example, ...] = ()
    vocab: dict[str, int] = field(default_factory=dict)
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    # CSC of the (examples × grams) matrix of L2-normalised weights: column g holds
    # rows[indptr[g]:indptr[g+1]] with values vals[…]
    indptr: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    vals: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    by_sub_item: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # sub-item → (rows of the office's examples, rows of the bundled reference ones)
    rows_by_origin: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    digest: str = ""

    def __len__(self) -> int:
        return len(self.examples)

    @property
    def negatives(self) -> tuple[int, ...]:
        return tuple(i for i, e in enumerate(self.examples) if not e.sub_item_ids)


_grams = char_grams


def build_example_index(examples: Iterable[Example], background: Sequence[str] = ()) -> ExampleIndex:
    """``background`` (the rubric's profiles) joins the examples for the IDF, so that with a handful of
    examples the words every 公文 shares still weigh little."""
    unique: dict[str, Example] = {}
    for e in examples:
        unique[e.key] = e  # the last decision about a content wins
    ordered = tuple(sorted(unique.values(), key=lambda e: e.key))
    digest = hashlib.sha256(
        "\n".join(
            f"{e.key}\0{','.join(e.sub_item_ids)}\0{hashlib.sha256(e.text.encode()).hexdigest()}"
            for e in ordered
        ).encode()
    ).hexdigest()
    if not ordered:
        return ExampleIndex(digest=digest)
    counts = [Counter(_grams(e.text)) for e in ordered]
    vocab: dict[str, int] = {}
    for c in counts:
        for g in c:
            vocab.setdefault(g, len(vocab))
    df = np.zeros(len(vocab), dtype=np.float64)
    for c in counts:
        for g in c:
            df[vocab[g]] += 1
    for text in background:
        for g in set(_grams(text)):
            col = vocab.get(g)
            if col is not None:
                df[col] += 1
    n_docs = len(ordered) + len(background)
    idf = (np.log((n_docs + 1) / (df + 1)) + 0.05).astype(np.float32)

    columns: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for r, c in enumerate(counts):
        weights = {vocab[g]: (1 + math.log(n)) * float(idf[vocab[g]]) for g, n in c.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for col, w in weights.items():
            columns[col].append((r, w / norm))
    indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    for col in range(len(vocab)):
        indptr[col + 1] = indptr[col] + len(columns[col])
    rows = np.fromiter(
        (r for col in range(len(vocab)) for r, _ in columns[col]), dtype=np.int32, count=int(indptr[-1])
    )
    vals = np.fromiter(
        (w for col in range(len(vocab)) for _, w in columns[col]), dtype=np.float32, count=int(indptr[-1])
    )
    by_sub: dict[str, list[int]] = defaultdict(list)
    for r, e in enumerate(ordered):
        for sub_id in e.sub_item_ids:
            by_sub[sub_id].append(r)
    return ExampleIndex(
        examples=ordered,
        vocab=vocab,
        idf=idf,
        indptr=indptr,
        rows=rows,
        vals=vals,
        by_sub_item={k: tuple(v) for k, v in by_sub.items()},
        rows_by_origin={
            k: (
                np.array([r for r in v if ordered[r].origin != "reference"], dtype=np.int64),
                np.array([r for r in v if ordered[r].origin == "reference"], dtype=np.int64),
            )
            for k, v in by_sub.items()
        },
        digest=digest,
    )


def example_similarities(index: ExampleIndex, texts: Sequence[str], keys: Sequence[str | None]) -> np.ndarray:
    """Cosine of each text with each example, (len(texts) × examples); a text's own content
    (``keys``) scores 0 against itself."""
    out = np.zeros((len(texts), len(index.examples)), dtype=np.float32)
    if not index.examples:
        return out
    own = {e.key: r for r, e in enumerate(index.examples)}
    vocab, indptr = index.vocab, index.indptr
    for t, text in enumerate(texts):
        counts = Counter(g for g in _grams(text) if g in vocab)
        if not counts:
            continue
        cols = np.fromiter((vocab[g] for g in counts), dtype=np.int64, count=len(counts))
        weights = (1 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))) * index.idf[
            cols
        ]
        norm = float(np.linalg.norm(weights))
        if not norm:
            continue
        weights /= norm
        starts, ends = indptr[cols], indptr[cols + 1]
        lengths = ends - starts
        if not lengths.sum():
            continue
        # gather every (example, value) of the text's grams and sum per example
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        positions = np.arange(int(lengths.sum())) + offsets
        out[t] = np.bincount(
            index.rows[positions],
            weights=index.vals[positions] * np.repeat(weights, lengths),
            minlength=len(index.examples),
        )
        key = keys[t]
        if key is not None and key in own:
            out[t, own[key]] = 0.0
    return out
