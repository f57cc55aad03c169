import { z } from "zod";

/** Form schemas of the auth capability: validated the same way in the browser (conform) and on the server. */
export const email = z
  .string({ required_error: "Bitte geben Sie Ihre E-Mail-Adresse ein." })
  .trim()
  .toLowerCase()
  .max(254, "Die E-Mail-Adresse ist zu lang.")
  .email("Bitte geben Sie eine gültige E-Mail-Adresse ein.");

export const newPassword = z
  .string({ required_error: "Bitte geben Sie ein neues Passwort ein." })
  .min(10, "Das Passwort muss mindestens 10 Zeichen lang sein.")
  .max(200, "Das Passwort darf höchstens 200 Zeichen lang sein.")
  .refine((p) => /[A-Za-zÄÖÜäöüß]/.test(p) && /[^A-Za-zÄÖÜäöüß]/.test(p), {
    message: "Das Passwort muss Buchstaben und mindestens eine Ziffer oder ein Sonderzeichen enthalten.",
  });

/** A path inside the portal to return to after login; anything else (e.g. //evil.example) is dropped. */
export const redirectTo = z
  .string()
  .optional()
  .transform((v) => (v && /^\/(?![/\\])[^\s]*$/.test(v) ? v : undefined));

export const LoginSchema = z.object({
  email,
  password: z
    .string({ required_error: "Bitte geben Sie Ihr Passwort ein." })
    .min(1, "Bitte geben Sie Ihr Passwort ein.")
    .max(200, "Das Passwort darf höchstens 200 Zeichen lang sein."),
  redirectTo,
});

export const ChangePasswordSchema = z
  .object({
    currentPassword: z.string({ required_error: "Bitte geben Sie Ihr bisheriges Passwort ein." }).max(200),
    newPassword,
    confirmPassword: z.string({ required_error: "Bitte wiederholen Sie das neue Passwort." }),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "Die Passwörter stimmen nicht überein.",
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "Das neue Passwort muss sich vom bisherigen unterscheiden.",
  });
