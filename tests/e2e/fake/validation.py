"""Discord's limits on messages, components, modals and commands: what the fake refuses, and how."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from .records import DiscordError, invalid_form

MESSAGE_FLAGS_SETTABLE = 4 | 64 | 4096 | 32768  # suppress embeds, ephemeral, suppress notifications, v2
URL_RE = re.compile(r"^(https?|attachment)://\S+$")
COMMAND_NAME_RE = re.compile(r"^[-_\w]{1,32}$", re.UNICODE)


def check_len(problems: dict[str, str], path: str, value: Any, maximum: int, *, minimum: int = 0) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        problems[path] = f"must be a string, got {type(value).__name__}"
    elif not minimum <= len(value) <= maximum:
        problems[path] = f"must be between {minimum} and {maximum} in length (got {len(value)})"


def validate_embeds(embeds: Any, problems: dict[str, str]) -> None:
    if not isinstance(embeds, list):
        problems["embeds"] = "must be a list"
        return
    if len(embeds) > 10:
        problems["embeds"] = f"at most 10 embeds (got {len(embeds)})"
    total = 0
    for i, embed in enumerate(embeds):
        p = f"embeds.{i}"
        check_len(problems, f"{p}.title", embed.get("title"), 256)
        check_len(problems, f"{p}.description", embed.get("description"), 4096)
        for key in ("url",):
            if embed.get(key) is not None and not URL_RE.match(str(embed[key])):
                problems[f"{p}.{key}"] = f"Not a well formed URL: {embed[key]!r}"
        for key in ("image", "thumbnail"):
            if embed.get(key) is not None and not URL_RE.match(str(embed[key].get("url", ""))):
                problems[f"{p}.{key}.url"] = f"Not a well formed URL: {embed[key].get('url')!r}"
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems[f"{p}.fields"] = f"at most 25 fields (got {len(fields)})"
        for j, fld in enumerate(fields):
            check_len(problems, f"{p}.fields.{j}.name", fld.get("name"), 256, minimum=1)
            check_len(problems, f"{p}.fields.{j}.value", fld.get("value"), 1024, minimum=1)
            total += len(fld.get("name") or "") + len(fld.get("value") or "")
        footer = embed.get("footer") or {}
        check_len(problems, f"{p}.footer.text", footer.get("text"), 2048)
        author = embed.get("author") or {}
        check_len(problems, f"{p}.author.name", author.get("name"), 256)
        if author.get("url") is not None and not URL_RE.match(str(author["url"])):
            problems[f"{p}.author.url"] = f"Not a well formed URL: {author['url']!r}"
        total += sum(
            len(x or "") for x in (embed.get("title"), embed.get("description"), footer.get("text"), author.get("name"))
        )
    if total > 6000:
        problems["embeds"] = f"embeds exceed 6000 characters in total ({total})"


def iter_components(components: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component, depth first: action rows, their children, labels, sections, containers."""
    for component in components or []:
        yield component
        yield from iter_components(component.get("components") or [])
        if component.get("component"):
            yield from iter_components([component["component"]])
        if component.get("accessory"):
            yield from iter_components([component["accessory"]])


def validate_components(components: Any, problems: dict[str, str], *, v2: bool) -> None:
    if not isinstance(components, list):
        problems["components"] = "must be a list"
        return
    if not v2 and len(components) > 5:
        problems["components"] = f"at most 5 action rows (got {len(components)})"
    seen: set[str] = set()
    for i, row in enumerate(components):
        if not v2 and row.get("type") != 1:
            problems[f"components.{i}.type"] = "top-level components must be action rows (type 1)"
            continue
        if row.get("type") == 1:
            children = row.get("components") or []
            if not 1 <= len(children) <= 5:
                problems[f"components.{i}.components"] = f"an action row holds 1 to 5 components ({len(children)})"
            if any(c.get("type") in (3, 5, 6, 7, 8) for c in children) and len(children) > 1:
                problems[f"components.{i}.components"] = "a select menu must be alone in its action row"
    for i, component in enumerate(iter_components(components)):
        ctype = component.get("type")
        custom_id = component.get("custom_id")
        if ctype == 2:
            check_len(problems, f"components.{i}.label", component.get("label"), 80)
            if component.get("style") == 5:
                if not component.get("url") or custom_id:
                    problems[f"components.{i}"] = "a link button needs a url and no custom_id"
            elif component.get("style") != 6 and not custom_id:
                problems[f"components.{i}.custom_id"] = "a button needs a custom_id"
        if ctype in (3, 5, 6, 7, 8):
            if not custom_id:
                problems[f"components.{i}.custom_id"] = "a select needs a custom_id"
            if ctype == 3 and not 1 <= len(component.get("options") or []) <= 25:
                problems[f"components.{i}.options"] = "a string select needs 1 to 25 options"
            for j, option in enumerate(component.get("options") or []):
                check_len(problems, f"components.{i}.options.{j}.label", option.get("label"), 100, minimum=1)
                check_len(problems, f"components.{i}.options.{j}.value", option.get("value"), 100, minimum=1)
        if custom_id is not None:
            check_len(problems, f"components.{i}.custom_id", custom_id, 100, minimum=1)
            if custom_id in seen:
                problems[f"components.{i}.custom_id"] = f"duplicate custom_id {custom_id!r}"
            seen.add(custom_id)


