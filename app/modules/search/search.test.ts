import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../tests/support/db";
import { SearchQuerySchema } from "./schema";
import { search } from "./search.server";

const db = useTestDatabase();

/** The demo Kreis in WGS84, roughly: every bbox must lie inside. */
const REGION = { minLon: 9.2, maxLon: 9.75, minLat: 50.5, maxLat: 50.8 };

function inRegion([minLon, minLat, maxLon, maxLat]: [number, number, number, number]) {
  return minLon >= REGION.minLon && maxLon <= REGION.maxLon && minLat >= REGION.minLat && maxLat <= REGION.maxLat && minLon <= maxLon && minLat <= maxLat;
}

describe("search", () => {
  it("finds a Gemeinde by name prefix, case-insensitively, with its WGS84 bbox", async () => {
    const results = await search(db.current.knex, "auen");
    expect(results[0]).toMatchObject({ kind: "gemeinde", label: "Auenstadt" });
    expect(inRegion(results[0]!.bbox)).toBe(true);
    const [minLon, minLat, maxLon, maxLat] = results[0]!.bbox;
    expect(maxLon - minLon).toBeGreaterThan(0.02);
    expect(maxLat - minLat).toBeGreaterThan(0.02);
  });

  it("finds streets grouped by name and Gemeinde", async () => {
    const results = await search(db.current.knex, "Rathausstr");
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(10);
    for (const r of results) {
      expect(r.kind).toBe("street");
      expect(r.label).toMatch(/^Rathausstraße, \S+/);
      expect(inRegion(r.bbox)).toBe(true);
    }
    // one hit per Gemeinde
    expect(new Set(results.map((r) => r.label)).size).toBe(results.length);
  });

  it("finds roads by their number and matches inside names", async () => {
    const byRef = await search(db.current.knex, "B 275");
    expect(byRef.length).toBeGreaterThan(0);
    expect(byRef.every((r) => r.kind === "street" && r.label.startsWith("B 275"))).toBe(true);
    const inside = await search(db.current.knex, "straße");
    expect(inside).toHaveLength(10);
  });

  it("treats LIKE wildcards literally and returns nothing for unknown names", async () => {
    expect(await search(db.current.knex, "%%")).toEqual([]);
    expect(await search(db.current.knex, "__")).toEqual([]);
    expect(await search(db.current.knex, "Xylophonweg")).toEqual([]);
  });

  it("validates the query: 2 to 100 characters", () => {
    expect(SearchQuerySchema.safeParse({ q: "a" }).success).toBe(false);
    expect(SearchQuerySchema.safeParse({ q: " a " }).success).toBe(false);
    expect(SearchQuerySchema.safeParse({ q: "x".repeat(101) }).success).toBe(false);
    expect(SearchQuerySchema.safeParse({}).success).toBe(false);
    expect(SearchQuerySchema.safeParse({ q: "Au" }).success).toBe(true);
  });
});
