"""Times written in each coalition language: every phrase family, read the same way and checked the same way."""

from __future__ import annotations

import time as clock
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from rules.errors import DomainError
from rules.time_phrases import lexicon
from rules.timeparse import TimeInputError, parse_end, parse_time

BERLIN, HELSINKI = ZoneInfo("Europe/Berlin"), ZoneInfo("Europe/Helsinki")
# Monday 1 March 2027, 10:00 in Berlin.
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)

# Per language: (family, what a member types, the wall-clock time in Berlin it must mean).
PHRASES: dict[str, list[tuple[str, str, str]]] = {
    "en": [
        ("relative day", "today 18:00", "2027-03-01 18:00"),
        ("relative day", "tomorrow 9:30", "2027-03-02 09:30"),
        ("relative day", "the day after tomorrow at 10", "2027-03-03 10:00"),
        ("relative day", "tonight at 8", "2027-03-01 20:00"),
        ("weekday", "wednesday 15:00", "2027-03-03 15:00"),
        ("weekday", "next monday 15:00", "2027-03-08 15:00"),
        ("weekday", "this monday 18:00", "2027-03-01 18:00"),
        ("weekday", "on fri at 9am", "2027-03-05 09:00"),
        ("month", "3 December 14:00", "2027-12-03 14:00"),
        ("month", "December 3rd 2027 2pm", "2027-12-03 14:00"),
        ("month", "3 dec. 14:00", "2027-12-03 14:00"),
        ("month", "1 feb 10:00", "2028-02-01 10:00"),
        ("noon/midnight", "tomorrow at noon", "2027-03-02 12:00"),
        ("noon/midnight", "friday at midnight", "2027-03-06 00:00"),
        ("noon/midnight", "12 noon tomorrow", "2027-03-02 12:00"),
        ("24-hour", "tomorrow 14h", "2027-03-02 14:00"),
        ("24-hour", "tomorrow 14.30", "2027-03-02 14:30"),
        ("24-hour", "14:30 tomorrow", "2027-03-02 14:30"),
        ("am/pm, part of day", "tomorrow 2:30 p.m.", "2027-03-02 14:30"),
        ("am/pm, part of day", "tomorrow 12 am", "2027-03-02 00:00"),
        ("am/pm, part of day", "tomorrow 12 pm", "2027-03-02 12:00"),
        ("am/pm, part of day", "tomorrow 9 in the evening", "2027-03-02 21:00"),
    ],
    "de": [
        ("relative day", "heute 18 Uhr", "2027-03-01 18:00"),
        ("relative day", "morgen 14 Uhr", "2027-03-02 14:00"),
        ("relative day", "übermorgen um 9 Uhr", "2027-03-03 09:00"),
        ("relative day", "ubermorgen 9:00", "2027-03-03 09:00"),
        ("weekday", "Mittwoch 15 Uhr", "2027-03-03 15:00"),
        ("weekday", "nächsten Montag um 10 Uhr", "2027-03-08 10:00"),
        ("weekday", "am Freitag um 14:30", "2027-03-05 14:30"),
        ("weekday", "diesen Montag 18 Uhr", "2027-03-01 18:00"),
        ("month", "3. Dezember 14 Uhr", "2027-12-03 14:00"),
        ("month", "am 3. Dez. 2027 um 14 Uhr", "2027-12-03 14:00"),
        ("month", "3 dez 14:00", "2027-12-03 14:00"),
        ("month", "3.12. 14:00", "2027-12-03 14:00"),
        ("month", "14 Uhr am 3.12.2027", "2027-12-03 14:00"),
        ("noon/midnight", "morgen Mittag", "2027-03-02 12:00"),
        ("noon/midnight", "Freitag um Mitternacht", "2027-03-06 00:00"),
        ("24-hour", "morgen 14.30 Uhr", "2027-03-02 14:30"),
        ("24-hour", "morgen um 14.30.", "2027-03-02 14:30"),
        ("am/pm, part of day", "morgen früh 9 Uhr", "2027-03-02 09:00"),
        ("am/pm, part of day", "heute Abend 8 Uhr", "2027-03-01 20:00"),
        ("am/pm, part of day", "morgen 3 Uhr nachmittags", "2027-03-02 15:00"),
        ("am/pm, part of day", "Montag Morgen 9 Uhr", "2027-03-08 09:00"),
        ("am/pm, part of day", "morgen Morgen 8 Uhr", "2027-03-02 08:00"),
    ],
    "nl": [
        ("relative day", "vandaag 18:00", "2027-03-01 18:00"),
        ("relative day", "morgen 14:00", "2027-03-02 14:00"),
        ("relative day", "overmorgen om 9 uur", "2027-03-03 09:00"),
        ("weekday", "woensdag 15 uur", "2027-03-03 15:00"),
        ("weekday", "volgende maandag om 10 uur", "2027-03-08 10:00"),
        ("weekday", "deze maandag 18:00", "2027-03-01 18:00"),
        ("weekday", "vrijdag om 14.30", "2027-03-05 14:30"),
        ("month", "3 december 14:00", "2027-12-03 14:00"),
        ("month", "3 dec. 2027 om 14 uur", "2027-12-03 14:00"),
        ("month", "1 mrt 10:00", "2028-03-01 10:00"),
        ("noon/midnight", "morgen om middernacht", "2027-03-03 00:00"),
        ("noon/midnight", "morgen 12 uur 's middags", "2027-03-02 12:00"),
        ("24-hour", "morgen 14.30", "2027-03-02 14:30"),
        ("24-hour", "morgen om 9 uur", "2027-03-02 09:00"),
        ("am/pm, part of day", "vanavond 8 uur", "2027-03-01 20:00"),
        ("am/pm, part of day", "morgen 3 uur 's middags", "2027-03-02 15:00"),
        ("am/pm, part of day", "maandag morgen 9 uur", "2027-03-08 09:00"),
        ("am/pm, part of day", "morgen 9 uur ’s ochtends", "2027-03-02 09:00"),
    ],
    "fr": [
        ("relative day", "aujourd'hui 18h", "2027-03-01 18:00"),
        ("relative day", "demain 14h", "2027-03-02 14:00"),
        ("relative day", "après-demain à 9h30", "2027-03-03 09:30"),
        ("relative day", "apres demain 9h", "2027-03-03 09:00"),
        ("weekday", "mercredi 15h", "2027-03-03 15:00"),
        ("weekday", "lundi prochain à 10h", "2027-03-08 10:00"),
        ("weekday", "ce lundi 18h", "2027-03-01 18:00"),
        ("weekday", "ven. 14h", "2027-03-05 14:00"),
        ("month", "3 décembre 14h", "2027-12-03 14:00"),
        ("month", "le 3 déc. 2027 à 14h30", "2027-12-03 14:30"),
        ("month", "1er decembre à 9h", "2027-12-01 09:00"),
        ("noon/midnight", "demain midi", "2027-03-02 12:00"),
        ("noon/midnight", "vendredi à minuit", "2027-03-06 00:00"),
        ("24-hour", "demain 14h30", "2027-03-02 14:30"),
        ("24-hour", "demain à 14:30", "2027-03-02 14:30"),
        ("24-hour", "demain 14 heures", "2027-03-02 14:00"),
        ("am/pm, part of day", "ce soir 20h", "2027-03-01 20:00"),
        ("am/pm, part of day", "demain 8h du soir", "2027-03-02 20:00"),
        ("am/pm, part of day", "demain matin 9h", "2027-03-02 09:00"),
        ("am/pm, part of day", "demain 3 heures de l’après-midi", "2027-03-02 15:00"),
    ],
    "es": [
        ("relative day", "hoy a las 18:00", "2027-03-01 18:00"),
        ("relative day", "mañana a las 10", "2027-03-02 10:00"),
        ("relative day", "pasado mañana a las 9", "2027-03-03 09:00"),
        ("relative day", "manana 10h", "2027-03-02 10:00"),
        ("weekday", "miércoles a las 15", "2027-03-03 15:00"),
        ("weekday", "el próximo lunes a las 10", "2027-03-08 10:00"),
        ("weekday", "el lunes que viene a las 10", "2027-03-08 10:00"),
        ("weekday", "este lunes a las 18", "2027-03-01 18:00"),
        ("month", "3 de diciembre a las 10", "2027-12-03 10:00"),
        ("month", "3 dic. 2027 10:00", "2027-12-03 10:00"),
        ("month", "el 3 de dic a las 14:30", "2027-12-03 14:30"),
        ("noon/midnight", "mañana al mediodía", "2027-03-02 12:00"),
        ("noon/midnight", "viernes a medianoche", "2027-03-06 00:00"),
        ("24-hour", "mañana a las 14:30", "2027-03-02 14:30"),
        ("24-hour", "mañana 14h", "2027-03-02 14:00"),
        ("am/pm, part of day", "mañana a las 8 de la tarde", "2027-03-02 20:00"),
        ("am/pm, part of day", "mañana por la mañana a las 9", "2027-03-02 09:00"),
        ("am/pm, part of day", "esta noche a las 9", "2027-03-01 21:00"),
        ("am/pm, part of day", "mañana a las 10 de la noche", "2027-03-02 22:00"),
    ],
    "ca": [
        ("relative day", "avui a les 18", "2027-03-01 18:00"),
        ("relative day", "demà a les 10", "2027-03-02 10:00"),
        ("relative day", "demà passat a les 9", "2027-03-03 09:00"),
        ("weekday", "dimecres a les 15", "2027-03-03 15:00"),
        ("weekday", "dilluns vinent a les 9", "2027-03-08 09:00"),
        ("weekday", "el proper dilluns a les 10", "2027-03-08 10:00"),
        ("weekday", "aquest dilluns a les 18", "2027-03-01 18:00"),
        ("month", "3 de desembre a les 10", "2027-12-03 10:00"),
        ("month", "3 d'octubre a les 10", "2027-10-03 10:00"),
        ("month", "3 de des. de 2027 a les 10", "2027-12-03 10:00"),
        ("noon/midnight", "demà al migdia", "2027-03-02 12:00"),
        ("noon/midnight", "divendres a mitjanit", "2027-03-06 00:00"),
        ("24-hour", "demà a les 14:30", "2027-03-02 14:30"),
        ("24-hour", "demà 14h", "2027-03-02 14:00"),
        ("am/pm, part of day", "demà a les 8 del vespre", "2027-03-02 20:00"),
        ("am/pm, part of day", "aquesta nit a les 9", "2027-03-01 21:00"),
        ("am/pm, part of day", "demà a les 9 del matí", "2027-03-02 09:00"),
        ("am/pm, part of day", "demà a les 5 de la tarda", "2027-03-02 17:00"),
    ],
    "da": [
        ("relative day", "i dag kl. 18", "2027-03-01 18:00"),
        ("relative day", "i morgen kl. 10", "2027-03-02 10:00"),
        ("relative day", "i overmorgen kl 9", "2027-03-03 09:00"),
        ("relative day", "idag 18:00", "2027-03-01 18:00"),
        ("weekday", "onsdag kl. 15", "2027-03-03 15:00"),
        ("weekday", "næste mandag kl. 10", "2027-03-08 10:00"),
        ("weekday", "naeste mandag kl 10", "2027-03-08 10:00"),
        ("weekday", "på fredag kl. 14.30", "2027-03-05 14:30"),
        ("month", "3. december kl. 14", "2027-12-03 14:00"),
        ("month", "den 3. dec. 2027 kl. 14", "2027-12-03 14:00"),
        ("month", "1. marts kl. 10", "2028-03-01 10:00"),
        ("noon/midnight", "fredag midnat", "2027-03-06 00:00"),
        ("24-hour", "i morgen kl. 14.30", "2027-03-02 14:30"),
        ("24-hour", "i morgen 14:30", "2027-03-02 14:30"),
        ("am/pm, part of day", "i aften kl. 8", "2027-03-01 20:00"),
        ("am/pm, part of day", "i morgen tidlig kl. 8", "2027-03-02 08:00"),
        ("am/pm, part of day", "mandag morgen kl. 9", "2027-03-08 09:00"),
        ("am/pm, part of day", "i morgen kl. 3 om eftermiddagen", "2027-03-02 15:00"),
    ],
    "no": [
        ("relative day", "i dag kl. 18", "2027-03-01 18:00"),
        ("relative day", "i morgen kl. 10", "2027-03-02 10:00"),
        ("relative day", "i overmorgen kl 9", "2027-03-03 09:00"),
        ("relative day", "imorgen 10:00", "2027-03-02 10:00"),
        ("weekday", "onsdag kl. 15", "2027-03-03 15:00"),
        ("weekday", "neste mandag kl. 10", "2027-03-08 10:00"),
        ("weekday", "tor. kl 10", "2027-03-04 10:00"),
        ("month", "3. desember kl. 14", "2027-12-03 14:00"),
        ("month", "3. des. 2027 kl 14", "2027-12-03 14:00"),
        ("month", "1. mars kl. 10", "2028-03-01 10:00"),
        ("noon/midnight", "fredag midnatt", "2027-03-06 00:00"),
        ("24-hour", "i morgen klokka 14.30", "2027-03-02 14:30"),
        ("24-hour", "i morgen 14:30", "2027-03-02 14:30"),
        ("am/pm, part of day", "i kveld kl. 8", "2027-03-01 20:00"),
        ("am/pm, part of day", "i morgen tidlig kl. 8", "2027-03-02 08:00"),
        ("am/pm, part of day", "i morgen kl. 3 på ettermiddagen", "2027-03-02 15:00"),
    ],
    "sv": [
        ("relative day", "idag kl 18", "2027-03-01 18:00"),
        ("relative day", "imorgon kl 14", "2027-03-02 14:00"),
        ("relative day", "i övermorgon kl. 9", "2027-03-03 09:00"),
        ("relative day", "i morgon klockan 10", "2027-03-02 10:00"),
        ("weekday", "onsdag kl 15", "2027-03-03 15:00"),
        ("weekday", "nästa måndag kl 10", "2027-03-08 10:00"),
        ("weekday", "på fredag kl. 14.30", "2027-03-05 14:30"),
        ("weekday", "mån kl 10", "2027-03-08 10:00"),
        ("month", "3 december kl 14", "2027-12-03 14:00"),
        ("month", "den 3 dec. 2027 kl 14", "2027-12-03 14:00"),
        ("month", "1 mars kl 10", "2028-03-01 10:00"),
        ("noon/midnight", "fredag midnatt", "2027-03-06 00:00"),
        ("24-hour", "imorgon 14:30", "2027-03-02 14:30"),
        ("24-hour", "imorgon kl 14.30", "2027-03-02 14:30"),
        ("am/pm, part of day", "ikväll kl 8", "2027-03-01 20:00"),
        ("am/pm, part of day", "i morgon bitti kl 7", "2027-03-02 07:00"),
        ("am/pm, part of day", "imorgon kl 3 på eftermiddagen", "2027-03-02 15:00"),
    ],
    "fi": [
        ("relative day", "tänään klo 18", "2027-03-01 18:00"),
        ("relative day", "huomenna klo 10", "2027-03-02 10:00"),
        ("relative day", "ylihuomenna klo 9", "2027-03-03 09:00"),
        ("relative day", "tanaan klo 18", "2027-03-01 18:00"),
        ("weekday", "keskiviikkona klo 15", "2027-03-03 15:00"),
        ("weekday", "ensi maanantaina klo 10", "2027-03-08 10:00"),
        ("weekday", "tänä maanantaina klo 18", "2027-03-01 18:00"),
        ("weekday", "perjantai klo 14.30", "2027-03-05 14:30"),
        ("month", "3. joulukuuta klo 14", "2027-12-03 14:00"),
        ("month", "3. jouluk. 2027 klo 14", "2027-12-03 14:00"),
        ("month", "3.12. klo 14.30", "2027-12-03 14:30"),
        ("month", "1. maaliskuuta klo 10", "2028-03-01 10:00"),
        ("noon/midnight", "huomenna keskipäivällä", "2027-03-02 12:00"),
        ("noon/midnight", "perjantaina keskiyöllä", "2027-03-06 00:00"),
        ("24-hour", "huomenna klo 14.30", "2027-03-02 14:30"),
        ("24-hour", "huomenna 14:30", "2027-03-02 14:30"),
        ("am/pm, part of day", "tänä iltana klo 8", "2027-03-01 20:00"),
        ("am/pm, part of day", "huomenna klo 3 iltapäivällä", "2027-03-02 15:00"),
        ("am/pm, part of day", "huomenna aamulla klo 8", "2027-03-02 08:00"),
    ],
    "hu": [
        ("relative day", "ma 18 órakor", "2027-03-01 18:00"),
        ("relative day", "holnap 14-kor", "2027-03-02 14:00"),
        ("relative day", "holnapután 9 órakor", "2027-03-03 09:00"),
        ("weekday", "szerdán 15 órakor", "2027-03-03 15:00"),
        ("weekday", "jövő hétfőn 10-kor", "2027-03-08 10:00"),
        ("weekday", "pénteken 14:30-kor", "2027-03-05 14:30"),
        ("month", "december 3. 14:00", "2027-12-03 14:00"),
        ("month", "2027. december 3-án 14 órakor", "2027-12-03 14:00"),
        ("month", "dec. 3. 14:00", "2027-12-03 14:00"),
        ("month", "március 1. 10:00", "2028-03-01 10:00"),
        ("noon/midnight", "holnap délben", "2027-03-02 12:00"),
        ("noon/midnight", "pénteken éjfélkor", "2027-03-06 00:00"),
        ("24-hour", "holnap 14:30", "2027-03-02 14:30"),
        ("24-hour", "holnap 14.30-kor", "2027-03-02 14:30"),
        ("am/pm, part of day", "ma este 8-kor", "2027-03-01 20:00"),
        ("am/pm, part of day", "holnap délután 3-kor", "2027-03-02 15:00"),
        ("am/pm, part of day", "holnap reggel 8-kor", "2027-03-02 08:00"),
    ],
    "tr": [
        ("relative day", "bugün saat 18:00", "2027-03-01 18:00"),
        ("relative day", "yarın saat 14:00", "2027-03-02 14:00"),
        ("relative day", "yarın 14'te", "2027-03-02 14:00"),
        ("relative day", "öbür gün saat 9", "2027-03-03 09:00"),
        ("relative day", "yarin 14:00", "2027-03-02 14:00"),
        ("weekday", "çarşamba saat 15", "2027-03-03 15:00"),
        ("weekday", "gelecek pazartesi saat 10", "2027-03-08 10:00"),
        ("weekday", "bu pazartesi saat 18", "2027-03-01 18:00"),
        ("month", "3 Aralık 14:00", "2027-12-03 14:00"),
        ("month", "3 Ara 2027 saat 14", "2027-12-03 14:00"),
        ("month", "1 Mart saat 10", "2028-03-01 10:00"),
        ("noon/midnight", "yarın öğlen", "2027-03-02 12:00"),
        ("noon/midnight", "cuma gece yarısı", "2027-03-06 00:00"),
        ("24-hour", "yarın 14.30'da", "2027-03-02 14:30"),
        ("24-hour", "yarın saat 9", "2027-03-02 09:00"),
        ("am/pm, part of day", "bu akşam saat 8", "2027-03-01 20:00"),
        ("am/pm, part of day", "yarın öğleden sonra 3'te", "2027-03-02 15:00"),
        ("am/pm, part of day", "yarın sabah 9'da", "2027-03-02 09:00"),
    ],
    "uk": [
        ("relative day", "сьогодні о 18:00", "2027-03-01 18:00"),
        ("relative day", "завтра о 14:00", "2027-03-02 14:00"),
        ("relative day", "післязавтра о 9", "2027-03-03 09:00"),
        ("weekday", "в середу о 15", "2027-03-03 15:00"),
        ("weekday", "наступного понеділка о 10", "2027-03-08 10:00"),
        ("weekday", "у п’ятницю о 14:30", "2027-03-05 14:30"),
        ("month", "3 грудня о 14:00", "2027-12-03 14:00"),
        ("month", "3 груд. 2027 о 14", "2027-12-03 14:00"),
        ("month", "1 березня о 10", "2028-03-01 10:00"),
        ("noon/midnight", "завтра опівдні", "2027-03-02 12:00"),
        ("noon/midnight", "в п'ятницю опівночі", "2027-03-06 00:00"),
        ("24-hour", "завтра о 14.30", "2027-03-02 14:30"),
        ("24-hour", "завтра о 14 годині", "2027-03-02 14:00"),
        ("am/pm, part of day", "завтра о 8 вечора", "2027-03-02 20:00"),
        ("am/pm, part of day", "завтра о 9 ранку", "2027-03-02 09:00"),
        ("am/pm, part of day", "завтра о 3 дня", "2027-03-02 15:00"),
    ],
    "bg": [
        ("relative day", "днес в 18:00", "2027-03-01 18:00"),
        ("relative day", "утре в 14 ч.", "2027-03-02 14:00"),
        ("relative day", "вдругиден в 9 часа", "2027-03-03 09:00"),
        ("weekday", "в сряда в 15 ч.", "2027-03-03 15:00"),
        ("weekday", "следващия понеделник в 10", "2027-03-08 10:00"),
        ("weekday", "в петък в 14:30", "2027-03-05 14:30"),
        ("month", "3 декември в 14 ч.", "2027-12-03 14:00"),
        ("month", "3 дек. 2027 в 14:00", "2027-12-03 14:00"),
        ("month", "1 март в 10", "2028-03-01 10:00"),
        ("noon/midnight", "утре по обед", "2027-03-02 12:00"),
        ("noon/midnight", "в петък в полунощ", "2027-03-06 00:00"),
        ("24-hour", "утре в 14.30", "2027-03-02 14:30"),
        ("24-hour", "утре 14:30 часа", "2027-03-02 14:30"),
        ("am/pm, part of day", "довечера в 8", "2027-03-01 20:00"),
        ("am/pm, part of day", "утре в 8 вечерта", "2027-03-02 20:00"),
        ("am/pm, part of day", "утре в 9 сутринта", "2027-03-02 09:00"),
        ("am/pm, part of day", "утре в 3 следобед", "2027-03-02 15:00"),
    ],
}
# Per language: 28 March 2027 and 31 October 2027 at {h}:30, the nights the clocks change in the EU.
DST_DAYS: dict[str, tuple[str, str]] = {
    "en": ("28 March 2027 {h}:30", "31 October 2027 {h}:30"),
    "de": ("28. März 2027 um {h}.30 Uhr", "31. Okt. 2027 {h}:30"),
    "nl": ("28 maart 2027 om {h}.30 uur", "31 oktober 2027 {h}:30"),
    "fr": ("28 mars 2027 à {h}h30", "31 octobre 2027 {h}h30"),
    "es": ("28 de marzo de 2027 a las {h}:30", "31 de octubre de 2027 a las {h}:30"),
    "ca": ("28 de març de 2027 a les {h}:30", "31 d'octubre de 2027 a les {h}:30"),
    "da": ("28. marts 2027 kl. {h}.30", "31. oktober 2027 kl. {h}.30"),
    "no": ("28. mars 2027 kl. {h}.30", "31. okt. 2027 klokka {h}.30"),
    "sv": ("28 mars 2027 kl {h}.30", "31 oktober 2027 klockan {h}.30"),
    "fi": ("28. maaliskuuta 2027 klo {h}.30", "31. lokakuuta 2027 klo {h}.30"),
    "hu": ("2027. március 28. {h}:30-kor", "2027. október 31. {h}:30"),
    "tr": ("28 Mart 2027 saat {h}:30", "31 Ekim 2027 saat {h}:30"),
    "uk": ("28 березня 2027 о {h}:30", "31 жовтня 2027 о {h}:30"),
    "bg": ("28 март 2027 в {h}:30", "31 октомври 2027 в {h}:30 ч."),
}
# Clocks jump forward at 02:00 in Berlin and 03:00 in Helsinki, and go back over the same hour in October.
DST_ZONES = {"Europe/Berlin": 2, "Europe/Helsinki": 3}


