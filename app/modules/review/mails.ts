import { germanDate, MAIL_SIGNATURE, type MailText } from "~/modules/mail/templates";

/** The e-mails of the review, in German: notices that something happened; the substance is in the portal. */


export function missingItemsRequested(input: { fileNumber: string; title: string; authorityName: string; items: string[]; body: string }): MailText {
  const list = input.items.length > 0 ? `\n\nEs fehlen:\n${input.items.map((i) => `- ${i}`).join("\n")}` : "";
  const text = input.body ? `\n\n${input.body}` : "";
  return {
    subject: `Nachforderung zu ${input.fileNumber}: ${input.title}`,
    body:
      `Guten Tag,\n\n${input.authorityName} benötigt für die Entscheidung über Ihren Antrag weitere Unterlagen.${list}${text}\n\n` +
      "Die Entscheidungsfrist ruht, bis Sie den Antrag im Portal ergänzt haben; mit der Ergänzung beginnt sie neu. Das Schreiben (PDF) finden Sie im Portal bei Ihrem Antrag." +
      MAIL_SIGNATURE,
  };
}

export function decisionNotice(input: { fileNumber: string; title: string; authorityName: string; decision: "approved" | "rejected"; conditions: number }): MailText {
  const approved = input.decision === "approved";
  return {
    subject: `${approved ? "Zustimmung erteilt" : "Antrag abgelehnt"}: ${input.fileNumber} – ${input.title}`,
    body:
      `Guten Tag,\n\n${input.authorityName} hat über Ihren Antrag „${input.title}“ (Aktenzeichen ${input.fileNumber}) entschieden: ` +
      (approved
        ? `Die Zustimmung nach § 127 TKG ist erteilt${input.conditions > 0 ? `, mit ${input.conditions} Nebenbestimmungen und Hinweisen` : ""}. Den Zustimmungsbescheid (PDF) finden Sie im Portal bei Ihrem Antrag.`
        : "Der Antrag ist abgelehnt. Den Ablehnungsbescheid mit Begründung und Rechtsbehelfsbelehrung (PDF) finden Sie im Portal bei Ihrem Antrag.") +
      MAIL_SIGNATURE,
  };
}

export function deemedApprovalNotice(input: { fileNumber: string; title: string; authorityName: string; dueOn: string; legalBasis: string }): MailText {
  return {
    subject: `Zustimmung gilt als erteilt: ${input.fileNumber} – ${input.title}`,
    body:
      `Guten Tag,\n\nüber den Antrag „${input.title}“ (Aktenzeichen ${input.fileNumber}, ${input.authorityName}) wurde bis zum Ablauf der Frist am ${germanDate(input.dueOn)} nicht entschieden. ` +
      `Die Zustimmung gilt damit nach ${input.legalBasis} als erteilt (Zustimmungsfiktion). Die Bescheinigung darüber (PDF) finden Sie im Portal.` +
      MAIL_SIGNATURE,
  };
}

export function deadlineReminder(input: { fileNumber: string; title: string; dueOn: string; daysLeft: number }): MailText {
  return {
    subject: `Frist in ${input.daysLeft} ${input.daysLeft === 1 ? "Tag" : "Tagen"}: ${input.fileNumber} – ${input.title}`,
    body:
      `Guten Tag,\n\ndie Entscheidungsfrist für den Antrag „${input.title}“ (Aktenzeichen ${input.fileNumber}) endet am ${germanDate(input.dueOn)}. ` +
      "Wird bis dahin nicht entschieden, gilt die Zustimmung als erteilt (Zustimmungsfiktion)." +
      MAIL_SIGNATURE,
  };
}

export function involvementRequest(input: { fileNumber: string; title: string; authorityName: string; dueOn: string; question: string }): MailText {
  return {
    subject: `Bitte um Stellungnahme bis ${germanDate(input.dueOn)}: ${input.fileNumber} – ${input.title}`,
    body:
      `Guten Tag,\n\n${input.authorityName} bittet Sie um eine Stellungnahme zum Antrag „${input.title}“ (Aktenzeichen ${input.fileNumber}) bis zum ${germanDate(input.dueOn)}.\n\n${input.question}\n\n` +
      "Trasse, Prüfbericht und Unterlagen finden Sie im Portal unter „Stellungnahmen“." +
      MAIL_SIGNATURE,
  };
}

export function statementOverdue(input: { fileNumber: string; title: string; dueOn: string }): MailText {
  return {
    subject: `Stellungnahme überfällig: ${input.fileNumber} – ${input.title}`,
    body:
      `Guten Tag,\n\nIhre Stellungnahme zum Antrag „${input.title}“ (Aktenzeichen ${input.fileNumber}) war bis zum ${germanDate(input.dueOn)} erbeten. ` +
      "Bitte geben Sie sie im Portal ab, damit die Straßenbaubehörde fristgerecht entscheiden kann." +
      MAIL_SIGNATURE,
  };
}

export function statementReceived(input: { fileNumber: string; bodyName: string; statement: string }): MailText {
  return {
    subject: `Stellungnahme eingegangen: ${input.fileNumber}`,
    body: `Guten Tag,\n\n${input.bodyName} hat zum Fall ${input.fileNumber} Stellung genommen: ${input.statement}.` + MAIL_SIGNATURE,
  };
}
