/**
 * The production HTTP server: security headers, compression, request log, static assets, CSRF
 * cookie, then Remix. Run by `npm start` after the build. Configuration: see app/env.server.ts.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import { parse as parseCookies, serialize as serializeCookie } from "cookie";
import express from "express";
import helmet from "helmet";
import morgan from "morgan";
import { EnvError, parseEnv } from "~/env.server";
import { CSRF_COOKIE, isValidCsrfToken, issueCsrfToken } from "~/modules/auth/csrf.server";

type BootableBuild = ServerBuild & {
  entry: { module: { startup(): Promise<{ engine: string; migratedMs: number; seededMs: number }>; shutdown(): Promise<void> } };
};

const bootStarted = Date.now();
let config;
try {
  config = parseEnv();
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
const env = config;
const root = path.resolve(import.meta.dirname, "..");
const build = (await import(pathToFileURL(path.join(root, "build/index.js")).href)) as BootableBuild;

const boot = await build.entry.module.startup();
console.log(
  `[boot] database ${boot.engine} ready (open+migrate ${boot.migratedMs} ms, demo data ${env.DEMO_DATA ? `${boot.seededMs} ms` : "off"})`,
);

const app = express();
app.disable("x-powered-by");
if (env.TRUST_PROXY) app.set("trust proxy", true);

app.use((_req, res, next) => {
  res.locals.cspNonce = randomBytes(16).toString("base64");
  next();
});
const https = env.BASE_URL.startsWith("https://");
// A basemap (BASEMAP_STYLE_URL) is fetched by the browser: its origins must be allowed, nothing else.
const basemapOrigins = [env.BASEMAP_STYLE_URL, ...(env.BASEMAP_ORIGINS ?? [])].filter((u): u is string => Boolean(u)).map((u) => new URL(u).origin);
app.use(
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", ...basemapOrigins],
        "font-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'", ...basemapOrigins],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        ...(https ? { "upgrade-insecure-requests": [] } : {}),
      },
    },
    // HSTS only when the portal is served over TLS (BASE_URL https://), never on plain localhost.
    strictTransportSecurity: https ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: "strict-origin-when-cross-origin" },
  }),
);
// API reports are built per request: compress them fast (level 1) rather than small; pages and assets at the default.
const compressFast = compression({ level: 1 });
const compressDefault = compression();
app.use((req, res, next) => (req.path.startsWith("/api/") ? compressFast : compressDefault)(req, res, next));
if (env.LOG_REQUESTS) app.use(morgan(":remote-addr :method :url :status :res[content-length] - :response-time ms"));

app.use("/build", express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y" }));
app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));

// Requests that change state must come from the portal's own pages (defence in depth beside the token).
app.use((req, res, next) => {
  if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
  const origin = req.get("origin");
  if (origin && origin !== "null") {
    const host = new URL(origin).host;
    if (host !== req.get("host") && origin !== new URL(env.BASE_URL).origin) {
      res.status(403).type("application/problem+json").json({
        type: "about:blank",
        title: "Anfrage abgelehnt",
        status: 403,
        detail: "Anfragen von fremden Websites werden nicht angenommen.",
      });
      return;
    }
  }
  next();
});

// Every browser gets a signed CSRF token in a cookie; forms echo it back (app/modules/auth/csrf.server.ts).
app.use((req, res, next) => {
  const current = parseCookies(req.headers.cookie ?? "")[CSRF_COOKIE];
  if (isValidCsrfToken(current, env.SESSION_SECRET)) {
    res.locals.csrfToken = current;
  } else {
    res.locals.csrfToken = issueCsrfToken(env.SESSION_SECRET);
    res.append(
      "Set-Cookie",
      serializeCookie(CSRF_COOKIE, res.locals.csrfToken, { httpOnly: true, sameSite: "lax", secure: https, path: "/" }),
    );
  }
  next();
});

app.all(
  "*",
  createRequestHandler({
    build,
    mode: build.mode,
    getLoadContext: (req, res) => ({
      cspNonce: res.locals.cspNonce as string,
      csrfToken: res.locals.csrfToken as string,
      clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
    }),
  }),
);

const server = app.listen(env.PORT, env.HOST, () => {
  console.log(`[boot] Breitband-Portal listening on ${env.BASE_URL} (port ${env.PORT}) after ${Date.now() - bootStarted} ms`);
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[boot] ${signal}: shutting down`);
  server.close();
  // Closing flushes the embedded database to disk; a hard kill could lose the last writes.
  await build.entry.module.shutdown();
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
