"""A Korean-language corpus of any size, built from the Korean development articles,
and what analyzing it costs.

``generate(out, n, seed=0)`` writes ``n`` Korean articles and a ``catalog.csv``
into ``out`` with :func:`benchmarks.corpus.generate`: each article is a headline of
a development article (``tests/gold/korean/raw``) and body paragraphs drawn from
their cleaned body paragraphs, in a new order, sizes log-normal around
``mean_kb`` (3 KB: a Korean news article is shorter in bytes per sentence than
an English one is in words). Korean names (a family name and two syllables
before a title, ``권영세 통일부 장관``) get new given names per article, so the
corpus has many speakers, as a real one does. The same seed gives the same files.

``python -m benchmarks.korean_corpus OUT --n 1000 --measure`` also runs
``nkhr analyze OUT --workers 2 --no-cache`` (wall time, peak memory of the
process tree) and measures what the morphological analyzer (kiwipiepy) costs:
its load time and memory in one process, and its share of a serial run.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import time
from pathlib import Path

from .corpus import Pool
from .corpus import generate as _generate

ROOT = Path(__file__).resolve().parent.parent
KOREAN = ROOT / "tests" / "gold" / "korean" / "raw"
_SYLLABLES = "민준서연지호하은도윤수아시우주원예린현우지민채원건우유진성민혜영동현재훈"


def korean_pool(raw_dir: str | Path = KOREAN) -> Pool:
    """Headlines and body paragraphs of the Korean articles in `raw_dir`, cleaned."""
    from nkhr.extract.korean import has_hangul
    from nkhr.ingest import clean, load_furniture

    titles, body = [], []
    for f in sorted(Path(raw_dir).glob("*.txt")):
        paras, _ = clean(f.read_text(encoding="utf-8"), load_furniture())
        titles += [p.text for p in paras if p.kind in ("title", "heading") and has_hangul(p.text)
                   and len(p.text) > 12]
        body += [p.text for p in paras if p.kind == "body" and has_hangul(p.text) and len(p.text) > 40]
    if not body:
        raise FileNotFoundError(f"{raw_dir}: no Korean articles (*.txt)")
    return Pool(titles=titles, body=[], furniture=[], korean_blocks=body, tails=[], korean_titles=titles)


def _names_before_titles():
    from nkhr.extract.korean import load_korean

    lex = load_korean()
    families = "|".join(sorted(lex.family_names, key=len, reverse=True))
    titles = "|".join(map(re.escape, lex.titles))
    return re.compile(rf"(?<![가-힣])({families})([가-힣]{{2}})(?=\s(?:\S+\s){{0,2}}?\S*(?:{titles}))")


def swap_names(text: str, rng: random.Random, _pattern=[]) -> str:  # noqa: B006 (compiled once)
    """Give each Korean name before a title a new given name (kept within the article's
    paragraph)."""
    if not _pattern:
        _pattern.append(_names_before_titles())
    mapping: dict[str, str] = {}

    def sub(m: re.Match) -> str:
        name = m.group(0)
        if name not in mapping:
            mapping[name] = m.group(1) + "".join(rng.choice(_SYLLABLES) for _ in range(2))
        return mapping[name]

    return _pattern[0].sub(sub, text)


def generate(out: str | Path, n: int, *, seed: int = 0, mean_kb: float = 3.0):
    return _generate(out, n, seed=seed, mean_kb=mean_kb, pool=korean_pool(), korean_share=1.0,
                     swap=swap_names)


def analyzer_cost(corpus: Path) -> dict:
    """kiwipiepy's load (time, memory) in this process, and its share of a serial analysis."""
    import nkhr
    from nkhr.extract import korean

    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    kiwi = korean.analyzer()
    kiwi.tokenize("시작")  # the model is read on first use
    load_s = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    spent = [0.0, 0]
    real = type(kiwi).tokenize

    def timed(self, *args, **kwargs):
        t = time.perf_counter()
        try:
            return real(self, *args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t
            spent[1] += 1

    type(kiwi).tokenize = timed
    try:
        t = time.perf_counter()
        nkhr.analyze(corpus, workers=1)
        total = time.perf_counter() - t
    finally:
        type(kiwi).tokenize = real
    return {"load_s": round(load_s, 2), "load_rss_mb": round((rss1 - rss0) / 1024, 1),
            "serial_s": round(total, 2), "tokenize_s": round(spent[0], 2), "tokenize_calls": spent[1],
            "tokenize_share": round(spent[0] / total, 3)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.korean_corpus", description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mean-kb", type=float, default=3.0)
    p.add_argument("--measure", action="store_true", help="analyze it (--workers 2) and measure the analyzer")
    a = p.parse_args(argv)
    g = generate(a.out, a.n, seed=a.seed, mean_kb=a.mean_kb)
    print(f"wrote {g.n} Korean articles, {g.bytes / 1e6:.1f} MB, to {g.path} (sha256 {g.sha256[:16]})")
    if a.measure:
        from .analysis import run_cli

        run = run_cli(["analyze", a.out, "--out", a.out.parent / f"{a.out.name}_out", "--workers", "2",
                       "--no-cache"])
        print(json.dumps({"workers_2": run, "analyzer": analyzer_cost(a.out)}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
