import type { Knex } from "knex";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "~/modules/auth/password.server";
import { ROLES_BY_KIND, type OrganisationKind, type Role } from "~/modules/auth/roles";
import { useTestDatabase } from "../../../tests/support/db";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./accounts";
import { CONFLICT_LAYER_KEYS } from "~/modules/layers/keys";
import { ROAD_CLASSES, type RoadClass } from "~/modules/roads/classes";
import { AUTOBAHN_SLUG, KREIS_SLUG, LAND_AGENCY_SLUG, generateDemoRegion } from "./region";
import { SEED_TABLES, seedDemo } from "./seed.server";

const db = useTestDatabase();

async function rows<T>(sql: string, bindings: readonly Knex.RawBinding[] = []): Promise<T[]> {
  return (await db.current.knex.raw(sql, bindings)).rows as T[];
}

async function count(table: string): Promise<number> {
  const [row] = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return row!.n;
}

/** Gemeinden grown by 5 cm: segments cut at a boundary end on it, up to centimetre rounding. */
const GEMEINDEN = `gemeinden AS (
  SELECT g.ags, g.name, g.population, o.slug, ST_Buffer(g.geom, 0.05) AS geom
  FROM admin_areas g JOIN organisations o ON o.kind = 'road_authority' AND o.ags = g.ags
  WHERE g.level = 'gemeinde')`;

/** Row count and a digest of every column of every row, geometry included (as EWKB hex). */
async function snapshot(): Promise<Record<string, { count: number; digest: string }>> {
  const out: Record<string, { count: number; digest: string }> = {};
  for (const table of [...SEED_TABLES, "audit_events"]) {
    const [row] = await rows<{ count: number; digest: string }>(
      `SELECT count(*)::int AS count, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest
       FROM ${table} t`,
    );
    out[table] = row!;
  }
  return out;
}

describe("demo region generator", () => {
  const region = generateDemoRegion();

  it("is deterministic", () => {
    expect(generateDemoRegion()).toEqual(region);
  });

  it("has unique natural keys", () => {
    const unique = (keys: string[]) => new Set(keys).size === keys.length;
    expect(unique(region.organisations.map((o) => o.slug))).toBe(true);
    expect(unique(region.adminAreas.map((a) => a.ags))).toBe(true);
    expect(unique(region.roads.map((r) => r.externalId))).toBe(true);
    expect(unique(region.conflictFeatures.map((f) => `${f.layerKey}/${f.externalId}`))).toBe(true);
  });

  it("gives every demo account an organisation of a kind that allows its role", () => {
    for (const account of DEMO_ACCOUNTS) {
      const org = region.organisations.find((o) => o.slug === account.organisationSlug);
      expect(org, account.email).toBeDefined();
      expect(ROLES_BY_KIND[org!.kind]).toContain(account.role);
    }
  });

  it("marks only Bundes-, Landes- and Kreisstraßen as Ortsdurchfahrt", () => {
    const classes = new Set(region.roads.filter((r) => r.ortsdurchfahrt).map((r) => r.roadClass));
    expect([...classes].sort()).toEqual(["bundesstrasse", "kreisstrasse", "landesstrasse"]);
  });
});

describe("seedDemo", () => {
  it("changes nothing when run again", async () => {
    const before = await snapshot();
    const report = await seedDemo(db.current.knex);
    expect(report.alreadySeeded).toBe(true);
    expect(Object.values(report.inserted).every((n) => n === 0)).toBe(true);
    expect(await snapshot()).toEqual(before);
  });

  it("adds back what is missing, and only that", async () => {
    const roadsBefore = await count("roads");
    await db.current.knex("roads").whereIn("external_id", ["k141-001", "auenstadt-str-01-001"]).delete();
    await db.current.knex("conflict_features").where({ layer_key: "railways" }).delete();
    const report = await seedDemo(db.current.knex);
    expect(report.alreadySeeded).toBe(false);
    expect(report.inserted).toMatchObject({ roads: 2, conflict_features: 1, users: 0, organisations: 0 });
    expect(await count("roads")).toBe(roadsBefore);
  });

  it("writes no audit events", async () => {
    expect(await count("audit_events")).toBe(0);
  });
});

