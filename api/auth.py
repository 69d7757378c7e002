"""Operator access: an API key in `Authorization: Bearer <key>` or `X-API-Key: <key>`, with a role.

No key, or an unknown or revoked one, is a 401 (with `WWW-Authenticate: Bearer`); a valid key
without the route's role is a 403. Shoppers' routes take no key.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from api.deps import ServicesDep
from snapmode.access import ApiKey, Role, has_role

_bearer = HTTPBearer(auto_error=False, description="An operator's API key: `Authorization: Bearer sm_...`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The same key in `X-API-Key`")


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def current_key(
    services: ServicesDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    header: Annotated[str | None, Security(_header)],
) -> ApiKey:
    raw = bearer.credentials if bearer is not None else header
    if not raw:
        raise _unauthorized("an API key is needed: send `Authorization: Bearer <key>` or `X-API-Key: <key>`")
    key = services.keys.verify(raw)
    if key is None:
        raise _unauthorized("unknown or revoked API key")
    return key


def requires(role: Role):
    def check(key: Annotated[ApiKey, Depends(current_key)]) -> ApiKey:
        if not has_role(key, role):
            raise HTTPException(status_code=403, detail=f"this needs the {role} role; key {key.key_id} is {key.role}")
        return key

    return check


Operator = Annotated[ApiKey, Depends(requires("operator"))]
Admin = Annotated[ApiKey, Depends(requires("admin"))]
