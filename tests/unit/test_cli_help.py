"""``--help`` prose wraps at the terminal's width, not where the docstring's lines end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer

from undercut.cli import main
from undercut.cli.app import app
from undercut.cli.common import _reflow


def _commands(group: typer.Typer, prefix: str = "") -> Iterator[tuple[str, str]]:
    for command in group.registered_commands:
        yield prefix + (command.name or ""), command.help or ""
    for sub in group.registered_groups:
        assert sub.typer_instance is not None
        yield from _commands(sub.typer_instance, f"{prefix}{sub.name} ")


def test_reflow_joins_prose_and_keeps_examples_and_lists() -> None:
    text = "First\nline.\n\nProse that\nwraps.\nExamples: a\n   b\n- one\n- two\nend"
    assert _reflow(text) == ("First line.\n\nProse that wraps. Examples: a\n   b\n- one\n- two end")


def test_every_command_help_is_reflowed() -> None:
    commands = dict(_commands(app))
    assert {"train", "predict", "run", "stats driver", "sessions pull"} <= set(commands)
    for name, text in commands.items():
        assert text, f"`undercut {name}` has no help"
        assert _reflow(text) == text, f"`undercut {name} --help` keeps docstring line breaks"


def test_rendered_help_fills_the_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["train", "--help"]) == 0
    out = capsys.readouterr().out
    # one line at 200 columns; the docstring breaks it after "training"
    assert "with its feature list, training window, data snapshot hash" in out
    # examples keep their own lines
    assert main(["run", "--help"]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "undercut run --retry 3f2a9c" in lines
