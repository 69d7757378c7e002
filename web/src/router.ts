import { createRouter, createWebHistory, type RouterHistory } from "vue-router";
import NotFoundView from "./views/NotFoundView.vue";
import SearchView from "./views/SearchView.vue";

/**
 * `/` is the shopper page (its search lives in the query string); `/operators` the operator console; any
 * other path the "page not found" view (the server answers those paths with status 404 and this page).
 */
export function createAppRouter(history: RouterHistory = createWebHistory(import.meta.env.BASE_URL)) {
  return createRouter({
    history,
    routes: [
      { path: "/", name: "search", component: SearchView },
      { path: "/operators", name: "operators", component: () => import("./operator/OperatorConsole.vue") },
      { path: "/:unknown(.*)*", name: "not-found", component: NotFoundView },
    ],
  });
}
