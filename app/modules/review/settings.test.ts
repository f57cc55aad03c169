import { parseWithZod } from "@conform-to/zod";
import type { Knex } from "knex";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../tests/support/db";
import { principalFor } from "~/modules/applications/test-fixtures.server";
import type { Result } from "~/modules/applications/errors";
import type { Principal } from "~/modules/auth/session.server";
import { authorityProcedure } from "~/modules/deadlines/case-clock.server";
import { AuthoritySettingsSchema, formatEuroAmount, getAuthoritySettings, parseEuroAmount, updateAuthoritySettings } from "./settings.server";

const db = useTestDatabase();
const knex = (): Knex => db.current.knex;

let admin: Principal;
let clerk: Principal;
interface OrganisationRow {
  fast_track_enabled: boolean;
  procedure_rule_key: string | null;
  fee_model: string;
  fee_cents: number;
  fee_note: string | null;
  remedy_notice: string | null;
  version: number;
}
const COLUMNS = ["fast_track_enabled", "procedure_rule_key", "fee_model", "fee_cents", "fee_note", "remedy_notice", "version"] as const;
let original: OrganisationRow;

beforeAll(async () => {
  admin = await principalFor(knex(), "behoerdenadmin@demo.test");
  clerk = await principalFor(knex(), "kreis@demo.test");
  original = await knex()("organisations").where({ id: admin.organisation.id }).first(...COLUMNS);
});

// the template is shared: leave the demo authority as the seed made it
afterEach(async () => {
  await knex()("organisations").where({ id: admin.organisation.id }).update(original);
});

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

