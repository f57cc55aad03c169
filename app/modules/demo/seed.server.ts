import type { Knex } from "knex";
import { hashPassword } from "~/modules/auth/password.server";
import { ensureStandardConditions } from "~/modules/conditions/service.server";
import { assignRoadAuthorities } from "~/modules/layers/authorities.server";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./accounts";
import { DEMO_SOURCE, generateDemoRegion, type DemoGeometry, type DemoRegion } from "./region";

export const SEED_TABLES = [
  "organisations",
  "users",
  "memberships",
  "admin_areas",
  "conflict_layers",
  "roads",
  "conflict_features",
  "condition_templates",
] as const;
export type SeedTable = (typeof SEED_TABLES)[number];

export interface SeedReport {
  /** every demo row was already there: nothing was written */
  alreadySeeded: boolean;
  /** rows inserted per table by this run */
  inserted: Record<SeedTable, number>;
}

// well below PostgreSQL's 65,535 bind parameters per statement, and few round trips
const CHUNK = 500;

let region: DemoRegion | undefined;
/** The generator is deterministic, so one run per process is enough. */
function demoRegion(): DemoRegion {
  region ??= generateDemoRegion();
  return region;
}

/**
 * Writes the demo region, organisations and accounts, in one transaction. Idempotent by natural
 * keys: rows that exist are left exactly as they are (an existing account keeps its password
 * hash and memberships), missing ones are added. Writes no audit events: this is not a user's act.
 */
