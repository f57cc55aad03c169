/**
 * A small RFC 4180 reader: quoted fields with doubled quotes ("") and line breaks inside quotes,
 * CRLF or LF line ends, a byte-order mark. Every record keeps the line number it starts on, so
 * import errors can point at the line an editor shows. Lenient where RFC 4180 is strict and the
 * intent is obvious (a quote inside an unquoted field is kept as a character); an unterminated
 * quoted field is an error, since it would swallow the rest of the file.
 */

export interface CsvRecord {
  /** 1-based line number of the record's first character */
  line: number;
  fields: string[];
}

export type CsvDelimiter = "," | ";" | "\t";

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "CsvSyntaxError";
  }
}

/** The delimiter that occurs most often (outside quotes) in the first line; "," when none does. */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts: Record<CsvDelimiter, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === "\n" || c === "\r")) break;
    else if (!quoted && c in counts) counts[c as CsvDelimiter] += 1;
  }
  const best = (Object.entries(counts) as [CsvDelimiter, number][]).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ",";
}

/**
 * Splits CSV text into records. Blank lines (and lines of empty unquoted fields only, as
 * spreadsheets write them) are skipped; they do not shift the line numbers of the others.
 */
export function parseCsv(input: string, delimiter: CsvDelimiter = ","): CsvRecord[] {
  const text = (input.startsWith("\uFEFF") ? input.slice(1) : input).replace(/\r\n?/g, "\n");
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let anyQuoted = false;
  let fieldQuoted = false;
  let inQuotes = false;
  let quoteLine = 0;
  let line = 1;
  let recordLine = 1;

  const endField = () => {
    fields.push(field);
    field = "";
    fieldQuoted = false;
  };
  const endRecord = () => {
    endField();
    if (anyQuoted || fields.some((f) => f !== "")) records.push({ line: recordLine, fields });
    fields = [];
    anyQuoted = false;
  };

  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        field += text.slice(start, i);
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
          start = i + 1;
        } else {
          inQuotes = false;
          start = i + 1;
        }
      } else if (c === "\n") {
        line += 1;
      }
      continue;
    }
    if (c === '"' && field === "" && start === i && !fieldQuoted) {
      inQuotes = true;
      fieldQuoted = true;
      anyQuoted = true;
      quoteLine = line;
      start = i + 1;
    } else if (c === delimiter) {
      field += text.slice(start, i);
      endField();
      start = i + 1;
    } else if (c === "\n") {
      field += text.slice(start, i);
      endRecord();
      line += 1;
      recordLine = line;
      start = i + 1;
    }
  }
  if (inQuotes) throw new CsvSyntaxError("Das Anführungszeichen wird bis zum Dateiende nicht geschlossen.", quoteLine);
  field += text.slice(start);
  if (field !== "" || fields.length > 0 || fieldQuoted) endRecord();
  return records;
}
