import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseSigningKey } from "~/modules/documents/signing.server";

/**
 * The portal's configuration, validated once at boot. Every variable is documented in the README;
 * an invalid value stops the process with a message naming the variable.
 */
const booleanFlag = z
  .enum(["0", "1", "true", "false"])
  .transform((v) => v === "1" || v === "true");

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().min(1).default("0.0.0.0"),
    BASE_URL: z.string().url().optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection URL")
      .optional(),
    DATA_DIR: z.string().min(1).default("./data"),
    SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(60),
    SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(12),
    DEMO_DATA: booleanFlag.optional(),
    BASEMAP_STYLE_URL: z.string().url().optional(),
    /** further origins the basemap loads tiles, sprites and fonts from (comma-separated), for the CSP */
    BASEMAP_ORIGINS: z
      .string()
      .transform((v) => v.split(",").map((o) => o.trim()).filter(Boolean))
      .pipe(z.array(z.string().url("each entry must be an origin like https://sgx.geodatenzentrum.de")))
      .optional(),
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    SMTP_FROM: z.string().email().default("noreply@breitband-portal.local"),
    /** Ed25519 key that signs issued documents (PKCS#8 PEM, or its DER in base64); unset: generated once and kept in the database */
    DOCUMENT_SIGNING_KEY: z
      .string()
      .superRefine((value, ctx) => {
        try {
          parseSigningKey(value);
        } catch (error) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: error instanceof Error ? error.message : "is not a private key" });
        }
      })
      .optional(),
    LOG_REQUESTS: booleanFlag.default("true"),
    /** behind a reverse proxy: take the client address from X-Forwarded-For */
    TRUST_PROXY: booleanFlag.default("false"),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.DATABASE_URL && !env.SESSION_SECRET) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["SESSION_SECRET"],
        message: "is required in production with DATABASE_URL",
      });
    }
  });

export type Env = z.infer<typeof EnvSchema> & {
  /** "pglite" when no DATABASE_URL is set: the embedded database in DATA_DIR. */
  DB_ENGINE: "postgres" | "pglite";
  BASE_URL: string;
  SESSION_SECRET: string;
  DEMO_DATA: boolean;
};

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings in a shell or .env mean "not set".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = result.data;
  const engine = env.DATABASE_URL ? "postgres" : "pglite";
  return {
    ...env,
    DB_ENGINE: engine,
    BASE_URL: env.BASE_URL ?? `http://localhost:${env.PORT}`,
    SESSION_SECRET: env.SESSION_SECRET ?? localSessionSecret(env.DATA_DIR),
    // Demo data is loaded into the embedded database by default, never into a real one unless asked.
    DEMO_DATA: env.DEMO_DATA ?? engine === "pglite",
  };
}

/** Embedded mode needs no setup: a random secret is generated once and kept beside the data. */
function localSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, "session-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

let cached: Env | undefined;

/** The validated configuration of this process. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}
