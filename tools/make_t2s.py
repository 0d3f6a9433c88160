"""Write ``matchers/data/t2s.tsv``: traditional → simplified, one character for one, from OpenCC.

``fold`` maps each character through this table so that a 繁體 notice (縣文廣旅局聯合開展…) or an OCR
page that mixes the two forms matches the simplified rubric. Only single-character entries whose
first simplified candidate is another character are kept, minus the few keys that are themselves
simplified characters. The table is committed; regenerate it with the OpenCC data in
``opencc-python-reimplemented`` (Apache-2.0, https://github.com/yichen0831/opencc-python):

    .venv/bin/pip install opencc-python-reimplemented
    .venv/bin/python tools/make_t2s.py
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "t2s.tsv"


def _table(name: str) -> dict[str, list[str]]:
    text = (files("opencc") / "dictionary" / name).read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "\t" in line:
            key, values = line.split("\t", 1)
            out[key] = values.split(" ")
    return out


def main() -> None:
    ts = _table("TSCharacters.txt")
    simplified = set(_table("STCharacters.txt"))
    pairs = sorted(
        (k, v[0])
        for k, v in ts.items()
        if len(k) == 1 and len(v[0]) == 1 and v[0] != k and k not in simplified
    )
    header = "# traditional\tsimplified — from OpenCC TSCharacters.txt (Apache-2.0); tools/make_t2s.py\n"
    OUT.write_text(header + "".join(f"{k}\t{v}\n" for k, v in pairs), encoding="utf-8")
    print(f"{OUT}: {len(pairs)} characters")


if __name__ == "__main__":
    main()
