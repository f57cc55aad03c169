/** Roles and organisation kinds, shared by server and browser code (labels are shown in the UI). */
export const ROLES = [
  "operator",
  "authority_clerk",
  "authority_admin",
  "consulted_body",
  "state_analyst",
  "platform_admin",
] as const;
export type Role = (typeof ROLES)[number];

export const ORGANISATION_KINDS = ["operator", "road_authority", "consulted_body", "state", "platform"] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const AUTHORITY_LEVELS = ["gemeinde", "kreis", "land", "bund"] as const;
export type AuthorityLevel = (typeof AUTHORITY_LEVELS)[number];

export const STATES = ["HE", "RP"] as const;
export type StateCode = (typeof STATES)[number];

/** Which roles a member of an organisation of each kind may hold. */
export const ROLES_BY_KIND: Record<OrganisationKind, readonly Role[]> = {
  operator: ["operator"],
  road_authority: ["authority_clerk", "authority_admin"],
  consulted_body: ["consulted_body"],
  state: ["state_analyst"],
  platform: ["platform_admin"],
};

export const ROLE_LABELS: Record<Role, string> = {
  operator: "Antragsteller",
  authority_clerk: "Sachbearbeitung",
  authority_admin: "Behördenadmin",
  consulted_body: "Fachbehörde",
  state_analyst: "Landesebene",
  platform_admin: "Plattformadmin",
};

export const KIND_LABELS: Record<OrganisationKind, string> = {
  operator: "Netzbetreiber / Antragsteller",
  road_authority: "Straßenbaulastträger",
  consulted_body: "Fachbehörde",
  state: "Landesebene",
  platform: "Plattformbetrieb",
};

export const LEVEL_LABELS: Record<AuthorityLevel, string> = {
  gemeinde: "Gemeinde",
  kreis: "Kreis",
  land: "Land",
  bund: "Bund",
};
