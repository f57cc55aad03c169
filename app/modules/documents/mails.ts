import { MAIL_SIGNATURE, type MailText } from "~/modules/mail/templates";

export function correctionNotice(input: { fileNumber: string; title: string; authorityName: string; kindLabel: string; reason: string }): MailText {
  return {
    subject: `Berichtigter ${input.kindLabel}: ${input.fileNumber} – ${input.title}`,
    body:
      `Guten Tag,\n\n${input.authorityName} hat den ${input.kindLabel} zu Ihrem Antrag „${input.title}“ (Aktenzeichen ${input.fileNumber}) berichtigt.\n\n` +
      `Grund: ${input.reason}\n\nDie berichtigte Fassung finden Sie im Portal bei Ihrem Antrag; sie ersetzt die bisherige.` +
      MAIL_SIGNATURE,
  };
}
