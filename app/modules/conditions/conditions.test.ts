import { parseWithZod } from "@conform-to/zod";
import type { Knex } from "knex";
import { beforeAll, describe, expect, it } from "vitest";
import { givenOrganisation, givenUser } from "../../../tests/support/fixtures";
import { useTestDatabase } from "../../../tests/support/db";
import { principalFor } from "~/modules/applications/test-fixtures.server";
import type { Principal } from "~/modules/auth/session.server";
import { CreateTemplateSchema, STALE_TEMPLATE_MESSAGE, UpdateTemplateSchema, type ConditionResult } from "./schema";
import {
  createTemplate,
  ensureStandardConditions,
  listTemplates,
  moveTemplate,
  setTemplateActive,
  templatesForCase,
  updateTemplate,
} from "./service.server";
import { STANDARD_TEXTS } from "./standard-texts";

const db = useTestDatabase();
const knex = (): Knex => db.current.knex;

let admin: Principal;
let clerk: Principal;
let otherAdmin: Principal;

beforeAll(async () => {
  admin = await principalFor(knex(), "behoerdenadmin@demo.test");
  clerk = await principalFor(knex(), "gemeinde@demo.test");
  const other = await givenOrganisation(knex(), { kind: "road_authority" });
  otherAdmin = await principalFor(knex(), (await givenUser(knex(), other, "authority_admin")).email);
});

