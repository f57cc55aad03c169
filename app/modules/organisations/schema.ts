import { z } from "zod";
import { email, newPassword } from "~/modules/auth/schema";
import { AUTHORITY_LEVELS, ORGANISATION_KINDS, ROLES, STATES } from "~/modules/auth/roles";

const optionalText = (max: number, message: string) =>
  z.string().trim().max(max, message).optional().transform((v) => (v ? v : undefined));

export const CreateOrganisationSchema = z
  .object({
    name: z
      .string({ required_error: "Bitte geben Sie den Namen der Organisation ein." })
      .trim()
      .min(2, "Der Name muss mindestens 2 Zeichen lang sein.")
      .max(200, "Der Name darf höchstens 200 Zeichen lang sein."),
    slug: z
      .string({ required_error: "Bitte geben Sie ein Kürzel ein." })
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "Nur Kleinbuchstaben, Ziffern und Bindestriche, 2 bis 63 Zeichen."),
    kind: z.enum(ORGANISATION_KINDS, {
      errorMap: () => ({ message: "Bitte wählen Sie die Art der Organisation." }),
    }),
    authorityLevel: z.enum(AUTHORITY_LEVELS, { errorMap: () => ({ message: "Bitte wählen Sie eine Ebene." }) }).optional(),
    state: z.enum(STATES, { errorMap: () => ({ message: "Bitte wählen Sie ein Land." }) }).optional(),
    ags: z
      .string()
      .trim()
      .regex(/^[0-9]{2,12}$/, "Der Schlüssel (AGS/ARS) besteht aus 2 bis 12 Ziffern.")
      .optional(),
    email: email.optional(),
    phone: optionalText(50, "Die Telefonnummer ist zu lang."),
  })
  .superRefine((v, ctx) => {
    if (v.kind === "road_authority") {
      if (!v.authorityLevel)
        ctx.addIssue({ code: "custom", path: ["authorityLevel"], message: "Für Straßenbaulastträger ist die Ebene erforderlich." });
      if (!v.state)
        ctx.addIssue({ code: "custom", path: ["state"], message: "Für Straßenbaulastträger ist das Land erforderlich." });
    } else if (v.authorityLevel) {
      ctx.addIssue({ code: "custom", path: ["authorityLevel"], message: "Eine Ebene gibt es nur für Straßenbaulastträger." });
    }
  });
export type CreateOrganisationInput = z.infer<typeof CreateOrganisationSchema>;

export const CreateUserSchema = z.object({
  name: z
    .string({ required_error: "Bitte geben Sie den Namen ein." })
    .trim()
    .min(2, "Der Name muss mindestens 2 Zeichen lang sein.")
    .max(200, "Der Name darf höchstens 200 Zeichen lang sein."),
  email,
  organisationId: z.string({ required_error: "Bitte wählen Sie eine Organisation." }).uuid("Bitte wählen Sie eine Organisation."),
  role: z.enum(ROLES, { errorMap: () => ({ message: "Bitte wählen Sie eine Rolle." }) }),
  password: newPassword,
});
export type CreateUserInput = z.infer<typeof CreateUserSchema>;
