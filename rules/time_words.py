"""The words members write for days, months and times of day, one table per language.

Adding a language is adding a table to LANGUAGES: rules/time_phrases.py reads every shipped language whatever the
member's client language is. Write words in lower case as the language spells them; accents, æ, ø and the dotless ı
are folded away when matching, so members may leave them out. Several words make one phrase ("day after tomorrow").

Left out on purpose: two-letter weekday abbreviations (Finnish "ma" is Monday, Hungarian "ma" is today) and the
Spanish and French "mar" for Tuesday (it is March everywhere else); "middag" as noon (Danish noon, but Dutch
afternoon, and dinner in Swedish and Norwegian). tests/unit/test_time_phrases.py lists every word that means more
than one thing across languages, so a new overlap is a conscious choice.
"""

from __future__ import annotations

from typing import TypedDict


class Words(TypedDict, total=False):
    """One language: each key names what its words mean (see rules/time_phrases.py for how they combine)."""

    days: dict[str, int]  # a day counted from today: today 0, tomorrow 1, the day after 2
    tonight: list[str]  # today, in the evening
    weekdays: list[list[str]]  # Monday first; every form a member may write (on Monday, abbreviations)
    next: list[str]  # before a weekday: the first such day after today
    next_after: list[str]  # the same, written after the weekday (lundi prochain)
    this: list[str]  # before a weekday: today if it is that day
    months: list[list[str]]  # January first; every form (genitive, partitive, abbreviation without its dot)
    noon: list[str]
    midnight: list[str]  # the midnight that ends the day named
    morning: list[str]  # an hour 0–11 as written
    afternoon: list[str]  # an hour 1–11 is after noon; 12 is noon
    evening: list[str]  # an hour 1–11 is after noon; 12 is refused (noon or midnight?)
    am: list[str]
    pm: list[str]
    hour: list[str]  # after an hour: 14 Uhr, 9 uur, 14 h
    fillers: list[str]  # words that only join the others: at, on, the, um, à, kl.
    ordinals: list[str]  # after a day's number: 3rd, 1er
    suffixes: list[str]  # endings joined to a number by - or ': 14-kor, 3-án, 14'te


ENGLISH: Words = {
    "days": {"today": 0, "tomorrow": 1, "day after tomorrow": 2},
    "tonight": ["tonight"],
    "weekdays": [
        ["monday", "mon"],
        ["tuesday", "tue", "tues"],
        ["wednesday", "wed"],
        ["thursday", "thu", "thur", "thurs"],
        ["friday", "fri"],
        ["saturday", "sat"],
        ["sunday", "sun"],
    ],
    "next": ["next", "coming"],
    "this": ["this"],
    "months": [
        ["january", "jan"],
        ["february", "feb"],
        ["march", "mar"],
        ["april", "apr"],
        ["may"],
        ["june", "jun"],
        ["july", "jul"],
        ["august", "aug"],
        ["september", "sep", "sept"],
        ["october", "oct"],
        ["november", "nov"],
        ["december", "dec"],
    ],
    "noon": ["noon", "midday"],
    "midnight": ["midnight"],
    "morning": ["morning", "in the morning"],
    "afternoon": ["afternoon", "in the afternoon"],
    "evening": ["evening", "in the evening"],
    "am": ["am"],
    "pm": ["pm"],
    "hour": ["o'clock", "oclock"],
    "fillers": ["at", "on", "the"],
    "ordinals": ["st", "nd", "rd", "th"],
}

