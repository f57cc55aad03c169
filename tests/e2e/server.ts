import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { launchPortal } from "../../scripts/lib/portal";

/**
 * Starts the built portal (`npm run build` first) exactly as `npm start` does, with demo data, in a
 * fresh embedded data folder — or, with DATABASE_URL set, on that PostgreSQL database.
 */
export async function startPortal(): Promise<{ baseUrl: string; stop(): Promise<void>; bootMs: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "bp-e2e-"));
  const portal = await launchPortal(
    { ...process.env, DATA_DIR: dataDir, DEMO_DATA: "1", LOG_REQUESTS: "false", SESSION_SECRET: randomBytes(32).toString("hex") },
    { timeoutMs: 180_000 },
  );
  return {
    baseUrl: portal.baseUrl,
    bootMs: portal.bootMs,
    stop: async () => {
      await portal.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
