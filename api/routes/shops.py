"""Shoppers' route to the registered shops: their names, for the shop filter and the result cards."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ServicesDep
from api.ratelimit import rate_limited
from api.schemas import RATE_LIMITED

router = APIRouter(prefix="/shops", tags=["search"])


class Shop(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"id": "5d41402abc4b2a76", "name": "Luma Demo Shop", "url": "https://shop.example/"}]
        }
    )

    id: str = Field(description="The site's id: what the search's `site` filter and results' `site` hold")
    name: str = Field(description='The shop\'s name, else its host without "www." while the name is not known')
    url: str = Field(description="The shop's home page")


@router.get(
    "",
    response_model=list[Shop],
    summary="The shops searched",
    description="One per registered site, by name. No key needed.",
    dependencies=[Depends(rate_limited("search"))],
    responses=RATE_LIMITED,
)
def list_shops(services: ServicesDep) -> list[Shop]:
    shops = [Shop(id=site.id, name=site.shop_name, url=site.root_url) for site in services.sites.all()]
    return sorted(shops, key=lambda shop: (shop.name.casefold(), shop.id))