GERMAN: Words = {
    "days": {"heute": 0, "morgen": 1, "übermorgen": 2},
    "weekdays": [
        ["montag"],
        ["dienstag"],
        ["mittwoch"],
        ["donnerstag"],
        ["freitag"],
        ["samstag", "sonnabend"],
        ["sonntag"],
    ],
    "next": ["nächsten", "nächster", "nächste", "kommenden", "kommender"],
    "this": ["diesen", "dieser"],
    "months": [
        ["januar", "jänner", "jan"],
        ["februar", "feb"],
        ["märz", "mär", "mrz"],
        ["april", "apr"],
        ["mai"],
        ["juni", "jun"],
        ["juli", "jul"],
        ["august", "aug"],
        ["september", "sep", "sept"],
        ["oktober", "okt"],
        ["november", "nov"],
        ["dezember", "dez"],
    ],
    "noon": ["mittag"],
    "midnight": ["mitternacht"],
    # "Morgen" is also tomorrow: read as the morning only after a day (heute Morgen, Montag Morgen, morgen Morgen).
    "morning": ["morgen", "morgens", "früh", "vormittag", "vormittags", "am morgen", "am vormittag"],
    "afternoon": ["nachmittag", "nachmittags", "mittags", "am nachmittag"],
    "evening": ["abend", "abends", "am abend"],
    "hour": ["uhr"],
    "fillers": ["um", "am", "den", "der"],
}

DUTCH: Words = {
    "days": {"vandaag": 0, "morgen": 1, "overmorgen": 2},
    "tonight": ["vanavond"],
    "weekdays": [["maandag"], ["dinsdag"], ["woensdag"], ["donderdag"], ["vrijdag"], ["zaterdag"], ["zondag"]],
    "next": ["volgende", "aanstaande", "komende"],
    "this": ["deze"],
    "months": [
        ["januari", "jan"],
        ["februari", "feb"],
        ["maart", "mrt"],
        ["april", "apr"],
        ["mei"],
        ["juni", "jun"],
        ["juli", "jul"],
        ["augustus", "aug"],
        ["september", "sep", "sept"],
        ["oktober", "okt"],
        ["november", "nov"],
        ["december", "dec"],
    ],
    "midnight": ["middernacht"],
    "morning": ["ochtend", "morgen", "s ochtends", "s morgens", "voormiddag"],
    "afternoon": ["middag", "s middags", "namiddag"],
    "evening": ["avond", "s avonds"],
    "hour": ["uur"],
    "fillers": ["om", "op", "de"],
}

FRENCH: Words = {
    "days": {"aujourd'hui": 0, "demain": 1, "après-demain": 2, "après demain": 2},
    "tonight": ["ce soir"],
    "weekdays": [
        ["lundi", "lun"],
        ["mardi"],
        ["mercredi", "mer"],
        ["jeudi", "jeu"],
        ["vendredi", "ven"],
        ["samedi", "sam"],
        ["dimanche", "dim"],
    ],
    "next_after": ["prochain"],
    "this": ["ce"],
    "months": [
        ["janvier", "janv"],
        ["février", "févr", "fév"],
        ["mars"],
        ["avril", "avr"],
        ["mai"],
        ["juin"],
        ["juillet", "juil"],
        ["août"],
        ["septembre", "sept"],
        ["octobre", "oct"],
        ["novembre", "nov"],
        ["décembre", "déc"],
    ],
    "noon": ["midi"],
    "midnight": ["minuit"],
    "morning": ["matin", "du matin"],
    "afternoon": ["après-midi", "l'après-midi", "de l'après-midi", "apres midi"],
    "evening": ["soir", "du soir"],
    "hour": ["h", "heure", "heures"],
    "fillers": ["à", "le", "vers"],
    "ordinals": ["er"],
}

SPANISH: Words = {
    "days": {"hoy": 0, "mañana": 1, "pasado mañana": 2},
    "tonight": ["esta noche"],
    "weekdays": [
        ["lunes", "lun"],
        ["martes"],
        ["miércoles", "mié"],
        ["jueves", "jue"],
        ["viernes", "vie"],
        ["sábado", "sáb"],
        ["domingo", "dom"],
    ],
    "next": ["próximo"],
    "next_after": ["que viene", "próximo"],
    "this": ["este"],
    "months": [
        ["enero", "ene"],
        ["febrero", "feb"],
        ["marzo", "mar"],
        ["abril", "abr"],
        ["mayo", "may"],
        ["junio", "jun"],
        ["julio", "jul"],
        ["agosto", "ago"],
        ["septiembre", "setiembre", "sep", "sept"],
        ["octubre", "oct"],
        ["noviembre", "nov"],
        ["diciembre", "dic"],
    ],
    "noon": ["mediodía", "al mediodía"],
    "midnight": ["medianoche", "a medianoche"],
    # "Mañana" alone is tomorrow; the morning only after a day (el lunes mañana) or as "por la mañana".
    "morning": ["mañana", "de la mañana", "por la mañana"],
    "afternoon": ["tarde", "de la tarde", "por la tarde"],
    "evening": ["noche", "de la noche", "por la noche"],
    "hour": ["h", "horas"],
    "fillers": ["a las", "a la", "a", "las", "el", "de"],
}

