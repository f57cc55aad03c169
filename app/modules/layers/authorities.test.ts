import { beforeAll, describe, expect, it } from "vitest";
import { givenOrganisation } from "../../../tests/support/fixtures";
import { useTestDatabase } from "../../../tests/support/db";
import { assignRoadAuthorities } from "./authorities.server";

/**
 * The Straßenbaulast rules of migration 0005 applied to a made-up Hessian Kreis 06997 with three
 * Gemeinden of 14,000, 50,001 and 80,001 inhabitants, and a kreisfreie Stadt 06996000 without a
 * Kreis organisation.
 */
const db = useTestDatabase();
const orgs: Record<string, string> = {};
const GEMEINDEN = [
  { ags: "06997001", population: 14_000, x: 600000 },
  { ags: "06997002", population: 50_001, x: 602000 },
  { ags: "06997003", population: 80_001, x: 604000 },
  { ags: "06996000", population: 120_000, x: 606000 },
];

beforeAll(async () => {
  const knex = db.current.knex;
  for (const g of GEMEINDEN) {
    await knex("admin_areas").insert({
      level: "gemeinde", ags: g.ags, name: `Gemeinde ${g.ags}`, state: "HE", parent_ags: g.ags.slice(0, 5), population: g.population,
      source: "authority-test", geom: knex.raw("ST_Multi(ST_MakeEnvelope(?, 5600000, ?, 5602000, 25832))", [g.x, g.x + 2000]),
    });
    orgs[g.ags] = await givenOrganisation(knex, { kind: "road_authority", authorityLevel: "gemeinde", state: "HE", ags: g.ags });
  }
  orgs.kreis = await givenOrganisation(knex, { kind: "road_authority", authorityLevel: "kreis", state: "HE", ags: "06997" });
});

async function ownerOf(roadClass: string, ortsdurchfahrt: boolean, x: number): Promise<string | null> {
  const knex = db.current.knex;
  const [road] = await knex("roads")
    .insert({
      source: "authority-test", external_id: `${roadClass}-${ortsdurchfahrt}-${x}`, road_class: roadClass, ortsdurchfahrt,
      geom: knex.raw("ST_GeomFromText(?, 25832)", [`LINESTRING(${x + 500} 5601000, ${x + 700} 5601000)`]),
    })
    .returning("id");
  await assignRoadAuthorities(knex, { roadIds: [Number(road.id)] });
  const row = await knex("roads").where({ id: road.id }).first("authority_id");
  return row.authority_id;
}

describe("assignRoadAuthorities", () => {
  it("gives a Gemeinde over 50,000 its Landes- and Kreisstraßen-Ortsdurchfahrten (§ 41 HStrG), not below", async () => {
    expect(await ownerOf("kreisstrasse", true, 602000)).toBe(orgs["06997002"]);
    expect(await ownerOf("kreisstrasse", true, 600000)).toBe(orgs.kreis);
    expect(await ownerOf("kreisstrasse", false, 602000)).toBe(orgs.kreis);
  });

  it("leaves Bundesstraßen-Ortsdurchfahrten with the Land below 80,000 inhabitants (§ 5 Abs. 2 FStrG)", async () => {
    const land = await db.current.knex("organisations").where({ slug: "hessen-mobil" }).first("id");
    expect(await ownerOf("bundesstrasse", true, 602000)).toBe(land.id);
    expect(await ownerOf("bundesstrasse", true, 604000)).toBe(orgs["06997003"]);
  });

  it("gives Gemeindestraßen to their Gemeinde, Kreisstraßen of a kreisfreie Stadt to the city, and other ways to nobody", async () => {
    expect(await ownerOf("gemeindestrasse", false, 600000)).toBe(orgs["06997001"]);
    expect(await ownerOf("kreisstrasse", false, 606000)).toBe(orgs["06996000"]);
    expect(await ownerOf("other", false, 600000)).toBeNull();
  });

  it("gives the Autobahn to the Autobahn GmbH", async () => {
    const bund = await db.current.knex("organisations").where({ authority_level: "bund" }).first("id");
    expect(await ownerOf("autobahn", false, 604000)).toBe(bund.id);
  });
});
