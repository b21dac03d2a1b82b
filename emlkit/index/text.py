"""Text analysis for full-text search: stems, skeleton keys, FTS5 queries and snippets.

Python's :mod:`sqlite3` cannot register a custom FTS5 tokenizer, so emlkit indexes text it
has analysed itself. Each message gets two FTS5 columns of space-separated tokens:

``stems``
    The Snowball stem of every word (PyStemmer, the official Snowball algorithms in C):
    Russian for Cyrillic words, English for Latin ones, digits as they are. ``пистолетом``
    and ``пистолет`` share the stem ``пистолет``; ``deleted`` and ``delete`` share ``delet``.
``keys``
    A *skeleton key* of every word: the word transliterated to Latin and normalised so that
    the usual romanisations of one Russian name collapse to one string. ``Егорова``,
    ``Yegorova`` and ``Egorova`` all become ``egorova``; ``Тищенко``, ``Tishchenko``,
    ``Tischenko`` and ``Tishenko`` all become ``tiwenko``.

A query is analysed the same way by :func:`match_expression`: every term becomes
``(stems:"stem" OR keys:"key"*)``. The stem finds the inflected forms in the same script;
the key, as a prefix, finds the word in the other script. The query's key comes from the
Russian *stem* of a Cyrillic word (from the whole word in Latin), with trailing vowels
trimmed, so that it is a prefix of every inflected form's key:
``Егоровой`` → stem ``егоров`` → ``egorov*`` finds ``Yegorova`` and ``Egorov``; ``Yegorova``
→ ``egorova`` → ``egorov*`` finds ``Егоровой``, ``Егорову``, ``Егоровым``.

Why the index holds the key of the whole word, not of its stem (the first design): the
Russian stemmer strips ``-ов``/``-ин`` from surnames (``петров`` → ``петр``, ``аблязов`` →
``абляз``), so a stem key ``petr`` could never be found by the longer Latin query ``Petrov*``.
The whole word's key is found by the prefix of any of its forms.

The key normalisation, applied to lowercase Latin after the Cyrillic letters are mapped by a
plain letter table (``ж`` → ``zh``, ``х`` → ``kh``, ``ц`` → ``ts``, ``ч`` → ``ch``, ``ш`` →
``sh``, ``щ`` → ``shch``, ``й``/``ы`` → ``y``, ``ю`` → ``yu``, ``я`` → ``ya``, ``ъ``/``ь``
dropped, ``ё`` → ``е`` before anything else), in this order:

1. Apostrophes and the primes ``ʹ``/``ʺ`` that romanise ь and ъ are dropped (Il'in = Ilin);
   ISO 9 and scholarly letters become their digraphs (``š`` → ``sh``, ``ž`` → ``zh``,
   ``č`` → ``ch``, ``ŝ`` → ``shch``, ``â`` → ``ya``, ``û`` → ``yu``); any other diacritic
   is dropped (``ë`` → ``e``).
2. One left-to-right pass, longest match first: ``shch``/``sch``/``shh``/``sh`` → ``w``
   (щ and ш as one letter: Tishchenko = Tischenko = Tishenko); ``tsch``/``tch``/``ch`` →
   ``q`` (ч); ``zh`` → ``j`` (ж); ``kh`` → ``h`` (Khabibullin = Habibullin);
   ``ts``/``tz``/``tc``/``cz`` → ``c`` (ц); ``c`` → ``c`` before e, i, y, v (ISO 9's ц:
   Zajcev, Cvetkova), else ``k`` (Victor = Viktor); ``ph`` → ``f``; ``ck`` → ``k``; ``x`` →
   ``ks`` (Alexey = Aleksey); ``w`` → ``v``; ``q`` → ``k``; ``j`` and ``y`` → ``i``. After
   this pass ``w``, ``q``, ``j`` and ``c`` can only come from ш/щ, ч, ж and ц, so those stay
   apart from с, к, з and т: the key merges spellings, not letters.
3. Doubled letters collapse (Habibullin = Khabibulin, Mariia = Maria, Andreev = Andreyev).
4. ``ie`` and ``io`` → ``e``: the iotated е and ё (Yegorova = Egorova, Andreyev = Andreev,
   Fyodor = Fedor, Semyon = Semen); ``ia`` and ``iu`` stay, since every schema writes я and
   ю with two letters (Ablyazov = Abliazov, Yuliya = Iuliia = Julia). Then doubled letters
   collapse again.

A query key shorter than four letters is matched whole, not as a prefix (``Цой`` and
``Tsoy`` are both ``coi``), so that short words do not expand to thousands of keys.

The transliteration is a table of our own, not the ``iuliia`` library (MIT, 20 Russian
schemas; checked): the key is not a romanisation anyone reads, only a target that every
schema's output is normalised to, so which schema maps Cyrillic in does not matter, and the
context rules that distinguish the schemas (``ye-`` at the start, ``-iy`` endings, ICAO's
``ъ`` → ``ie``) are exactly what step 4 erases or would have to undo. A table is a lookup
per letter and no dependency. The tests use ``iuliia`` instead, to prove that the
romanisations of Cyrillic names by 20 schemas (Wikipedia, ICAO passports, MVD, BGN/PCGN,
Library of Congress, BS 2979, ISO 9, GOST 7.79 A, GOST 52290/52535, UNGEGN, Moscow Metro,
Yandex …) all find them. Not matched: ``x`` for х (GOST 7.79 B, "scientific"), since
``x`` is far more often the English ``ks`` of Alexey and Maxim; the French passport
schema (``ou``, ``tch``, ``dj``); Telegram's ``sc``/``j``; a ъ written as ``"``, which
splits the word.

Tokens are runs of Unicode letters and digits, joined across an inner apostrophe (``don't``,
``Il'in``: one token, the apostrophe dropped) or hyphen. A hyphenated word gives its parts
and then the parts joined, so ``e-mail`` is indexed as ``e mail email`` and found by both
``e-mail`` and ``email``; underscores split the same way (``akt_2021`` is ``akt 2021
akt2021``: FTS5 does not count ``_`` as a letter); a number with a short Cyrillic ending
(``222-й``, ``90-х``, ``2-го``) is the number alone. Words mixing Cyrillic and Latin
look-alike letters (``Пpивeт`` with a Latin ``p`` and ``e``) are read in the script of the
majority of their letters. Text is taken in NFC, with stress marks removed.

Word analysis is cached (:func:`functools.lru_cache`, bounded) because vocabulary repeats:
the second time a word is met it costs one dictionary lookup.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Final, NamedTuple

import Stemmer  # type: ignore[import-not-found]

from emlkit.errors import QueryError

__all__ = [
    "LONG_TEXT",
    "MAX_QUERY_LENGTH",
    "Term",
    "analyze",
    "highlight_terms",
    "index_columns",
    "keys",
    "match_expression",
    "match_spans",
    "snippet",
    "text_blocks",
]

MAX_QUERY_LENGTH: Final = 10_000
"""The longest query :func:`match_expression` accepts, in characters."""

_MAX_QUERY_WORDS: Final = 256
_MAX_DEPTH: Final = 32
_MAX_KEY_PHRASE: Final = 16  # longer phrases are matched on stems only
_MIN_PREFIX: Final = 4  # a shorter key is matched whole, not as a prefix
# Distinct words remembered: 65,536 column pairs take about 25 MB and cover nearly every
# running word of a mail corpus (vocabulary is Zipfian); the word and token caches serve
# hyphenated parts, queries and snippets.
_CACHE_SIZE: Final = 65_536
_SMALL_CACHE_SIZE: Final = 8_192

_RUSSIAN: Final = Stemmer.Stemmer("russian")
_ENGLISH: Final = Stemmer.Stemmer("english")

# ---------------------------------------------------------------------------------------------
# Tokens

# Runs of letters and digits joined by inner apostrophes and hyphens. Underscores (which FTS5
# does not count as letters) are split off in _token: \w is twice as fast as [^\W_].
_TOKEN_RE: Final = re.compile(r"\w+(?:['’`\-‐‑]\w+)*")
_SPLIT_RE: Final = re.compile(r"([-‐‑_])")
_MARK_RE: Final = re.compile(r"[\u0300-\u036f]")
_CYRILLIC_RE: Final = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE: Final = re.compile(r"[a-z\u00df-\u00f6\u00f8-\u024f]")
_LATIN_WORD_RE: Final = re.compile(r"[a-z\u00df-\u00f6\u00f8-\u024f']+")
_CYRILLIC_WORD_RE: Final = re.compile(r"[\u0400-\u04ff]+")

# Apostrophes and the primes that romanise ь and ъ (ALA-LC, BS 2979, ISO 9) become one "'";
# ё is е, as it is written in most Russian text; the dot above that str.lower() adds to the
# i of a Turkish İ (the one letter whose lower case is two characters) goes, as the text's
# own combining marks went.
_APOSTROPHES: Final = str.maketrans(
    {"’": "'", "`": "'", "ʼ": "'", "ʹ": "'", "ʺ": "'", "ё": "е", "\u0307": ""}
)
_LOOKALIKES_LATIN: Final = "abcehkmoptxy"
_LOOKALIKES_CYRILLIC: Final = "авсенкмортху"
_TO_CYRILLIC: Final = str.maketrans(_LOOKALIKES_LATIN, _LOOKALIKES_CYRILLIC)
_TO_LATIN: Final = str.maketrans(_LOOKALIKES_CYRILLIC, _LOOKALIKES_LATIN)


def _prepare(text: str) -> str:
    """The text in NFC, with leftover combining marks (Russian stress marks) removed.

    Without this a decomposed ``й`` or a stressed ``за́мок`` would split into two words.
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _MARK_RE.search(text):
        text = _MARK_RE.sub("", text)
    return text


