"""A tiny offline language guess: script ranges and function-word shares, no dependencies."""

from __future__ import annotations

import re
from collections import Counter

MIN_TOKENS = 20  # below this, a text counts as short
EN_MIN_SHARE = 0.12  # share of English function words needed to call a long text English
MIN_SHARE = 0.08  # share of function words needed for any other Latin-script guess


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the of and to in is was that for on with as by at from it he she they we his her "
        "their its were are be been has have had an this which not but or after who will "
        "would said says also than into over about more one two could there these"
    ),
    "fr": _words(
        "le la les de des du et est une un dans pour que qui sur pas au aux avec ce cette il "
        "elle ils ont été sont par se son sa ses leur mais ou où selon après lors être"
    ),
    "de": _words(
        "der die das und ist nicht ein eine einen zu den dem des mit von sich auf für im auch "
        "es wurde wurden sind bei nach wie aus hat haben er sie noch nur oder über zum zur"
    ),
    "es": _words(
        "el la los las de del y que en un una por con para es se no al su sus fue como más "
        "pero lo le ha han sobre según este esta son entre tras muy ya"
    ),
    "az": _words(
        "və bu bir ilə üçün də da ki olan olub edib görə sonra onun isə çox kimi həm artıq "
        "bildirib deyib bütün hər ancaq amma qədər tərəfindən"
    ),
}

# (first, last) code points of scripts that identify a language on their own
_SCRIPTS: dict[str, tuple[tuple[int, int], ...]] = {
    "ru": ((0x0400, 0x052F),),
    "ar": ((0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "hy": ((0x0530, 0x058F), (0xFB13, 0xFB17)),
}

_TOKEN_RE = re.compile(r"[^\W\d_]+")


# characters past Latin Extended-B (every range of _SCRIPTS lies beyond it)
_NON_LATIN = re.compile("[^\x00-\u024f]")


def _script_language(letters: list[str], total: int) -> str | None:
    """The language whose script covers most letters, if one covers over half of the
    `total` letters (`letters`: those past Latin, where every script of _SCRIPTS lies)."""
    for lang, ranges in _SCRIPTS.items():
        hits = sum(1 for c in letters if any(lo <= ord(c) <= hi for lo, hi in ranges))
        if hits * 2 > total:
            return lang
    return None


def detect_language(text: str) -> str:
    """Guess an ISO 639-1 code ("en", "fr", "de", "es", "ru", "ar", "hy", "az") or "und"."""
    total = sum(map(str.isalpha, text))  # letters (counted in C: this runs on every report)
    if not total:
        return "und"
    non_latin = [c for c in _NON_LATIN.findall(text) if c.isalpha()]
    by_script = _script_language(non_latin, total)
    if by_script:
        return by_script
    if len(non_latin) * 2 > total:
        return "und"  # mostly another non-Latin script
    tokens = _TOKEN_RE.findall(text.lower())
    seen = Counter(tokens)
    counts = {lang: sum(seen[w] for w in words) for lang, words in _STOPWORDS.items()}
    best = max(counts, key=lambda lang: (counts[lang], lang == "en"))
    if len(tokens) < MIN_TOKENS:
        if counts["en"] and counts["en"] >= counts[best]:
            return "en"
        return best if counts[best] else "und"
    share = counts[best] / len(tokens)
    if best == "en":
        return "en" if share >= EN_MIN_SHARE else "und"
    return best if share >= MIN_SHARE else "und"
