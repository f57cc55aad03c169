import { describe, expect, it } from "vitest";
import { givenOrganisation, givenUser, TEST_PASSWORD } from "../../../tests/support/fixtures";
import { useTestDatabase } from "../../../tests/support/db";
import { changePassword, login, THROTTLE } from "./login.server";
import { destroySession, resolveSession } from "./session.server";

const db = useTestDatabase();
const policy = { idleMinutes: 60, absoluteHours: 12 };
const T0 = new Date("2026-03-02T08:00:00Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

async function loginAt(email: string, password: string, now = T0, ip = "10.0.0.1") {
  return login(db.current.knex, { email, password, ip, userAgent: "vitest", now }, policy);
}

describe("login", () => {
  it("opens a session that resolves to the user, organisation and role", async () => {
    const org = await givenOrganisation(db.current.knex, { kind: "road_authority", name: "Stadt Testhausen" });
    const user = await givenUser(db.current.knex, org, "authority_clerk");
    const result = await loginAt(user.email.toUpperCase(), TEST_PASSWORD);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.expiresAt.getTime() - T0.getTime()).toBe(12 * 3600_000);
    const principal = await resolveSession(db.current.knex, result.token, minutes(1), policy);
    expect(principal).toMatchObject({
      userId: user.id,
      email: user.email,
      role: "authority_clerk",
      organisation: { id: org, name: "Stadt Testhausen", kind: "road_authority", authorityLevel: "gemeinde", state: "HE" },
    });
    const audit = await db.current.knex("audit_events").where({ entity_id: user.id, action: "login" });
    expect(audit).toHaveLength(1);
  });

  it("refuses a wrong password and an unknown e-mail alike, and opens no session", async () => {
    const org = await givenOrganisation(db.current.knex, { kind: "operator" });
    const user = await givenUser(db.current.knex, org, "operator");
    const before = await db.current.knex("sessions").count<{ count: string }[]>("* as count");
    expect(await loginAt(user.email, "falsches-passwort")).toEqual({ ok: false, reason: "invalid_credentials" });
    expect(await loginAt("niemand@test.example", TEST_PASSWORD)).toEqual({ ok: false, reason: "invalid_credentials" });
    const after = await db.current.knex("sessions").count<{ count: string }[]>("* as count");
    expect(Number(after[0]?.count)).toBe(Number(before[0]?.count));
    const failures = await db.current.knex("login_attempts").where({ email: user.email, succeeded: false });
    expect(failures).toHaveLength(1);
  });

  it("throttles an account after 5 failures from one address for 15 minutes", async () => {
    const org = await givenOrganisation(db.current.knex, { kind: "operator" });
    const user = await givenUser(db.current.knex, org, "operator");
    for (let i = 0; i < THROTTLE.maxFailures; i += 1) {
      expect((await loginAt(user.email, `falsch-${i}`, minutes(i))).ok).toBe(false);
    }
    // Even the right password is refused while throttled …
    expect(await loginAt(user.email, TEST_PASSWORD, minutes(5))).toEqual({ ok: false, reason: "throttled" });
    // … but not from another address, …
    expect((await loginAt(user.email, TEST_PASSWORD, minutes(5), "10.0.0.2")).ok).toBe(true);
    // … and no longer once the failures have left the window.
    expect((await loginAt(user.email, TEST_PASSWORD, minutes(THROTTLE.windowMinutes + 6))).ok).toBe(true);
  });

  it("does not log in a deactivated user", async () => {
    const org = await givenOrganisation(db.current.knex, { kind: "operator" });
    const user = await givenUser(db.current.knex, org, "operator");
    await db.current.knex("users").where({ id: user.id }).update({ is_active: false });
    expect(await loginAt(user.email, TEST_PASSWORD)).toEqual({ ok: false, reason: "invalid_credentials" });
  });
});

describe("sessions", () => {
  async function freshSession() {
    const org = await givenOrganisation(db.current.knex, { kind: "state", state: "HE" });
    const user = await givenUser(db.current.knex, org, "state_analyst");
    const result = await loginAt(user.email, TEST_PASSWORD);
    if (!result.ok) throw new Error("login failed");
    return { user, token: result.token };
  }

  it("ends on logout", async () => {
    const { token } = await freshSession();
    await destroySession(db.current.knex, token);
    expect(await resolveSession(db.current.knex, token, minutes(1), policy)).toBeNull();
  });

  it("expires after the idle time without activity, and activity keeps it alive", async () => {
    const idle = await freshSession();
    expect(await resolveSession(db.current.knex, idle.token, minutes(61), policy)).toBeNull();

    const active = await freshSession();
    expect(await resolveSession(db.current.knex, active.token, minutes(50), policy)).not.toBeNull();
    expect(await resolveSession(db.current.knex, active.token, minutes(100), policy)).not.toBeNull();
  });

  it("expires at the absolute limit however active it is", async () => {
    const { token } = await freshSession();
    for (let m = 50; m < 12 * 60; m += 50) {
      expect(await resolveSession(db.current.knex, token, minutes(m), policy)).not.toBeNull();
    }
    expect(await resolveSession(db.current.knex, token, minutes(12 * 60), policy)).toBeNull();
  });

  it("is refused with an unknown or tampered token", async () => {
    const { token } = await freshSession();
    expect(await resolveSession(db.current.knex, `${token}x`, minutes(1), policy)).toBeNull();
    expect(await resolveSession(db.current.knex, "", minutes(1), policy)).toBeNull();
  });

  it("ends when the user is deactivated", async () => {
    const { user, token } = await freshSession();
    await db.current.knex("users").where({ id: user.id }).update({ is_active: false });
    expect(await resolveSession(db.current.knex, token, minutes(1), policy)).toBeNull();
  });
});

describe("change password", () => {
  it("needs the current password, then ends the other sessions and accepts the new one", async () => {
    const org = await givenOrganisation(db.current.knex, { kind: "operator" });
    const user = await givenUser(db.current.knex, org, "operator");
    const here = await loginAt(user.email, TEST_PASSWORD);
    const elsewhere = await loginAt(user.email, TEST_PASSWORD);
    if (!here.ok || !elsewhere.ok) throw new Error("login failed");
    const principal = await resolveSession(db.current.knex, here.token, minutes(1), policy);
    if (!principal) throw new Error("no principal");
    const base = { userId: user.id, organisationId: org, sessionId: principal.sessionId, now: minutes(2) };

    expect(await changePassword(db.current.knex, { ...base, currentPassword: "falsch", newPassword: "Neues-Passwort-1" })).toEqual({
      ok: false,
      field: "currentPassword",
      message: "Das bisherige Passwort ist nicht korrekt.",
    });
    expect(await changePassword(db.current.knex, { ...base, currentPassword: TEST_PASSWORD, newPassword: "Neues-Passwort-1" })).toEqual({ ok: true });

    expect(await resolveSession(db.current.knex, here.token, minutes(3), policy)).not.toBeNull();
    expect(await resolveSession(db.current.knex, elsewhere.token, minutes(3), policy)).toBeNull();
    expect((await loginAt(user.email, TEST_PASSWORD, minutes(4))).ok).toBe(false);
    expect((await loginAt(user.email, "Neues-Passwort-1", minutes(4))).ok).toBe(true);
  });
});
