"""Turning bytes into text without losing any: the charset trail.

The order is fixed (see ``docs/parsing.md``): decode strictly with the declared charset;
when it is missing, unknown, fails, or is a single-byte charset that chardet shows to be
wrong, detect; only then decode with replacement, counting every byte that was replaced.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from emlkit.records import CharsetMethod, CharsetTrail, Defect, DefectKind

_DETECT_BYTES = 64 * 1024
_ACRONYM_LETTERS = 5
_STRAY_SHARE = 0.1
_ENOUGH_WORDS = 20
_NATURAL_SHARE = 0.97
"""Most undecodable bytes, as a share of all 8-bit bytes, for text to count as UTF-8."""
_WORD_CACHE_SIZE = 16_384
_WORDS_UNIT = 1 << 20  # more than the words of 20,000 characters: counts packed in one int
_ACCENTED = re.compile(r"[\u00c0-\u024f]")
_WORD = re.compile(r"[^\W\d_]{2,}")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")

# Names seen in real mail that Python's codec registry does not know.
_ALIASES = {
    "win-1251": "cp1251",
    "windows1251": "cp1251",
    "cp-1251": "cp1251",
    "x-cp1251": "cp1251",
    "win1251": "cp1251",
    "windows-1251x": "cp1251",
    "koi8r": "koi8_r",
    "koi8": "koi8_r",
    "x-koi8-r": "koi8_r",
    "ks_c_5601-1987": "cp949",
    "x-mac-cyrillic": "mac_cyrillic",
    "iso-8859-8-i": "iso8859_8",
    "unicode-1-1-utf-8": "utf-8",
    "utf8": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
    "x-user-defined": "",
    "default": "",
}

_MIME_NAMES = {"cp866": "ibm866", "mac-cyrillic": "x-mac-cyrillic", "ascii": "us-ascii"}

# Codecs whose strict success is strong evidence by itself (multi-byte or stateful).
_SELF_CHECKING = {
    "utf-8",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "iso2022_jp",
    "shift_jis",
    "euc_jp",
    "euc_kr",
    "cp949",
    "gb2312",
    "gbk",
    "gb18030",
    "big5",
    "big5hkscs",
    "cp932",
    "utf-7",
}


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, with its charset trail and the defects met on the way."""

    text: str
    trail: CharsetTrail
    defects: tuple[Defect, ...]


def _chardet() -> ModuleType:
    """chardet, imported on first use: a run with nothing to decode never pays for it."""
    import chardet

    return chardet


@lru_cache(maxsize=1024)
def codec_name(charset: str | None) -> str | None:
    """Python's canonical codec name for a charset label from mail, or None if unknown.

    >>> codec_name("Windows-1251"), codec_name('"koi8-r"'), codec_name("x-bogus")
    ('cp1251', 'koi8-r', None)
    """
    if not charset:
        return None
    label = charset.strip().strip("\"'").strip().lower()
    label = _ALIASES.get(label, label)
    if not label:
        return None
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return None


def mime_name(codec: str) -> str:
    """The usual MIME label of a Python codec name (``cp1251`` is ``windows-1251`` in mail)."""
    if codec.startswith("cp125"):
        return "windows-" + codec[2:]
    if codec.startswith("iso8859-"):
        return "iso-" + codec[3:]
    return _MIME_NAMES.get(codec, codec)


def decode_text(payload: bytes, declared: str | None, part: str) -> Decoded:
    """Decode a text part's payload, recording how, per the order in the module docstring."""
    declared_label = declared.strip().strip("\"'") if declared else None
    codec = codec_name(declared_label)
    defects: list[Defect] = []
    if declared_label and codec is None:
        defects.append(
            Defect(DefectKind.CHARSET_UNKNOWN, part, f"unknown charset {declared_label!r}")
        )
    if payload.isascii() and (codec is None or _ascii_compatible(codec)):
        used = codec or "us-ascii"
        trail = CharsetTrail(part, declared_label, mime_name(used), CharsetMethod.DECLARED, None, 0)
        return Decoded(payload.decode("ascii"), trail, tuple(defects))
    if codec is not None:
        accepted = _accept_declared(payload, declared_label, codec, part)
        if accepted is not None:
            return Decoded(accepted.text, accepted.trail, (*defects, *accepted.defects))
        defects.append(
            Defect(
                DefectKind.CHARSET_MISMATCH,
                part,
                f"declared {declared_label} cannot decode the bytes",
            )
        )
    elif not declared_label:
        defects.append(Defect(DefectKind.CHARSET_MISSING, part, "8-bit text, no charset"))
    detected = _detect(payload, declared_label, part)
    if detected is not None:
        return Decoded(detected.text, detected.trail, (*defects, *detected.defects))
    fallback = _fallback(payload, declared_label, codec, part)
    return Decoded(fallback.text, fallback.trail, (*defects, *fallback.defects))


