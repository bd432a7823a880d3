"""Would compiling help? The map step's modules compiled as they are (Cython) vs pure Python.

    pip install cython setuptools
    python -m benchmarks.compiled [--corpus DIR]     # about 3 minutes

Copies ``src/nkhr`` to a temporary folder and compiles the modules of the
per-article step there with Cython, without type declarations
(``annotation_typing=False``: the code means exactly what it means in Python).
Then times serial ``nkhr.analyze`` on the corpus with each copy, alternately,
in fresh processes, and prints the CPU seconds (fastest of 3 per process, of 2
processes each) as JSON. Nothing in the project is changed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = ["codebooks.py", "doc.py", "pipeline.py", "ingest/__init__.py", "ingest/clean.py",
           "ingest/segment.py", "extract/quotes.py", "extract/names.py", "extract/speakers.py",
           "extract/themes.py", "extract/frames.py"]
TIMER = """
import sys, time, nkhr, nkhr.pipeline
nkhr.analyze(sys.argv[1])
times = []
for _ in range(3):
    t = time.process_time()
    nkhr.analyze(sys.argv[2])
    times.append(time.process_time() - t)
print(nkhr.pipeline.__file__.endswith(".py"), min(times))
"""


def cpu_seconds(src: Path, corpus: Path) -> tuple[bool, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", TIMER, str(ROOT / "data" / "raw"), str(corpus)],
                         env=env, capture_output=True, text=True, check=True).stdout.split()
    return out[0] == "True", float(out[1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.compiled", description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=ROOT / "benchmarks" / "corpus" / "n1000_s0")
    a = p.parse_args(argv)
    try:
        import Cython  # noqa: F401
    except ImportError:
        print("needs Cython: pip install cython setuptools", file=sys.stderr)
        return 2
    if not a.corpus.is_dir():
        subprocess.run([sys.executable, "-m", "benchmarks.corpus", str(a.corpus), "--n", "1000"], check=True)
    with tempfile.TemporaryDirectory(prefix="nkhr-cython-") as tmp:
        shutil.copytree(ROOT / "src" / "nkhr", Path(tmp) / "nkhr")
        subprocess.run([sys.executable, "-m", "Cython.Build.Cythonize", "-i", "-3", "-j", "2",
                        "-X", "annotation_typing=False", *(f"nkhr/{m}" for m in MODULES)],
                       cwd=tmp, check=True, capture_output=True)
        runs: dict[str, list[float]] = {"python": [], "cython": []}
        for _ in range(2):
            for name, src in (("python", ROOT / "src"), ("cython", Path(tmp))):
                is_python, seconds = cpu_seconds(src, a.corpus)
                assert is_python == (name == "python"), f"{name}: the wrong nkhr was imported"
                runs[name].append(seconds)
    best = {k: min(v) for k, v in runs.items()}
    print(json.dumps({"corpus": str(a.corpus), "cpu_s": runs, "best_cpu_s": best,
                      "speed_up": round(best["python"] / best["cython"], 3)}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
