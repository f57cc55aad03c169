import { describe, expect, it } from "vitest";
import { givenOrganisation } from "../../../tests/support/fixtures";
import { useTestDatabase } from "../../../tests/support/db";
import type { Role } from "./roles";
import { applyScope, canActFor } from "./scope.server";
import type { Principal } from "./session.server";

const db = useTestDatabase();

function principal(role: Role, organisationId: string): Principal {
  return {
    sessionId: "s",
    userId: "u",
    email: "x@test.example",
    name: "X",
    role,
    organisation: { id: organisationId, name: "Org", kind: "operator", authorityLevel: null, state: null, ags: null },
  };
}

describe("applyScope", () => {
  it("shows a road authority only its own roads, state staff all, and operators none", async () => {
    const knex = db.current.knex;
    const mine = await givenOrganisation(knex, { kind: "road_authority" });
    const theirs = await givenOrganisation(knex, { kind: "road_authority" });
    const operator = await givenOrganisation(knex, { kind: "operator" });
    const line = "ST_GeomFromText('LINESTRING(530000 5610000, 530100 5610000)', 25832)";
    await knex("roads").insert([
      { source: "scope-test", external_id: "1", road_class: "gemeindestrasse", authority_id: mine, geom: knex.raw(line) },
      { source: "scope-test", external_id: "2", road_class: "kreisstrasse", authority_id: theirs, geom: knex.raw(line) },
    ]);
    const ids = (role: Role, org: string) =>
      applyScope(knex("roads").where({ source: "scope-test" }).orderBy("external_id"), principal(role, org), {
        authority: "roads.authority_id",
      }).pluck("external_id");

    expect(await ids("authority_clerk", mine)).toEqual(["1"]);
    expect(await ids("authority_admin", theirs)).toEqual(["2"]);
    expect(await ids("state_analyst", operator)).toEqual(["1", "2"]);
    expect(await ids("operator", operator)).toEqual([]);
    expect(await ids("consulted_body", operator)).toEqual([]);
  });

  it("lets state staff read but never act", () => {
    expect(canActFor(principal("state_analyst", "a"), "a")).toBe(false);
    expect(canActFor(principal("operator", "a"), "a")).toBe(true);
    expect(canActFor(principal("operator", "a"), "b")).toBe(false);
  });
});
