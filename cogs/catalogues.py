"""The translation catalogues held against the source: the English texts the bot shows (read from the code and
from the slash commands), and what each shipped language lacks or gets wrong.

`scripts/messages` runs it: `check` (the default) reports per language and exits 1 on a gap, `update` adds every
new English text to each catalogue, empty, for a translator to fill in.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import string
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from discord import app_commands
from discord.ext import commands

from bot.client import EXTENSIONS
from rules.errors import DomainError
from rules.i18n import COMMANDS, MESSAGES, NAME_CONTEXT, catalogue_path, shipped_languages

REPO = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("rules", "db", "bot", "cogs")
# Their errors reach an operator's terminal, never a member.
TERMINAL_ONLY = ("db/backup.py", "db/restore.py")
# Calls whose literal English arguments reach members, besides raising a domain error: (argument positions).
TRANSLATING_CALLS: dict[str, tuple[int, ...] | None] = {
    "N_": None,
    "Sentence": None,
    "translate": (2,),
    "for_member": (2,),
    "translate_plural": (2, 3),
    "plural_for_member": (2, 3),
}
# Discord's rule for command and option names (lower case is checked apart).
COMMAND_NAME = re.compile(r"^[-_\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")
DESCRIPTION_LIMIT = 100

# A catalogue key: (gettext context, English text); a plural message is keyed by its singular.
Key = tuple[str | None, str]


@dataclass(frozen=True)
class SourceText:
    key: Key
    plural: str | None = None


def _domain_errors() -> Iterator[str]:
    pending = [DomainError]
    while pending:
        error = pending.pop()
        yield error.__name__
        pending += error.__subclasses__()


def _command_classes() -> Iterator[type[commands.Cog]]:
    for extension in EXTENSIONS:
        module = importlib.import_module(extension)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, commands.Cog) and value.__module__.startswith(extension):
                yield value


@dataclass(frozen=True)
class SourceScan:
    """What the code shows members: English texts by key, and the places whose text is built (an f-string) and
    so stays English until it is rewritten as a template with placeholders."""

    texts: dict[Key, SourceText]
    untranslatable: list[str]


def _literals(node: ast.expr) -> Iterator[str]:
    """The literal texts an argument can be: a string, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    return node.func.attr if isinstance(node.func, ast.Attribute) else None


def scan_source() -> SourceScan:
    """Every English message in the code: domain errors raised with a literal, and texts marked or translated."""
    list(_command_classes())  # the cogs import every service, so every domain error class is known
    positions: dict[str, tuple[int, ...]] = {
        **{name: spec or (1,) for name, spec in TRANSLATING_CALLS.items()},
        **dict.fromkeys(_domain_errors(), (1,)),
    }
    texts: dict[Key, SourceText] = {}
    untranslatable: list[str] = []
    for directory in SOURCE_DIRS:
        for path in sorted((REPO / directory).rglob("*.py")):
            if str(path.relative_to(REPO)) in TERMINAL_ONLY:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if not isinstance(node, ast.Call) or (wanted := positions.get(_call_name(node) or "")) is None:
                    continue
                arguments = [node.args[index - 1] if index <= len(node.args) else None for index in wanted]
                if any(argument is None for argument in arguments):
                    continue
                found = [list(_literals(argument)) for argument in arguments if argument is not None]
                if isinstance(arguments[0], ast.JoinedStr):
                    untranslatable.append(f"{path.relative_to(REPO)}:{node.lineno}")
                elif len(found) == 2 and found[0] and found[1]:
                    texts[(None, found[0][0])] = SourceText((None, found[0][0]), plural=found[1][0])
                else:
                    for english in found[0]:
                        texts[(None, english)] = SourceText((None, english))
    return SourceScan(texts, untranslatable)


def message_texts() -> dict[Key, SourceText]:
    return scan_source().texts


