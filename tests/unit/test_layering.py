"""The shape of the code, kept by a test: layers import one way, pure rules stay pure, no cycles, no giant modules.

From the top: `cogs` (Discord-facing) → `bot` (wiring, timer, web views) → `db` (models, services, the one door)
→ `rules` (pure: no Discord, no database). Every import is read from the source with `ast`, wherever it stands:
at the top, inside a function, or under `if TYPE_CHECKING:`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Lower number = lower layer; a module may import its own layer or a lower one.
LAYERS = {"rules": 0, "db": 1, "bot": 2, "cogs": 3}
# Third-party packages a layer must never import.
FORBIDDEN = {
    "rules": ("discord", "sqlalchemy", "aiohttp", "alembic", "apscheduler"),
    "db": ("discord", "aiohttp"),
    "cogs": ("sqlalchemy",),
}
MAX_MODULE_LINES = 600
# Alembic's migration scripts are history: written once, never edited, exempt from the size rule.
SIZE_EXEMPT = ("db/migrations/",)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. "db.panels"
    target: str  # what it imports, e.g. "rules.errors" or "sqlalchemy.orm"
    line: int


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_files(root: Path) -> Iterator[Path]:
    for package in LAYERS:
        yield from sorted((root / package).rglob("*.py"))


def imports_of(path: Path, root: Path) -> Iterator[Import]:
    """Every import in a file, relative ones resolved, `from package import module` seen as the module."""
    module = module_name(path, root)
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}" if base else alias.name
                is_module = (root / Path(*candidate.split("."))).with_suffix(".py").exists() or (
                    root / Path(*candidate.split(".")) / "__init__.py"
                ).exists()
                yield Import(module, candidate if is_module else base, node.lineno)


def layer_of(name: str) -> str | None:
    top = name.split(".")[0]
    return top if top in LAYERS else None


def layering_violations(root: Path) -> list[str]:
    """Every broken rule in the tree at `root`, one readable line each (empty when the shape holds)."""
    problems: list[str] = []
    graph: dict[str, set[str]] = {}
    for path in project_files(root):
        relative = path.relative_to(root).as_posix()
        lines = len(path.read_text().splitlines())
        if lines > MAX_MODULE_LINES and not relative.startswith(SIZE_EXEMPT):
            problems.append(f"{relative}: {lines} lines; split it by job (at most {MAX_MODULE_LINES})")
        for found in imports_of(path, root):
            own = layer_of(found.module)
            assert own is not None
            other = layer_of(found.target)
            where = f"{relative}:{found.line}"
            if other is None:
                top = found.target.split(".")[0]
                if top in FORBIDDEN.get(own, ()):
                    problems.append(f"{where}: {own}/ must not import {top} ({found.target})")
                continue
            if LAYERS[other] > LAYERS[own]:
                problems.append(f"{where}: {found.module} imports {found.target}, a layer above it ({other}/)")
            graph.setdefault(found.module, set()).add(found.target)
    problems += [f"import cycle: {' -> '.join(cycle)}" for cycle in cycles(graph)]
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of modules that import each other (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                found.append([*sorted(group), sorted(group)[0]])

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_code_keeps_its_layers_purity_size_and_has_no_cycles() -> None:
    assert layering_violations(REPO) == []


def write(root: Path, files: dict[str, str]) -> Path:
    for package in LAYERS:
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").write_text("")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"db/panels.py": "from bot.client import CoalitionBot\n"}, "db.panels imports bot.client, a layer above it"),
        ({"bot/scheduler.py": "from cogs.events import _embeds\n"}, "a layer above it (cogs/)"),
        ({"rules/text.py": "import discord\n"}, "rules/ must not import discord"),
        ({"rules/text.py": "from sqlalchemy import select\n"}, "rules/ must not import sqlalchemy"),
        ({"db/events.py": "def f():\n    import discord\n"}, "db/ must not import discord"),
        ({"cogs/panels.py": "from sqlalchemy.ext.asyncio import AsyncSession\n"}, "cogs/ must not import sqlalchemy"),
        (
            {
                "bot/client.py": "from bot.tree import CoalitionTree\n",
                "bot/tree.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.client import X\n",
            },
            "import cycle: bot.client -> bot.tree -> bot.client",
        ),
        ({"db/big.py": "x = 1\n" * (MAX_MODULE_LINES + 1)}, "db/big.py: 601 lines"),
        ({"db/panels.py": "from .. import bot\n", "bot/client.py": ""}, "a layer above it (bot/)"),
    ],
)
def test_layering_check_reports_a_broken_rule(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    problems = layering_violations(write(tmp_path, files))
    assert any(expected in problem for problem in problems), problems


def test_layering_check_accepts_downward_imports(tmp_path: Path) -> None:
    files = {
        "cogs/panels.py": "from bot.client import CoalitionBot\nfrom db.panels import open_panel\nimport discord\n",
        "bot/client.py": "from db.database import Database\nimport sqlalchemy\n",
        "db/panels.py": "from rules.errors import DomainError\nfrom sqlalchemy import select\n",
        "db/database.py": "",
        "rules/errors.py": "import re\n",
    }
    assert layering_violations(write(tmp_path, files)) == []
