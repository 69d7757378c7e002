/**
 * Shop names by site id, shared by the Shop filter, the result cards and the product panel: the search
 * page loads them from `GET /api/v1/shops` and provides them; a shop it cannot name shows its host.
 */
import { inject, shallowRef, type InjectionKey, type Ref } from "vue";
import type { Shop } from "./api";
import { safeHttpUrl, shopName } from "./format";

export type ShopNames = Readonly<Record<string, string>>;

export const SHOP_NAMES: InjectionKey<Readonly<Ref<ShopNames>>> = Symbol("shop names");

export function useShopNames(): Readonly<Ref<ShopNames>> {
  return inject(SHOP_NAMES, shallowRef({}), false);
}

/** The shop's name by its site id, else the host of its product page. */
export function shopLabel(names: ShopNames, site: string | undefined, url: string | null | undefined): string | null {
  return (site ? names[site] : undefined) || shopName(url);
}

/** Each shop's name by its id; shops that share a name (two copies of one shop software) add their host. */
export function shopNamesById(shops: Shop[]): Record<string, string> {
  const count = new Map<string, number>();
  for (const shop of shops) count.set(shop.name, (count.get(shop.name) ?? 0) + 1);
  return Object.fromEntries(
    shops.map((shop) => {
      const href = safeHttpUrl(shop.url);
      const shared = count.get(shop.name)! > 1 && href;
      return [shop.id, shared ? `${shop.name} – ${new URL(href).host}` : shop.name];
    }),
  );
}