# ---------------------------------------------------------------------------------------------
# Skeleton keys

_CYRILLIC_TO_LATIN: Final[dict[int, str]] = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye", strict=True)),
        **{"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch"},
        **{"ъ": "", "ь": "", "ё": "e", "ю": "yu", "я": "ya"},
        # Ukrainian, Belarusian, Serbian and Macedonian letters, as they are romanised.
        **{"і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "ј": "j", "ћ": "c", "ѓ": "g"},
        **{"ђ": "dj", "љ": "lj", "њ": "nj", "џ": "dz", "ќ": "k", "ѕ": "dz"},
    }
)

# ISO 9 and scholarly letters to the digraphs they stand for, and letters NFKD keeps whole.
_LATIN_SPECIAL: Final[dict[int, str]] = str.maketrans(
    {"š": "sh", "ž": "zh", "č": "ch", "ŝ": "shch", "â": "ya", "û": "yu", "ǎ": "ya", "ǔ": "yu"}
    | {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "þ": "th", "ı": "i"}
)

_DIGRAPHS: Final[dict[str, str]] = {
    "shch": "w",
    "tsch": "q",
    "sch": "w",
    "shh": "w",
    "tch": "q",
    "sh": "w",
    "ch": "q",
    "zh": "j",
    "kh": "h",
    "ts": "c",
    "tz": "c",
    "tc": "c",
    "cz": "c",
    "ph": "f",
    "ck": "k",
    "x": "ks",
    "w": "v",
    "q": "k",
    "j": "i",
    "y": "i",
}
_DIGRAPH_RE: Final = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)) + "|c")
_DOUBLE_RE: Final = re.compile(r"([a-z])\1+")
_IOTATED_RE: Final = re.compile(r"i[eo]")
_VOWELS: Final = "aeiou"


