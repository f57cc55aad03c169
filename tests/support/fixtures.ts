import type { Knex } from "knex";
import type { Role } from "~/modules/auth/roles";
import { createOrganisation, createUser } from "~/modules/organisations/service.server";
import type { CreateOrganisationInput } from "~/modules/organisations/schema";

const SYSTEM = { userId: null, organisationId: null };
let counter = 0;

/** Creates an organisation through the same service the admin pages use. */
export async function givenOrganisation(
  knex: Knex,
  input: Partial<CreateOrganisationInput> & Pick<CreateOrganisationInput, "kind">,
): Promise<string> {
  counter += 1;
  const result = await createOrganisation(knex, SYSTEM, {
    name: `Testorganisation ${counter}`,
    slug: `test-org-${process.pid}-${counter}`,
    ...(input.kind === "road_authority" ? { authorityLevel: "gemeinde", state: "HE" } : {}),
    ...input,
  } as CreateOrganisationInput);
  if (!result.ok) throw new Error(`fixture organisation: ${result.error.message}`);
  return result.id;
}

export const TEST_PASSWORD = "Richtig-Geheim-42";

/** Creates a user with one membership through the same service the admin pages use. */
export async function givenUser(
  knex: Knex,
  organisationId: string,
  role: Role,
  email = `user${process.pid}-${++counter}@test.example`,
): Promise<{ id: string; email: string }> {
  const result = await createUser(knex, SYSTEM, {
    name: `Test Person ${counter}`,
    email,
    organisationId,
    role,
    password: TEST_PASSWORD,
  });
  if (!result.ok) throw new Error(`fixture user: ${result.error.message}`);
  return { id: result.id, email };
}