def wall_in(text: str, zone: ZoneInfo = BERLIN) -> str:
    return f"{parse_time(text, zone=zone, now=NOW).instant.astimezone(zone):%Y-%m-%d %H:%M}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(text, expected, id=f"{language}-{family}-{text}")
        for language, cases in PHRASES.items()
        for family, text, expected in cases
    ],
)
def test_parse_time_reads_each_language(text: str, expected: str) -> None:
    assert wall_in(text) == expected


@pytest.mark.parametrize(("language", "zone"), [(lang, zone) for lang in DST_DAYS for zone in DST_ZONES])
def test_parse_time_refuses_a_skipped_wall_time_in_every_language(language: str, zone: str) -> None:
    spring, _ = DST_DAYS[language]
    with pytest.raises(TimeInputError) as raised:
        parse_time(spring.format(h=DST_ZONES[zone]), zone=ZoneInfo(zone), now=NOW)
    assert f"does not exist in {zone}" in raised.value.user_message


@pytest.mark.parametrize(("language", "zone"), [(lang, zone) for lang in DST_DAYS for zone in DST_ZONES])
def test_parse_time_takes_the_first_of_a_repeated_wall_time_in_every_language(language: str, zone: str) -> None:
    _, autumn = DST_DAYS[language]
    parsed = parse_time(autumn.format(h=DST_ZONES[zone]), zone=ZoneInfo(zone), now=NOW)
    assert parsed.instant == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # summer time: the first of the two
    assert parsed.note is not None and "happens twice" in str(parsed.note)


