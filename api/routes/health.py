from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from starlette.concurrency import run_in_threadpool

from api.deps import ServicesDep
from api.readiness import check_backends
from api.schemas import Health, Liveness, Readiness

router = APIRouter(tags=["health"])


@router.get("/live", response_model=Liveness, summary="Liveness: the process answers (reads no backend)")
def live() -> Liveness:
    # A backend outage must not get the API restarted: it recovers by itself once the backend is back.
    return Liveness(status="alive")


@router.get("/health", response_model=Health, summary="The process answers, with index sizes")
def health(services: ServicesDep) -> Health:
    return Health(status="ok", products=services.products.count(), vectors=services.vectors.count())


@router.get(
    "/ready",
    response_model=Readiness,
    summary="Readiness: every configured backend answers",
    responses={503: {"model": Readiness, "description": "A backend is down; its entry says why"}},
)
async def ready(services: ServicesDep) -> JSONResponse:
    backends = await run_in_threadpool(check_backends, services, services.settings.api.ready_timeout)
    ok = all(state == "ok" for state in backends.values())
    answer = Readiness(status="ready" if ok else "unavailable", backends=backends)
    headers = {} if ok else {"Retry-After": "5"}
    return JSONResponse(answer.model_dump(), status_code=200 if ok else 503, headers=headers)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}},
)
def metrics() -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
