/// <reference types="vitest/config" />
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

// The FastAPI app serves the built page and the API from one origin; in development
// Vite stands in for the page and forwards API calls to a locally running uvicorn.
const apiProxy = { "/api": "http://127.0.0.1:8000" };

export default defineConfig({
  base: "/",
  plugins: [vue()],
  server: { proxy: apiProxy },
  preview: { proxy: apiProxy },
  test: {
    environment: "jsdom",
    include: ["src/**/__tests__/*.spec.ts"],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