DANISH: Words = {
    "days": {"i dag": 0, "idag": 0, "i morgen": 1, "imorgen": 1, "i overmorgen": 2, "overmorgen": 2},
    "tonight": ["i aften"],
    "weekdays": [
        ["mandag", "man"],
        ["tirsdag", "tirs"],
        ["onsdag", "ons"],
        ["torsdag", "tors"],
        ["fredag", "fre"],
        ["lørdag", "lør"],
        ["søndag", "søn"],
    ],
    "next": ["næste"],
    "months": [
        ["januar", "jan"],
        ["februar", "feb"],
        ["marts", "mar"],
        ["april", "apr"],
        ["maj"],
        ["juni", "jun"],
        ["juli", "jul"],
        ["august", "aug"],
        ["september", "sep", "sept"],
        ["oktober", "okt"],
        ["november", "nov"],
        ["december", "dec"],
    ],
    "midnight": ["midnat"],
    "morning": ["morgen", "om morgenen", "formiddag", "om formiddagen", "tidlig"],
    "afternoon": ["eftermiddag", "om eftermiddagen"],
    "evening": ["aften", "om aftenen"],
    "fillers": ["kl", "klokken", "på", "den"],
}

NORWEGIAN: Words = {
    "days": {"i dag": 0, "idag": 0, "i morgen": 1, "imorgen": 1, "i overmorgen": 2, "overmorgen": 2},
    "tonight": ["i kveld", "ikveld"],
    "weekdays": [
        ["mandag", "man"],
        ["tirsdag", "tir"],
        ["onsdag", "ons"],
        ["torsdag", "tor"],
        ["fredag", "fre"],
        ["lørdag", "lør"],
        ["søndag", "søn"],
    ],
    "next": ["neste"],
    "months": [
        ["januar", "jan"],
        ["februar", "feb"],
        ["mars", "mar"],
        ["april", "apr"],
        ["mai"],
        ["juni", "jun"],
        ["juli", "jul"],
        ["august", "aug"],
        ["september", "sep", "sept"],
        ["oktober", "okt"],
        ["november", "nov"],
        ["desember", "des"],
    ],
    "midnight": ["midnatt"],
    "morning": ["morgen", "om morgenen", "formiddag", "på formiddagen", "tidlig"],
    "afternoon": ["ettermiddag", "på ettermiddagen"],
    "evening": ["kveld", "om kvelden"],
    "fillers": ["kl", "klokka", "klokken", "på", "den"],
}

SWEDISH: Words = {
    "days": {"idag": 0, "i dag": 0, "imorgon": 1, "i morgon": 1, "i övermorgon": 2, "iövermorgon": 2, "övermorgon": 2},
    "tonight": ["i kväll", "ikväll"],
    "weekdays": [
        ["måndag", "mån"],
        ["tisdag", "tis"],
        ["onsdag", "ons"],
        ["torsdag", "tors", "tor"],
        ["fredag", "fre"],
        ["lördag", "lör"],
        ["söndag", "sön"],
    ],
    "next": ["nästa"],
    "months": [
        ["januari", "jan"],
        ["februari", "feb"],
        ["mars", "mar"],
        ["april", "apr"],
        ["maj"],
        ["juni", "jun"],
        ["juli", "jul"],
        ["augusti", "aug"],
        ["september", "sep", "sept"],
        ["oktober", "okt"],
        ["november", "nov"],
        ["december", "dec"],
    ],
    "midnight": ["midnatt"],
    "morning": ["morgon", "på morgonen", "förmiddag", "på förmiddagen", "bitti"],
    "afternoon": ["eftermiddag", "på eftermiddagen"],
    "evening": ["kväll", "på kvällen"],
    "fillers": ["kl", "klockan", "på", "den"],
}

