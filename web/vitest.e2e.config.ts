import { defineConfig } from "vitest/config";

// Browser tests against a running SnapMode server (tests/test_web_e2e.py starts one and sets E2E_* variables).
export default defineConfig({
  test: {
    environment: "node",
    include: ["e2e/**/*.e2e.ts"],
    fileParallelism: false, // one Chromium at a time: the server's models and the browser share the CPU
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
