import type { Knex } from "knex";
import { execSql } from "./sql";

/**
 * The route check's rules as data: who is responsible for which road (authority_rules) and what
 * counts as a conflict or an unsuitable method (check_rules), plus the minimal applications table
 * the clash check needs (extended by the application capability).
 */
export async function up(knex: Knex): Promise<void> {
  await execSql(knex, `
    CREATE TABLE portal_settings (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      description text NOT NULL DEFAULT '',
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    -- Which level of Wegebaulastträger is responsible for a road: first matching rule by priority.
    CREATE TABLE authority_rules (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      priority integer NOT NULL,
      state text CHECK (state IN ('HE','RP')),                      -- NULL: every Land
      road_class text NOT NULL CHECK (road_class IN (
        'autobahn','bundesstrasse','landesstrasse','kreisstrasse','gemeindestrasse','other'
      )),
      ortsdurchfahrt boolean,                                       -- NULL: inside and outside
      min_population integer CHECK (min_population >= 0),           -- Gemeinde must have more inhabitants
      responsible_level text CHECK (responsible_level IN ('gemeinde','kreis','land','bund')), -- NULL: no public road
      legal_basis text NOT NULL,
      UNIQUE (priority)
    );

    CREATE TABLE check_rules (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      code text NOT NULL CHECK (code ~ '^[a-z0-9_.]+$'),
      kind text NOT NULL CHECK (kind IN ('conflict','method')),
      -- conflict rules: features of this layer (optionally filtered by attributes) within buffer_m of the route
      layer_key text CHECK (layer_key IN (
        'trees','railways','watercourses','water_protection_zones','nature_reserves',
        'heritage','resurfaced_roads','utilities','structures'
      )),
      feature_filter jsonb NOT NULL DEFAULT '{}'::jsonb,
      buffer_m double precision NOT NULL DEFAULT 0 CHECK (buffer_m >= 0 AND buffer_m <= 500),
      -- only features whose attribute resurfacedOn is at most this many years old
      max_age_years integer CHECK (max_age_years > 0),
      -- method rules: sections on roads matching this filter (road_class / surface lists, bridge / tunnel flags) …
      road_filter jsonb,
      -- … or a declared depth below this many metres
      min_depth_m double precision CHECK (min_depth_m > 0),
      methods text[],                                               -- NULL: whatever the method
      severity text NOT NULL CHECK (severity IN ('blocking','permit_required','warning','hint')),
      message text NOT NULL,
      legal_basis text NOT NULL DEFAULT '',
      -- an authority's own version of a default rule (same code) for its roads
      authority_id uuid REFERENCES organisations(id) ON DELETE CASCADE,
      is_active boolean NOT NULL DEFAULT true,
      version integer NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT conflict_rule_has_layer CHECK (kind <> 'conflict' OR layer_key IS NOT NULL),
      CONSTRAINT method_rule_has_condition CHECK (kind <> 'method' OR road_filter IS NOT NULL OR min_depth_m IS NOT NULL)
    );
    CREATE UNIQUE INDEX check_rules_code_authority_key
      ON check_rules (code, coalesce(authority_id, '00000000-0000-0000-0000-000000000000'::uuid));

    CREATE TABLE applications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      operator_id uuid NOT NULL REFERENCES organisations(id) ON DELETE RESTRICT,
      title text NOT NULL CHECK (length(btrim(title)) BETWEEN 3 AND 200),
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','submitted','withdrawn','completed')),
      route geometry(MultiLineString, 25832),
      period_start date,
      period_end date,
      contact jsonb NOT NULL DEFAULT '{}'::jsonb,
      submitted_at timestamptz,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT period_in_order CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start)
    );
    CREATE INDEX applications_route_idx ON applications USING gist (route);
    CREATE INDEX applications_operator_idx ON applications (operator_id, status);
  `);

  await knex("portal_settings").insert([
    { key: "check.road_match_distance_m", value: JSON.stringify(20), description: "Höchstabstand einer Trasse zur Straßenachse, um ihr zugeordnet zu werden (m)" },
    { key: "check.clash_distance_m", value: JSON.stringify(30), description: "Abstand, ab dem andere Vorhaben als Überschneidung gemeldet werden (m)" },
    { key: "check.max_length_m", value: JSON.stringify(200_000), description: "Größte prüfbare Trassenlänge (m)" },
  ]);

  // § 5 Abs. 2 FStrG: Gemeinden > 80,000 inhabitants carry Bundesstraßen-Ortsdurchfahrten;
  // § 41 HStrG (Hessen) > 50,000 and § 12 LStrG (Rheinland-Pfalz) > 80,000 for Landes- and Kreisstraßen.
  await knex("authority_rules").insert([
    { priority: 10, road_class: "autobahn", responsible_level: "bund", legal_basis: "§ 5 Abs. 1 FStrG" },
    { priority: 20, road_class: "bundesstrasse", ortsdurchfahrt: true, min_population: 80_000, responsible_level: "gemeinde", legal_basis: "§ 5 Abs. 2 FStrG" },
    { priority: 30, road_class: "bundesstrasse", responsible_level: "land", legal_basis: "§ 5 Abs. 1 FStrG, Auftragsverwaltung (Art. 90 Abs. 3 GG)" },
    { priority: 40, state: "HE", road_class: "landesstrasse", ortsdurchfahrt: true, min_population: 50_000, responsible_level: "gemeinde", legal_basis: "§ 41 Abs. 1 HStrG" },
    { priority: 41, state: "RP", road_class: "landesstrasse", ortsdurchfahrt: true, min_population: 80_000, responsible_level: "gemeinde", legal_basis: "§ 12 Abs. 3 LStrG RP" },
    { priority: 50, road_class: "landesstrasse", responsible_level: "land", legal_basis: "§ 41 HStrG / § 12 LStrG RP" },
    { priority: 60, state: "HE", road_class: "kreisstrasse", ortsdurchfahrt: true, min_population: 50_000, responsible_level: "gemeinde", legal_basis: "§ 41 Abs. 1 HStrG" },
    { priority: 61, state: "RP", road_class: "kreisstrasse", ortsdurchfahrt: true, min_population: 80_000, responsible_level: "gemeinde", legal_basis: "§ 12 Abs. 3 LStrG RP" },
    { priority: 70, road_class: "kreisstrasse", responsible_level: "kreis", legal_basis: "§ 41 HStrG / § 12 LStrG RP" },
    { priority: 80, road_class: "gemeindestrasse", responsible_level: "gemeinde", legal_basis: "§ 41 HStrG / § 14 LStrG RP" },
    { priority: 90, road_class: "other", responsible_level: null, legal_basis: "kein öffentlicher Verkehrsweg im Sinne des § 127 TKG" },
  ]);

  const TRENCHING = ["trenching_nano", "trenching_micro", "trenching_mini", "trenching_macro"];
  const DIGGING = ["open_trench", "plough", ...TRENCHING];
  const rules = [
    // Trees: DIN 18920 / RAS-LP 4 protect the root zone; nothing within 2.5 m of the trunk.
    { code: "trees.trunk", kind: "conflict", layer_key: "trees", buffer_m: 2.5, methods: DIGGING, severity: "blocking",
      message: "Grabung näher als 2,5 m am Baumstamm: im Wurzelbereich nicht zulässig. Trasse verlegen oder grabenlos (Spülbohrung) unterqueren.",
      legal_basis: "DIN 18920, RAS-LP 4, Baumschutzsatzung der Gemeinde" },
    { code: "trees.trunk_trenchless", kind: "conflict", layer_key: "trees", buffer_m: 2.5, methods: ["hdd", "earth_rocket"], severity: "warning",
      message: "Grabenlose Querung näher als 2,5 m am Baumstamm: Start- und Zielgruben außerhalb des Wurzelbereichs anlegen.",
      legal_basis: "DIN 18920" },
    { code: "trees.root_zone", kind: "conflict", layer_key: "trees", buffer_m: 6, severity: "warning",
      message: "Trasse im Wurzelbereich eines Baumes (Kronentraufe + 1,5 m): Handschachtung, Wurzelschutz nach DIN 18920.",
      legal_basis: "DIN 18920, RAS-LP 4" },
    { code: "water_protection.zone_i", kind: "conflict", layer_key: "water_protection_zones", feature_filter: { zone: "I" }, severity: "blocking",
      message: "Trasse in der Schutzzone I (Fassungsbereich) eines Wasserschutzgebiets: Bauarbeiten sind verboten.",
      legal_basis: "§ 52 WHG, Wasserschutzgebietsverordnung" },
    { code: "water_protection.zone_ii", kind: "conflict", layer_key: "water_protection_zones", feature_filter: { zone: "II" }, severity: "permit_required",
      message: "Trasse in der Schutzzone II eines Wasserschutzgebiets: Befreiung/Genehmigung der unteren Wasserbehörde erforderlich.",
      legal_basis: "§ 52 WHG, Wasserschutzgebietsverordnung" },
    { code: "water_protection.zone_iii", kind: "conflict", layer_key: "water_protection_zones", feature_filter: { zone: "III" }, severity: "warning",
      message: "Trasse in der Schutzzone III eines Wasserschutzgebiets: Auflagen der Schutzgebietsverordnung beachten (z. B. keine wassergefährdenden Stoffe).",
      legal_basis: "§ 52 WHG, Wasserschutzgebietsverordnung" },
    { code: "watercourse.crossing", kind: "conflict", layer_key: "watercourses", buffer_m: 0, severity: "permit_required",
      message: "Querung eines Gewässers: wasserrechtliche Genehmigung für Anlagen an Gewässern erforderlich.",
      legal_basis: "§ 36 WHG, § 22 HWG / § 31 LWG RP" },
    { code: "watercourse.riparian_strip", kind: "conflict", layer_key: "watercourses", buffer_m: 5, severity: "warning",
      message: "Trasse im Gewässerrandstreifen (5 m): Eingriffe nur mit Zustimmung der Wasserbehörde.",
      legal_basis: "§ 38 WHG" },
    { code: "nature.reserve", kind: "conflict", layer_key: "nature_reserves", buffer_m: 0, severity: "permit_required",
      message: "Trasse in einem Schutzgebiet (Naturschutzgebiet / Natura 2000): Genehmigung bzw. FFH-Verträglichkeitsprüfung der Naturschutzbehörde erforderlich.",
      legal_basis: "§§ 23, 34 BNatSchG" },
    { code: "heritage.site", kind: "conflict", layer_key: "heritage", buffer_m: 10, severity: "permit_required",
      message: "Kulturdenkmal in der Nähe der Trasse: denkmalschutzrechtliche Genehmigung erforderlich; bei Bodendenkmälern archäologische Begleitung.",
      legal_basis: "§ 18 HDSchG / § 13 DSchG RP" },
    { code: "railway.crossing_open", kind: "conflict", layer_key: "railways", buffer_m: 0, methods: DIGGING, severity: "blocking",
      message: "Bahnstrecke in offener Bauweise gequert: Bahnanlagen dürfen nur grabenlos (Spülbohrung, Pressung) gequert werden.",
      legal_basis: "§ 4 AEG, Kreuzungsrichtlinien der Eisenbahninfrastrukturunternehmen" },
    { code: "railway.crossing", kind: "conflict", layer_key: "railways", buffer_m: 0, severity: "permit_required",
      message: "Querung einer Bahnstrecke: Kreuzungs-/Gestattungsvertrag mit dem Eisenbahninfrastrukturunternehmen erforderlich.",
      legal_basis: "§ 4 AEG, § 127 Abs. 6 TKG" },
    { code: "railway.proximity", kind: "conflict", layer_key: "railways", buffer_m: 5, severity: "warning",
      message: "Trasse näher als 5 m an einer Bahnstrecke: Abstimmung mit dem Eisenbahninfrastrukturunternehmen.",
      legal_basis: "§ 4 AEG" },
    { code: "resurfaced.recent", kind: "conflict", layer_key: "resurfaced_roads", buffer_m: 1, max_age_years: 3, severity: "warning",
      message: "Fahrbahn in den letzten drei Jahren erneuert (Aufbruchsperre): Aufbruch nur in Ausnahmefällen, ggf. Wiederherstellung der vollen Breite.",
      legal_basis: "§ 127 Abs. 1 und 5 TKG, ZTV A-StB" },
    { code: "utilities.proximity", kind: "conflict", layer_key: "utilities", buffer_m: 1, severity: "warning",
      message: "Vorhandene Versorgungsleitung näher als 1 m: Leitungsauskunft einholen, Schutzabstände und Handschachtung.",
      legal_basis: "DIN 1998, Merkblätter der Leitungsbetreiber" },
    { code: "structures.trench", kind: "conflict", layer_key: "structures", buffer_m: 2, methods: DIGGING, severity: "blocking",
      message: "Brücke oder Tunnel: Aufgraben und Trenching am Bauwerk nicht zulässig; Verlegung nur in vorhandenen Leerrohren/Kabelkanälen des Bauwerks.",
      legal_basis: "§ 127 Abs. 1 TKG, ZTV-ING" },
    { code: "structures.attach", kind: "conflict", layer_key: "structures", buffer_m: 2, severity: "permit_required",
      message: "Bauwerk (Brücke/Tunnel) betroffen: Zustimmung des Bauwerksträgers zur Leitungsführung am Bauwerk erforderlich.",
      legal_basis: "§ 127 Abs. 1 TKG, ZTV-ING" },
    { code: "method.trenching_autobahn", kind: "method", road_filter: { road_class: ["autobahn"] }, methods: TRENCHING, severity: "blocking",
      message: "Trenching ist an Bundesautobahnen nicht zulässig.",
      legal_basis: "§ 127 Abs. 1 TKG, Vorgaben der Autobahn GmbH des Bundes" },
    { code: "method.trenching_bridge", kind: "method", road_filter: { bridge: true }, methods: TRENCHING, severity: "blocking",
      message: "Trenching auf Brücken ist nicht zulässig.",
      legal_basis: "ZTV-ING" },
    { code: "method.trenching_tunnel", kind: "method", road_filter: { tunnel: true }, methods: [...TRENCHING, "open_trench", "plough"], severity: "blocking",
      message: "In Tunneln ist keine Grabung möglich; Verlegung nur in vorhandenen Kabelkanälen.",
      legal_basis: "ZTV-ING" },
    { code: "method.trenching_surface", kind: "method", road_filter: { surface: ["concrete", "paving_stones", "sett", "cobblestone", "unhewn_cobblestone"] }, methods: TRENCHING, severity: "blocking",
      message: "Trenching in Beton- oder Pflasterdecken ist nicht zulässig (Schäden an der Decke).",
      legal_basis: "§ 127 Abs. 1 TKG, ZTV A-StB, DIN 18220" },
    { code: "method.reduced_depth", kind: "method", min_depth_m: 0.6, severity: "hint",
      message: "Verlegetiefe unter 0,6 m (mindertiefe Verlegung): nach § 127 Abs. 7 TKG anzuzeigen, nicht zu beantragen; die Behörde kann nur aus den gesetzlichen Gründen widersprechen.",
      legal_basis: "§ 127 Abs. 7 TKG, DIN 18220" },
    { code: "method.plough_town", kind: "method", road_filter: { road_class: ["gemeindestrasse"] }, methods: ["plough"], severity: "warning",
      message: "Pflugverfahren in Gemeindestraßen: nur in unbefestigten Nebenflächen geeignet.",
      legal_basis: "DIN 18220" },
    { code: "method.aerial", kind: "method", road_filter: {}, methods: ["aerial"], severity: "permit_required",
      message: "Oberirdische Verlegung: nur mit Zustimmung und unter Berücksichtigung des Ortsbildes zulässig.",
      legal_basis: "§ 127 Abs. 4 TKG" },
  ];
  await knex("check_rules").insert(
    rules.map((r) => ({
      ...r,
      feature_filter: JSON.stringify(("feature_filter" in r && r.feature_filter) || {}),
      road_filter: "road_filter" in r ? JSON.stringify(r.road_filter) : null,
      methods: "methods" in r ? r.methods : null,
    })),
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DROP TABLE IF EXISTS applications, check_rules, authority_rules, portal_settings CASCADE");
}