describe("demo data in the database", () => {
  it("stores valid geometries in EPSG:25832", async () => {
    for (const table of ["admin_areas", "roads", "conflict_features"]) {
      const [row] = await rows<{ total: number; bad: number }>(
        `SELECT count(*)::int AS total,
                count(*) FILTER (WHERE NOT ST_IsValid(geom) OR ST_SRID(geom) <> 25832)::int AS bad
         FROM ${table}`,
      );
      expect(row!.total, table).toBeGreaterThan(0);
      expect(row!.bad, table).toBe(0);
    }
  });

  it("has roads of every class and features on every conflict layer", async () => {
    const classes = await rows<{ road_class: string }>("SELECT DISTINCT road_class FROM roads ORDER BY 1");
    expect(classes.map((r) => r.road_class)).toEqual([...ROAD_CLASSES].sort());
    const layers = await rows<{ key: string; n: number }>(
      `SELECT l.key, count(f.id)::int AS n FROM conflict_layers l
       LEFT JOIN conflict_features f ON f.layer_key = l.key GROUP BY l.key`,
    );
    expect(layers.map((l) => l.key).sort()).toEqual([...CONFLICT_LAYER_KEYS].sort());
    for (const layer of layers) expect(layer.n, layer.key).toBeGreaterThan(0);
  });

  it("tiles the Kreis with its Gemeinden, inside Hessen", async () => {
    const [tiling] = await rows<{ n: number; sum: number; kreis: number; uncovered: number; within_land: boolean }>(
      `SELECT count(*)::int AS n, sum(ST_Area(g.geom)) AS sum, ST_Area(k.geom) AS kreis,
              ST_Area(ST_SymDifference(ST_Union(g.geom), k.geom)) AS uncovered,
              bool_and(ST_Within(k.geom, l.geom)) AS within_land
       FROM admin_areas g
       JOIN admin_areas k ON k.ags = g.parent_ags
       JOIN admin_areas l ON l.ags = k.parent_ags
       WHERE g.level = 'gemeinde' AND k.ags = '06999'
       GROUP BY k.geom`,
    );
    expect(tiling!.n).toBe(5);
    expect(Math.abs(tiling!.sum - tiling!.kreis) / tiling!.kreis).toBeLessThan(1e-6);
    expect(tiling!.uncovered).toBeLessThan(1);
    expect(tiling!.within_land).toBe(true);
    const [overlap] = await rows<{ overlapping: number; area: number }>(
      `SELECT count(*) FILTER (WHERE ST_Overlaps(a.geom, b.geom))::int AS overlapping,
              coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom))), 0) AS area
       FROM admin_areas a JOIN admin_areas b ON a.ags < b.ags
       WHERE a.level = 'gemeinde' AND b.level = 'gemeinde'`,
    );
    expect(overlap).toEqual({ overlapping: 0, area: expect.closeTo(0, 0) });
  });

  it("places every town core inside its Gemeinde, Auenstadt being the largest", async () => {
    for (const town of generateDemoRegion().towns) {
      const [row] = await rows<{ within: boolean }>(
        "SELECT ST_Within(ST_SetSRID(ST_GeomFromGeoJSON(?), 25832), geom) AS within FROM admin_areas WHERE ags = ?",
        [JSON.stringify(town.core), town.ags],
      );
      expect(row?.within, town.name).toBe(true);
    }
    const gemeinden = await rows<{ name: string; population: number; households: number }>(
      "SELECT name, population, households FROM admin_areas WHERE level = 'gemeinde' ORDER BY population DESC",
    );
    expect(gemeinden[0]!.name).toBe("Auenstadt");
    expect(gemeinden[0]!.population).toBeGreaterThan(50_000);
    for (const g of gemeinden.slice(1)) expect(g.population).toBeGreaterThanOrEqual(4_000);
    for (const g of gemeinden) expect(g.population / g.households).toBeCloseTo(2.15, 0);
  });

  it("lays every segment inside one Gemeinde and gives every public road, and only those, an authority", async () => {
    const roads = await rows<{ external_id: string; road_class: RoadClass; authority: string | null }>(
      `WITH ${GEMEINDEN}
       SELECT r.external_id, r.road_class, o.slug AS authority
       FROM roads r
       LEFT JOIN organisations o ON o.id = r.authority_id
       JOIN gemeinden g ON ST_Covers(g.geom, r.geom)`,
    );
    expect(roads.length).toBe(generateDemoRegion().roads.length);
    expect(roads.filter((r) => (r.road_class === "other") !== (r.authority === null))).toEqual([]);
  });

  it("has the cases a clerk meets: motorway, city Ortsdurchfahrt, rural Kreisstraße, town street", async () => {
    const owners = await rows<{ road_class: string; ortsdurchfahrt: boolean; gemeinde: string; authority: string | null }>(
      `WITH ${GEMEINDEN}
       SELECT DISTINCT r.road_class, r.ortsdurchfahrt, g.name AS gemeinde, o.slug AS authority
       FROM roads r
       LEFT JOIN organisations o ON o.id = r.authority_id
       JOIN gemeinden g ON ST_Covers(g.geom, r.geom)`,
    );
    const has = (road_class: string, ortsdurchfahrt: boolean, gemeinde: string, authority: string | null) =>
      expect(owners).toContainEqual({ road_class, ortsdurchfahrt, gemeinde, authority });
    has("autobahn", false, "Lindenhain", AUTOBAHN_SLUG);
    has("kreisstrasse", true, "Auenstadt", "stadt-auenstadt");
    has("landesstrasse", true, "Auenstadt", "stadt-auenstadt");
    has("bundesstrasse", true, "Auenstadt", LAND_AGENCY_SLUG);
    has("kreisstrasse", true, "Lindenhain", KREIS_SLUG);
    has("kreisstrasse", false, "Wiesental", KREIS_SLUG);
    has("gemeindestrasse", false, "Erlengrund", "gemeinde-erlengrund");
    has("other", false, "Hohenwarte", null);
  });

  it("gives every demo account exactly one membership with a role its organisation kind allows", async () => {
    const members = await rows<{ email: string; role: Role; kind: OrganisationKind; slug: string; password_hash: string }>(
      `SELECT u.email, m.role, o.kind, o.slug, u.password_hash
       FROM users u JOIN memberships m ON m.user_id = u.id JOIN organisations o ON o.id = m.organisation_id
       WHERE u.email = ANY(?)`,
      [DEMO_ACCOUNTS.map((a) => a.email)],
    );
    expect(members).toHaveLength(DEMO_ACCOUNTS.length);
    for (const account of DEMO_ACCOUNTS) {
      const member = members.find((m) => m.email === account.email);
      expect(member, account.email).toMatchObject({ role: account.role, slug: account.organisationSlug });
      expect(ROLES_BY_KIND[member!.kind]).toContain(member!.role);
    }
    const [first] = members;
    expect(await verifyPassword(first!.password_hash, DEMO_PASSWORD)).toBe(true);
    expect(await verifyPassword(first!.password_hash, "demo-2026!")).toBe(false);
  });

  it("puts street trees 3 to 8 m from the nearest street centre line", async () => {
    const [trees] = await rows<{ n: number; near: number; min: number; max: number }>(
      `SELECT count(*)::int AS n, count(d)::int AS near, min(d) AS min, max(d) AS max FROM (
         SELECT (SELECT min(ST_Distance(t.geom, r.geom)) FROM roads r WHERE ST_DWithin(t.geom, r.geom, 20)) AS d
         FROM conflict_features t WHERE t.layer_key = 'trees') x`,
    );
    expect(trees!.n).toBeGreaterThan(200);
    expect(trees!.near).toBe(trees!.n);
    expect(trees!.min).toBeGreaterThanOrEqual(3);
    expect(trees!.max).toBeLessThanOrEqual(8);
  });

  it("lays out conflicts where routes along the roads meet them", async () => {
    const exists = async (sql: string) => (await rows<{ ok: boolean }>(`SELECT EXISTS (${sql}) AS ok`))[0]!.ok;
    const feature = (layer: string) => `conflict_features f WHERE f.layer_key = '${layer}'`;
    // a stream crosses a Kreisstraße outside any bridge
    expect(
      await exists(`SELECT 1 FROM roads r, ${feature("watercourses")}
        AND f.name <> 'Aue' AND r.road_class = 'kreisstrasse' AND ST_Intersects(r.geom, f.geom)`),
    ).toBe(true);
    // the railway has a level crossing and runs under an Autobahn bridge
    expect(
      await exists(`SELECT 1 FROM roads r, ${feature("railways")} AND NOT r.bridge AND ST_Intersects(r.geom, f.geom)`),
    ).toBe(true);
    expect(
      await exists(`SELECT 1 FROM roads r, ${feature("railways")}
        AND r.road_class = 'autobahn' AND r.bridge AND ST_Intersects(r.geom, f.geom)`),
    ).toBe(true);
    // the Aue is bridged by the Autobahn
    expect(
      await exists(`SELECT 1 FROM roads r, ${feature("watercourses")}
        AND f.name = 'Aue' AND r.road_class = 'autobahn' AND r.bridge AND ST_Intersects(r.geom, f.geom)`),
    ).toBe(true);
    // protection zone III reaches town streets; nature reserves and a Bodendenkmal lie on roads
    expect(
      await exists(`SELECT 1 FROM roads r, ${feature("water_protection_zones")}
        AND f.attributes->>'zone' = 'III' AND r.road_class = 'gemeindestrasse' AND ST_Intersects(r.geom, f.geom)`),
    ).toBe(true);
    for (const kind of ["NSG", "FFH"]) {
      expect(
        await exists(`SELECT 1 FROM roads r, ${feature("nature_reserves")}
          AND f.attributes->>'kind' = '${kind}' AND ST_Intersects(r.geom, f.geom)`),
        kind,
      ).toBe(true);
    }
    expect(
      await exists(`SELECT 1 FROM roads r, ${feature("heritage")}
        AND f.attributes->>'kind' = 'Bodendenkmal' AND r.road_class = 'kreisstrasse' AND ST_Intersects(r.geom, f.geom)`),
    ).toBe(true);
  });

  it("nests the water protection zones I within II within III", async () => {
    const [row] = await rows<{ nested: boolean }>(
      `SELECT ST_Within(z1.geom, z2.geom) AND ST_Within(z2.geom, z3.geom) AS nested
       FROM conflict_features z1, conflict_features z2, conflict_features z3
       WHERE z1.attributes->>'zone' = 'I' AND z2.attributes->>'zone' = 'II' AND z3.attributes->>'zone' = 'III'`,
    );
    expect(row?.nested).toBe(true);
  });

  it("matches resurfaced-road features, bridges and the tunnel to road segments", async () => {
    const [resurfaced] = await rows<{ n: number; unmatched: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE NOT EXISTS (
         SELECT 1 FROM roads r WHERE r.source = f.source AND r.external_id = f.external_id
           AND ST_Equals(r.geom, f.geom) AND r.resurfaced_on = (f.attributes->>'resurfacedOn')::date
           AND r.resurfaced_on >= DATE '2021-01-01'))::int AS unmatched
       FROM conflict_features f WHERE f.layer_key = 'resurfaced_roads'`,
    );
    expect(resurfaced!.n).toBeGreaterThan(0);
    expect(resurfaced!.unmatched).toBe(0);
    const [recent] = await rows<{ n: number }>(
      "SELECT count(*)::int AS n FROM roads WHERE resurfaced_on >= DATE '2023-01-01' AND resurfaced_on < DATE '2026-01-01'",
    );
    expect(recent!.n).toBeGreaterThan(0);

    const structures = await rows<{ kind: string; covered: number }>(
      `SELECT f.attributes->>'kind' AS kind, (SELECT count(*) FROM roads r
         WHERE (r.bridge OR r.tunnel) AND ST_Covers(ST_Buffer(f.geom, 0.05), r.geom))::int AS covered
       FROM conflict_features f WHERE f.layer_key = 'structures'`,
    );
    expect(structures.filter((s) => s.kind === "tunnel")).toHaveLength(1);
    for (const s of structures) expect(s.covered).toBeGreaterThan(0);
  });
});