def test_tomorrow_14h_is_two_in_the_afternoon_not_midnight() -> None:
    # dateparser reads these as midnight; the bot must not.
    for text in ("tomorrow 14h", "demain 14h", "mañana 14h", "morgen 14h"):
        assert wall_in(text) == "2027-03-02 14:00", text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Montag, 3. Dezember 2027 14 Uhr", "3 December 2027 is a Friday, not a Monday"),
        ("morgen 14 Uhr morgens", "14:00 is not in the morning"),
        ("i morgen middag", "Add a time of day to “i morgen middag”, e.g. 2027-03-02 14:00"),
        ("morgen früh", "Add a time of day"),
        ("14 Uhr", "Add a day to “14 uhr”, e.g. today 14:00 or tomorrow 14:00"),
        ("3.12", "Add a day to “3.12”, e.g. today 03:12"),  # a dotted number alone is a time
        ("31.2. 10 Uhr", "31.2. is not a date"),
        ("morgen 25 Uhr", "not a time of day"),
        ("demain 13pm", "13 pm is not a time"),
        ("tomorrow 12 in the evening", "is unclear; write noon, midnight"),
        ("5 noon tomorrow", "do not go together"),
        ("9 este lunes", "can be read as Monday 8 March 21:00 or as Monday 1 March 09:00"),
    ],
)
def test_parse_time_refuses_what_it_cannot_read_for_sure(text: str, message: str) -> None:
    with pytest.raises(TimeInputError) as raised:
        parse_time(text, zone=BERLIN, now=NOW)
    assert message in raised.value.user_message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("morgen 14.30", "2027-03-02 14:30"),  # a number with a dot is a time ...
        ("tomorrow 10.11", "2027-03-02 10:11"),
        ("morgen um 14.30.", "2027-03-02 14:30"),  # ... also at the end of a sentence, as no month is 30
        ("3.12. 14:00", "2027-12-03 14:00"),  # ... a date when it ends with a dot
        ("3.12.2027 14:00", "2027-12-03 14:00"),  # ... or has a year
        ("3.12 14:00", "2027-12-03 14:00"),  # ... or when another time follows
        ("14 Uhr 3.12", "2027-12-03 14:00"),
        ("3.5 14:00", "2027-05-03 14:00"),  # one digit after the dot is never minutes
    ],
)
def test_parse_time_tells_a_dotted_time_from_a_dotted_date(text: str, expected: str) -> None:
    assert wall_in(text) == expected


