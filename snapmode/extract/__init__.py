"""Product extraction from HTML: structured data, per-site rules, layout heuristics (see layered.py)."""

from snapmode.extract.layered import extract_file, extract_product
from snapmode.extract.rules import SiteRules

__all__ = ["SiteRules", "extract_file", "extract_product"]