def _digraph(match: re.Match[str]) -> str:
    found = match.group()
    if found != "c":
        return _DIGRAPHS[found]
    following = match.string[match.end() : match.end() + 1]
    return "c" if following and following in "eiyv" else "k"


def _skeleton(word: str) -> str:
    """The skeleton key of one lowercase word without apostrophes (see the module docstring)."""
    if _CYRILLIC_RE.search(word):
        word = word.translate(_CYRILLIC_TO_LATIN)
    if not word.isascii():
        folded = word.translate(_LATIN_SPECIAL)
        # Diacritics and what compatibility forms add (the brackets of ⑴) go.
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if c.isalnum())
        if not folded or not folded.isascii():
            return word  # another script: the word is its own key
        word = folded
    word = _DIGRAPH_RE.sub(_digraph, word)
    word = _DOUBLE_RE.sub(r"\1", word)
    if "i" in word:
        word = _DOUBLE_RE.sub(r"\1", _IOTATED_RE.sub("e", word))
    return word


# ---------------------------------------------------------------------------------------------
# Words


class _Unit(NamedTuple):
    """One indexed token: its stem, its skeleton key, and what a query for it looks for."""

    stem: str
    key: str
    query_key: str
    query_prefix: bool


def _unify_script(word: str) -> str:
    """A word mixing look-alike Latin and Cyrillic letters, in its majority script."""
    cyrillic = len(_CYRILLIC_RE.findall(word))
    latin_letters = _LATIN_RE.findall(word)
    if cyrillic >= len(latin_letters):
        if all(c in _LOOKALIKES_LATIN for c in latin_letters):
            return word.translate(_TO_CYRILLIC)
    elif all(c in _LOOKALIKES_CYRILLIC for c in _CYRILLIC_RE.findall(word)):
        return word.translate(_TO_LATIN)
    return word


