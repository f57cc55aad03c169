import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.server";

const dataDir = () => mkdtempSync(path.join(tmpdir(), "bp-env-"));

describe("configuration", () => {
  it("defaults to the embedded database with demo data and a generated, kept session secret", () => {
    const dir = dataDir();
    const env = parseEnv({ DATA_DIR: dir });
    expect(env).toMatchObject({ DB_ENGINE: "pglite", DEMO_DATA: true, PORT: 3000, BASE_URL: "http://localhost:3000" });
    expect(env.SESSION_SECRET).toHaveLength(64);
    expect(readFileSync(path.join(dir, "session-secret"), "utf8")).toBe(env.SESSION_SECRET);
    expect(parseEnv({ DATA_DIR: dir }).SESSION_SECRET).toBe(env.SESSION_SECRET);
  });

  it("uses PostgreSQL without demo data when DATABASE_URL is set", () => {
    const env = parseEnv({ DATA_DIR: dataDir(), DATABASE_URL: "postgres://u@h:5432/db" });
    expect(env).toMatchObject({ DB_ENGINE: "postgres", DEMO_DATA: false });
  });

  it("names every invalid variable", () => {
    const call = () =>
      parseEnv({ PORT: "achtzig", DATABASE_URL: "mysql://x", BASE_URL: "kein url", SESSION_SECRET: "kurz", DEMO_DATA: "vielleicht" });
    expect(call).toThrow(EnvError);
    const message = (() => {
      try {
        call();
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })();
    for (const name of ["PORT", "DATABASE_URL", "BASE_URL", "SESSION_SECRET", "DEMO_DATA"]) expect(message).toContain(`- ${name}:`);
  });

  it("reads the basemap's further origins as a list and refuses a non-URL", () => {
    expect(parseEnv({ DATA_DIR: dataDir(), BASEMAP_ORIGINS: "https://a.example, https://b.example" }).BASEMAP_ORIGINS).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
    expect(() => parseEnv({ DATA_DIR: dataDir(), BASEMAP_ORIGINS: "kein-origin" })).toThrow(/BASEMAP_ORIGINS/);
  });

  it("requires a session secret in production with a real database", () => {
    expect(() => parseEnv({ NODE_ENV: "production", DATABASE_URL: "postgres://u@h/db" })).toThrow(/SESSION_SECRET: is required/);
  });
});
