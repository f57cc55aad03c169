import { createHash } from "node:crypto";
import { createTransport, type SMTPTransportOptions, type Transporter } from "nodemailer";
import type { Env } from "~/env.server";

/** The SMTP part of the configuration (see env.server.ts); SMTP_HOST unset means: send nothing. */
export type SmtpConfig = Pick<Env, "SMTP_HOST" | "SMTP_USER" | "SMTP_PASSWORD"> & { SMTP_PORT?: number };

/**
 * A nodemailer transport for the configured SMTP server, or null when none is configured (the
 * embedded demo keeps its mails in the outbox). Port 465 speaks TLS from the start; other ports
 * upgrade with STARTTLS when the server offers it. `overrides` is for tests (e.g. ignoreTLS).
 */
export function createMailTransport(config: SmtpConfig, overrides: Partial<SMTPTransportOptions> = {}): Transporter | null {
  if (!config.SMTP_HOST) return null;
  const port = config.SMTP_PORT ?? 587;
  return createTransport({
    host: config.SMTP_HOST,
    port,
    secure: port === 465,
    auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? "" } : undefined,
    // A mail is sent inside the job's transaction: do not hold it for minutes on a dead server.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    ...overrides,
  });
}

/**
 * The same outbox row always gets the same Message-ID, so a mail delivered twice (sent, then the
 * runner died before recording it) is recognisable as one message by servers and clients.
 */
export function outboxMessageId(outboxId: number, dedupeKey: string, from: string): string {
  const domain = from.split("@").pop() || "breitband-portal.local";
  const hash = createHash("sha256").update(dedupeKey).digest("hex").slice(0, 16);
  return `<outbox-${outboxId}.${hash}@${domain}>`;
}
