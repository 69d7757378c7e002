from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServicesDep
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Liveness and index sizes")
def health(services: ServicesDep) -> Health:
    return Health(status="ok", products=services.products.count(), vectors=services.vectors.count())
