"""The `nkhr` command as a newcomer meets it: help for every command and option, errors whose
advice is a command that works."""

from __future__ import annotations

import argparse
import re
import shlex

import pytest

from nkhr import cli
from nkhr.errors import NkhrError, RenderError
from nkhr.report import render as r

from .test_render import executed


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_top_help_speaks_to_researchers_and_shows_examples(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "no logic lives here" not in out and "Parses arguments" not in out
    assert "news articles in, tables, notebooks and an HTML/PDF brief out" in out
    for name in ("ingest", "analyze", "evaluate", "batch", "render", "run"):
        assert re.search(rf"^\s+{name}\s+\S", out, re.M), name   # every command has its line
    assert "examples:" in out and "nkhr run --corpus my/articles --out out" in out


@pytest.mark.parametrize("name", ["ingest", "analyze", "evaluate", "batch", "render", "run"])
def test_every_command_and_option_has_help_and_an_example(name):
    sub = _subparsers(cli.build_parser())[name]
    assert sub.description and sub.epilog.startswith("examples:\n  nkhr " + name)
    for action in sub._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help and len(action.help) > 15, (name, action.dest)
    for line in sub.epilog.splitlines()[1:]:           # every example parses
        words = shlex.split(line.split("(")[0])
        cli.build_parser().parse_args(words[1:])


def _advice(message: str) -> list[str]:
    return [c for c in re.findall(r"`([^`]+)`", message) if c.startswith("nkhr ")]


def _follows(command: str) -> argparse.Namespace:
    """Parse an advised command the way a researcher would type it (placeholders filled in)."""
    words = [w.replace("PATH/TO/", "some/") for w in shlex.split(command)]
    return cli.build_parser().parse_args(words[1:])


def test_render_finds_the_brief_the_last_run_left_in_its_out_folder(tmp_path, capsys):
    out = tmp_path / "out"
    nb = executed("executed", out / "runs" / "brief")
    nb.rename(r.executed_brief(out))
    assert cli.main(["render", "--out", str(out), "--engine", "embedded"]) == 0
    printed = capsys.readouterr().out
    assert f"html: {out / 'brief.html'}" in printed and (out / "brief.pdf").is_file()


def test_render_without_a_brief_says_which_command_makes_one(tmp_path, capsys):
    assert cli.main(["render", "--out", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    advice = _advice(err)
    assert f"nkhr run --out {tmp_path / 'empty'}" in advice
    assert "no executed brief at" in err and str(r.executed_brief(tmp_path / "empty")) in err
    for command in advice:
        _follows(command)


@pytest.mark.parametrize("call", [
    lambda tmp: r.render(tmp / "nope.ipynb", out_dir=tmp),
    lambda tmp: r.render(out_dir=tmp),
    lambda tmp: r.render(executed("unexecuted", tmp / "nb"), out_dir=tmp, engine="embedded"),
    lambda tmp: r.render(executed("executed", tmp / "nb"), out_dir=tmp, formats=["docx"]),
    lambda tmp: __import__("nkhr.report.run").report.run.run(corpus=tmp / "missing"),
    lambda tmp: __import__("nkhr.report.run").report.run.run(corpus=tmp, gold=tmp / "no-gold"),
    lambda tmp: __import__("nkhr.tables").tables.read_tables(tmp),
])
def test_every_advised_command_is_one_nkhr_accepts(tmp_path, call):
    with pytest.raises(NkhrError) as err:
        call(tmp_path)
    for command in _advice(str(err.value)):
        _follows(command)
    if isinstance(err.value, RenderError):
        assert re.match(r"^[a-z ()]+: ", str(err.value))     # names its step


def _documented_commands():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for doc in ("README.md", "reports/README.md", "docs/batch.md"):
        text = (root / doc).read_text(encoding="utf-8")
        for block in re.findall(r"```bash\n(.*?)```", text, re.S):
            for line in block.splitlines():
                command = line.split("  #")[0].strip()
                if command.startswith("nkhr ") and "--help" not in command:
                    yield doc, command


@pytest.mark.parametrize("doc, command", list(_documented_commands()))
def test_every_documented_command_is_one_nkhr_accepts(doc, command):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    args = _follows(command)
    for name in ("raw_dir", "gold", "spec", "corpus"):   # the project's own files exist
        value = getattr(args, name, None)
        if value is not None and not str(value).startswith(("my", "out")):
            assert (root / value).exists(), (doc, command, value)
