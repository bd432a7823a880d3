"""PolNeAR as a test of quote attribution at scale (``python -m benchmarks.polnear``).

PolNeAR (github.com/networkdynamics/PolNeAR, Newell, Margolin and Ruths 2018)
annotates every attribution in 1,008 US political news articles: a *source*
span, a *cue* and a *content* span. Its texts carry no license, so they are
never committed here: point ``--polnear`` (or ``$NKHR_POLNEAR``) at a local
copy, laid out as the repository's ``data/`` folder or as ``SPLIT/text`` and
``SPLIT/attributions``. Use ``train`` and ``dev``; the authors ask that
``test`` be used only to score, so this module refuses it.

What is scored, per split:

- a *gold quote* is a span inside double quotation marks that lies within an
  annotated attribution's content; its gold speaker is that attribution's
  source span;
- a gold quote is *found* when a row of nkhr's ``quotes`` table in the same
  article contains its first five words (the matching of ``nkhr evaluate``,
  one to one);
- a source is *named* when the head of its span (the last word before a
  comma, a bracket, a dash, a relative clause or a phrase with "of", "from", "at" or
  "to", unless that phrase follows a title: ``Secretary of State X``) is capitalized and
  not a pronoun: ``Sen. Jane Doe (R-Texas)``, ``The Daily Planet``; not ``a campaign aide``,
  ``he``, ``the campaign`` or ``a former aide to President X``;
- a found quote with a named source is *right* when that head word is a word
  of the predicted speaker's name or of one of its aliases; for a source of
  several people (``Doe and Roe``) the head of any of them is right, and for a
  description with the name after it (``The leader of the League, Jane Doe,``) the name's.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from nkhr.scoring.match import contains_start, words

_QUOTE = re.compile(r"[“\"]([^“”\"]{1,2000})[”\"]")
_PRONOUNS = frozenset(["i", "we", "you", "he", "she", "it", "they", "this", "that", "these", "those",
                       "who", "one", "someone"])
_HEAD_CUT = re.compile(r",|\(|\s(?:who|which|that|whose)\s|\s[—–-]\s")
_OF = re.compile(r"\s(?:of|from|at|to)\s")
_AND = re.compile(r"\s(?:and|&)\s")
_APPOSED_NAME = re.compile(r"[^,]*[a-z][^,]*,\s+((?:[A-Z][\w’'.-]*\s+){1,3}[A-Z][\w’'-]*)\s*,?\s*$")


@dataclass
class GoldQuote:
    source_id: str
    text: str
    source: str | None  # the attribution's source span, None when it has none
    head: str | None    # its head word, when the source is named
    heads: tuple = ()   # the head of each conjunct of a source such as "A and B"


def split_dirs(root: Path, split: str) -> tuple[Path, Path]:
    if split == "test":
        raise SystemExit("PolNeAR's test split is for scoring only; use train or dev")
    for base in (root / "data" / split, root / split):
        if (base / "text").is_dir():
            return base / "text", base / "attributions"
    raise SystemExit(f"{root}: no {split}/text folder (a PolNeAR copy: data/{split}/text, data/{split}/attributions)")


def _spans(field: str) -> list[tuple[int, int]]:
    out = []
    for part in field.split(" ", 1)[1].split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return out


def read_attributions(path: Path) -> list[dict]:
    """The attributions of one .ann file: dicts of role -> (spans, text)."""
    spans, rels = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            spans[parts[0]] = (_spans(parts[1]), parts[2] if len(parts) > 2 else "")
        elif line.startswith("E") and len(parts) >= 2:
            rel = {}
            for arg in parts[1].split():
                role, tid = arg.split(":")
                rel[role] = tid
            rels.append(rel)
    return [{role: spans[tid] for role, tid in rel.items() if tid in spans} for rel in rels]


def head_words(source: str) -> tuple:
    """The heads of a named source span's conjuncts ("Doe and Roe": Doe, Roe; the last
    one decides whether the source is named), else ()."""
    cut = _HEAD_CUT.split(" " + source.strip() + " ", maxsplit=1)[0]
    named = _APPOSED_NAME.match(source.strip())  # "The leader of the League, Jane Doe,": Doe too
    if named and _head(named.group(1)):
        return tuple(h for h in (_head(cut), _head(named.group(1))) if h)
    parts = _AND.split(cut)
    if len(parts) > 1 and all(re.search(r"\b[A-Z]", p) for p in parts):
        heads = tuple(h for h in map(_head, parts) if h)
        return heads if _head(parts[-1]) else ()
    head = _head(cut)
    return (head,) if head else ()


def _head(cut: str) -> str | None:
    of = _OF.split(cut, maxsplit=1)
    if len(of) == 2 and of[0].split() and of[0].split()[-1].lower().strip(".") in _TITLES:
        cut = of[1]  # "Former Secretary of State Jane Doe", "Ambassador to the UN X"
    else:
        cut = of[0]  # "Sen. Jane Doe of Hawaii", "a former aide to President X"
    toks = [t for t in re.findall(r"[\w’'.-]+", cut) if any(ch.isalpha() for ch in t)]
    if not toks:
        return None
    head = re.sub(r"(?:['’]s?|\.)$", "", toks[-1])
    if not head or not head[0].isupper() or head.lower() in _PRONOUNS:
        return None
    return head


_TITLES = frozenset(["secretary", "minister", "ambassador", "director", "head", "chairman", "chair",
                     "president", "governor", "mayor", "member", "leader", "speaker", "envoy"])


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s.lower()) if not unicodedata.combining(c))


def gold_quotes(text_dir: Path, ann_dir: Path) -> list[GoldQuote]:
    out = []
    anns: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):  # several annotators: the first file
        anns.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    for txt in sorted(text_dir.glob("*.txt")):
        ann = anns.get(txt.stem)
        if ann is None:
            continue
        text = txt.read_text(encoding="utf-8")
        contents = []
        for a in read_attributions(ann):
            if "Content" in a:
                src = a.get("Source")
                contents.append((a["Content"][0], src[1] if src else None))
        for m in _QUOTE.finditer(text):
            s, e = m.span(1)
            if not words(m.group(1)):
                continue
            for spans, source in contents:
                inside = sum(max(0, min(e, b) - max(s, a)) for a, b in spans)
                if inside >= 0.8 * (e - s):
                    heads = head_words(source) if source else ()
                    out.append(GoldQuote(txt.stem, m.group(1), source, heads[-1] if heads else None, heads))
                    break
    return out


def score(gold: list[GoldQuote], tables) -> dict:
    quotes = tables.quotes
    speakers = tables.speakers.set_index("speaker_id")
    names = {sid: {_fold(w) for w in re.findall(r"[\w’'-]+", f"{r.name}|{r.aliases}")}
             | {_fold(w) for w in re.findall(r"\w+", f"{r.name}|{r.aliases}")} for sid, r in speakers.iterrows()}
    by_source = {sid: list(zip(g.index, g.text, g.speaker_id, strict=True))
                 for sid, g in quotes.groupby("source_id", sort=False)}
    used: set[int] = set()
    found = named = named_found = named_right = named_any = 0
    errors = []
    for g in gold:
        match = next((c for c in by_source.get(g.source_id, ()) if c[0] not in used
                      and contains_start(c[1], g.text)), None)
        if match is not None:
            used.add(match[0])
            found += 1
        if g.head is None:
            continue
        named += 1
        if match is None:
            continue
        named_found += 1
        sid = match[2]
        if isinstance(sid, str):
            named_any += 1
            if any(_fold(h) in names.get(sid, ()) for h in g.heads or (g.head,)):
                named_right += 1
                continue
        errors.append((g.source_id, g.text[:60], g.source,
                       speakers.at[sid, "name"] if isinstance(sid, str) else None))
    predicted = int(quotes.source_id.isin({g.source_id for g in gold}).sum())
    return {
        "gold_quotes": len(gold), "found": found, "recall": _r(found, len(gold)),
        "predicted_quotes": predicted,
        "named": named, "named_found": named_found,
        "named_attribution_on_found": _r(named_right, named_found),
        "named_with_a_speaker": _r(named_any, named_found),
        "errors": errors,
    }


def _r(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def run(root: Path, split: str, workers: int = 1) -> dict:
    import nkhr

    text_dir, ann_dir = split_dirs(root, split)
    tables = nkhr.analyze(text_dir, workers=workers)
    out = score(gold_quotes(text_dir, ann_dir), tables)
    out["articles"] = len(tables.sources)
    out["failed"] = int((tables.ingest_report.problem == "stage_failed").sum())
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.polnear", description=__doc__.split("\n\n")[0])
    ap.add_argument("--polnear", type=Path, default=os.environ.get("NKHR_POLNEAR"),
                    help="a local copy of PolNeAR (default $NKHR_POLNEAR)")
    ap.add_argument("--split", default="dev", choices=["train", "dev"])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--errors", action="store_true", help="list the misattributed named-source quotes")
    a = ap.parse_args(argv)
    if a.polnear is None:
        ap.error("give --polnear DIR or set NKHR_POLNEAR")
    s = run(a.polnear, a.split, a.workers)
    for k, v in s.items():
        if k != "errors":
            print(f"{k:<28}{v}")
    if a.errors:
        for sid, text, source, pred in s["errors"]:
            print(f"{sid}: “{text}” gold {source!r} -> {pred!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