def decode_header_bytes(raw: bytes, hints: tuple[str, ...] = ()) -> tuple[str, str, int]:
    """Decode raw 8-bit header bytes: UTF-8, else a hinted charset, else detection.

    Returns the text, the codec used, and the number of bytes replaced.
    """
    for candidate in ("utf-8", *hints):
        codec = codec_name(candidate)
        if codec is None:
            continue
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "utf-8" or plausibility(text) >= 0.5:
            return text, codec, 0
    guess = _chardet().detect(raw[:_DETECT_BYTES])
    codec = codec_name(_encoding(guess)) or "cp1251"
    text, replaced = decode_counting(raw, codec)
    return text, codec, replaced


def _escape_any_byte(error: UnicodeError) -> tuple[str, int]:
    """Like ``surrogateescape``, but for ASCII bytes too (a wide codec's odd trailing byte):
    each byte becomes one surrogate that :func:`decode_counting` counts and replaces."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return "\udc80" * (error.end - error.start), error.end


codecs.register_error("emlkit-escape-any-byte", _escape_any_byte)


def decode_counting(payload: bytes, codec: str) -> tuple[str, int]:
    """Decode with U+FFFD for undecodable bytes, and return how many bytes were replaced."""
    try:
        text = payload.decode(codec, errors="surrogateescape")
    except UnicodeDecodeError:  # surrogateescape cannot stand for bytes below 0x80
        text = payload.decode(codec, errors="emlkit-escape-any-byte")
    replaced = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    if replaced:
        text = re.sub("[\udc80-\udcff]", "\ufffd", text)
    return text, replaced


def plausibility(text: str) -> float:
    """Share of words that look like natural language: one script and ordinary letter case.

    Mis-decoded Cyrillic (KOI8-R read as windows-1251 and back, UTF-8 read as Latin-1) turns
    lower case into upper case and back (``пРИВЕТ``, ``ЗДРАВСТВУЙТЕ``) or mixes scripts;
    long words in capitals count as unnatural, short ones as acronyms. Correctly decoded
    prose scores near 1.
    """
    words, natural = _word_counts(text)
    return natural / words if words else 1.0


def _clearly_natural(text: str) -> bool:
    """Every word natural, or enough words and nearly all: the declared charset is right,
    chardet not needed.

    A wrong single-byte charset turns most long words into case or script salad, so a
    reading this clean is the right one. A short text with a word that is not natural is
    left to chardet; one whose words are all natural would keep its declared reading anyway,
    since another reading only wins when it reads *more* naturally (:func:`_better_reading`).
    """
    words, natural = _word_counts(text)
    if natural == words:
        return True
    return words >= _ENOUGH_WORDS and natural >= _NATURAL_SHARE * words


def _word_counts(text: str) -> tuple[int, int]:
    """How many words (runs of two letters or more) the first 20,000 characters of ``text``
    hold, and how many of them look natural.

    Counted per whitespace-separated token, each token's counts remembered: splitting at
    whitespace is four times faster than the word pattern over the whole text, and no
    whitespace character is a letter, so the tokens hold exactly the text's words.
    """
    total = sum(map(_token_counts, text[:20000].split()))
    return total // _WORDS_UNIT, total % _WORDS_UNIT


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _token_counts(token: str) -> int:
    """A token's words times :data:`_WORDS_UNIT` plus its natural words: one sum counts both."""
    words = _WORD.findall(token)
    return len(words) * _WORDS_UNIT + sum(map(_looks_natural, words))


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _looks_natural(word: str) -> bool:
    """Whether a word is in one script and ordinary letter case (remembered per word: prose
    repeats its vocabulary, so most words cost one lookup)."""
    if _CYRILLIC.search(word) and _LATIN.search(word):
        return False
    if len(word) >= 4 and len(_ACCENTED.findall(word)) * 2 > len(word):
        return False  # "Ïðèâåò": windows-1251 or UTF-8 read as Latin-1
    return word[1:].islower() or (word.isupper() and len(word) <= _ACRONYM_LETTERS)


