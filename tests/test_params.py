"""nkhr.params.validate: what the first code cell of every notebook checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nkhr.errors import ParameterError
from nkhr.params import SHARED, validate

ROOT = Path(__file__).resolve().parents[1]
INJECTED = '# Parameters\ndate_from = "2024-01-01"\noutlets = ["Korea Herald"]\n'


def test_defaults_give_the_bundled_corpus_and_a_build_folder(monkeypatch):
    monkeypatch.chdir(ROOT / "notebooks")  # where JupyterLab runs a notebook
    p = validate(dict(SHARED), name="01_overview")
    assert p.corpus == ROOT / "data" / "raw"
    assert p.output_dir == ROOT / "reports" / "_build" / "notebooks" / "01_overview"
    assert (p.date_from, p.date_to, p.outlets, p.speakers, p.language) == (None, None, (), (), "all")


def test_values_come_back_clean(tmp_path):
    ns = {**SHARED, "corpus": str(ROOT / "data" / "raw"), "output_dir": str(tmp_path),
          "date_from": "2024-01-01", "date_to": dt.date(2024, 12, 31), "outlets": "Korea Herald",
          "speakers": ["Jang Se-yul "], "language": "en", "top_n": 5, "_ih": ["", INJECTED]}
    p = validate(ns, top_n=int)
    assert p.date_from == dt.date(2024, 1, 1) and p.date_to == dt.date(2024, 12, 31)
    assert p.outlets == ("Korea Herald",) and p.speakers == ("Jang Se-yul",)
    assert p.extra == {"top_n": 5}
    assert p.figures_dir == tmp_path / "figures"
    assert p.selection["language"] == "en"


@pytest.mark.parametrize("changes,message", [
    ({"date_from": "not-a-date"}, r"^date_from: 'not-a-date' is not an ISO date"),
    ({"date_to": "2024-13-01"}, r"^date_to: "),
    ({"date_from": "2025-01-01", "date_to": "2024-01-01"}, r"^date_from: 2025-01-01 is after"),
    ({"language": "fr"}, r"^language: 'fr' is not one of en, ko, all"),
    ({"outlets": [""]}, r"^outlets: every item"),
    ({"speakers": 3}, r"^speakers: expected a list"),
    ({"corpus": "/no/such/folder"}, r"^corpus: /no/such/folder is not a folder"),
    ({"top_n": "ten"}, r"^top_n: expected int"),
    ({"top_n": 0}, r"^top_n: must be at least 1"),
    ({"_ih": ["", '# Parameters\ntop_m = 3\n']}, r"^top_m: unknown parameter for nb"),
])
def test_bad_values_name_the_parameter(changes, message):
    ns = {**SHARED, "top_n": 10, **changes}
    with pytest.raises(ParameterError, match=message):
        validate(ns, name="nb", top_n=int)


def test_unknown_names_are_only_judged_in_the_injected_cell():
    # a variable left over from an earlier cell in JupyterLab is not a parameter
    ns = {**SHARED, "leftover": 1, "_ih": ["", "leftover = 1", "x = 2"]}
    assert validate(ns).extra == {}


def test_a_notebook_parameter_can_list_its_allowed_values():
    kinds = ("nexus", "funding")
    ns = {**SHARED, "frames": ["nexus"]}
    assert validate(ns, frames=(list, kinds)).extra == {"frames": ["nexus"]}
    with pytest.raises(ParameterError, match=r"^frames: 'nexsu' is not one of nexus, funding"):
        validate({**ns, "frames": ["nexsu"]}, frames=(list, kinds))