const organisation = (id: string): Promise<OrganisationRow> => knex()("organisations").where({ id }).first(...COLUMNS);
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
    const first = value(await updateAuthoritySettings(knex(), admin, { fastTrackEnabled: true, procedureRule: "gia_art7", feeModel: "none" }));
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
    const unchangedFee = { feeModel: "none", feeCents: 0, feeNote: null, remedyNotice: null };
    expect(event.payload).toEqual({
      before: { fastTrackEnabled: original.fast_track_enabled, procedureRuleKey: original.procedure_rule_key, ...unchangedFee },
      after: { fastTrackEnabled: true, procedureRuleKey: "gia_art7", ...unchangedFee },
    });

    // "" = portal default
    value(await updateAuthoritySettings(knex(), admin, { fastTrackEnabled: false, procedureRule: "", feeModel: "none" }));
    const back = value(await getAuthoritySettings(knex(), admin));
    expect(back.fastTrackEnabled).toBe(false);
    expect(back.procedureRuleKey).toBeNull();
    expect((await authorityProcedure(knex(), admin.organisation.id)).rule.key).toBe("tkg_127");
    expect(await auditCount()).toBe(auditBefore + 2);

    // saving the same values again changes nothing and audits nothing
    expect(value(await updateAuthoritySettings(knex(), admin, { fastTrackEnabled: false, procedureRule: "", feeModel: "none" }))).toEqual({ changed: false });
    expect(await auditCount()).toBe(auditBefore + 2);
  });

  it("refuses a clerk (and anyone but an authority admin), writing nothing", async () => {
    const kreis = await organisation(clerk.organisation.id);
    const auditBefore = await auditCount();
    const read = await getAuthoritySettings(knex(), clerk);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error.code).toBe("forbidden");

    const result = await updateAuthoritySettings(knex(), clerk, { fastTrackEnabled: true, procedureRule: "gia_art7", feeModel: "flat", feeAmount: "120", remedyNotice: "Klage" });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("forbidden");
      expect(result.error.message).toMatch(/Behördenadministration/);
    }
    for (const email of ["betreiber@demo.test", "landesebene@demo.test", "admin@demo.test"]) {
      const other = await updateAuthoritySettings(knex(), await principalFor(knex(), email), { fastTrackEnabled: true, feeModel: "flat", feeAmount: "120" });
      expect(other.ok ? "ok" : other.error.code, email).toBe("forbidden");
    }
    expect(await organisation(clerk.organisation.id)).toEqual(kreis);
    expect(await auditCount()).toBe(auditBefore);
  });

  it("an unknown or malformed rule key is a field error, and nothing is written", async () => {
    const auditBefore = await auditCount();
    for (const procedureRule of ["stvo_99", "Robert'); DROP TABLE cases;--", "x".repeat(80)]) {
      const result = await updateAuthoritySettings(knex(), admin, { fastTrackEnabled: true, procedureRule, feeModel: "none" });
      expect(result.ok).toBe(false);
      if (!result.ok && result.error.code === "invalid") {
        expect(result.error.fieldErrors).toEqual([{ path: "procedureRule", message: expect.stringMatching(/Verfahrensregel gibt es nicht/) }]);
      } else {
        throw new Error(`expected invalid, got ${result.ok ? "ok" : result.error.code}`);
      }
    }
    const wrongType = await updateAuthoritySettings(knex(), admin, { fastTrackEnabled: "ja", feeModel: "none" });
    expect(wrongType.ok ? "ok" : wrongType.error.code).toBe("invalid");
    expect(await organisation(admin.organisation.id)).toEqual(original);
    expect(await auditCount()).toBe(auditBefore);
  });

  it("reads the form as the page sends it: a ticked checkbox and an empty select", () => {
    const form = new FormData();
    form.set("fastTrackEnabled", "on");
    form.set("procedureRule", "");
    form.set("feeModel", "none");
    form.set("feeAmount", "");
    form.set("feeNote", "");
    form.set("remedyNotice", "");
    const submission = parseWithZod(form, { schema: AuthoritySettingsSchema });
    expect(submission.status).toBe("success");
    if (submission.status === "success") {
      expect(submission.value).toEqual({ fastTrackEnabled: true, procedureRule: null, feeModel: "none", feeAmount: null, feeCents: 0, feeNote: null, remedyNotice: null });
    }

    const unticked = new FormData();
    unticked.set("procedureRule", "gia_art7");
    unticked.set("feeModel", "flat");
    unticked.set("feeAmount", "1.250,5");
    const second = parseWithZod(unticked, { schema: AuthoritySettingsSchema });
    if (second.status !== "success") throw new Error("expected success");
    expect(second.value).toEqual({ fastTrackEnabled: false, procedureRule: "gia_art7", feeModel: "flat", feeAmount: "1.250,50", feeCents: 125050, feeNote: null, remedyNotice: null });
  });

  it("takes what the page's action passes on: the parsed form goes through the service unchanged", async () => {
    // the action parses the form with the schema, the service parses that result again
    const form = new FormData();
    form.set("procedureRule", "");
    form.set("feeModel", "per_metre");
    form.set("feeAmount", "0,5");
    form.set("feeNote", "Verwaltungskostensatzung, Tarifstelle 4.2");
    form.set("remedyNotice", "Gegen diesen Bescheid kann Klage erhoben werden.\r\nDie Klage ist beim Verwaltungsgericht zu erheben.");
    const submission = parseWithZod(form, { schema: AuthoritySettingsSchema });
    if (submission.status !== "success") throw new Error(`expected success: ${JSON.stringify(submission.error)}`);
    expect(AuthoritySettingsSchema.parse(submission.value)).toEqual(submission.value);
    expect(value(await updateAuthoritySettings(knex(), admin, submission.value))).toEqual({ changed: true });
    const row = await organisation(admin.organisation.id);
    expect(row).toMatchObject({
      procedure_rule_key: null,
      fee_model: "per_metre",
      fee_cents: 50,
      fee_note: "Verwaltungskostensatzung, Tarifstelle 4.2",
      // textareas send CRLF; stored with LF
      remedy_notice: "Gegen diesen Bescheid kann Klage erhoben werden.\nDie Klage ist beim Verwaltungsgericht zu erheben.",
    });
  });
});

