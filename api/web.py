"""The built Vue page, served at / with history-mode routing."""

from __future__ import annotations

import anyio.to_thread
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

# The page paths web/src/router.ts declares (tests/test_api_web.py checks that the two lists agree). The page's
# router ignores case and a trailing slash, and so does the comparison.
PAGE_ROUTES = frozenset({"/", "/operators"})


class SinglePageApp(StaticFiles):
    """Static files, and index.html for the page's own paths (/operators, a shared search link) so the page's
    router takes over; any other page path gets index.html too, with status 404, and the page shows its "page not
    found" view. Unknown /api paths and missing files (a name with an extension) are a plain 404."""

    def __init__(self, directory) -> None:
        super().__init__(directory=directory, html=True)

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or path.split("/", 1)[0] == "api" or "." in path.rsplit("/", 1)[-1]:
                raise
            if "/" + path.lower() in PAGE_ROUTES:
                return await super().get_response("index.html", scope)
            full_path, stat_result = await anyio.to_thread.run_sync(self.lookup_path, "index.html")
            if stat_result is None:
                raise
            return FileResponse(full_path, status_code=404, stat_result=stat_result)
