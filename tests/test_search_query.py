"""The text query language, as parsed once for both product indexes (snapmode/backends/products/query.py)."""

from __future__ import annotations

import pytest

from snapmode.backends.products.query import MAX_GROUP_DEPTH, AllOf, AnyOf, Term, parse_query, searchable
from snapmode.errors import InvalidRequest


def word(text: str) -> Term:
    return Term((text,), prefix=True)


def exact(*words: str) -> Term:
    return Term(words, prefix=False)


@pytest.mark.parametrize(
    ("q", "tree"),
    [
        ("red hoodie", AllOf((word("red"), word("hoodie")))),
        ("red AND hoodie", AllOf((word("red"), word("hoodie")))),
        ("jacket OR hoodie", AnyOf((word("jacket"), word("hoodie")))),
        ("red jacket OR hoodie", AllOf((word("red"), AnyOf((word("jacket"), word("hoodie")))))),
        ("(red jacket) OR hoodie", AnyOf((AllOf((word("red"), word("jacket"))), word("hoodie")))),
        ("a OR (b OR c)", AnyOf((word("a"), word("b"), word("c")))),
        ('"red hoodie"', exact("red", "hoodie")),
        ('"hoodie"', exact("hoodie")),
        ('"red hoodie', exact("red", "hoodie")),  # an unclosed quote runs to the end
        ("hood*", word("hood")),
        ("MS04-XL-Red", exact("ms04", "xl", "red")),  # words are folded: case...
        ("jacket -red", AllOf((word("jacket"),), (word("red"),))),
        ("jacket NOT red", AllOf((word("jacket"),), (word("red"),))),
        ('-"red hoodie" jacket', AllOf((word("jacket"),), (exact("red", "hoodie"),))),
        ("-(red blue) x", AllOf((word("x"),), (AllOf((word("red"), word("blue"))),))),
        ("a (b -c)", AllOf((word("a"), word("b")), (word("c"),))),
        ("-hoodie", AllOf((), (word("hoodie"),))),
        ("jacket OR -hoodie", AllOf((word("jacket"),), (word("hoodie"),))),  # the OR has no other side
        ("jacket - hoodie", AllOf((word("jacket"), word("hoodie")))),  # a lone "-" is a symbol
        ("t-shirt", exact("t", "shirt")),
        ("Straße CRÊPE", AllOf((word("strasse"), word("crepe")))),  # ...accents...
        ("ＭＳ０４ ﬁt", AllOf((word("ms04"), word("fit")))),  # ...compatibility forms
        ("🧥 jacket!", word("jacket")),
        ("-🧥 jacket", word("jacket")),
        (")) jacket ((", word("jacket")),
        ("jacket OR", word("jacket")),
        ("OR jacket AND", word("jacket")),
        ("name:tee", exact("name", "tee")),  # no field syntax: two words side by side
    ],
)
def test_parses(q, tree):
    assert parse_query(q) == tree


@pytest.mark.parametrize("q", [None, "", "  ", '"', '""', "*", "(", "()", "🧥", "-", "OR", "AND OR NOT", "_", "(" * 5000])
def test_no_words_is_no_text(q):
    assert parse_query(q) is None


def test_deep_parentheses_are_ignored_beyond_the_limit():
    deep = "(" * (MAX_GROUP_DEPTH + 5) + "a b" + ")" * (MAX_GROUP_DEPTH + 5) + " OR c"
    assert parse_query(deep) == AnyOf((AllOf((word("a"), word("b"))), word("c")))


@pytest.mark.parametrize(
    ("q", "reason"),
    [
        (" ".join(["w"] * 33), "the search has 33 words; at most 32 are supported"),
        ('"' + " ".join(["w"] * 40) + '"', "the search has 40 words"),
        ("x" * 256, "a word of the search is over 255 characters long"),
        ("jacket OR (-red)", "an OR alternative needs a word to search for"),
        ("jacket -(-red)", "an excluded group needs a word to search for"),
    ],
)
def test_refused_with_a_reason(q, reason):
    with pytest.raises(InvalidRequest, match=reason.replace("(", r"\(")):
        parse_query(q)


def test_indexed_text_is_folded_as_the_query_is():
    assert searchable("Robe CRÊPE Straße ﬁne MS04-XL") == "robe crepe strasse fine ms04-xl"
    assert searchable("ok " + "y" * 256 + " " + "z" * 255) == "ok   " + "z" * 255  # too long a word is left out