describe("euro amounts typed the German way", () => {
  it.each([
    ["0,50", 50],
    ["0,5", 50],
    [",5", 50],
    ["120", 12000],
    ["120,00", 12000],
    ["0", 0],
    ["1250", 125000],
    ["1.250", 125000],
    ["1.250,00", 125000],
    ["1.250,50", 125050],
    ["  12,34 ", 1234],
    ["12 €", 1200],
    ["007", 700],
    ["1.000.000", 100_000_000],
    ["1.000.000,00", 100_000_000],
  ])("%j is %i cents", (text, cents) => {
    expect(parseEuroAmount(text)).toEqual({ ok: true, cents });
  });

  it.each([
    ["-5", /nicht negativ/],
    ["−0,50", /nicht negativ/],
    ["1,234", /höchstens zwei Nachkommastellen/],
    ["0,001", /höchstens zwei Nachkommastellen/],
    ["abc", /als Zahl/],
    ["12,5,0", /als Zahl/],
    ["1.25,00", /als Zahl/],
    ["1e3", /als Zahl/],
    ["+5", /als Zahl/],
    [",", /als Zahl/],
    ["1,250.00", /als Zahl/],
    ["0.50", /mit einem Komma/],
    ["12.5", /mit einem Komma/],
    ["1.000.000,01", /höchstens 1\.000\.000,00 €/],
    ["2000000", /höchstens 1\.000\.000,00 €/],
    ["99999999999999999999999", /höchstens 1\.000\.000,00 €/],
  ])("%j is refused", (text, message) => {
    const result = parseEuroAmount(text);
    if (result === null || result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
    expect(result.message).toMatch(message);
  });

  it("nothing typed is no amount", () => {
    expect(parseEuroAmount("")).toBeNull();
    expect(parseEuroAmount("   ")).toBeNull();
  });

  it("formats cents the way the form shows them, and reads them back", () => {
    expect(formatEuroAmount(0)).toBe("0,00");
    expect(formatEuroAmount(50)).toBe("0,50");
    expect(formatEuroAmount(12000)).toBe("120,00");
    expect(formatEuroAmount(125050)).toBe("1.250,50");
    expect(formatEuroAmount(100_000_000)).toBe("1.000.000,00");
    for (const cents of [0, 1, 9, 10, 99, 100, 999_99, 1000_00, 123_456_78, 100_000_000]) {
      expect(parseEuroAmount(formatEuroAmount(cents))).toEqual({ ok: true, cents });
    }
  });
});

describe("the authority's fee and Rechtsbehelfsbelehrung", () => {
  const lastEvent = () =>
    knex()("audit_events")
      .where({ entity_type: "organisation", entity_id: admin.organisation.id, action: "procedure_settings_changed" })
      .orderBy("id", "desc")
      .first("actor_user_id", "payload");

  it("saves a flat fee, then a rate per metre, then none; each change read back and audited with before and after", async () => {
    const auditBefore = await auditCount();
    const base = { fastTrackEnabled: original.fast_track_enabled, procedureRule: original.procedure_rule_key ?? "" };

    const note = "Verwaltungskostensatzung des Landkreises, Tarifstelle 4.2";
    expect(value(await updateAuthoritySettings(knex(), admin, { ...base, feeModel: "flat", feeAmount: "1.250,50", feeNote: note }))).toEqual({ changed: true });
    let read = value(await getAuthoritySettings(knex(), admin));
    expect(read).toMatchObject({ feeModel: "flat", feeCents: 125050, feeNote: note, remedyNotice: null });
    expect(await organisation(admin.organisation.id)).toMatchObject({ fee_model: "flat", fee_cents: 125050, version: original.version + 1 });
    let event = await lastEvent();
    expect(event.actor_user_id).toBe(admin.userId);
    expect(event.payload.before).toMatchObject({ feeModel: "none", feeCents: 0, feeNote: null, remedyNotice: null });
    expect(event.payload.after).toEqual({
      fastTrackEnabled: original.fast_track_enabled,
      procedureRuleKey: original.procedure_rule_key,
      feeModel: "flat",
      feeCents: 125050,
      feeNote: note,
      remedyNotice: null,
    });

    const remedy = "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Klage beim Verwaltungsgericht erhoben werden.";
    value(await updateAuthoritySettings(knex(), admin, { ...base, feeModel: "per_metre", feeAmount: "0,5", feeNote: note, remedyNotice: remedy }));
    read = value(await getAuthoritySettings(knex(), admin));
    expect(read).toMatchObject({ feeModel: "per_metre", feeCents: 50, feeNote: note, remedyNotice: remedy });
    event = await lastEvent();
    expect(event.payload.before).toMatchObject({ feeModel: "flat", feeCents: 125050, remedyNotice: null });
    expect(event.payload.after).toMatchObject({ feeModel: "per_metre", feeCents: 50, remedyNotice: remedy });

    // no fee: whatever is in the amount field is ignored and 0 stored; an empty notice is the standard text
    value(await updateAuthoritySettings(knex(), admin, { ...base, feeModel: "none", feeAmount: "kostet nix", feeNote: "", remedyNotice: "  \r\n " }));
    read = value(await getAuthoritySettings(knex(), admin));
    expect(read).toMatchObject({ feeModel: "none", feeCents: 0, feeNote: null, remedyNotice: null });
    expect(await organisation(admin.organisation.id)).toMatchObject({ fee_model: "none", fee_cents: 0, fee_note: null, remedy_notice: null, version: original.version + 3 });
    expect((await lastEvent()).payload.after).toMatchObject({ feeModel: "none", feeCents: 0, feeNote: null, remedyNotice: null });
    expect(await auditCount()).toBe(auditBefore + 3);
  });

  it("allows a fee of 0 and the maximum of 1.000.000 €", async () => {
    value(await updateAuthoritySettings(knex(), admin, { feeModel: "flat", feeAmount: "0" }));
    expect(await organisation(admin.organisation.id)).toMatchObject({ fee_model: "flat", fee_cents: 0 });
    value(await updateAuthoritySettings(knex(), admin, { feeModel: "flat", feeAmount: "1.000.000,00" }));
    expect(await organisation(admin.organisation.id)).toMatchObject({ fee_model: "flat", fee_cents: 100_000_000 });
  });

  it("saving the same fee again, however typed, changes nothing and audits nothing", async () => {
    const settings = { feeModel: "per_metre", feeAmount: "0,50", feeNote: "Satzung", remedyNotice: "Widerspruch binnen eines Monats.\nBei der Behörde." };
    expect(value(await updateAuthoritySettings(knex(), admin, settings))).toEqual({ changed: true });
    const auditBefore = await auditCount();
    const version = (await organisation(admin.organisation.id)).version;
    expect(value(await updateAuthoritySettings(knex(), admin, { ...settings, feeAmount: "0,5 €", feeNote: "  Satzung ", remedyNotice: "Widerspruch binnen eines Monats.\r\nBei der Behörde.\r\n" }))).toEqual({
      changed: false,
    });
    expect((await organisation(admin.organisation.id)).version).toBe(version);
    expect(await auditCount()).toBe(auditBefore);
  });

  it("refuses bad fee input with a German message at the field, writing nothing", async () => {
    const auditBefore = await auditCount();
    const cases: [input: Record<string, unknown>, path: string, message: RegExp][] = [
      [{ feeModel: "flat" }, "feeAmount", /Betrag der Pauschale an/],
      [{ feeModel: "per_metre", feeAmount: "" }, "feeAmount", /Betrag je Meter Trasse an/],
      [{ feeModel: "flat", feeAmount: "-120" }, "feeAmount", /nicht negativ/],
      [{ feeModel: "per_metre", feeAmount: "0,505" }, "feeAmount", /höchstens zwei Nachkommastellen/],
      [{ feeModel: "flat", feeAmount: "zwölf" }, "feeAmount", /als Zahl/],
      [{ feeModel: "flat", feeAmount: "12.50" }, "feeAmount", /mit einem Komma/],
      [{ feeModel: "flat", feeAmount: "1.000.000,01" }, "feeAmount", /höchstens 1\.000\.000,00 €/],
      [{ feeModel: "flat", feeAmount: 120 }, "feeAmount", /als Zahl/],
      [{ feeModel: "monthly", feeAmount: "10" }, "feeModel", /ob und wie Sie eine Gebühr erheben/],
      [{ feeAmount: "10" }, "feeModel", /ob und wie Sie eine Gebühr erheben/],
      [{ feeModel: "none", feeNote: "x".repeat(501) }, "feeNote", /höchstens 500 Zeichen/],
      [{ feeModel: "none", remedyNotice: "x".repeat(3001) }, "remedyNotice", /höchstens 3\.000 Zeichen/],
    ];
    for (const [input, path, message] of cases) {
      const result = await updateAuthoritySettings(knex(), admin, input);
      if (result.ok || result.error.code !== "invalid") throw new Error(`expected invalid for ${JSON.stringify(input).slice(0, 80)}, got ${result.ok ? "ok" : result.error.code}`);
      expect(result.error.fieldErrors, JSON.stringify(input).slice(0, 80)).toEqual([{ path, message: expect.stringMatching(message) }]);
    }
    expect(await organisation(admin.organisation.id)).toEqual(original);
    expect(await auditCount()).toBe(auditBefore);
  });

  it("reports every bad field at once", async () => {
    const result = await updateAuthoritySettings(knex(), admin, { procedureRule: "Not A Rule", feeModel: "flat", feeAmount: "-1", remedyNotice: "x".repeat(3001) });
    if (result.ok || result.error.code !== "invalid") throw new Error("expected invalid");
    expect(result.error.fieldErrors.map((e) => e.path).sort()).toEqual(["feeAmount", "procedureRule", "remedyNotice"]);
    expect(await organisation(admin.organisation.id)).toEqual(original);
  });

  it("counts a line break in the notice as one character, as the text field does", async () => {
    // 1,500 lines of one character: 2,999 characters with LF, 4,498 as the browser sends them
    const notice = Array.from({ length: 1500 }, () => "x").join("\r\n");
    value(await updateAuthoritySettings(knex(), admin, { feeModel: "none", remedyNotice: notice }));
    expect((await organisation(admin.organisation.id)).remedy_notice).toHaveLength(2999);
  });

  it("the page's form reports a bad amount at the amount field", () => {
    const form = new FormData();
    form.set("feeModel", "flat");
    form.set("feeAmount", "1,999");
    const submission = parseWithZod(form, { schema: AuthoritySettingsSchema });
    if (submission.status !== "error") throw new Error("expected an error");
    expect(submission.error?.feeAmount).toEqual([expect.stringMatching(/höchstens zwei Nachkommastellen/)]);
  });
});
