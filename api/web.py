"""The built Vue page, served at / with history-mode routing."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope


class SinglePageApp(StaticFiles):
    """Static files, and index.html for any other page path (/operators, a shared search link), so the
    page's router can take over; unknown /api paths and missing files (a name with an extension) stay 404."""

    def __init__(self, directory) -> None:
        super().__init__(directory=directory, html=True)

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or path.split("/", 1)[0] == "api" or "." in path.rsplit("/", 1)[-1]:
                raise
            return await super().get_response("index.html", scope)