@lru_cache(maxsize=_SMALL_CACHE_SIZE)
def _word(raw: str) -> _Unit:
    """The analysis of one word (no hyphen), in any case."""
    word = raw.lower().translate(_APOSTROPHES)
    cyrillic = _CYRILLIC_RE.search(word) is not None
    if cyrillic and _LATIN_RE.search(word):
        word = _unify_script(word)
        cyrillic = _CYRILLIC_RE.search(word) is not None
    bare = word.replace("'", "")
    stem: str
    if any(c.isdigit() for c in word):
        stem = bare
    elif cyrillic:
        stem = _RUSSIAN.stemWord(bare)
    elif _LATIN_WORD_RE.fullmatch(word):
        stem = _ENGLISH.stemWord(word).replace("'", "")
    else:
        stem = bare
    stem = stem or bare
    key = _skeleton(bare) or stem
    if stem.isdigit() or not key.isascii():
        return _Unit(stem, key, key, False)
    # The query's key comes from the stem (a prefix of every form's key), vowels trimmed.
    base = _skeleton(stem) if cyrillic else key
    trimmed = base.rstrip(_VOWELS)
    if len(trimmed) >= _MIN_PREFIX:
        return _Unit(stem, key, trimmed, True)
    trimmed = key.rstrip(_VOWELS)
    if len(trimmed) >= _MIN_PREFIX:
        return _Unit(stem, key, trimmed, True)
    return _Unit(stem, key, key, False)


def _is_ending(part: str) -> bool:
    """A short Cyrillic grammatical ending written after a number: ``-й``, ``-го``, ``-х``."""
    return len(part) <= 3 and _CYRILLIC_WORD_RE.fullmatch(part) is not None


@lru_cache(maxsize=_SMALL_CACHE_SIZE)
def _token(raw: str) -> tuple[_Unit, ...]:
    """The units of one token: a word, or the parts of a hyphenated word and then all joined."""
    if not _SPLIT_RE.search(raw):
        return (_word(raw),)
    pieces = _SPLIT_RE.split(raw)  # part, separator, part, …
    kept: list[str] = []
    for i in range(0, len(pieces), 2):
        part = pieces[i]
        if not part.strip("'’`"):
            continue
        if i and pieces[i - 1] != "_" and pieces[i - 2].isdigit() and _is_ending(part):
            continue
        kept.append(part)
    if not kept:
        return ()
    units = [_word(part) for part in kept]
    if len(kept) > 1:
        units.append(_word("".join(kept)))
    return tuple(units)


@lru_cache(maxsize=_CACHE_SIZE)
def _columns(raw: str) -> tuple[str, str]:
    units = _token(raw)
    if len(units) == 1:
        return units[0].stem, units[0].key
    return " ".join(u.stem for u in units), " ".join(u.key for u in units)


# The columns of the last text analysed: the indexer calls analyze(text), then keys(text).
_last: list[tuple[str, list[tuple[str, str]]]] = [("", [])]


def _text_columns(text: str) -> list[tuple[str, str]]:
    last = _last[0]
    if last[0] is text:
        return last[1]
    columns = [c for c in map(_columns, _TOKEN_RE.findall(_prepare(text))) if c[0]]
    _last[0] = (text, columns)
    return columns


def analyze(text: str) -> str:
    """The stems of every word of ``text``, space-separated: the FTS5 ``stems`` column.

    >>> analyze("Обвинения по пистолетам deleted")
    'обвинен по пистолет delet'
    """
    return " ".join([c[0] for c in _text_columns(text)])


def keys(text: str) -> str:
    """The skeleton keys of every word of ``text``, space-separated: the FTS5 ``keys`` column.

    >>> keys("Егорова Yegorova Тищенко Tischenko")
    'egorova egorova tiwenko tiwenko'
    """
    return " ".join([c[1] for c in _text_columns(text)])


def index_columns(text: str) -> tuple[str, str]:
    """``(analyze(text), keys(text))``: the two FTS5 columns of a text, in one pass."""
    columns = _text_columns(text)
    return " ".join([c[0] for c in columns]), " ".join([c[1] for c in columns])


# ---------------------------------------------------------------------------------------------
# Queries


@dataclass(frozen=True, slots=True)
class Term:
    """One word a query looks for: what :func:`match_spans` and :func:`snippet` highlight.

    A word of a text matches when its stem equals :attr:`stem` (or starts with it, for a
    query word written with a trailing ``*``), or when its skeleton key starts with
    :attr:`key` (:attr:`prefix`) or equals it — the same rules as the search.
    """

    stem: str
    key: str
    prefix: bool
    stem_prefix: bool = False

    def matches_unit(self, stem: str, key: str) -> bool:
        """Whether a word with this stem and skeleton key is a match."""
        if stem == self.stem or (self.stem_prefix and stem.startswith(self.stem)):
            return True
        return key.startswith(self.key) if self.prefix else key == self.key

    def matches(self, word: str) -> bool:
        """Whether ``word`` (a word of a text, as written there) is a match."""
        return any(self.matches_unit(u.stem, u.key) for u in _units(word))


class _Word(NamedTuple):
    unit: _Unit
    stem_prefix: bool


class _Phrase(NamedTuple):
    units: tuple[_Unit, ...]


class _Not(NamedTuple):
    child: _Node


