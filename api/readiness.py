"""Readiness: each configured backend answers a cheap call within a deadline, or is named with its failure."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from snapmode.errors import BackendUnavailable
from snapmode.services import Services

# Checks that hang keep their thread until the backend's own timeout: a small pool bounds them.
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="ready")
_PROBE = "snapmode-readiness-probe"


def _checks(services: Services) -> dict[str, Callable[[], object]]:
    return {
        "products": lambda: services.products.count(),
        "queue": lambda: services.queue.pending(),
        "vectors": lambda: services.vectors.count(),
        "frontier": lambda: services.frontier.get(_PROBE),
        "sites": lambda: services.sites.get(_PROBE),
    }


def _technologies(services: Services) -> dict[str, str]:
    """What each backend is and where, so a failure message names the server to look at."""
    settings = services.settings
    servers = {"solr": f"solr at {settings.solr.url}", "kafka": f"kafka at {settings.kafka.bootstrap_servers}"}
    return {
        "products": servers.get(settings.product_index, settings.product_index),
        "queue": servers.get(settings.queue, settings.queue),
        "vectors": f"milvus at {settings.compact_index_uri if settings.vectors == 'compact' else settings.resolved_vectors_uri}",
        "frontier": servers.get(settings.frontier, settings.frontier),
        "sites": servers.get(settings.sites, settings.sites),
    }


def check_backends(services: Services, timeout: float) -> dict[str, str]:
    """"ok" or the failure of each backend, all checked at once."""
    futures = {name: _POOL.submit(check) for name, check in _checks(services).items()}
    technologies = _technologies(services)
    return {name: _outcome(f"{name} ({technologies[name]})", future, timeout) for name, future in futures.items()}


def _outcome(name: str, future: Future, timeout: float) -> str:
    try:
        future.result(timeout=timeout)
    except FutureTimeout:
        return f"{name} did not answer within {timeout:g} s"
    except BackendUnavailable as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - readiness reports every failure (a backend that cannot open too)
        return f"{name} failed: {exc!r}"
    return "ok"
