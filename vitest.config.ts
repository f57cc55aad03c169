import { defineConfig } from "vitest/config";
import { resolve } from "./vitest.shared";

export default defineConfig({
  resolve,
  test: {
    include: ["app/**/*.test.ts", "tests/integration/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    globals: true,
    // Each PGlite instance holds ~1 GB; two workers fit the 2-core CI machine.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // generous: a 2-core CI machine under load; speed is measured in the benchmarks, not here
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // vitest puts Vite's BASE_URL ("/") into process.env; the portal's BASE_URL is its public address
    env: { NODE_ENV: "test", BASE_URL: "http://localhost:3000" },
  },
});
