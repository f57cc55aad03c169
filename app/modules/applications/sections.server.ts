import type { Db } from "~/db.server";
import type { Principal } from "~/modules/auth/session.server";
import type { Result } from "./errors";
import { DraftRouteSchema, isLineFeature } from "./schema";
import { getApplication, saveDraft } from "./service.server";

/**
 * Splits one route section (a drawn line) into two at a distance from its start, so that the two
 * parts can get different laying methods — e.g. open trench in the footpath, a bore under the
 * crossing. Measured in EPSG:25832 by PostGIS; both parts keep the section's properties.
 */
export async function splitSection(
  db: Db,
  principal: Principal,
  id: string,
  input: { expectedVersion: number; featureIndex: number; atMetres: number },
): Promise<Result<{ version: number }>> {
  const application = await getApplication(db, principal, id);
  if (!application?.isOwner || !application.draftRoute) {
    return { ok: false, error: { code: "not_found", message: "Diesen Antrag gibt es nicht, oder Sie dürfen ihn nicht ändern." } };
  }
  const route = application.draftRoute;
  const feature = route.features[input.featureIndex];
  const invalid = (message: string) => ({ ok: false as const, error: { code: "invalid" as const, message, fieldErrors: [{ path: "atMetres", message }] } });
  if (!feature || !isLineFeature(feature) || feature.geometry.type !== "LineString") return invalid("Bitte wählen Sie einen Abschnitt aus.");
  const result = await db.raw(
    `WITH line AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326), 25832) AS g)
     SELECT ST_Length(g) AS length_m,
            ST_AsGeoJSON(ST_Transform(ST_LineSubstring(g, 0, least(?::float8 / ST_Length(g), 1)), 4326), 7)::json AS first,
            ST_AsGeoJSON(ST_Transform(ST_LineSubstring(g, least(?::float8 / ST_Length(g), 1), 1), 4326), 7)::json AS second
     FROM line`,
    [JSON.stringify(feature.geometry), input.atMetres, input.atMetres],
  );
  type Line = { type: "LineString"; coordinates: [number, number][] };
  const row = result.rows[0] as { length_m: number; first: Line; second: Line };
  if (!(input.atMetres >= 1 && input.atMetres <= row.length_m - 1)) {
    return invalid(`Die Teilungsstelle muss zwischen 1 m und ${Math.floor(row.length_m - 1)} m vom Anfang des Abschnitts liegen.`);
  }
  const features = [...route.features];
  features.splice(input.featureIndex, 1, { ...feature, geometry: row.first }, { ...feature, geometry: row.second });
  const next = DraftRouteSchema.parse({ ...route, features });
  return saveDraft(db, principal, id, { expectedVersion: input.expectedVersion, route: next }).then((saved) =>
    saved.ok ? { ok: true, value: { version: saved.value.version } } : saved,
  );
}
