"""Text in the reader's language: gettext catalogues keyed by the English text, which stays the one source.

Catalogues live in `rules/locales/<language>/LC_MESSAGES/`: `messages.po` for what the bot writes, `commands.po`
for the slash commands' names, descriptions and choices. Entries flagged fuzzy await a native speaker's review;
they are shown all the same, since a careful translation serves a member better than English (see
docs/localisation.md). A locale without a catalogue, and any text a catalogue lacks, reads English.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).with_name("locales")
SOURCE_LANGUAGE = "en"
MESSAGES = "messages"
COMMANDS = "commands"
# The gettext context of command, group and option names, which obey Discord's naming rule.
NAME_CONTEXT = "name"
# Discord's locale codes that have a catalogue, and its language; every other locale reads English.
CATALOGUE_FOR_LOCALE = {
    "da": "da",
    "de": "de",
    "es-ES": "es",
    "es-419": "es",
    "fi": "fi",
    "fr": "fr",
    "nl": "nl",
    "no": "no",
    "sv-SE": "sv",
    "tr": "tr",
    "hu": "hu",
    "bg": "bg",
    "uk": "uk",
}


def N_(text: str) -> str:
    """Mark English text for the catalogues where it is defined; it is translated where it is shown."""
    return text


def language_for(locale: str | None) -> str:
    """The catalogue language for a Discord locale code (or a catalogue language itself), else English."""
    if locale is not None and locale in CATALOGUE_FOR_LOCALE.values():
        return locale
    return CATALOGUE_FOR_LOCALE.get(locale or "", SOURCE_LANGUAGE)


def shipped_languages() -> tuple[str, ...]:
    """The languages with catalogues, besides English."""
    return tuple(sorted({*CATALOGUE_FOR_LOCALE.values()}))


def catalogue_path(language: str, domain: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{domain}.po"


@dataclass(frozen=True)
class LoadedCatalogue:
    """One language's translations of one domain, read once."""

    singular: dict[tuple[str | None, str], str]
    plural: dict[str, tuple[str, ...]]
    plural_index: Callable[[int], int]


@cache
def _loaded(language: str, domain: str) -> LoadedCatalogue:
    with catalogue_path(language, domain).open("rb") as file:
        catalog: Catalog = read_po(file, locale=language)
    singular: dict[tuple[str | None, str], str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or not message.string:
            continue
        if isinstance(message.id, tuple | list):
            forms = tuple(message.string)
            if all(forms):
                plural[message.id[0]] = forms
        elif isinstance(message.string, str):
            singular[(message.context, message.id)] = message.string
    return LoadedCatalogue(singular, plural, gettext.c2py(catalog.plural_expr))


# How a date named inside a sentence is written: in English as the bot always wrote it, in another language
# with that language's own day and month names and order (Babel).
DateStyle = Literal["weekday", "date", "date_time", "time_on_date", "weekday_date_time"]
ENGLISH_DATES: dict[DateStyle, str] = {
    "weekday": "%A",
    "date": "%-d %B %Y",
    "date_time": "%-d %B %Y %H:%M",
    "time_on_date": "%H:%M on %-d %B %Y",
    "weekday_date_time": "%A %-d %B %H:%M",
}


@dataclass(frozen=True)
class Written:
    """A date or time a sentence names ("3 December 2027 is a Friday"), written in the reader's language when
    the sentence is translated; `str()` gives the English."""

    value: date | datetime
    style: DateStyle

    def __str__(self) -> str:
        return self.value.strftime(ENGLISH_DATES[self.style])

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def in_language(self, language: str) -> str:
        if language == SOURCE_LANGUAGE:
            return str(self)
        where = Locale.parse(language)
        if self.style == "weekday":
            # Stand-alone: Finnish "perjantai", not "perjantaina" (on Friday).
            return format_date(self.value, "cccc", locale=where)
        if self.style == "date" or not isinstance(self.value, datetime):
            return format_date(self.value, "long", locale=where)
        day = format_date(self.value, "full" if self.style == "weekday_date_time" else "long", locale=where)
        clock = format_time(self.value, "short", tzinfo=self.value.tzinfo, locale=where)
        pattern = str(get_datetime_format("medium", locale=where)).replace("'", "")
        return pattern.replace("{1}", day).replace("{0}", clock)


class Sentence:
    """An English sentence and its params, made where the reader's language is unknown (a read-back note from
    the time parser) and translated where it is shown; `str()` gives the English."""

    def __init__(self, template: str, /, **params: object) -> None:
        self.template = template
        self.params = params

    def __str__(self) -> str:
        return _format(self.template, self.params)

    def __repr__(self) -> str:
        return f"Sentence({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sentence) and (self.template, self.params) == (other.template, other.params)

    __hash__ = None  # type: ignore[assignment]  # params are a dict

    def in_language(self, locale: str | None) -> str:
        return translate(locale, self.template, **self.params)


# Two sentences shown as one; a joint, not a text for the catalogues.
BOTH = "{first} {second}"


def _format(text: str, params: dict[str, object], language: str = SOURCE_LANGUAGE) -> str:
    if not params:
        return text
    return text.format(**{name: _written(value, language) for name, value in params.items()})


def _written(value: object, language: str) -> object:
    if isinstance(value, Written | Sentence):
        return value.in_language(language)
    return value


def translate(locale: str | None, text: str, /, **params: object) -> str:
    """`text` (English, with `{name}` placeholders) in the locale's language, placeholders filled; a `Written`
    date among them is written in that language too."""
    language = language_for(locale)
    if language != SOURCE_LANGUAGE:
        text = _loaded(language, MESSAGES).singular.get((None, text), text)
    return _format(text, params, language)


def translate_plural(locale: str | None, one: str, many: str, count: int, /, **params: object) -> str:
    """The form of `one`/`many` that fits `count` in the locale's language (`{count}` is filled in too)."""
    language = language_for(locale)
    text = one if count == 1 else many
    if language != SOURCE_LANGUAGE:
        loaded = _loaded(language, MESSAGES)
        forms = loaded.plural.get(one)
        if forms is not None:
            text = forms[min(loaded.plural_index(count), len(forms) - 1)]
    return _format(text, {"count": count, **params}, language)


def command_text(locale: str, text: str, *, name: bool) -> str | None:
    """A command's name (`name=True`), description or choice in the locale's language; None when untranslated."""
    language = language_for(locale)
    if language == SOURCE_LANGUAGE:
        return None
    return _loaded(language, COMMANDS).singular.get((NAME_CONTEXT if name else None, text))


def format_when(when: datetime, locale: str | None) -> str:
    """A date and time in words in the locale's language, in `when`'s own zone (e.g. "Donnerstag, 4. März 2027,
    14:00"); shown beside a Discord timestamp, which Discord renders in the reader's zone."""
    where = Locale.parse(language_for(locale))
    pattern = str(get_datetime_format("long", locale=where)).replace("'", "")
    day = format_date(when, "full", locale=where)
    clock = format_time(when, "short", tzinfo=when.tzinfo, locale=where)
    return pattern.replace("{1}", day).replace("{0}", clock)