class _And(NamedTuple):
    children: tuple[_Node, ...]


class _Or(NamedTuple):
    children: tuple[_Node, ...]


_Node = _Word | _Phrase | _Not | _And | _Or | None  # None: nothing searchable

_QUOTES: Final[dict[str, str]] = {'"': '"', "«": "»", "“": "”", "„": "“”"}
_CLOSING_QUOTES: Final = "»”"
_OPERATORS: Final = ("AND", "OR", "NOT")
_LPAREN: Final = "("
_RPAREN: Final = ")"
_NEGATE: Final = "-"


class _Lexeme(NamedTuple):
    kind: str  # "(", ")", "AND", "OR", "NOT", "-", "word" or "phrase"
    text: str


def _lex(query: str) -> Iterator[_Lexeme]:
    """The lexemes of a query: parentheses, operators, negations, phrases and bare words."""
    i, n = 0, len(query)
    stops = set("()") | set(_QUOTES) | set(_CLOSING_QUOTES)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "()":
            yield _Lexeme(c, c)
            i += 1
        elif c in _QUOTES:
            closers = _QUOTES[c]
            end = min((p for p in (query.find(q, i + 1) for q in closers) if p >= 0), default=-1)
            if end < 0:
                raise QueryError(f"unbalanced quote {c} in the query")
            yield _Lexeme("phrase", query[i + 1 : end])
            i = end + 1
        elif c in _CLOSING_QUOTES:
            raise QueryError(f"unbalanced quote {c} in the query")
        elif c == _NEGATE:
            if i + 1 < n and not query[i + 1].isspace():
                yield _Lexeme(_NEGATE, c)
            i += 1  # a dash on its own is punctuation
        else:
            start = i
            while i < n and not query[i].isspace() and query[i] not in stops:
                i += 1
            chunk = query[start:i]
            yield _Lexeme(chunk if chunk in _OPERATORS else "word", chunk)


def _units(text: str) -> tuple[_Unit, ...]:
    return tuple(u for raw in _TOKEN_RE.findall(_prepare(text)) for u in _token(raw))


def _word_node(chunk: str) -> _Node:
    """A bare word of the query: a word, a hyphenated word, or a run like ``a.b@c.ru``."""
    stem_prefix = chunk.endswith("*")
    tokens = _TOKEN_RE.findall(_prepare(chunk))
    units = tuple(u for raw in tokens for u in _token(raw))
    if not units:
        return None
    if len(tokens) > 1:
        return _Phrase(units) if len(units) > 1 else _Word(units[0], stem_prefix)
    if len(units) == 1:
        return _Word(units[0], stem_prefix)
    # A hyphenated word: its parts in a row, or the parts written together.
    return _Or((_Phrase(units[:-1]), _Word(units[-1], stem_prefix)))


class _Parser:
    """A recursive-descent parser of the query language (see :func:`match_expression`)."""

    def __init__(self, query: str) -> None:
        self.lexemes = list(_lex(query))
        self.at = 0
        self.words = 0

    def peek(self) -> str | None:
        return self.lexemes[self.at].kind if self.at < len(self.lexemes) else None

    def take(self) -> _Lexeme:
        lexeme = self.lexemes[self.at]
        self.at += 1
        return lexeme

    def parse(self) -> _Node:
        node = self.conjunction(0)
        if self.peek() is not None:
            raise QueryError("unbalanced parenthesis ) in the query")
        return node

    def conjunction(self, depth: int) -> _Node:
        children: list[_Node] = []
        while self.peek() not in (None, _RPAREN):
            if self.peek() == "AND":
                self.take()
                if not children or self.peek() in (None, _RPAREN, "AND", "OR"):
                    raise QueryError("AND needs a term on each side")
            children.append(self.disjunction(depth))
        return _simplify_and(children)

    def disjunction(self, depth: int) -> _Node:
        if self.peek() == "OR":
            raise QueryError("OR needs a term on each side")
        children = [self.unary(depth)]
        while self.peek() == "OR":
            self.take()
            if self.peek() in (None, _RPAREN, "AND", "OR"):
                raise QueryError("OR needs a term on each side")
            children.append(self.unary(depth))
        kept = tuple(c for c in children if c is not None)
        if len(kept) > 1:
            return _Or(kept)
        return kept[0] if kept else None

    def unary(self, depth: int) -> _Node:
        kind = self.peek()
        if kind in ("NOT", _NEGATE):
            if depth >= _MAX_DEPTH:
                raise QueryError("the query is nested too deeply")
            self.take()
            if self.peek() in (None, _RPAREN, "AND", "OR"):
                raise QueryError(f"{kind} needs a term after it")
            child = self.unary(depth + 1)
            if child is None:
                return None
            return child.child if isinstance(child, _Not) else _Not(child)
        return self.primary(depth)

    def primary(self, depth: int) -> _Node:
        lexeme = self.take()
        if lexeme.kind == _LPAREN:
            if depth >= _MAX_DEPTH:
                raise QueryError("the query is nested too deeply")
            if self.peek() == _RPAREN:
                raise QueryError("empty parentheses in the query")
            node = self.conjunction(depth + 1)
            if self.peek() != _RPAREN:
                raise QueryError("unbalanced parenthesis ( in the query")
            self.take()
            return node
        if lexeme.kind == "phrase":
            units = _units(lexeme.text)
            self.count(len(units))
            if not units:
                return None
            return _Word(units[0], False) if len(units) == 1 else _Phrase(units)
        if lexeme.kind == "word":
            node = _word_node(lexeme.text)
            self.count(1)
            return node
        raise QueryError(f"{lexeme.text} needs a term after it")

    def count(self, words: int) -> None:
        self.words += words
        if self.words > _MAX_QUERY_WORDS:
            raise QueryError(f"the query has more than {_MAX_QUERY_WORDS} words")


