import { parseWithZod } from "@conform-to/zod";
import type { Knex } from "knex";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../tests/support/db";
import { principalFor } from "~/modules/applications/test-fixtures.server";
import type { Result } from "~/modules/applications/errors";
import type { Principal } from "~/modules/auth/session.server";
import { authorityProcedure } from "~/modules/deadlines/case-clock.server";
import { AuthoritySettingsSchema, getAuthoritySettings, updateAuthoritySettings } from "./settings.server";

const db = useTestDatabase();
const knex = (): Knex => db.current.knex;

let admin: Principal;
let clerk: Principal;
let original: { fast_track_enabled: boolean; procedure_rule_key: string | null; version: number };

beforeAll(async () => {
  admin = await principalFor(knex(), "behoerdenadmin@demo.test");
  clerk = await principalFor(knex(), "kreis@demo.test");
  original = await knex()("organisations").where({ id: admin.organisation.id }).first("fast_track_enabled", "procedure_rule_key", "version");
});

// the template is shared: leave the demo authority as the seed made it
afterEach(async () => {
  await knex()("organisations")
    .where({ id: admin.organisation.id })
    .update({ fast_track_enabled: original.fast_track_enabled, procedure_rule_key: original.procedure_rule_key, version: original.version });
});

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

const organisation = (id: string) => knex()("organisations").where({ id }).first("fast_track_enabled", "procedure_rule_key", "version");
const auditCount = async () => Number((await knex()("audit_events").where({ action: "procedure_settings_changed" }).count<{ n: string }[]>("* as n"))[0]!.n);

describe("authority procedure settings", () => {
  it("the admin reads the settings of its own road authority", async () => {
    expect(admin.organisation.kind).toBe("road_authority");
    const settings = value(await getAuthoritySettings(knex(), admin));
    expect(settings.authorityName).toBe(admin.organisation.name);
    expect(settings.fastTrackEnabled).toBe(original.fast_track_enabled);
    expect(settings.procedureRuleKey).toBe(original.procedure_rule_key);
    expect(settings.defaultRuleKey).toBe("tkg_127");
    expect(settings.rules.map((r) => r.key)).toEqual(expect.arrayContaining(["tkg_127", "gia_art7"]));
    const gia = settings.rules.find((r) => r.key === "gia_art7")!;
    expect(gia.completenessPeriod).toEqual({ amount: 20, unit: "working_days" });
    expect(gia.decisionPeriod).toEqual({ amount: 4, unit: "months" });
  });

  it("the admin switches the fast track on and the rule to the GIA, then back to the portal default; each change audited", async () => {
    const auditBefore = await auditCount();
    const first = value(await updateAuthoritySettings(knex(), admin, { fastTrackEnabled: true, procedureRule: "gia_art7" }));
    expect(first).toEqual({ changed: true });
    const read = value(await getAuthoritySettings(knex(), admin));
    expect(read.fastTrackEnabled).toBe(true);
    expect(read.procedureRuleKey).toBe("gia_art7");
    // new cases of the authority run under the new rule
    expect((await authorityProcedure(knex(), admin.organisation.id)).rule.key).toBe("gia_art7");
    expect((await organisation(admin.organisation.id)).version).toBe(original.version + 1);

    const event = await knex()("audit_events")
      .where({ entity_type: "organisation", entity_id: admin.organisation.id, action: "procedure_settings_changed" })
      .orderBy("id", "desc")
      .first("actor_user_id", "organisation_id", "payload");
    expect(event.actor_user_id).toBe(admin.userId);
    expect(event.organisation_id).toBe(admin.organisation.id);
    expect(event.payload).toEqual({
      before: { fastTrackEnabled: original.fast_track_enabled, procedureRuleKey: original.procedure_rule_key },
      after: { fastTrackEnabled: true, procedureRuleKey: "gia_art7" },
    });

    // "" = portal default
    value(await updateAuthoritySettings(knex(), admin, { fastTrackEnabled: false, procedureRule: "" }));
    const back = value(await getAuthoritySettings(knex(), admin));
    expect(back.fastTrackEnabled).toBe(false);
    expect(back.procedureRuleKey).toBeNull();
    expect((await authorityProcedure(knex(), admin.organisation.id)).rule.key).toBe("tkg_127");
    expect(await auditCount()).toBe(auditBefore + 2);

    // saving the same values again changes nothing and audits nothing
    expect(value(await updateAuthoritySettings(knex(), admin, { fastTrackEnabled: false, procedureRule: "" }))).toEqual({ changed: false });
    expect(await auditCount()).toBe(auditBefore + 2);
  });

  it("refuses a clerk (and anyone but an authority admin), writing nothing", async () => {
    const kreis = await organisation(clerk.organisation.id);
    const auditBefore = await auditCount();
    const read = await getAuthoritySettings(knex(), clerk);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error.code).toBe("forbidden");

    const result = await updateAuthoritySettings(knex(), clerk, { fastTrackEnabled: true, procedureRule: "gia_art7" });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("forbidden");
      expect(result.error.message).toMatch(/Behördenadministration/);
    }
    for (const email of ["betreiber@demo.test", "landesebene@demo.test", "admin@demo.test"]) {
      const other = await updateAuthoritySettings(knex(), await principalFor(knex(), email), { fastTrackEnabled: true });
      expect(other.ok ? "ok" : other.error.code, email).toBe("forbidden");
    }
    expect(await organisation(clerk.organisation.id)).toEqual(kreis);
    expect(await auditCount()).toBe(auditBefore);
  });

  it("an unknown or malformed rule key is a field error, and nothing is written", async () => {
    const auditBefore = await auditCount();
    for (const procedureRule of ["stvo_99", "Robert'); DROP TABLE cases;--", "x".repeat(80)]) {
      const result = await updateAuthoritySettings(knex(), admin, { fastTrackEnabled: true, procedureRule });
      expect(result.ok).toBe(false);
      if (!result.ok && result.error.code === "invalid") {
        expect(result.error.fieldErrors).toEqual([{ path: "procedureRule", message: expect.stringMatching(/Verfahrensregel gibt es nicht/) }]);
      } else {
        throw new Error(`expected invalid, got ${result.ok ? "ok" : result.error.code}`);
      }
    }
    const wrongType = await updateAuthoritySettings(knex(), admin, { fastTrackEnabled: "ja" });
    expect(wrongType.ok ? "ok" : wrongType.error.code).toBe("invalid");
    expect(await organisation(admin.organisation.id)).toEqual(original);
    expect(await auditCount()).toBe(auditBefore);
  });

  it("reads the form as the page sends it: a ticked checkbox and an empty select", () => {
    const form = new FormData();
    form.set("fastTrackEnabled", "on");
    form.set("procedureRule", "");
    const submission = parseWithZod(form, { schema: AuthoritySettingsSchema });
    expect(submission.status).toBe("success");
    if (submission.status === "success") expect(submission.value).toEqual({ fastTrackEnabled: true, procedureRule: null });

    const unticked = new FormData();
    unticked.set("procedureRule", "gia_art7");
    const second = parseWithZod(unticked, { schema: AuthoritySettingsSchema });
    if (second.status !== "success") throw new Error("expected success");
    expect(second.value).toEqual({ fastTrackEnabled: false, procedureRule: "gia_art7" });
  });
});