# Where Discord shows text to members: message content, embeds, buttons, select menus and forms; a literal (or
# an f-string's literal part) with an English word here never went through the catalogues.
SHOWN_ARGUMENTS: dict[str, tuple[int | None, tuple[str, ...]]] = {
    # call name: (position of the shown positional argument, or None; keyword arguments shown)
    "send_message": (0, ("content",)),
    "send": (0, ("content",)),
    "edit_message": (None, ("content",)),
    "edit_original_response": (None, ("content",)),
    "answer": (1, ()),
    "Embed": (None, ("title", "description")),
    "add_field": (None, ("name", "value")),
    "set_footer": (None, ("text",)),
    "set_author": (None, ("name",)),
    "Button": (None, ("label", "placeholder")),
    "TextInput": (None, ("label", "placeholder")),
    "SelectOption": (None, ("label", "description")),
    "Select": (None, ("placeholder",)),
    "button": (None, ("label",)),
}
# Attributes that Discord shows when set after the fact (`embed.description = ...`), and class attributes that
# name a button's label.
SHOWN_ATTRIBUTES = frozenset({"title", "description", "label", "placeholder", "content", "button_label"})
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
# Names that read the same in every language.
UNTRANSLATED_NAMES = frozenset({"Google Calendar", "Outlook", "Discord"})


def _shown_english(node: ast.expr) -> str | None:
    """The English a shown argument carries as written in the code, if any."""
    pieces: list[str] = []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        pieces = [node.value]
    elif isinstance(node, ast.JoinedStr):
        pieces = [part.value for part in node.values if isinstance(part, ast.Constant) and isinstance(part.value, str)]
    elif isinstance(node, ast.IfExp):
        return _shown_english(node.body) or _shown_english(node.orelse)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _shown_english(node.left) or _shown_english(node.right)
    text = "".join(pieces)
    readable = text not in UNTRANSLATED_NAMES and not text.startswith(("http://", "https://"))
    return text if readable and ENGLISH_WORD.search(text) else None


def _shown_arguments(node: ast.AST) -> list[ast.expr]:
    """The expressions of `node` whose value Discord shows to members."""
    if isinstance(node, ast.Call) and (shown := SHOWN_ARGUMENTS.get(_call_name(node) or "")) is not None:
        position, keywords = shown
        arguments = [keyword.value for keyword in node.keywords if keyword.arg in keywords]
        return arguments + ([node.args[position]] if position is not None and position < len(node.args) else [])
    if isinstance(node, ast.ClassDef):
        return [keyword.value for keyword in node.keywords if keyword.arg == "title"]
    if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        named = [target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "") for target in targets]
        return [node.value] if SHOWN_ATTRIBUTES.intersection(named) else []
    return []


def untranslated_texts(root: Path = REPO / "cogs") -> list[str]:
    """Every place under `root` where English written in the code is shown to members without going through the
    translation functions: "path:line: text", in the order of the code."""
    found: list[tuple[str, int, str]] = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "catalogues.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            for argument in _shown_arguments(node):
                if (english := _shown_english(argument)) is not None:
                    found.append((str(path.relative_to(root.parent)), argument.lineno, english[:60]))
    return [f"{where}:{line}: {english!r}" for where, line, english in sorted(found)]


def _walk(command: app_commands.Command[Any, ..., Any] | app_commands.Group) -> Iterator[Key]:
    yield (NAME_CONTEXT, command.name)
    yield (None, command.description)
    if isinstance(command, app_commands.Group):
        for child in command.commands:
            yield from _walk(child)
        return
    for parameter in command.parameters:
        yield (NAME_CONTEXT, parameter.name)
        yield (None, parameter.description)
        for choice in parameter.choices:
            yield (None, choice.name)


def top_level_commands() -> list[app_commands.Command[Any, ..., Any] | app_commands.Group]:
    return [command for cog in _command_classes() for command in cog.__cog_app_commands__]


def command_texts() -> dict[Key, SourceText]:
    """Every name, description and choice of the slash commands, in English."""
    return {key: SourceText(key) for command in top_level_commands() for key in _walk(command)}


