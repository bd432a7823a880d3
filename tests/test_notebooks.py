"""The analysis notebooks: thin, committed without outputs, and they run with their defaults.

The four notebooks run once, as a batch of the default kind (two workers, the
bundled corpus, nothing but the defaults), plus one run with a selection, and
the executed notebooks are checked: no error, figures written as SVG and PNG
and embedded in the notebook, findings written as prose.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest

from nkhr.batch import load_spec, run_batch
from nkhr.batch.spec import declared_parameters
from nkhr.params import SHARED

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["01_overview", "02_speakers", "03_themes", "04_framing"]

pytestmark = pytest.mark.slow


def _nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_thin_and_committed_without_outputs(name):
    nb = _nb(ROOT / "notebooks" / f"{name}.ipynb")
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert "parameters" in code[0]["metadata"].get("tags", [])
    assert set(SHARED) <= set(declared_parameters(ROOT / "notebooks" / f"{name}.ipynb"))
    first = "".join(code[1]["source"])
    assert "nkhr.params.validate(globals()" in first
    for cell in code:  # every cell is valid Python, and none defines functions or classes
        tree = ast.parse("".join(cell["source"]))
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    assert sum(c["cell_type"] == "markdown" for c in nb["cells"]) >= 2


def test_default_batch_spec_is_valid():
    spec = load_spec(ROOT / "reports" / "batch.yml")
    names = [r.name for r in spec.runs]
    assert names[:4] == ["overview", "speakers", "themes", "framing"] and "brief" in names
    brief = spec.runs[names.index("brief")]
    assert brief.notebook == ROOT / "notebooks" / "brief.ipynb"
    assert spec.output == ROOT / "reports" / "_build" / "runs"
    assert all(r.parameters["corpus"] == str(ROOT / "data" / "raw") for r in spec.runs)


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    out = tmp_path_factory.mktemp("notebooks")
    runs = [{"name": n, "notebook": f"notebooks/{n}.ipynb"} for n in NOTEBOOKS]
    runs.append({"name": "herald", "notebook": "notebooks/02_speakers.ipynb",
                 "parameters": {"outlets": ["Korea Herald"], "top_n": 5}})
    # a dict spec: relative paths start at the cwd, so give the notebooks absolute paths
    for r in runs:
        r["notebook"] = str(ROOT / r["notebook"])
    result = run_batch({"runs": runs}, output=out, workers=2, timeout=600, progress=False)
    return out, result


def test_every_notebook_runs_with_its_defaults(executed):
    out, result = executed
    assert result.ok, result.summary()


@pytest.mark.parametrize("name", NOTEBOOKS + ["herald"])
def test_executed_notebook_embeds_figures_and_findings(executed, name):
    out, result = executed
    nbname = next(r["output"] for r in result.runs if r["name"] == name)
    nb = _nb(out / nbname)
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no figure in the notebook"
    assert any("text/markdown" in o.get("data", {}) for o in outputs), "no findings prose"
    figs = out / name / "figures"
    svgs, pngs = sorted(figs.glob("*.svg")), sorted(figs.glob("*.png"))
    assert svgs and [p.stem for p in svgs] == [p.stem for p in pngs]
    assert list((out / name / "tables").glob("*.csv")), "no table written"


def test_selection_reaches_the_notebook(executed):
    out, _ = executed
    nb = _nb(out / "herald" / "02_speakers.ipynb")
    text = json.dumps(nb)
    assert "Korea Herald" in text


def test_runs_top_to_bottom_as_in_jupyterlab():
    """No papermill, no injected parameters, the notebook's folder as working directory."""
    import nbclient
    import nbformat

    default_out = ROOT / "reports" / "_build" / "notebooks" / "04_framing"
    shutil.rmtree(default_out, ignore_errors=True)
    nb = nbformat.read(ROOT / "notebooks" / "04_framing.ipynb", as_version=4)
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert (default_out / "figures" / "speaker_frame_matrix.svg").is_file()