def _simplify_and(children: Sequence[_Node]) -> _Node:
    kept: list[_Node] = []
    for child in children:
        if isinstance(child, _And):
            kept.extend(child.children)
        elif child is not None:
            kept.append(child)
    if len(kept) > 1:
        return _And(tuple(kept))
    return kept[0] if kept else None


def _parse(query: str) -> _Node:
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(f"the query is longer than {MAX_QUERY_LENGTH} characters")
    node = _Parser(query).parse()
    if node is None:
        raise QueryError("the query has no word to search for")
    return node


def _quote(token: str, prefix: bool = False) -> str:
    return '"' + token.replace('"', '""') + '"' + ("*" if prefix else "")


def _emit(node: _Node) -> str:
    """The FTS5 expression of a node that selects rows by itself (not an exclusion)."""
    if isinstance(node, _Word):
        unit = node.unit
        return (
            f"(stems:{_quote(unit.stem, node.stem_prefix)}"
            f" OR keys:{_quote(unit.query_key, unit.query_prefix)})"
        )
    if isinstance(node, _Phrase):
        stems = f"stems:{_quote(' '.join(u.stem for u in node.units))}"
        if len(node.units) > _MAX_KEY_PHRASE:
            return stems
        joined = " + ".join(_quote(u.query_key, u.query_prefix) for u in node.units)
        return f"({stems} OR keys:{joined})"
    if isinstance(node, _Or):
        if any(isinstance(c, _Not) for c in node.children):
            raise QueryError("an excluded term cannot be one side of OR")
        return "(" + " OR ".join(_emit(c) for c in node.children) + ")"
    if isinstance(node, _And):
        wanted = [_emit(c) for c in node.children if not isinstance(c, _Not)]
        unwanted = [_emit(c.child) for c in node.children if isinstance(c, _Not)]
        if not wanted:
            raise QueryError("the query excludes terms but looks for none")
        expression = "(" + " AND ".join(wanted) + ")" if len(wanted) > 1 else wanted[0]
        if unwanted:
            expression = f"({expression} NOT ({' OR '.join(unwanted)}))"
        return expression
    raise QueryError("the query excludes terms but looks for none")


def match_expression(query: str) -> str:
    """The FTS5 ``MATCH`` expression for a user's query, over the ``stems`` and ``keys`` columns.

    The query language, as in a web search engine:

    * words are ANDed: ``пистолет Егорова``;
    * ``OR`` (upper case) between two terms: ``пистолет OR револьвер``; it binds tighter than
      the implicit AND, so ``a b OR c`` is ``a AND (b OR c)``;
    * ``-word``, ``-"phrase"``, ``-(group)`` or ``NOT word`` excludes; a query (or a group)
      must also look for something, and an exclusion cannot be a side of ``OR``;
    * ``"a phrase"`` (also ``«…»`` and ``“…”``) finds its words in a row;
    * ``(…)`` groups; ``AND`` may be written; a trailing ``*`` makes a word a stem prefix;
    * a lone ``-`` and other punctuation are ignored; lowercase ``and``/``or``/``not`` are words.

    Each word becomes ``(stems:"stem" OR keys:"key"*)``, so it finds every inflected form
    and the word in the other script. A phrase becomes ``(stems:"s1 s2" OR keys:"k1"* +
    "k2"*)``. No user text reaches FTS5 unquoted, so the result is always valid FTS5.

    Raises :class:`~emlkit.errors.QueryError` for unbalanced quotes or parentheses, an
    operator without its terms, a query with nothing to search for or only exclusions, and
    queries longer than :data:`MAX_QUERY_LENGTH` characters, 256 words or 32 nested groups.

    >>> match_expression("пистолет -Yegorova")
    '((stems:"пистолет" OR keys:"pistolet"*) NOT ((stems:"yegorova" OR keys:"egorov"*)))'
    """
    return _emit(_parse(query))


