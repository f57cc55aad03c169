import { describe, expect, it } from "vitest";
import { SerialSaver, type SaveOutcome, type SaveStatus } from "./autosave";

/** A fake server with an optimistic lock: it accepts a save only with the current version. */
function draftServer(startVersion: number) {
  let version = startVersion;
  const received: { value: string; expectedVersion: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const send = async (value: string, expectedVersion: number): Promise<SaveOutcome> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    received.push({ value, expectedVersion });
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight--;
    if (expectedVersion !== version) return { ok: false, message: "Bearbeitungskonflikt" };
    version++;
    return { ok: true, version };
  };
  return { send, received, maxInFlight: () => maxInFlight, version: () => version, bump: () => version++ };
}

describe("SerialSaver", () => {
  it("sends one save at a time, each with the version the previous one returned", async () => {
    const server = draftServer(3);
    const statuses: SaveStatus[] = [];
    const saver = new SerialSaver(server.send, 3, (s) => statuses.push(s));
    void saver.save("a");
    void saver.save("b");
    void saver.save("c");
    await saver.settled();
    expect(server.maxInFlight()).toBe(1);
    // "b" was overtaken by "c" while "a" was under way: only the newest is sent next
    expect(server.received).toEqual([
      { value: "a", expectedVersion: 3 },
      { value: "c", expectedVersion: 4 },
    ]);
    expect(server.version()).toBe(5);
    expect(saver.failed).toBe(false);
    expect(statuses.at(-1)).toEqual({ state: "saved" });
  });

  it("reports a conflict with an edit made elsewhere and stays failed", async () => {
    const server = draftServer(1);
    const statuses: SaveStatus[] = [];
    const saver = new SerialSaver(server.send, 1, (s) => statuses.push(s));
    server.bump(); // a colleague saved in another tab
    await saver.save("mine");
    expect(saver.failed).toBe(true);
    expect(statuses.at(-1)).toEqual({ state: "failed", message: "Bearbeitungskonflikt" });
    expect(saver.busy).toBe(false);
  });

  it("turns a network error into a German message instead of an unhandled rejection", async () => {
    const statuses: SaveStatus[] = [];
    const saver = new SerialSaver<string>(() => Promise.reject(new TypeError("Failed to fetch")), 1, (s) => statuses.push(s));
    await saver.save("x");
    expect(saver.failed).toBe(true);
    expect(statuses.at(-1)).toMatchObject({ state: "failed", message: expect.stringContaining("Keine Verbindung") });
  });

  it("settles at once when nothing is waiting", async () => {
    const saver = new SerialSaver<string>(() => Promise.resolve({ ok: true, version: 2 }), 1);
    await expect(saver.settled()).resolves.toBeUndefined();
    expect(saver.busy).toBe(false);
  });
});