def test_parse_time_refuses_the_past_in_any_language() -> None:
    with pytest.raises(TimeInputError, match="is in the past"):
        parse_time("heute 8 Uhr", zone=BERLIN, now=NOW)


def test_parse_end_reads_a_time_of_day_in_any_language() -> None:
    start = parse_time("morgen 14 Uhr", zone=BERLIN, now=NOW).instant
    for text in ("16 Uhr", "klo 16.00", "kl. 16", "16h", "4pm", "16 uur"):
        assert parse_end(text, start=start, zone=BERLIN).instant.astimezone(BERLIN).hour == 16, text
    midnight = parse_end("minuit", start=start, zone=BERLIN)
    assert f"{midnight.instant.astimezone(BERLIN):%Y-%m-%d %H:%M}" == "2027-03-03 00:00"


def test_words_with_two_meanings_across_languages_are_the_known_few() -> None:
    # Each is settled by the grammar or refused when it is not; a new one needs the same thought.
    two_meanings = {phrase for phrase, meanings in lexicon().items() if len(meanings) > 1}
    assert two_meanings == {"am", "este", "manana", "morgen", "proximo"}


words = st.sampled_from(sorted(lexicon()))
numbers = st.sampled_from(["0", "3", "9", "12", "14", "24", "31", "99", "2027", "0000", "9999", "14.30", "3.12.",
                           "31.2.", "14h", "14h30", "2:30", "29/2", "2027-02-29", "0.0.", "1er", "3rd", "14-kor",
                           "14'te", "14'xy"])  # fmt: skip
separators = st.sampled_from([" ", ". ", ", ", "-", "'", ""])
phrases = st.lists(st.tuples(st.one_of(words, numbers), separators), min_size=1, max_size=8).map(
    lambda parts: "".join(word + separator for word, separator in parts)
)


@given(st.one_of(phrases, st.text(max_size=120)), st.sampled_from([BERLIN, HELSINKI, ZoneInfo("UTC")]))
@example("31 december 9999 midnight", BERLIN)
@example("am am am am am am am am am am 14", BERLIN)
@example("29 februar 12 uhr", HELSINKI)
def test_parse_time_any_phrase_gives_an_existing_future_time_or_says_why(text: str, zone: ZoneInfo) -> None:
    began = clock.monotonic()
    try:
        parsed = parse_time(text, zone=zone, now=NOW)
    except DomainError as error:
        assert error.user_message.strip()
        return
    finally:
        assert clock.monotonic() - began < 2.0, "a parser took too long"
    assert parsed.instant.tzinfo is not None and parsed.instant > NOW
