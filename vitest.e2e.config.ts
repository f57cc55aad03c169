import { defineConfig } from "vitest/config";
import { resolve } from "./vitest.shared";

/** End-to-end: HTTP and browser tests against the built portal, started once for the run. */
export default defineConfig({
  resolve,
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    globalSetup: ["tests/e2e/global-setup.ts"],
    globals: true,
    pool: "forks",
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
