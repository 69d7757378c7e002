"""The web page's API types are generated from the API's code and committed (web/openapi.json, then
web/src/api/schema.d.ts by openapi-typescript): a change of the API without regenerating them fails here, so the
page cannot drift from what the server sends. Offline: the document is built in this process, without a server,
and openapi-typescript runs from web/node_modules."""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "openapi.py"
DIFF_LINES = 40  # enough to see what changed; the whole files run to thousands of lines


def _load_script():
    spec = importlib.util.spec_from_file_location("openapi_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


openapi = _load_script()


def _assert_same(committed: Path, generated: str) -> None:
    expected = committed.read_text(encoding="utf-8") if committed.exists() else ""
    if expected == generated:
        return
    diff = list(
        difflib.unified_diff(
            expected.splitlines(), generated.splitlines(), "committed", "from the code", lineterm="", n=2
        )
    )
    more = f"\n... {len(diff) - DIFF_LINES} more lines" if len(diff) > DIFF_LINES else ""
    pytest.fail(
        f"{committed.relative_to(openapi.REPO_ROOT)} is out of date with the API's code; regenerate it with "
        f"`{openapi.REGENERATE}` and commit the result.\n" + "\n".join(diff[:DIFF_LINES]) + more,
        pytrace=False,
    )


def test_openapi_json_is_the_document_the_api_serves() -> None:
    _assert_same(openapi.DOCUMENT, openapi.document_text())


def test_schema_types_are_generated_from_the_document(tmp_path: Path) -> None:
    document = tmp_path / "openapi.json"
    document.write_text(openapi.document_text(), encoding="utf-8")
    output = tmp_path / "schema.d.ts"
    openapi.typescript(document, output)
    _assert_same(openapi.TYPES, output.read_text(encoding="utf-8"))