def _positive_words(node: _Node) -> Iterator[tuple[_Unit, bool]]:
    if isinstance(node, _Word):
        yield node.unit, node.stem_prefix
    elif isinstance(node, _Phrase):
        for unit in node.units:
            yield unit, False
    elif isinstance(node, _And | _Or):
        for child in node.children:
            yield from _positive_words(child)


def highlight_terms(query: str) -> tuple[Term, ...]:
    """The words a query looks for (not those it excludes), for highlighting matches.

    Raises :class:`~emlkit.errors.QueryError` as :func:`match_expression` does.
    """
    node = _parse(query)
    _emit(node)  # the same errors as the search
    terms = (
        Term(unit.stem, unit.query_key, unit.query_prefix, stem_prefix)
        for unit, stem_prefix in _positive_words(node)
    )
    return tuple(dict.fromkeys(terms))


# ---------------------------------------------------------------------------------------------
# Snippets


def match_spans(text: str, terms: Sequence[Term]) -> list[tuple[int, int]]:
    """The ``(start, end)`` character spans of the words of ``text`` that match ``terms``."""
    matched = _Matcher(terms)
    return [m.span() for m in _TOKEN_RE.finditer(text) if matched(m.group())]


class _Matcher:
    """Which terms a token matches, remembered per distinct token, with a quick rejection."""

    def __init__(self, terms: Sequence[Term]) -> None:
        self.terms = terms
        self.seen: dict[str, frozenset[int]] = {}
        self.stems = frozenset(t.stem for t in terms)
        self.stem_prefixes = tuple(t.stem for t in terms if t.stem_prefix)
        self.keys = frozenset(t.key for t in terms if not t.prefix)
        self.key_prefixes = tuple(t.key for t in terms if t.prefix)

    def __call__(self, raw: str) -> frozenset[int]:
        found = self.seen.get(raw)
        if found is None:
            units = [u for u in _token(raw) if self.may_match(u)]
            found = frozenset(
                i
                for i, term in enumerate(self.terms)
                if any(term.matches_unit(u.stem, u.key) for u in units)
            )
            self.seen[raw] = found
        return found

    def may_match(self, unit: _Unit) -> bool:
        return (
            unit.stem in self.stems
            or unit.key.startswith(self.key_prefixes)
            or unit.key in self.keys
            or unit.stem.startswith(self.stem_prefixes)
        )


class _Hit(NamedTuple):
    chunk: int  # the index of the chunk holding the word
    start: int
    end: int
    terms: frozenset[int]  # the indexes of the terms it matches


def _chunks(text: str, width: int) -> list[tuple[int, int]]:
    """Spans of the text's whitespace-separated runs; a run longer than ``width`` is split
    before its inner words, so that no chunk but a single overlong word exceeds ``width``."""
    chunks: list[tuple[int, int]] = []
    for run in re.finditer(r"\S+", text):
        start, end = run.span()
        if end - start <= width:
            chunks.append((start, end))
            continue
        cuts = [m.start() + start for m in _TOKEN_RE.finditer(run.group())]
        bounds = [start, *(c for c in cuts if c > start), end]
        chunks.extend(pairwise(bounds))
    return chunks


LONG_TEXT: Final = 65_536
"""The length (characters) above which :func:`snippet` reads a text a block at a time."""

_RUN_START_RE: Final = re.compile(r"(?<=\s)\S")