FINNISH: Words = {
    "days": {"tänään": 0, "huomenna": 1, "ylihuomenna": 2},
    "tonight": ["tänä iltana"],
    "weekdays": [
        ["maanantai", "maanantaina"],
        ["tiistai", "tiistaina"],
        ["keskiviikko", "keskiviikkona"],
        ["torstai", "torstaina"],
        ["perjantai", "perjantaina"],
        ["lauantai", "lauantaina"],
        ["sunnuntai", "sunnuntaina"],
    ],
    "next": ["ensi", "tulevana"],
    "this": ["tänä"],
    "months": [
        [f"{stem}{ending}" for ending in ("kuu", "kuuta", "k")]
        for stem in "tammi helmi maalis huhti touko kesä heinä elo syys loka marras joulu".split()
    ],
    "noon": ["keskipäivä", "keskipäivällä", "puoliltapäivin"],
    "midnight": ["keskiyö", "keskiyöllä", "puoliltaöin"],
    "morning": ["aamulla", "aamupäivällä"],
    "afternoon": ["iltapäivällä"],
    "evening": ["illalla"],
    "fillers": ["klo", "kello"],
}

HUNGARIAN: Words = {
    "days": {"ma": 0, "holnap": 1, "holnapután": 2},
    "weekdays": [
        ["hétfő", "hétfőn"],
        ["kedd", "kedden"],
        ["szerda", "szerdán"],
        ["csütörtök", "csütörtökön"],
        ["péntek", "pénteken"],
        ["szombat", "szombaton"],
        ["vasárnap"],
    ],
    "next": ["jövő"],
    "months": [
        ["január", "jan"],
        ["február", "febr", "feb"],
        ["március", "márc"],
        ["április", "ápr"],
        ["május", "máj"],
        ["június", "jún"],
        ["július", "júl"],
        ["augusztus", "aug"],
        ["szeptember", "szept"],
        ["október", "okt"],
        ["november", "nov"],
        ["december", "dec"],
    ],
    "noon": ["dél", "délben"],
    "midnight": ["éjfél", "éjfélkor"],
    "morning": ["reggel", "délelőtt"],
    "afternoon": ["délután"],
    # "Este" is also Spanish for "this": read as the evening unless a weekday follows.
    "evening": ["este"],
    "hour": ["óra", "órakor"],
    "fillers": ["a", "az"],
    "suffixes": ["kor", "án", "én", "a", "e", "i"],
}

TURKISH: Words = {
    "days": {"bugün": 0, "yarın": 1, "öbür gün": 2, "yarından sonra": 2},
    "tonight": ["bu akşam"],
    "weekdays": [["pazartesi"], ["salı"], ["çarşamba"], ["perşembe"], ["cuma"], ["cumartesi"], ["pazar"]],
    "next": ["gelecek", "önümüzdeki", "haftaya"],
    "this": ["bu"],
    "months": [
        ["ocak", "oca"],
        ["şubat", "şub"],
        ["mart", "mar"],
        ["nisan", "nis"],
        ["mayıs", "may"],
        ["haziran", "haz"],
        ["temmuz", "tem"],
        ["ağustos", "ağu"],
        ["eylül", "eyl"],
        ["ekim", "eki"],
        ["kasım", "kas"],
        ["aralık", "ara"],
    ],
    "noon": ["öğlen", "öğle", "öğleyin"],
    "midnight": ["gece yarısı", "gece yarısında"],
    "morning": ["sabah"],
    "afternoon": ["öğleden sonra"],
    "evening": ["akşam"],
    "fillers": ["saat"],
    "suffixes": ["te", "ta", "de", "da"],
}

