"""Regenerate the web page's API types from the API's code: ``web/openapi.json``, then ``web/src/api/schema.d.ts``.

The OpenAPI document is built from the FastAPI app in this process (no server, a throwaway data home), written to
``web/openapi.json``, and ``npm run gen:api`` in web/ turns it into TypeScript with openapi-typescript. Both files
are committed, so building the page needs no Python; tests/test_web_api_types.py fails when they drift from the code.

    .venv/bin/python scripts/openapi.py
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from api.main import create_app
from snapmode.config import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent
WEB = REPO_ROOT / "web"
DOCUMENT = WEB / "openapi.json"
TYPES = WEB / "src" / "api" / "schema.d.ts"
OPENAPI_TYPESCRIPT = WEB / "node_modules" / ".bin" / "openapi-typescript"  # web/package.json pins it
REGENERATE = ".venv/bin/python scripts/openapi.py"


def document() -> dict[str, Any]:
    """The API's OpenAPI document as the app serves it at /api/v1/openapi.json."""
    with tempfile.TemporaryDirectory(prefix="snapmode-openapi-") as scratch:
        # The app creates its data home; a throwaway one keeps var/ untouched, and no web page is mounted.
        settings = Settings(home=Path(scratch) / "home", web_dist=Path(scratch) / "no-web-page")
        return create_app(settings).openapi()


def document_text() -> str:
    """``document()`` as web/openapi.json holds it: indented, in the app's own order, so diffs read well."""
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"


def typescript(openapi_json: Path, output: Path) -> None:
    """Write the TypeScript types of ``openapi_json`` to ``output``, as ``npm run gen:api`` does."""
    if not OPENAPI_TYPESCRIPT.is_file():
        raise FileNotFoundError(f"{OPENAPI_TYPESCRIPT} is missing: run `npm ci` in web/ first")
    run = subprocess.run(
        [str(OPENAPI_TYPESCRIPT), str(openapi_json), "--output", str(output)],
        check=False,
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if run.returncode != 0:
        raise RuntimeError(f"openapi-typescript failed on {openapi_json} ({run.returncode}):\n{run.stderr}")


def main() -> None:
    DOCUMENT.write_text(document_text(), encoding="utf-8")
    subprocess.run(["npm", "run", "--silent", "gen:api"], check=True, cwd=WEB, timeout=120)
    print(f"wrote {DOCUMENT.relative_to(REPO_ROOT)} and {TYPES.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
