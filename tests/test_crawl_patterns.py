"""Operators' include/exclude patterns run in linear time (RE2), and patterns RE2 cannot run are refused."""

from __future__ import annotations

import subprocess
import sys

import pytest

from snapmode.crawl.scope import SiteScope
from snapmode.domain import Site
from snapmode.patterns import compile_pattern

# Python's re needs about 2**n steps for "(a+)+$" on n a's and one other character; RE2 needs n.
CATASTROPHIC = """
from snapmode.crawl.scope import SiteScope
from snapmode.domain import Site

root = "https://shop.example/"
included = SiteScope(Site(id="s", root_url=root, include=["(a+)+$"], created_at=0.0))
excluded = SiteScope(Site(id="s", root_url=root, exclude=["(x+x+)+y"], created_at=0.0))
print(included.allows(root + "a" * 100_000 + "!"), excluded.allows(root + "x" * 100_000))
"""


def test_a_catastrophic_pattern_finishes_on_a_long_url_that_almost_matches() -> None:
    # In a child process with a generous limit: a backtracking engine fails the test instead of hanging it.
    done = subprocess.run(
        [sys.executable, "-c", CATASTROPHIC], check=False, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"(a)\1", "invalid escape sequence: \\1"),
        ("(?=a)", "invalid perl operator: (?="),
        ("(?!a)b", "invalid perl operator: (?!"),
        ("(?<=a)b", "invalid perl operator: (?<="),
        ("(unbalanced", "missing ): (unbalanced"),
        ("a{1001}", "invalid repetition size: {1001}"),  # a program too large to be linear in practice
    ],
)
def test_patterns_re2_cannot_run_are_refused_with_the_reason(pattern: str, why: str) -> None:
    with pytest.raises(ValueError) as refused:
        compile_pattern(pattern)
    message = str(refused.value)
    assert message.startswith(f"invalid pattern {pattern!r}: {why} (patterns use RE2 syntax"), message
    with pytest.raises(ValueError, match="invalid pattern"):
        Site(id="s", root_url="https://shop.example/", exclude=[pattern], created_at=0.0)


def test_a_refused_pattern_is_quoted_cut_short() -> None:
    with pytest.raises(ValueError) as refused:
        compile_pattern("(" * 10_000)
    assert len(str(refused.value)) < 400


def test_patterns_are_searched_anywhere_in_the_url_as_before() -> None:
    site = Site(
        id="s", root_url="https://shop.example/", include=[r"/p/\d+$", "(?i)/SALE/"], exclude=[r"\?sort="],
        created_at=0.0,
    )
    scope = SiteScope(site)
    assert scope.allows("https://shop.example/p/12")
    assert scope.allows("https://shop.example/sale/hoodie")
    assert not scope.allows("https://shop.example/p/12?sort=price")
    assert not scope.allows("https://shop.example/p/hoodie")
    assert not scope.allows("https://other.example/p/12")
    assert scope.allows("https://shop.example/sitemap.xml", "sitemap")  # sitemaps are only held to the site
