from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from api.auth import Operator
from snapmode.access import Role

router = APIRouter(prefix="/auth", tags=["operators"])


class WhoAmI(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"key_id": "3f9c2a71b0de", "name": "shop team", "role": "operator"}]}
    )

    key_id: str
    name: str
    role: Role


@router.get("/whoami", response_model=WhoAmI, summary="The key this request is made with")
def whoami(key: Operator) -> WhoAmI:
    return WhoAmI(key_id=key.key_id, name=key.name, role=key.role)
