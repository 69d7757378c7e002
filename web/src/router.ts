import { createRouter, createWebHistory, type RouterHistory } from "vue-router";
import SearchView from "./views/SearchView.vue";

/** `/` is the shopper page (its search lives in the query string); `/operators` the operator console. */
export function createAppRouter(history: RouterHistory = createWebHistory(import.meta.env.BASE_URL)) {
  return createRouter({
    history,
    routes: [
      { path: "/", name: "search", component: SearchView },
      { path: "/operators", name: "operators", component: () => import("./operator/OperatorConsole.vue") },
      { path: "/:unknown(.*)*", redirect: "/" },
    ],
  });
}