export async function seedDemo(knex: Knex): Promise<SeedReport> {
  const data = demoRegion();
  return knex.transaction(async (trx) => {
    const inserted = Object.fromEntries(SEED_TABLES.map((t) => [t, 0])) as Record<SeedTable, number>;

    // organisations
    const orgSlugs = data.organisations.map((o) => o.slug);
    const existingOrgs = new Set(await trx("organisations").whereIn("slug", orgSlugs).pluck<string[]>("slug"));
    inserted.organisations = await insertChunked(
      trx,
      "organisations",
      data.organisations
        .filter((o) => !existingOrgs.has(o.slug))
        .map((o) => ({
          slug: o.slug,
          kind: o.kind,
          name: o.name,
          authority_level: o.authorityLevel,
          state: o.state,
          ags: o.ags,
          email: o.email,
          phone: o.phone,
          letterhead: JSON.stringify(o.letterhead),
          consulted_topic: o.consultedTopic ?? null,
        })),
      ["slug"],
    );
    const orgIds = new Map(
      (await trx("organisations").whereIn("slug", orgSlugs).select<{ id: string; slug: string }[]>("id", "slug")).map(
        (o) => [o.slug, o.id],
      ),
    );

    // accounts: only new ones are hashed (a new salt would change an existing row) and get their membership
    const existingUsers = new Set(
      await trx("users")
        .whereIn(
          "email",
          DEMO_ACCOUNTS.map((a) => a.email),
        )
        .pluck<string[]>("email"),
    );
    const newAccounts = DEMO_ACCOUNTS.filter((a) => !existingUsers.has(a.email));
    const hashes = await Promise.all(newAccounts.map(() => hashPassword(DEMO_PASSWORD)));
    if (newAccounts.length > 0) {
      const users = await trx("users")
        .insert(newAccounts.map((a, i) => ({ email: a.email, name: a.name, password_hash: hashes[i] })))
        .onConflict(["email"])
        .ignore()
        .returning<{ id: string; email: string }[]>(["id", "email"]);
      inserted.users = users.length;
      const memberships = users.map((u) => {
        const account = newAccounts.find((a) => a.email === u.email)!;
        const organisationId = orgIds.get(account.organisationSlug);
        if (!organisationId) throw new Error(`demo organisation ${account.organisationSlug} missing`);
        return { user_id: u.id, organisation_id: organisationId, role: account.role };
      });
      inserted.memberships = await insertChunked(trx, "memberships", memberships, ["user_id", "organisation_id"]);
    }

    // administrative areas
    const existingAreas = new Set(
      await trx("admin_areas")
        .whereIn(
          "ags",
          data.adminAreas.map((a) => a.ags),
        )
        .pluck<string[]>("ags"),
    );
    inserted.admin_areas = await insertChunked(
      trx,
      "admin_areas",
      data.adminAreas
        .filter((a) => !existingAreas.has(a.ags))
        .map((a) => ({
          level: a.level,
          ags: a.ags,
          ars: a.ars,
          name: a.name,
          state: a.state,
          parent_ags: a.parentAgs,
          population: a.population,
          households: a.households,
          source: DEMO_SOURCE,
          geom: trx.raw("ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(?), 25832))", [JSON.stringify(a.geom)]),
        })),
      ["ags"],
    );

    // conflict layers and their features
    const existingLayers = new Set(await trx("conflict_layers").pluck<string[]>("key"));
    inserted.conflict_layers = await insertChunked(
      trx,
      "conflict_layers",
      data.conflictLayers.filter((l) => !existingLayers.has(l.key)),
      ["key"],
    );

    const existingRoads = new Set(
      await trx("roads").where({ source: DEMO_SOURCE }).pluck<string[]>("external_id"),
    );
    inserted.roads = await insertChunked(
      trx,
      "roads",
      data.roads
        .filter((r) => !existingRoads.has(r.externalId))
        .map((r) => ({
          source: DEMO_SOURCE,
          external_id: r.externalId,
          name: r.name,
          ref: r.ref,
          road_class: r.roadClass,
          ortsdurchfahrt: r.ortsdurchfahrt,
          surface: r.surface,
          bridge: r.bridge,
          tunnel: r.tunnel,
          resurfaced_on: r.resurfacedOn,
          geom: geometry(trx, r.geom),
        })),
      ["source", "external_id"],
    );
    // Who owns which road follows from authority_rules, exactly as for imported roads.
    await assignRoadAuthorities(trx, { source: DEMO_SOURCE, unassignedOnly: true });

    const existingFeatures = new Set(
      (
        await trx("conflict_features")
          .where({ source: DEMO_SOURCE })
          .select<{ layer_key: string; external_id: string }[]>("layer_key", "external_id")
      ).map((f) => `${f.layer_key}/${f.external_id}`),
    );
    inserted.conflict_features = await insertChunked(
      trx,
      "conflict_features",
      data.conflictFeatures
        .filter((f) => !existingFeatures.has(`${f.layerKey}/${f.externalId}`))
        .map((f) => ({
          layer_key: f.layerKey,
          source: DEMO_SOURCE,
          external_id: f.externalId,
          name: f.name,
          attributes: JSON.stringify(f.attributes),
          geom: geometry(trx, f.geom),
        })),
      ["layer_key", "source", "external_id"],
    );

    // every road authority starts with the standard Nebenbestimmungen and Hinweise
    inserted.condition_templates = (await ensureStandardConditions(trx)).inserted;

    return { alreadySeeded: Object.values(inserted).every((n) => n === 0), inserted };
  });
}

function geometry(trx: Knex.Transaction, geom: DemoGeometry): Knex.Raw {
  return trx.raw("ST_SetSRID(ST_GeomFromGeoJSON(?), 25832)", [JSON.stringify(geom)]);
}

/**
 * Multi-row inserts in chunks. Rows were filtered against what exists; ON CONFLICT DO NOTHING
 * still guards against a concurrent seed. Returns how many rows were inserted.
 */
async function insertChunked(
  trx: Knex.Transaction,
  table: SeedTable,
  rows: readonly object[],
  conflictColumns: string[],
): Promise<number> {
  let count = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const result = await trx(table)
      .insert(rows.slice(i, i + CHUNK))
      .onConflict(conflictColumns)
      .ignore()
      .returning<unknown[]>(conflictColumns[0]!); // any column: only the number of rows counts
    count += result.length;
  }
  return count;
}
