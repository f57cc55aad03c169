/**
 * The portal's e-mails, in German. Plain text: they are notices that something happened in the
 * portal, not the documents themselves (those are in the portal).
 */
export interface MailText {
  subject: string;
  body: string;
}

export const MAIL_SIGNATURE = "\n\n--\nBreitband-Portal Hessen / Rheinland-Pfalz\nDiese Nachricht wurde automatisch erstellt.";

/** 2026-05-01 → 01.05.2026 */
export function germanDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split("-");
  return `${d}.${m}.${y}`;
}

const metres = (m: number) => `${m.toLocaleString("de-DE", { maximumFractionDigits: 0 })} m`;

export function submissionConfirmation(input: {
  title: string;
  versionNo: number;
  amended: boolean;
  cases: { authorityName: string; fileNumber: string }[];
}): MailText {
  const what = input.amended ? `Die geänderte Fassung (Version ${input.versionNo}) Ihres Antrags` : "Ihr Antrag";
  return {
    subject: `${input.amended ? "Antrag geändert" : "Antrag eingereicht"}: ${input.title}`,
    body:
      `Guten Tag,\n\n${what} „${input.title}“ ist im Breitband-Portal eingegangen und wurde an die zuständigen Straßenbaulastträger weitergeleitet:\n\n` +
      input.cases.map((c) => `- ${c.authorityName}: Aktenzeichen ${c.fileNumber}`).join("\n") +
      "\n\nBitte geben Sie bei Rückfragen das jeweilige Aktenzeichen an. Den Stand der Verfahren sehen Sie jederzeit im Portal." +
      MAIL_SIGNATURE,
  };
}

export function newCaseNotice(input: {
  authorityName: string;
  fileNumber: string;
  title: string;
  operatorName: string;
  lengthM: number;
  crossings: number;
  period: { start?: string; end?: string } | undefined;
}): MailText {
  const period = input.period?.start && input.period.end ? `\nBauzeitraum: ${germanDate(input.period.start)} bis ${germanDate(input.period.end)}` : "";
  return {
    subject: `Neuer Antrag ${input.fileNumber}: ${input.title}`,
    body:
      `Guten Tag,\n\nfür ${input.authorityName} ist im Breitband-Portal ein neuer Antrag auf Zustimmung nach § 127 TKG eingegangen.\n\n` +
      `Aktenzeichen: ${input.fileNumber}\nVorhaben: ${input.title}\nAntragsteller: ${input.operatorName}\n` +
      `Trassenlänge in Ihrer Baulast: ${metres(input.lengthM)}\nQuerungen Ihrer Straßen: ${input.crossings}${period}\n\n` +
      "Sie finden den Antrag mit Trasse, Prüfbericht und Anlagen in Ihrem Posteingang im Portal." +
      MAIL_SIGNATURE,
  };
}

export function caseAmendedNotice(input: { fileNumber: string; title: string; operatorName: string; versionNo: number; reason: string }): MailText {
  return {
    subject: `Antrag ${input.fileNumber} ergänzt: ${input.title}`,
    body:
      `Guten Tag,\n\n${input.operatorName} hat den Antrag ${input.fileNumber} („${input.title}“) geändert bzw. ergänzt (Version ${input.versionNo}).\n\n` +
      `Begründung des Antragstellers:\n${input.reason}\n\nDie bisherigen Fassungen bleiben im Portal einsehbar.` +
      MAIL_SIGNATURE,
  };
}

export function caseWithdrawnNotice(input: { fileNumber: string; title: string; operatorName: string }): MailText {
  return {
    subject: `Antrag ${input.fileNumber} zurückgezogen: ${input.title}`,
    body:
      `Guten Tag,\n\n${input.operatorName} hat den Antrag ${input.fileNumber} („${input.title}“) zurückgezogen. Das Verfahren ist damit beendet; es ist nichts weiter zu veranlassen.` +
      MAIL_SIGNATURE,
  };
}

export function worksNotice(input: {
  fileNumber: string;
  title: string;
  operatorName: string;
  event: "started" | "completed";
  date: string;
  homesPassed?: number;
}): MailText {
  const started = input.event === "started";
  return {
    subject: `${started ? "Baubeginn" : "Fertigstellung"} ${input.fileNumber}: ${input.title}`,
    body:
      `Guten Tag,\n\n${input.operatorName} meldet für das Vorhaben „${input.title}“ (Aktenzeichen ${input.fileNumber}) ` +
      (started
        ? `den Beginn der Bauarbeiten am ${germanDate(input.date)}.`
        : `die Fertigstellung am ${germanDate(input.date)}. Erschlossene Haushalte: ${input.homesPassed ?? 0}. Die Bestandstrasse ist im Portal hinterlegt.`) +
      MAIL_SIGNATURE,
  };
}

export function newMessageNotice(input: { fileNumber: string; title: string; fromName: string }): MailText {
  return {
    subject: `Neue Nachricht zu ${input.fileNumber}: ${input.title}`,
    body: `Guten Tag,\n\n${input.fromName} hat Ihnen zum Verfahren ${input.fileNumber} („${input.title}“) eine Nachricht geschrieben. Sie können sie im Breitband-Portal lesen und beantworten.` + MAIL_SIGNATURE,
  };
}
