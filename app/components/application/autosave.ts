export type SaveOutcome = { ok: true; version: number } | { ok: false; message: string };

export type SaveStatus = { state: "idle" | "saving" | "saved" } | { state: "failed"; message: string };

/**
 * Saves a draft one request at a time. Every save carries the version the previous one returned, so
 * the draft's optimistic lock only ever rejects edits made elsewhere (another tab, a colleague),
 * never the editor's own earlier save. Values handed in while a save is under way are coalesced:
 * only the newest is sent next.
 */
export class SerialSaver<T> {
  private next: { value: T } | null = null;
  private running: Promise<void> | null = null;
  private lastFailed = false;

  constructor(
    private readonly send: (value: T, expectedVersion: number) => Promise<SaveOutcome>,
    private version: number,
    private readonly report: (status: SaveStatus) => void = () => {},
  ) {}

  /** Queues a value; resolves once it (or a newer one) is saved, or saving failed. */
  save(value: T): Promise<void> {
    this.next = { value };
    this.running ??= this.drain();
    return this.running;
  }

  /** Resolves when nothing is waiting or under way. */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** Whether the last save was rejected (its message went to `report`). */
  get failed(): boolean {
    return this.lastFailed;
  }

  private async drain(): Promise<void> {
    try {
      while (this.next) {
        const { value } = this.next;
        this.next = null;
        this.report({ state: "saving" });
        let outcome: SaveOutcome;
        try {
          outcome = await this.send(value, this.version);
        } catch {
          outcome = { ok: false, message: "Keine Verbindung zum Server: Der Entwurf wird beim nächsten Bearbeiten erneut gespeichert." };
        }
        this.lastFailed = !outcome.ok;
        if (!outcome.ok) {
          // a newer value still gets its chance; a conflict will repeat and stop there
          this.report({ state: "failed", message: outcome.message });
          if (!this.next) return;
          continue;
        }
        this.version = outcome.version;
        if (!this.next) this.report({ state: "saved" });
      }
    } finally {
      this.running = null;
    }
  }
}

/** Sends the route to PUT /api/v1/applications/{id}/route. */
export function routeSender(applicationId: string, csrfToken: string) {
  return async (route: unknown, expectedVersion: number): Promise<SaveOutcome> => {
    const res = await fetch(`/api/v1/applications/${encodeURIComponent(applicationId)}/route`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrfToken },
      body: JSON.stringify({ expectedVersion, route }),
    });
    const body = (await res.json().catch(() => ({}))) as { version?: number; detail?: string };
    if (res.ok && typeof body.version === "number") return { ok: true, version: body.version };
    return { ok: false, message: body.detail ?? "Der Entwurf konnte nicht gespeichert werden." };
  };
}
