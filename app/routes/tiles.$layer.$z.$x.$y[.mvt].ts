import { gzipSync } from "node:zlib";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { database } from "~/db.server";
import { getPrincipal } from "~/modules/auth/guards.server";
import { parseTileParams } from "~/modules/tiles/schema";
import { MVT_CONTENT_TYPE, renderTile, tileEtag } from "~/modules/tiles/tiles.server";
import { problem } from "~/utils/problem.server";

/**
 * GET /tiles/{layer}/{z}/{x}/{y}.mvt — Mapbox Vector Tiles for the map, signed-in users only.
 * 204 for an empty tile; ETag / If-None-Match → 304; gzip when the client accepts it (the
 * compression middleware does not know this media type).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const principal = await getPrincipal(request);
  if (!principal) return problem(401, "Nicht angemeldet", "Kartenkacheln stehen nur angemeldeten Nutzerinnen und Nutzern zur Verfügung.");
  const parsed = parseTileParams(params);
  if (!parsed.ok) {
    return parsed.status === 404
      ? problem(404, "Ebene nicht gefunden", parsed.message)
      : problem(400, "Ungültige Kachel", parsed.message, { errors: parsed.errors });
  }
  const { knex, engine } = await database();
  const bytes = await renderTile(knex, engine, parsed.layer, parsed.z, parsed.x, parsed.y);
  // the tiles depend on who is signed in only through access, so any signed-in browser may reuse them
  const headers = new Headers({ "Cache-Control": "private, max-age=300", Vary: "Cookie, Accept-Encoding" });
  if (bytes.byteLength === 0) return new Response(null, { status: 204, headers });

  // weak: the same tile is one representation whether sent gzipped or not
  const etag = `W/${tileEtag(bytes)}`;
  headers.set("ETag", etag);
  if (matchesEtag(request.headers.get("If-None-Match"), etag)) return new Response(null, { status: 304, headers });

  headers.set("Content-Type", MVT_CONTENT_TYPE);
  // a copy on a plain ArrayBuffer: what Response accepts as body
  let body = new Uint8Array(bytes);
  if (bytes.byteLength > 1024 && /\bgzip\b/i.test(request.headers.get("Accept-Encoding") ?? "")) {
    body = new Uint8Array(gzipSync(bytes, { level: 6 }));
    headers.set("Content-Encoding", "gzip");
  }
  headers.set("Content-Length", String(body.byteLength));
  return new Response(body, { status: 200, headers });
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || tag.replace(/^W\//, "") === bare;
  });
}