def validate_message(data: dict[str, Any], *, files: int = 0, partial: bool = False) -> None:
    """Raise the DiscordError Discord would answer for this message body (create or edit)."""
    problems: dict[str, str] = {}
    content = data.get("content")
    if content is not None:
        check_len(problems, "content", content, 2000)
    if data.get("embeds") is not None:
        validate_embeds(data["embeds"], problems)
    flags = data.get("flags") or 0
    if data.get("components") is not None:
        validate_components(data["components"], problems, v2=bool(flags & 32768))
    if flags & ~MESSAGE_FLAGS_SETTABLE:
        problems["flags"] = f"flags {flags} include bits a bot cannot set"
    if problems:
        raise invalid_form(problems)
    if not partial and not (
        content or data.get("embeds") or data.get("components") or files or data.get("sticker_ids") or data.get("poll")
    ):
        raise DiscordError(400, 50006, "Cannot send an empty message")


def validate_modal(data: dict[str, Any]) -> None:
    problems: dict[str, str] = {}
    check_len(problems, "data.title", data.get("title"), 45, minimum=1)
    check_len(problems, "data.custom_id", data.get("custom_id"), 100, minimum=1)
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        problems["data.components"] = f"a modal holds 1 to 5 components (got {len(rows)})"
    for i, component in enumerate(iter_components(rows)):
        if component.get("type") == 4:
            check_len(problems, f"data.components.{i}.custom_id", component.get("custom_id"), 100, minimum=1)
            if component.get("label") is not None:
                check_len(problems, f"data.components.{i}.label", component.get("label"), 45, minimum=1)
            if component.get("value") is not None:
                check_len(problems, f"data.components.{i}.value", component.get("value"), 4000)
        if component.get("type") == 18:
            check_len(problems, f"data.components.{i}.label", component.get("label"), 45, minimum=1)
            if component.get("description") is not None:
                check_len(problems, f"data.components.{i}.description", component.get("description"), 100)
        if component.get("type") == 3:
            check_len(problems, f"data.components.{i}.custom_id", component.get("custom_id"), 100, minimum=1)
            options = component.get("options") or []
            if not 1 <= len(options) <= 25:
                problems[f"data.components.{i}.options"] = "a string select needs 1 to 25 options"
            for j, option in enumerate(options):
                check_len(problems, f"data.components.{i}.options.{j}.label", option.get("label"), 100, minimum=1)
                check_len(problems, f"data.components.{i}.options.{j}.value", option.get("value"), 100, minimum=1)
            if len({option.get("value") for option in options}) != len(options):
                problems[f"data.components.{i}.options"] = "option values must be unique"
    # In a modal a select sits in a label, never in an action row.
    for i, row in enumerate(rows):
        if row.get("type") == 1 and any(child.get("type") != 4 for child in row.get("components") or []):
            problems[f"data.components.{i}"] = "only text inputs may sit in a modal's action row"
    if problems:
        raise invalid_form(problems)


def validate_commands(commands: Any) -> None:
    problems: dict[str, str] = {}
    if not isinstance(commands, list):
        raise invalid_form({"_": "must be a list of commands"})
    if len(commands) > 100:
        problems["_"] = "at most 100 commands"
    names: set[tuple[str, int]] = set()
    for i, command in enumerate(commands):
        ctype = command.get("type", 1)
        name = command.get("name") or ""
        key = (name, ctype)
        if key in names:
            problems[f"{i}.name"] = f"duplicate command name {name!r}"
        names.add(key)
        if ctype == 1:
            if not COMMAND_NAME_RE.match(name) or name != name.lower():
                problems[f"{i}.name"] = f"invalid chat command name {name!r}"
            check_len(problems, f"{i}.description", command.get("description"), 100, minimum=1)
            _validate_options(command.get("options") or [], f"{i}.options", problems, depth=0)
    if problems:
        raise invalid_form(problems)


def _validate_options(options: list[dict[str, Any]], path: str, problems: dict[str, str], *, depth: int) -> None:
    if len(options) > 25:
        problems[path] = f"at most 25 options (got {len(options)})"
    seen: set[str] = set()
    optional_seen = False
    for i, option in enumerate(options):
        p = f"{path}.{i}"
        name = option.get("name") or ""
        if not COMMAND_NAME_RE.match(name) or name != name.lower():
            problems[f"{p}.name"] = f"invalid option name {name!r}"
        if name in seen:
            problems[f"{p}.name"] = f"duplicate option name {name!r}"
        seen.add(name)
        check_len(problems, f"{p}.description", option.get("description"), 100, minimum=1)
        otype = option.get("type")
        if otype in (1, 2):
            if depth >= (1 if otype == 2 else 2):
                problems[f"{p}.type"] = "sub-commands nest at most group > sub-command"
            _validate_options(option.get("options") or [], f"{p}.options", problems, depth=depth + 1)
            continue
        if option.get("required"):
            if optional_seen:
                problems[f"{p}.required"] = "required options must come before optional ones"
        else:
            optional_seen = True
        choices = option.get("choices") or []
        if len(choices) > 25:
            problems[f"{p}.choices"] = "at most 25 choices"
        if choices and option.get("autocomplete"):
            problems[f"{p}.autocomplete"] = "an option cannot have both choices and autocomplete"
