import { describe, expect, it } from "vitest";
import { givenOrganisation, TEST_PASSWORD } from "../../../tests/support/fixtures";
import { useTestDatabase } from "../../../tests/support/db";
import { CreateOrganisationSchema, CreateUserSchema } from "./schema";
import { createOrganisation, createUser, listUsers } from "./service.server";

const db = useTestDatabase();
const SYSTEM = { userId: null, organisationId: null };

describe("organisations and users", () => {
  it("creates a user with a membership and an audit event", async () => {
    const org = await givenOrganisation(db.current.knex, { kind: "consulted_body" });
    const result = await createUser(db.current.knex, SYSTEM, {
      name: "Łukasz Dvořák",
      email: "lukasz@test.example",
      organisationId: org,
      role: "consulted_body",
      password: TEST_PASSWORD,
    });
    expect(result.ok).toBe(true);
    const users = await listUsers(db.current.knex);
    expect(users.find((u) => u.email === "lukasz@test.example")).toMatchObject({
      name: "Łukasz Dvořák",
      memberships: [{ role: "consulted_body" }],
    });
    if (result.ok) {
      expect(await db.current.knex("audit_events").where({ entity_type: "user", entity_id: result.id, action: "created" })).toHaveLength(1);
    }
  });

  it("refuses a role that does not fit the organisation, and a duplicate e-mail, writing nothing", async () => {
    const org = await givenOrganisation(db.current.knex, { kind: "operator" });
    const input = { name: "Eva Muster", email: "eva@test.example", organisationId: org, password: TEST_PASSWORD };
    expect(await createUser(db.current.knex, SYSTEM, { ...input, role: "authority_clerk" })).toEqual({
      ok: false,
      error: { field: "role", message: "Diese Rolle passt nicht zur Art der Organisation." },
    });
    expect(await db.current.knex("users").where({ email: "eva@test.example" })).toHaveLength(0);
    expect((await createUser(db.current.knex, SYSTEM, { ...input, role: "operator" })).ok).toBe(true);
    const again = await createUser(db.current.knex, SYSTEM, { ...input, role: "operator" });
    expect(again).toEqual({ ok: false, error: { field: "email", message: "Zu dieser E-Mail-Adresse gibt es bereits ein Konto." } });
    expect(await db.current.knex("memberships").where({ organisation_id: org })).toHaveLength(1);
  });

  it("refuses a duplicate slug", async () => {
    const input = { name: "Gemeinde Doppel", slug: "gemeinde-doppel", kind: "operator" as const };
    expect((await createOrganisation(db.current.knex, SYSTEM, input)).ok).toBe(true);
    expect(await createOrganisation(db.current.knex, SYSTEM, input)).toEqual({
      ok: false,
      error: { field: "slug", message: "Dieses Kürzel ist bereits vergeben." },
    });
  });

  it("validates forms with German field messages", () => {
    const org = CreateOrganisationSchema.safeParse({ name: "X", slug: "Ungültig!", kind: "road_authority" });
    expect(org.success).toBe(false);
    const fields = org.success ? {} : org.error.flatten().fieldErrors;
    expect(fields).toMatchObject({
      name: ["Der Name muss mindestens 2 Zeichen lang sein."],
      slug: ["Nur Kleinbuchstaben, Ziffern und Bindestriche, 2 bis 63 Zeichen."],
    });
    const authority = CreateOrganisationSchema.safeParse({ name: "Stadt A", slug: "stadt-a", kind: "road_authority" });
    expect(authority.success ? {} : authority.error.flatten().fieldErrors).toMatchObject({
      authorityLevel: ["Für Straßenbaulastträger ist die Ebene erforderlich."],
      state: ["Für Straßenbaulastträger ist das Land erforderlich."],
    });
    const user = CreateUserSchema.safeParse({ name: "A", email: "kein-mail", organisationId: "x", role: "chef", password: "kurz" });
    expect(Object.keys(user.success ? {} : user.error.flatten().fieldErrors).sort()).toEqual(
      ["email", "name", "organisationId", "password", "role"].sort(),
    );
  });
});