function value<T>(result: ConditionResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

const count = async (table: string, where: Record<string, unknown> = {}) =>
  Number((await knex()(table).where(where).count<{ count: string }[]>("* as count"))[0]!.count);

const auditActions = async (templateId: string) =>
  (await knex()("audit_events").where({ entity_type: "condition_template", entity_id: templateId }).orderBy("id").select("action", "actor_user_id")).map(
    (r: { action: string }) => r.action,
  );

const orderOf = async (authorityId: string, kind: "condition" | "hint") =>
  (await templatesForCase(knex(), authorityId)).filter((t) => t.kind === kind).map((t) => t.title);

describe("standard texts", () => {
  it("are lawful-looking, complete and within the database's limits", () => {
    expect(new Set(STANDARD_TEXTS.map((t) => t.key)).size).toBe(STANDARD_TEXTS.length);
    expect(new Set(STANDARD_TEXTS.map((t) => t.title)).size).toBe(STANDARD_TEXTS.length);
    for (const t of STANDARD_TEXTS) expect(CreateTemplateSchema.safeParse(t).success, t.key).toBe(true);
    expect(STANDARD_TEXTS.filter((t) => t.kind === "condition").length).toBeGreaterThanOrEqual(8);
    expect(STANDARD_TEXTS.filter((t) => t.kind === "hint").length).toBeGreaterThanOrEqual(3);
    const all = STANDARD_TEXTS.map((t) => `${t.title} ${t.body}`).join(" ");
    for (const norm of ["ZTV A-StB 12", "DIN 18920", "RAS-LP 4", "§ 45 Abs. 6 StVO", "RSA 21", "§ 127 Abs. 7 TKG", "DIN 18220", "§ 130 TKG"]) {
      expect(all).toContain(norm);
    }
  });

  it("ensureStandardConditions gives every road authority the standard texts once (idempotent)", async () => {
    const auditBefore = await count("audit_events");
    await ensureStandardConditions(knex());
    const total = await count("condition_templates");
    const again = await ensureStandardConditions(knex());
    expect(again).toEqual({ authorities: 0, inserted: 0 });
    expect(await count("condition_templates")).toBe(total);

    const authorities = await knex()("organisations").where({ kind: "road_authority" }).pluck<string[]>("id");
    expect(authorities.length).toBeGreaterThan(1);
    for (const id of authorities) {
      const rows = await knex()("condition_templates").where({ authority_id: id }).orderBy("position").select("kind", "title", "body", "standard", "active");
      expect(rows).toEqual(STANDARD_TEXTS.map((t) => ({ kind: t.kind, title: t.title, body: t.body, standard: t.standard, active: true })));
    }
    // other kinds of organisation get no catalogue
    expect(Number((await knex()("condition_templates as t").join("organisations as o", "o.id", "t.authority_id").whereNot("o.kind", "road_authority").count<{ n: string }[]>("* as n"))[0]!.n)).toBe(0);
    // a system default, not a user's act
    expect(await count("audit_events")).toBe(auditBefore);
  });

  it("fills a new authority on request and leaves an authority with its own texts alone", async () => {
    const fresh = await givenOrganisation(knex(), { kind: "road_authority" });
    await knex()("condition_templates").where({ authority_id: fresh }).delete();
    expect(await ensureStandardConditions(knex(), fresh)).toEqual({ authorities: 1, inserted: STANDARD_TEXTS.length });
    expect(await ensureStandardConditions(knex(), fresh)).toEqual({ authorities: 0, inserted: 0 });

    const own = await givenOrganisation(knex(), { kind: "road_authority" });
    await knex()("condition_templates").where({ authority_id: own }).delete();
    await knex()("condition_templates").insert({ authority_id: own, kind: "condition", title: "Eigene Auflage", body: "Text" });
    expect(await ensureStandardConditions(knex(), own)).toEqual({ authorities: 0, inserted: 0 });
    expect(await count("condition_templates", { authority_id: own })).toBe(1);

    const operator = await givenOrganisation(knex(), { kind: "operator" });
    expect(await ensureStandardConditions(knex(), operator)).toEqual({ authorities: 0, inserted: 0 });
    expect(await ensureStandardConditions(knex(), "kein-uuid")).toEqual({ authorities: 0, inserted: 0 });
  });
});

describe("the authority admin's catalogue", () => {
  it("creates, edits, moves, deactivates and reactivates, with an audit event for each change", async () => {
    await ensureStandardConditions(knex());
    const authorityId = admin.organisation.id;
    const before = value(await listTemplates(knex(), admin, { includeInactive: true }));

    const created = value(
      await createTemplate(knex(), admin, { kind: "condition", title: "  Sperrzeiten   im Kurgebiet ", body: "Zeile 1\r\nZeile 2", standard: false }),
    );
    expect(created).toMatchObject({ authorityId, kind: "condition", title: "Sperrzeiten im Kurgebiet", body: "Zeile 1\nZeile 2", version: 1, active: true });
    expect(created.position).toBe(Math.max(...before.map((t) => t.position)) + 1);
    expect((await orderOf(authorityId, "condition")).at(-1)).toBe("Sperrzeiten im Kurgebiet");

    const edited = value(
      await updateTemplate(knex(), admin, { id: created.id, expectedVersion: 1, kind: "condition", title: "Arbeitszeiten im Kurgebiet", body: "Nur werktags von 7 bis 18 Uhr.", standard: true }),
    );
    expect(edited).toMatchObject({ title: "Arbeitszeiten im Kurgebiet", standard: true, version: 2 });

    // saving what is already there writes nothing
    const auditCount = await count("audit_events");
    expect(value(await updateTemplate(knex(), admin, { id: created.id, expectedVersion: 2, kind: "condition", title: "Arbeitszeiten im Kurgebiet", body: "Nur werktags von 7 bis 18 Uhr.", standard: true })).version).toBe(2);
    expect(await count("audit_events")).toBe(auditCount);

    // moves among the conditions only, and not past the ends
    const conditions = await orderOf(authorityId, "condition");
    value(await moveTemplate(knex(), admin, created.id, "up"));
    expect(await orderOf(authorityId, "condition")).toEqual([...conditions.slice(0, -2), conditions.at(-1), conditions.at(-2)]);
    value(await moveTemplate(knex(), admin, created.id, "down"));
    expect(await orderOf(authorityId, "condition")).toEqual(conditions);
    const atBottom = value(await moveTemplate(knex(), admin, created.id, "down"));
    expect(await orderOf(authorityId, "condition")).toEqual(conditions);
    expect(atBottom.position).toBe(edited.position);

    // a hint moved up swaps with the hint above it, never with a condition
    const hint = value(await createTemplate(knex(), admin, { kind: "hint", title: "Ansprechstelle", body: "Tiefbauamt, Zimmer 12." }));
    const hints = await orderOf(authorityId, "hint");
    value(await moveTemplate(knex(), admin, hint.id, "up"));
    expect(await orderOf(authorityId, "hint")).toEqual([...hints.slice(0, -2), hints.at(-1), hints.at(-2)]);
    expect(await orderOf(authorityId, "condition")).toEqual(conditions);
    const positions = (await knex()("condition_templates").where({ authority_id: authorityId }).pluck<number[]>("position")).sort((a, b) => a - b);
    expect(positions).toEqual(positions.map((_, i) => i + 1));

    const off = value(await setTemplateActive(knex(), admin, created.id, false));
    expect(off.active).toBe(false);
    expect((await templatesForCase(knex(), authorityId)).map((t) => t.id)).not.toContain(created.id);
    expect(value(await listTemplates(knex(), admin)).map((t) => t.id)).not.toContain(created.id);
    expect(value(await listTemplates(knex(), admin, { includeInactive: true })).map((t) => t.id)).toContain(created.id);
    expect(value(await setTemplateActive(knex(), admin, created.id, true)).active).toBe(true);
    expect((await templatesForCase(knex(), authorityId)).map((t) => t.id)).toContain(created.id);

    expect(await auditActions(created.id)).toEqual(["created", "updated", "moved", "moved", "deactivated", "activated"]);
    const updatedEvent = await knex()("audit_events").where({ entity_type: "condition_template", entity_id: created.id, action: "updated" }).first();
    expect(updatedEvent).toMatchObject({ actor_user_id: admin.userId, organisation_id: authorityId });
    expect(updatedEvent.payload).toMatchObject({ version: 2, changes: { title: { from: "Sperrzeiten im Kurgebiet", to: "Arbeitszeiten im Kurgebiet" }, standard: { from: false, to: true } } });
    expect(await auditActions(hint.id)).toEqual(["created", "moved"]);
  });

  it("answers a stale edit with a conflict and writes nothing", async () => {
    const t = value(await createTemplate(knex(), admin, { kind: "hint", title: "Gebühren", body: "Die Zustimmung ist gebührenfrei." }));
    value(await updateTemplate(knex(), admin, { id: t.id, expectedVersion: 1, kind: "hint", title: "Gebühren", body: "Kollegin war schneller.", standard: false }));
    const auditCount = await count("audit_events");

    const stale = await updateTemplate(knex(), admin, { id: t.id, expectedVersion: 1, kind: "condition", title: "Überschrieben?", body: "Nein.", standard: true });
    expect(stale).toEqual({ ok: false, error: { code: "conflict", message: STALE_TEMPLATE_MESSAGE, currentVersion: 2 } });
    expect(await knex()("condition_templates").where({ id: t.id }).first("kind", "title", "body", "standard", "version")).toEqual({
      kind: "hint",
      title: "Gebühren",
      body: "Kollegin war schneller.",
      standard: false,
      version: 2,
    });
    expect(await count("audit_events")).toBe(auditCount);
  });

  it("keeps clerks out and does not show one authority's texts to another's admin", async () => {
    const t = value(await createTemplate(knex(), admin, { kind: "condition", title: "Nur Auenstadt", body: "Text der Stadt." }));
    const auditCount = await count("audit_events");
    const templatesCount = await count("condition_templates");

    // a clerk of the same authority may use the texts in a case, but not change the catalogue
    expect(clerk.organisation.id).toBe(admin.organisation.id);
    for (const result of [
      await listTemplates(knex(), clerk),
      await createTemplate(knex(), clerk, { kind: "condition", title: "Vom Sachbearbeiter", body: "Text" }),
      await updateTemplate(knex(), clerk, { id: t.id, expectedVersion: 1, kind: "condition", title: "Geändert", body: "Text", standard: false }),
      await setTemplateActive(knex(), clerk, t.id, false),
      await moveTemplate(knex(), clerk, t.id, "up"),
    ]) {
      expect(result).toMatchObject({ ok: false, error: { code: "forbidden" } });
    }
    const operator = await principalFor(knex(), "betreiber@demo.test");
    expect(await listTemplates(knex(), operator)).toMatchObject({ ok: false, error: { code: "forbidden" } });

    // another authority's admin: the same answer as for an id that does not exist
    const unknown = "00000000-0000-4000-8000-000000000000";
    for (const id of [t.id, unknown, "kein-uuid"]) {
      for (const result of [
        await updateTemplate(knex(), otherAdmin, { id, expectedVersion: 1, kind: "condition", title: "Fremd", body: "Text", standard: false }),
        await setTemplateActive(knex(), otherAdmin, id, false),
        await moveTemplate(knex(), otherAdmin, id, "up"),
      ]) {
        expect(result).toEqual({ ok: false, error: { code: "not_found", message: expect.stringContaining("gibt es nicht") } });
      }
    }
    expect(value(await listTemplates(knex(), otherAdmin, { includeInactive: true })).every((x) => x.authorityId === otherAdmin.organisation.id)).toBe(true);

    expect(await knex()("condition_templates").where({ id: t.id }).first("title", "active", "version", "position")).toEqual({
      title: "Nur Auenstadt",
      active: true,
      version: 1,
      position: t.position,
    });
    expect(await count("audit_events")).toBe(auditCount);
    expect(await count("condition_templates")).toBe(templatesCount);
  });

  it("rejects invalid input with German messages at the fields, writing nothing", async () => {
    const templatesCount = await count("condition_templates");
    const result = await createTemplate(knex(), admin, { kind: "auflage" as never, title: "   ", body: "", standard: false });
    expect(result).toMatchObject({ ok: false, error: { code: "invalid" } });
    const fields = !result.ok && result.error.code === "invalid" ? Object.fromEntries(result.error.fieldErrors.map((e) => [e.path, e.message])) : {};
    expect(fields).toEqual({
      kind: "Bitte wählen Sie, ob es eine Nebenbestimmung oder ein Hinweis ist.",
      title: "Bitte geben Sie einen Titel ein.",
      body: "Bitte geben Sie den Text ein.",
    });

    const tooLong = await createTemplate(knex(), admin, { kind: "hint", title: "x".repeat(201), body: "y".repeat(5001) });
    expect(!tooLong.ok && tooLong.error.code === "invalid" ? tooLong.error.fieldErrors : []).toEqual([
      { path: "title", message: "Der Titel darf höchstens 200 Zeichen lang sein." },
      { path: "body", message: "Der Text darf höchstens 5.000 Zeichen lang sein." },
    ]);
    expect(await count("condition_templates")).toBe(templatesCount);

    // the form path: the browser's FormData through the same schema (conform), checkbox included
    const form = new FormData();
    form.set("kind", "condition");
    form.set("title", "Titel");
    form.set("body", "Text");
    form.set("standard", "on");
    expect(parseWithZod(form, { schema: CreateTemplateSchema })).toMatchObject({ status: "success", value: { kind: "condition", title: "Titel", body: "Text", standard: true } });
    const empty = new FormData();
    empty.set("id", "x");
    empty.set("expectedVersion", "");
    const reply = parseWithZod(empty, { schema: UpdateTemplateSchema }).reply();
    expect(reply.error).toMatchObject({
      title: ["Bitte geben Sie einen Titel ein."],
      body: ["Bitte geben Sie den Text ein."],
      expectedVersion: ["Die Version fehlt. Bitte laden Sie die Seite neu."],
    });
  });

  it("gives the clerk the active texts, conditions before hints, in catalogue order", async () => {
    const texts = await templatesForCase(knex(), admin.organisation.id);
    const kinds = texts.map((t) => t.kind);
    expect(kinds).toEqual([...kinds].sort());
    expect(texts.every((t) => t.active && t.authorityId === admin.organisation.id)).toBe(true);
    for (const kind of ["condition", "hint"] as const) {
      const positions = texts.filter((t) => t.kind === kind).map((t) => t.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
    expect(texts.filter((t) => t.standard).map((t) => t.title)).toEqual(expect.arrayContaining(STANDARD_TEXTS.filter((t) => t.standard).map((t) => t.title)));
    expect(await templatesForCase(knex(), "kein-uuid")).toEqual([]);
  });
});
