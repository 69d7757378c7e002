"""Operator routes: register shops, start, pause and resume their crawls, watch them and their field coverage,
preview extraction."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Admin, Operator
from api.deps import ServicesDep
from snapmode.domain import MAX_SITE_NAME_CHARS, Site
from snapmode.pipeline import operators
from snapmode.pipeline.operators import CrawlError, CrawlStatus, ExtractionPreview, SiteCoverage

router = APIRouter(prefix="/sites", tags=["operators"])

_RULES_EXAMPLE = "name: h1.product-title::text\nprice: .price::text\nimages: .gallery img::attr(src)\n"


class SiteView(Site):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "5d41402abc4b2a76",
                    "root_url": "https://shop.example/",
                    "name": "Example Shop",
                    "state": "active",
                    "rules_yaml": None,
                    "include": [],
                    "exclude": ["/checkout"],
                    "created_at": 1767225600.0,
                }
            ]
        }
    )


class SiteCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"root_url": "https://shop.example/", "exclude": ["/checkout"]}]},
    )

    root_url: str = Field(
        description="The shop's home page (http or https, on a public address: what the crawler would refuse to"
        " fetch is refused here)"
    )
    name: str | None = Field(
        None,
        max_length=MAX_SITE_NAME_CHARS,
        description="The shop's name as shoppers know it; when left out, the crawler learns it from the home page",
    )
    rules_yaml: str | None = Field(None, description="Extraction rules for pages without structured data")
    include: list[str] = Field(
        default_factory=list, description="RE2 regexes: when given, only matching pages are crawled"
    )
    exclude: list[str] = Field(default_factory=list, description="RE2 regexes: matching pages are never crawled")


class SitePatch(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"rules_yaml": _RULES_EXAMPLE}]})

    rules_yaml: str | None = Field(None, description="New rules; null removes them")
    include: list[str] | None = None
    exclude: list[str] | None = None
    name: str | None = Field(
        None, max_length=MAX_SITE_NAME_CHARS, description="New name; null lets the crawler learn it again"
    )


class PreviewRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"url": "https://shop.example/p/hoodie", "rules_yaml": _RULES_EXAMPLE}]},
    )

    url: str = Field(description="A sample product page")
    rules_yaml: str | None = None


def _view(site: Site) -> SiteView:
    return SiteView.model_validate(site.model_dump())


@router.get("", response_model=list[SiteView], summary="Registered sites")
def list_sites(services: ServicesDep, _: Operator) -> list[SiteView]:
    return [_view(site) for site in services.sites.all()]


@router.post(
    "",
    response_model=SiteView,
    status_code=status.HTTP_201_CREATED,
    summary="Register a site and start crawling it",
    description="201 for a new site; the same root URL again answers 200 with the site updated and active."
    " 422, with the reason, for an address the crawler would refuse to fetch (loopback, private, link-local"
    " or otherwise non-public, user info, no valid host; hosts in crawl.allow_hosts excepted), invalid rules,"
    " or patterns RE2 cannot run (backreferences, lookarounds).",
    responses={200: {"model": SiteView, "description": "The site was already registered"}},
)
def create_site(services: ServicesDep, _: Operator, body: SiteCreate, response: Response) -> SiteView:
    site, created = operators.create_site(
        services, body.root_url, body.rules_yaml, body.include, body.exclude, body.name
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return _view(site)


@router.post(
    "/preview",
    response_model=ExtractionPreview,
    summary="What the extractor finds on a live page",
    description="Fetches the page as the crawler does (SSRF guard, robots.txt); 400 if it cannot be fetched.",
    responses={400: {"description": "The page cannot be fetched"}, 422: {"description": "Invalid rules or URL"}},
)
def preview(services: ServicesDep, _: Operator, body: PreviewRequest) -> ExtractionPreview:
    try:
        return operators.preview(services, body.url, body.rules_yaml)
    except operators.PreviewRefused as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None


@router.get("/{site_id}", response_model=SiteView, summary="One site")
def get_site(services: ServicesDep, _: Operator, site_id: str) -> SiteView:
    return _view(operators.get_site(services, site_id))


@router.patch("/{site_id}", response_model=SiteView, summary="Change a site's rules, patterns or name")
def update_site(services: ServicesDep, _: Operator, site_id: str, body: SitePatch) -> SiteView:
    return _view(operators.update_site(services, site_id, body.model_dump(exclude_unset=True)))


@router.delete(
    "/{site_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Forget a site (admin)",
    description="Its frontier goes too; products already indexed stay searchable.",
)
def delete_site(services: ServicesDep, _: Admin, site_id: str) -> Response:
    operators.delete_site(services, site_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{site_id}/start", response_model=SiteView, summary="Seed the site again and recrawl it from the top")
def start(services: ServicesDep, _: Operator, site_id: str) -> SiteView:
    return _view(operators.start_site(services, site_id))


@router.post("/{site_id}/pause", response_model=SiteView, summary="Stop fetching the site's URLs")
def pause(services: ServicesDep, _: Operator, site_id: str) -> SiteView:
    return _view(operators.set_state(services, site_id, "paused"))


@router.post("/{site_id}/resume", response_model=SiteView, summary="Continue a paused crawl where it stopped")
def resume(services: ServicesDep, _: Operator, site_id: str) -> SiteView:
    return _view(operators.set_state(services, site_id, "active"))


@router.get("/{site_id}/status", response_model=CrawlStatus, summary="A crawl's figures now")
def crawl_status(services: ServicesDep, _: Operator, site_id: str) -> CrawlStatus:
    return operators.crawl_status(services, site_id)


@router.get(
    "/{site_id}/coverage",
    response_model=SiteCoverage,
    summary="How much of the site's catalogue each field covers, and which source supplied it",
    description="Over the site's indexed products: per field, the share of products that have it and, per"
    " extraction source (json-ld, microdata, rdfa, opengraph, twitter-card, rules, heuristics, template), the"
    " share it supplied. A low share shows a gap to fix with rules.",
)
def coverage(services: ServicesDep, _: Operator, site_id: str) -> SiteCoverage:
    return operators.site_coverage(services, site_id)


@router.get("/{site_id}/errors", response_model=list[CrawlError], summary="The site's failing URLs, latest first")
def recent_errors(
    services: ServicesDep, _: Operator, site_id: str, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[CrawlError]:
    return operators.recent_errors(services, site_id, limit)
