"""The text query language of product search, parsed once here for every product index.

Shoppers type what search boxes taught them: words, all required (``red hoodie``); ``OR`` between words or
groups (``jacket OR hoodie``, binding tighter than the implied AND, as on web search engines: ``red jacket OR
hoodie`` is red and one of the two); ``"quoted phrases"``, whose words are exact and side by side; ``hood*``
(a plain word already finds the longer words it starts); ``-word``, ``-"a phrase"``, ``-(a group)`` or
``NOT word`` to exclude; ``AND`` (the default anyway) and parentheses. Words joined by symbols
(``t-shirt``, ``MS04-XL``) are a phrase.

Anything else is ignored rather than refused, so a typo is never a syntax error: symbols and emoji, an
unclosed quote or parenthesis, an ``OR`` with nothing on one side. A query of symbols only has no text.
Words are runs of letters and digits, so nothing of the user's text can reach a backend's query syntax.

``searchable`` folds the text both indexes store the way the parser folds the query's words (case, accents,
compatibility forms), so that neither backend's own folding decides what matches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TypeAlias

from snapmode.errors import InvalidRequest

MAX_QUERY_TERMS = 32
# Longer words are left out of the indexes (Lucene refuses huge terms), so a query cannot look for one.
MAX_WORD_LENGTH = 255
# Deeper parentheses are ignored like other symbols: no grouping needs more, and it bounds the recursion.
MAX_GROUP_DEPTH = 8

_WORD = re.compile(r"[^\W_]+")
_LONG_WORD = re.compile(rf"[^\W_]{{{MAX_WORD_LENGTH + 1},}}")
_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<open>\()|(?P<close>\))|(?P<chunk>[^\s"()]+)')
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True)
class Term:
    """One word or a phrase (words side by side, in order, in one field)."""

    words: tuple[str, ...]
    prefix: bool  # a single word that also finds the longer words it starts


@dataclass(frozen=True)
class AllOf:
    """Every ``required`` node matches and no ``excluded`` one does.

    ``required`` is empty only for a whole query of exclusions (``-hoodie``: every product but hoodies).
    """

    required: tuple[Node, ...]
    excluded: tuple[Node, ...] = ()


@dataclass(frozen=True)
class AnyOf:
    options: tuple[Node, ...]


Node: TypeAlias = "Term | AllOf | AnyOf"


def parse_query(q: str | None) -> Node | None:
    """The query as a tree; None when it holds no word to search for.

    Raises ``InvalidRequest`` for more than ``MAX_QUERY_TERMS`` words, a word over ``MAX_WORD_LENGTH``
    characters, or a group of exclusions only where it cannot mean anything (an ``OR`` alternative or itself
    excluded, ``jacket OR (-red)``).
    """
    return _Parser(_tokens(unicodedata.normalize("NFKC", q or ""))).parse()


def fold(text: str) -> str:
    """Case folded (ß is ss), compatibility forms decomposed (ﬁ is fi), accents and other marks dropped."""
    return "".join(char for char in unicodedata.normalize("NFKD", text.casefold()) if unicodedata.category(char) != "Mn")


def searchable(text: str) -> str:
    """Text as the indexes store it for search: folded, words over ``MAX_WORD_LENGTH`` characters left out."""
    return _LONG_WORD.sub(" ", fold(text))


@dataclass(frozen=True)
class _Token:
    kind: str  # "term", "open", "close", "AND", "OR" or "NOT"
    term: Term | None = None


def _tokens(q: str) -> list[_Token]:
    tokens: list[_Token] = []
    depth = skipped = words = 0
    matches = list(_TOKEN.finditer(q))
    for match, following in zip(matches, [*matches[1:], None]):
        if match["open"]:
            depth += 1
            if depth > MAX_GROUP_DEPTH:
                skipped += 1
            else:
                tokens.append(_Token("open"))
        elif match["close"]:
            if skipped:
                skipped -= 1
            elif depth:  # a ")" that closes nothing is a symbol like any other
                tokens.append(_Token("close"))
            depth = max(depth - 1, 0)
        elif match["chunk"] in _OPERATORS:
            tokens.append(_Token(match["chunk"]))
        else:
            if match["phrase"] is not None:
                found, prefix = _WORD.findall(fold(match["phrase"])), False
            else:
                chunk = match["chunk"]
                found = _WORD.findall(fold(chunk))
                prefix = len(found) == 1
                # "-" excludes what is written right after it: "-red", '-"red hoodie"', "-(red blue)"
                attached = following is not None and following.start() == match.end() and not following["chunk"]
                if chunk.startswith("-") and (found or (attached and not chunk.strip("-"))):
                    tokens.append(_Token("NOT"))
            if any(len(word) > MAX_WORD_LENGTH for word in found):
                raise InvalidRequest(f"a word of the search is over {MAX_WORD_LENGTH} characters long")
            if found:
                words += len(found)
                tokens.append(_Token("term", Term(tuple(found), prefix)))
    if words > MAX_QUERY_TERMS:
        raise InvalidRequest(f"the search has {words} words; at most {MAX_QUERY_TERMS} are supported")
    return tokens


class _Parser:
    """query := clause*   clause := [NOT] alternatives   alternatives := primary (OR primary)*
    primary := term | "(" query ")"   (NOT stands for a leading "-" too; AND between clauses is implied)."""

    def __init__(self, tokens: list[_Token]) -> None:
        self._tokens = tokens
        self._next = 0

    def parse(self) -> Node | None:
        return self._query()

    def _peek(self) -> str | None:
        return self._tokens[self._next].kind if self._next < len(self._tokens) else None

    def _take(self) -> _Token:
        self._next += 1
        return self._tokens[self._next - 1]

    def _query(self) -> Node | None:
        required: list[Node] = []
        excluded: list[Node] = []
        while (kind := self._peek()) not in (None, "close"):
            if kind in ("AND", "OR"):  # AND is implied; an OR with nothing before it joins nothing
                self._take()
                continue
            negated = False
            while self._peek() == "NOT":
                self._take()
                negated = True
            if self._peek() not in ("term", "open"):
                continue
            node = self._alternatives()
            if node is not None:
                (excluded if negated else required).append(node)
        if self._peek() == "close":
            self._take()
        return _all_of(required, excluded)

    def _alternatives(self) -> Node | None:
        options = [self._primary()]
        while self._peek() == "OR" and self._next + 1 < len(self._tokens):
            if self._tokens[self._next + 1].kind not in ("term", "open"):
                break  # "jacket OR -hoodie": the OR has no alternative, the exclusion stands on its own
            self._take()
            options.append(self._primary())
        return _any_of([option for option in options if option is not None])

    def _primary(self) -> Node | None:
        token = self._take()
        if token.kind == "term":
            return token.term
        return self._query()  # after "(", up to its ")" or the end


def _only_exclusions(node: Node) -> bool:
    return isinstance(node, AllOf) and not node.required


def _all_of(required: list[Node], excluded: list[Node]) -> Node | None:
    flat_required: list[Node] = []
    flat_excluded = list(excluded)
    for node in required:  # "a (b -c)" is "a b -c"
        if isinstance(node, AllOf):
            flat_required.extend(node.required)
            flat_excluded.extend(node.excluded)
        else:
            flat_required.append(node)
    if any(_only_exclusions(node) for node in flat_excluded):
        raise InvalidRequest("an excluded group needs a word to search for: write -(red blue), not -(-red)")
    if not flat_required and not flat_excluded:
        return None
    if len(flat_required) == 1 and not flat_excluded:
        return flat_required[0]
    return AllOf(tuple(flat_required), tuple(flat_excluded))


def _any_of(options: list[Node]) -> Node | None:
    if len(options) > 1 and any(_only_exclusions(option) for option in options):
        raise InvalidRequest("an OR alternative needs a word to search for: write jacket -red, not jacket OR (-red)")
    flat = [inner for option in options for inner in (option.options if isinstance(option, AnyOf) else (option,))]
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else AnyOf(tuple(flat))