def _ascii_compatible(codec: str) -> bool:
    return codec not in {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-7", "iso2022_jp"}


def _accept_declared(payload: bytes, declared: str | None, codec: str, part: str) -> Decoded | None:
    """The declared charset's reading, unless it fails or chardet finds a clearly better one."""
    try:
        text = payload.decode(codec)
    except UnicodeDecodeError:
        return None
    if codec in _SELF_CHECKING:
        trail = CharsetTrail(part, declared, mime_name(codec), CharsetMethod.DECLARED, None, 0)
        return Decoded(text, trail, ())
    utf8 = _strict_utf8(payload)
    if utf8 is not None:  # 8-bit text in another charset is almost never valid UTF-8
        trail = CharsetTrail(part, declared, "utf-8", CharsetMethod.DETECTED, 1.0, 0)
        detail = f"declared {declared}, the bytes are valid UTF-8"
        return Decoded(utf8, trail, (Defect(DefectKind.CHARSET_MISMATCH, part, detail),))
    if _clearly_natural(text):
        trail = CharsetTrail(part, declared, mime_name(codec), CharsetMethod.DECLARED, None, 0)
        return Decoded(text, trail, ())
    guesses = _chardet().detect_all(payload[:_DETECT_BYTES])
    better = _better_reading(payload, text, codec, guesses)
    if better is not None:
        other, other_text, confidence = better
        trail = CharsetTrail(
            part, declared, mime_name(other), CharsetMethod.DETECTED, confidence, 0
        )
        detail = f"declared {declared}, the text is {mime_name(other)}"
        return Decoded(other_text, trail, (Defect(DefectKind.CHARSET_MISMATCH, part, detail),))
    confidence = _confidence_of(codec, guesses)
    trail = CharsetTrail(part, declared, mime_name(codec), CharsetMethod.DECLARED, confidence, 0)
    return Decoded(text, trail, ())


def _better_reading(
    payload: bytes, text: str, codec: str, guesses: Sequence[Mapping[str, object]]
) -> tuple[str, str, float | None] | None:
    """chardet's charset, its text and confidence, when they clearly beat the declared one.

    The declared charset loses only when chardet ranks it far below its first choice *and*
    the first choice reads more naturally; either signal alone is too weak on short text.
    """
    if not guesses:
        return None
    other = codec_name(_encoding(guesses[0]))
    top = _confidence(guesses[0]) or 0.0
    if other is None or other == codec or (_confidence_of(codec, guesses) or 0.0) >= top / 2:
        return None
    try:
        other_text = payload.decode(other)
    except UnicodeDecodeError:
        return None
    if other_text == text or plausibility(other_text) <= plausibility(text):
        return None
    return other, other_text, top


def _confidence_of(codec: str, guesses: Sequence[Mapping[str, object]]) -> float | None:
    """chardet's confidence in ``codec`` (0.0 when it was not a candidate)."""
    found = [_confidence(g) or 0.0 for g in guesses if codec_name(_encoding(g)) == codec]
    return max(found, default=0.0)


def _detect(payload: bytes, declared: str | None, part: str) -> Decoded | None:
    text = _strict_utf8(payload)
    if text is not None:
        trail = CharsetTrail(part, declared, "utf-8", CharsetMethod.DETECTED, 1.0, 0)
        return Decoded(text, trail, ())
    mostly = _mostly_utf8(payload, declared, part)
    if mostly is not None:
        return mostly
    guess = _chardet().detect(payload[:_DETECT_BYTES])
    codec = codec_name(_encoding(guess))
    if codec is None:
        return None
    try:
        text = payload.decode(codec)
    except UnicodeDecodeError:
        return None
    trail = CharsetTrail(
        part, declared, mime_name(codec), CharsetMethod.DETECTED, _confidence(guess), 0
    )
    return Decoded(text, trail, ())


def _strict_utf8(payload: bytes) -> str | None:
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _mostly_utf8(payload: bytes, declared: str | None, part: str) -> Decoded | None:
    """UTF-8 with a few stray bytes (a cut character, a pasted Latin-1 byte) stays UTF-8.

    Re-detecting such text would decode every other character wrongly to save a few.
    """
    text, replaced = decode_counting(payload, "utf-8")
    eight_bit = sum(1 for byte in payload if byte >= 0x80)
    if replaced > eight_bit * _STRAY_SHARE:
        return None
    trail = CharsetTrail(part, declared, "utf-8", CharsetMethod.FALLBACK, None, replaced)
    detail = f"{replaced} byte(s) undecodable as utf-8, replaced by U+FFFD"
    return Decoded(text, trail, (Defect(DefectKind.UNDECODABLE_BYTES, part, detail),))


def _fallback(payload: bytes, declared: str | None, codec: str | None, part: str) -> Decoded:
    guess = _chardet().detect(payload[:_DETECT_BYTES])
    candidates = [codec, codec_name(_encoding(guess)), "utf-8", "cp1251", "koi8-r"]
    best: tuple[str, int, str] | None = None
    for candidate in dict.fromkeys(c for c in candidates if c):
        text, replaced = decode_counting(payload, candidate)
        if best is None or replaced < best[1]:
            best = (text, replaced, candidate)
    assert best is not None
    text, replaced, used = best
    trail = CharsetTrail(
        part, declared, mime_name(used), CharsetMethod.FALLBACK, _confidence(guess), replaced
    )
    if not replaced:
        return Decoded(text, trail, ())
    detail = f"{replaced} byte(s) undecodable as {mime_name(used)}, replaced by U+FFFD"
    return Decoded(text, trail, (Defect(DefectKind.UNDECODABLE_BYTES, part, detail),))


def _confidence(guess: Mapping[str, object]) -> float | None:
    value = guess.get("confidence")
    return round(float(value), 3) if isinstance(value, int | float) else None


def _encoding(guess: Mapping[str, object]) -> str | None:
    value = guess.get("encoding")
    return value if isinstance(value, str) else None
