import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../tests/support/db";
import { isLineFeature } from "./schema";
import { splitSection } from "./sections.server";
import { createDraft, getApplication, saveDraft } from "./service.server";
import { KREIS_TO_GEMEINDE, principalFor, routeAlong } from "./test-fixtures.server";

const db = useTestDatabase();

describe("splitSection", () => {
  it("splits a section at a distance into two with the same properties, and refuses a point outside it", async () => {
    const knex = db.current.knex;
    const operator = await principalFor(knex, "betreiber@demo.test");
    const created = await createDraft(knex, operator, { title: "Teilungstest" });
    if (!created.ok) throw new Error(created.error.message);
    const route = await routeAlong(knex, [KREIS_TO_GEMEINDE[0]!], []);
    const saved = await saveDraft(knex, operator, created.value.id, { expectedVersion: created.value.version, route });
    if (!saved.ok) throw new Error(saved.error.message);

    const tooFar = await splitSection(knex, operator, created.value.id, { expectedVersion: saved.value.version, featureIndex: 0, atMetres: 1e6 });
    expect(tooFar).toMatchObject({ ok: false, error: { code: "invalid", message: expect.stringContaining("zwischen 1 m und") } });

    const split = await splitSection(knex, operator, created.value.id, { expectedVersion: saved.value.version, featureIndex: 0, atMetres: 100 });
    expect(split.ok).toBe(true);
    const application = await getApplication(knex, operator, created.value.id);
    const lines = application!.draftRoute!.features.filter(isLineFeature);
    expect(lines).toHaveLength(2);
    expect(lines[0]!.properties).toEqual(lines[1]!.properties);
    const lengths = await knex.raw(
      "SELECT ST_Length(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326), 25832)) AS m FROM json_array_elements_text(?::json) AS g",
      [JSON.stringify(lines.map((l) => JSON.stringify(l.geometry)))],
    );
    expect(lengths.rows[0].m).toBeCloseTo(100, 0);

    const stale = await splitSection(knex, operator, created.value.id, { expectedVersion: saved.value.version, featureIndex: 0, atMetres: 50 });
    expect(stale).toMatchObject({ ok: false, error: { code: "conflict" } });
  });
});