UKRAINIAN: Words = {
    "days": {"сьогодні": 0, "завтра": 1, "післязавтра": 2},
    "weekdays": [
        ["понеділок", "понеділка"],
        ["вівторок", "вівторка"],
        ["середа", "середу", "середи"],
        ["четвер", "четверга"],
        ["п'ятниця", "п'ятницю", "п'ятниці"],
        ["субота", "суботу", "суботи"],
        ["неділя", "неділю", "неділі"],
    ],
    "next": ["наступний", "наступного", "наступну", "наступної"],
    "this": ["цей", "цього", "цю"],
    "months": [
        ["січень", "січня", "січ"],
        ["лютий", "лютого", "лют"],
        ["березень", "березня", "бер"],
        ["квітень", "квітня", "квіт"],
        ["травень", "травня", "трав"],
        ["червень", "червня", "черв"],
        ["липень", "липня", "лип"],
        ["серпень", "серпня", "серп"],
        ["вересень", "вересня", "вер"],
        ["жовтень", "жовтня", "жовт"],
        ["листопад", "листопада", "лист"],
        ["грудень", "грудня", "груд"],
    ],
    "noon": ["полудень", "опівдні"],
    "midnight": ["північ", "опівночі"],
    "morning": ["ранку", "вранці", "зранку"],
    "afternoon": ["дня", "після обіду"],
    "evening": ["вечора", "ввечері", "увечері"],
    "hour": ["година", "години", "годині", "год"],
    "fillers": ["о", "об", "в", "у", "на"],
}

BULGARIAN: Words = {
    "days": {"днес": 0, "утре": 1, "вдругиден": 2},
    "tonight": ["довечера"],
    "weekdays": [["понеделник"], ["вторник"], ["сряда"], ["четвъртък"], ["петък"], ["събота"], ["неделя"]],
    "next": ["следващия", "следващата", "следващият"],
    "this": ["този", "тази"],
    "months": [
        ["януари", "яну"],
        ["февруари", "фев"],
        ["март", "мар"],
        ["април", "апр"],
        ["май"],
        ["юни"],
        ["юли"],
        ["август", "авг"],
        ["септември", "сеп"],
        ["октомври", "окт"],
        ["ноември", "ное"],
        ["декември", "дек"],
    ],
    "noon": ["обед", "по обед", "пладне"],
    "midnight": ["полунощ"],
    "morning": ["сутринта", "сутрин"],
    "afternoon": ["следобед"],
    "evening": ["вечерта", "вечер"],
    "hour": ["ч", "часа", "часът"],
    "fillers": ["в", "във", "на"],
}

CATALAN: Words = {
    "days": {"avui": 0, "demà": 1, "demà passat": 2},
    "tonight": ["aquesta nit", "aquest vespre"],
    "weekdays": [["dilluns"], ["dimarts"], ["dimecres"], ["dijous"], ["divendres"], ["dissabte"], ["diumenge"]],
    "next": ["proper", "pròxim"],
    "next_after": ["vinent", "que ve"],
    "this": ["aquest"],
    "months": [
        ["gener", "gen"],
        ["febrer", "febr"],
        ["març"],
        ["abril", "abr"],
        ["maig"],
        ["juny"],
        ["juliol", "jul"],
        ["agost", "ag"],
        ["setembre", "set"],
        ["octubre", "oct"],
        ["novembre", "nov"],
        ["desembre", "des"],
    ],
    "noon": ["migdia", "al migdia"],
    "midnight": ["mitjanit", "a mitjanit"],
    "morning": ["matí", "del matí", "al matí"],
    "afternoon": ["tarda", "de la tarda", "a la tarda"],
    "evening": ["vespre", "del vespre", "al vespre", "de la nit"],
    "fillers": ["a les", "a la", "les", "el", "de", "d"],
}

LANGUAGES: dict[str, Words] = {
    "en": ENGLISH,
    "de": GERMAN,
    "nl": DUTCH,
    "fr": FRENCH,
    "es": SPANISH,
    "ca": CATALAN,
    "da": DANISH,
    "no": NORWEGIAN,
    "sv": SWEDISH,
    "fi": FINNISH,
    "hu": HUNGARIAN,
    "tr": TURKISH,
    "uk": UKRAINIAN,
    "bg": BULGARIAN,
}
