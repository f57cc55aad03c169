import type { Knex } from "knex";
import { execSql } from "./sql";

/**
 * The geodata the route check runs on. Everything is stored in EPSG:25832 (ETRS89 / UTM 32N),
 * the official CRS of Hessen and Rheinland-Pfalz, so lengths and buffers are metres.
 */
export async function up(knex: Knex): Promise<void> {
  await execSql(knex, `
    CREATE TABLE admin_areas (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      level text NOT NULL CHECK (level IN ('land','kreis','gemeinde')),
      -- AGS: 2 digits Land, 5 Kreis, 8 Gemeinde; ARS: 12-digit Regionalschlüssel
      ags text NOT NULL UNIQUE CHECK (ags ~ '^([0-9]{2}|[0-9]{5}|[0-9]{8})$'),
      ars text CHECK (ars ~ '^[0-9]{2,12}$'),
      name text NOT NULL,
      state text NOT NULL CHECK (state IN ('HE','RP')),
      parent_ags text,
      population integer CHECK (population >= 0),
      households integer CHECK (households >= 0),
      source text NOT NULL DEFAULT 'unknown',
      geom geometry(MultiPolygon, 25832) NOT NULL,
      CONSTRAINT ags_length_matches_level CHECK (
        (level = 'land' AND length(ags) = 2) OR (level = 'kreis' AND length(ags) = 5)
        OR (level = 'gemeinde' AND length(ags) = 8)
      )
    );
    CREATE INDEX admin_areas_geom_idx ON admin_areas USING gist (geom);
    CREATE INDEX admin_areas_level_idx ON admin_areas (level, parent_ags);

    CREATE TABLE roads (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      source text NOT NULL,
      external_id text,
      name text,
      ref text,
      road_class text NOT NULL CHECK (road_class IN (
        'autobahn','bundesstrasse','landesstrasse','kreisstrasse','gemeindestrasse','other'
      )),
      -- the part of a Bundes-/Landes-/Kreisstraße inside a built-up area (§ 5 FStrG, § 4 HStrG)
      ortsdurchfahrt boolean NOT NULL DEFAULT false,
      authority_id uuid REFERENCES organisations(id) ON DELETE SET NULL,
      surface text,
      bridge boolean NOT NULL DEFAULT false,
      tunnel boolean NOT NULL DEFAULT false,
      resurfaced_on date,
      geom geometry(LineString, 25832) NOT NULL,
      CONSTRAINT roads_source_external_key UNIQUE (source, external_id)
    );
    CREATE INDEX roads_geom_idx ON roads USING gist (geom);
    CREATE INDEX roads_authority_idx ON roads (authority_id);

    CREATE TABLE conflict_layers (
      key text PRIMARY KEY CHECK (key IN (
        'trees','railways','watercourses','water_protection_zones','nature_reserves',
        'heritage','resurfaced_roads','utilities','structures'
      )),
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      source text NOT NULL DEFAULT '',
      attribution text NOT NULL DEFAULT '',
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE conflict_features (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      layer_key text NOT NULL REFERENCES conflict_layers(key) ON DELETE CASCADE,
      source text NOT NULL,
      external_id text,
      name text,
      attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
      geom geometry(Geometry, 25832) NOT NULL CHECK (NOT ST_IsEmpty(geom)),
      CONSTRAINT conflict_features_source_external_key UNIQUE (layer_key, source, external_id)
    );
    CREATE INDEX conflict_features_geom_idx ON conflict_features USING gist (geom);
    CREATE INDEX conflict_features_layer_idx ON conflict_features (layer_key);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DROP TABLE IF EXISTS conflict_features, conflict_layers, roads, admin_areas CASCADE");
}
