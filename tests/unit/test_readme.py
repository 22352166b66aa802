"""README.md renders as Markdown and documents every setting, command and package."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pydantic_settings import BaseSettings

from undercut.cli.app import app
from undercut.config import Settings
from undercut.jobs.options import JobOptions

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
PACKAGE = ROOT / "src" / "undercut"


def _tokens() -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(README)


def _commands(command: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every command and sub-command of a (Typer-built) click group, as typed."""
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield f"{prefix}{name}", sub
        yield from _commands(sub, f"{prefix}{name} ")


COMMANDS = dict(_commands(typer.main.get_command(app)))
OPTIONS = sorted(
    {
        (name, option)
        for name, command in COMMANDS.items()
        for param in command.params
        for option in param.opts
        if option.startswith("--") and option not in ("--help", "--home")
    }
)


def _env_names(settings: type[BaseSettings]) -> list[str]:
    prefix = str(settings.model_config.get("env_prefix", ""))
    return [f"{prefix}{name}".upper() for name in settings.model_fields]


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, f"README.md has no section {title!r}"
    return match.group(1)


def test_every_code_fence_is_closed() -> None:
    fences = [line for line in README.splitlines() if line.startswith("```")]
    assert len(fences) % 2 == 0, "an odd number of ``` lines: a fence is left open"
    # an unclosed fence swallows the rest of the file into one code block
    last = [t for t in _tokens() if t.type == "fence"][-1]
    assert last.map is not None and last.map[1] < len(README.splitlines())


def test_every_table_has_a_header_row() -> None:
    lines = README.splitlines()
    tables = [t.map for t in _tokens() if t.type == "table_open"]
    rendered = {line for start, end in (m for m in tables if m) for line in range(start, end)}
    stray = [
        f"line {i + 1}: {line}"
        for i, line in enumerate(lines)
        if line.startswith("| ") and i not in rendered
    ]
    assert stray == [], "table rows outside a table (a header or separator row is missing)"


def test_shell_examples_are_in_code_blocks() -> None:
    """A ``$ undercut …`` line outside a fence renders as run-on prose."""
    code = {
        line
        for t in _tokens()
        if t.type in ("fence", "code_block") and t.map
        for line in range(*t.map)
    }
    loose = [
        line
        for i, line in enumerate(README.splitlines())
        if re.match(r"\s*(\$ |export UNDERCUT_)", line) and i not in code
    ]
    assert loose == []


def test_no_paragraph_is_repeated() -> None:
    sentences = [
        s.strip().rstrip(".;,")
        for t in _tokens()
        if t.type == "inline"
        for s in re.split(r"(?<=[.;,])\s+", t.content.replace("\n", " "))
        if len(s.strip()) > 40
    ]
    assert [s for s in set(sentences) if sentences.count(s) > 1] == []


@pytest.mark.parametrize("name", [*_env_names(Settings), *_env_names(JobOptions)])
def test_every_setting_is_documented(name: str) -> None:
    assert f"`{name}`" in README, f"{name} is not in README.md"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_is_documented(command: str) -> None:
    assert f"undercut {command}" in README, f"`undercut {command}` is not in README.md"


@pytest.mark.parametrize(("command", "option"), OPTIONS)
def test_every_option_is_documented(command: str, option: str) -> None:
    """Somewhere in README.md: the command table, an example or the prose."""
    assert re.search(rf"{re.escape(option)}\b", README), (
        f"`undercut {command} {option}` is not in README.md"
    )


def test_layout_lists_every_package() -> None:
    layout = _section("Layout")
    packages = sorted(
        p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    )
    modules = sorted(p.name for p in PACKAGE.glob("*.py") if not p.name.startswith("__"))
    missing = [f"{name}/" for name in packages if f"{name}/" not in layout]
    missing += [name for name in modules if name not in layout]
    assert missing == []