def snippet(text: str, query: str, width: int = 160) -> tuple[str, list[tuple[int, int]]]:
    """A readable excerpt of ``text`` around the words ``query`` finds, and where they are.

    The excerpt is the stretch of at most ``width`` characters (whitespace collapsed to
    single spaces) with the most distinct query words, then the most matches; it starts and
    ends at whole words (a single word longer than ``width`` is kept whole). ``…`` marks text
    left out before or after it. The spans are the ``(start, end)`` offsets of the matched
    words within the returned excerpt, for the renderer to highlight. Words match by stem
    or by skeleton key, by the same rules as the search. A text without a match gives its
    beginning and no spans.

    A text longer than :data:`LONG_TEXT` characters is read a block of about that many
    characters at a time (blocks overlap, and start and end between words): blocks without
    fewer distinct query words than the best stretch so far are passed over at the speed of
    the word pattern, and the excerpt is the best stretch of the first block whose best
    stretch holds the most distinct query words. So a hit in a message of megabytes costs
    milliseconds when its words come early, not a second.

    Raises :class:`~emlkit.errors.QueryError` as :func:`match_expression` does.
    """
    terms = highlight_terms(query)
    text = _prepare(text)
    matched = _Matcher(terms)
    if len(text) <= LONG_TEXT:
        excerpt, spans, _ = _stretch(text, matched, width)
        return excerpt, spans
    best: tuple[str, list[tuple[int, int]]] | None = None
    most = 0  # distinct query words in the best stretch so far
    for start, end in text_blocks(text, LONG_TEXT, overlap=4 * width):
        block = text[start:end]
        found: set[int] = set()
        for word in set(_TOKEN_RE.findall(block)):
            found |= matched(word)
        if len(found) <= most:  # this block cannot hold a better stretch
            continue
        excerpt, spans, (distinct, _) = _stretch(block, matched, width, start > 0, end < len(text))
        if distinct > most:
            best, most = (excerpt, spans), distinct
        if most == len(terms):
            break
    if best is None:  # no match anywhere: the beginning
        end = next(text_blocks(text, LONG_TEXT))[1]
        excerpt, spans, _ = _stretch(text[:end], matched, width, after=end < len(text))
        return excerpt, spans
    return best


def text_blocks(text: str, size: int, overlap: int = 0) -> Iterator[tuple[int, int]]:
    """Spans of about ``size`` characters covering ``text``, each starting and ending at the
    start of a whitespace-separated run (or an end of the text), so that no word is cut and
    each block splits into the same words as the whole text; each overlaps the one before
    by about ``overlap`` characters."""
    start, end, length = 0, 0, len(text)
    while start < length:
        found = _RUN_START_RE.search(text, max(start + size, end + 1))
        end = found.start() if found else length
        yield start, end
        if end == length:
            return
        back = _RUN_START_RE.search(text, max(start + 1, end - overlap))
        start = back.start() if back and back.start() < end else end


def _stretch(
    text: str, matched: _Matcher, width: int, before: bool = False, after: bool = False
) -> tuple[str, list[tuple[int, int]], tuple[int, int]]:
    """:func:`snippet` of one text (or one block of it: ``before`` and ``after`` tell that
    more text, after whitespace, comes before or after it), and the stretch's score: the
    number of distinct query words in it, then of matches."""
    chunks = _chunks(text, width)
    if not chunks:
        return "", [], (0, 0)
    # Positions in the whitespace-collapsed text: a chunk after whitespace gains one space.
    spaced = [i > 0 and chunks[i - 1][1] < chunks[i][0] for i in range(len(chunks))]
    starts: list[int] = []
    position = 0
    for (start, end), space in zip(chunks, spaced, strict=True):
        position += space
        starts.append(position)
        position += end - start

    def length(lo: int, hi: int) -> int:
        return starts[hi] + chunks[hi][1] - chunks[hi][0] - starts[lo]

    chunk_starts = [c[0] for c in chunks]
    hits: list[_Hit] = []
    for match in _TOKEN_RE.finditer(text):
        found = matched(match.group())
        if found:
            chunk = bisect_right(chunk_starts, match.start()) - 1
            hits.append(_Hit(chunk, match.start(), match.end(), found))

    lo = hi = 0
    best: tuple[int, int] = (0, 0)
    right = 0
    for left in range(len(hits)):
        right = max(right, left)
        while right + 1 < len(hits) and length(hits[left].chunk, hits[right + 1].chunk) <= width:
            right += 1
        distinct: set[int] = set()
        for hit in hits[left : right + 1]:
            distinct |= hit.terms
        score = (len(distinct), right + 1 - left)
        if score > best:
            best, lo, hi = score, hits[left].chunk, hits[right].chunk
    grew = True
    while grew:
        grew = False
        if lo > 0 and length(lo - 1, hi) <= width:
            lo, grew = lo - 1, True
        if hi + 1 < len(chunks) and length(lo, hi + 1) <= width:
            hi, grew = hi + 1, True

    head = ("… " if spaced[lo] else "…") if lo > 0 else ("… " if before else "")
    more = hi + 1 < len(chunks)
    tail = (" …" if spaced[hi + 1] else "…") if more else (" …" if after else "")
    pieces = [head]
    for i in range(lo, hi + 1):
        if i > lo and spaced[i]:
            pieces.append(" ")
        pieces.append(text[chunks[i][0] : chunks[i][1]])
    pieces.append(tail)
    spans: list[tuple[int, int]] = []
    for hit in hits:
        if lo <= hit.chunk <= hi:
            offset = len(head) + starts[hit.chunk] - starts[lo] + hit.start - chunks[hit.chunk][0]
            spans.append((offset, offset + hit.end - hit.start))
    return "".join(pieces), spans, best