def placeholders(text: str) -> set[str]:
    return {field for _literal, field, _spec, _conversion in string.Formatter().parse(text) if field is not None}


def read_catalogue(language: str, domain: str) -> Catalog:
    with catalogue_path(language, domain).open("rb") as file:
        return read_po(file, locale=language)


def translation_problems(catalog: Catalog, domain: str, wanted: dict[Key, SourceText]) -> Iterator[str]:
    """What one catalogue lacks of `wanted`, or gets wrong: placeholders, and Discord's rules for commands."""
    language = catalog.locale_identifier
    for key, source in wanted.items():
        context, english = key
        entry = catalog.get(english, context)
        where = f"{language} {domain}"
        if entry is None or not entry.string or (isinstance(entry.string, tuple | list) and not all(entry.string)):
            yield f"{where}: missing “{english}”"
            continue
        forms = list(entry.string) if isinstance(entry.string, tuple | list) else [entry.string]
        for form in forms:
            expected = placeholders(source.plural or english)
            if placeholders(form) != expected:
                yield f"{where}: “{form}” has placeholders {sorted(placeholders(form))}, want {sorted(expected)}"
        if domain == COMMANDS and context == NAME_CONTEXT:
            name = forms[0]
            if name != name.lower() or not COMMAND_NAME.match(name):
                yield f"{where}: “{name}” (for “{english}”) is not a valid command or option name"
        elif domain == COMMANDS and not 1 <= len(forms[0]) <= DESCRIPTION_LIMIT:
            yield f"{where}: “{forms[0]}” is longer than {DESCRIPTION_LIMIT} characters"


def catalogue_problems(languages: Iterable[str] | None = None) -> list[str]:
    """What a shipped catalogue lacks or gets wrong against the source, one readable line each."""
    wanted = {MESSAGES: message_texts(), COMMANDS: command_texts()}
    return [
        problem
        for language in languages or shipped_languages()
        for domain, texts in wanted.items()
        for problem in translation_problems(read_catalogue(language, domain), domain, texts)
    ]


def review_counts(language: str, domain: str) -> tuple[int, int]:
    """(translated entries, of which flagged as needing review) in one catalogue."""
    catalog = read_catalogue(language, domain)
    translated = [
        message
        for message in catalog
        if message.id and message.string and (isinstance(message.string, str) or all(message.string))
    ]
    return len(translated), sum(message.fuzzy for message in translated)


def update_catalogues() -> None:
    """Add every English text the source has to each catalogue, empty for a translator to fill in."""
    for domain, texts in ((MESSAGES, message_texts()), (COMMANDS, command_texts())):
        for language in shipped_languages():
            path = catalogue_path(language, domain)
            catalog = (
                read_catalogue(language, domain)
                if path.exists()
                else Catalog(locale=language, domain=domain, project="coalition-bot")
            )
            for (context, english), source in texts.items():
                if catalog.get(english, context) is None:
                    catalog.add((english, source.plural) if source.plural else english, context=context)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as file:
                write_po(file, catalog, width=0, sort_output=False, include_previous=False)


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "check"
    if action == "update":
        update_catalogues()
    elif action != "check":
        print("usage: scripts/messages [check|update]", file=sys.stderr)
        return 2
    for language in shipped_languages():
        counts = {domain: review_counts(language, domain) for domain in (MESSAGES, COMMANDS)}
        print(
            f"{language}: "
            + ", ".join(
                f"{domain} {done} translated ({review} need review)" for domain, (done, review) in counts.items()
            )
        )
    untranslatable = scan_source().untranslatable
    if untranslatable:
        print(f"{len(untranslatable)} messages are built as f-strings and stay English: " + ", ".join(untranslatable))
    untranslated = untranslated_texts()
    if untranslated:
        print(f"{len(untranslated)} texts members see bypass the catalogues:\n" + "\n".join(untranslated))
    problems = catalogue_problems()
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
