/**
 * RFC 9457 problem details for the JSON API: a German title and detail, and for input errors a
 * list of field-level `errors` with a JSON path each.
 */
export interface ProblemError {
  path: string;
  message: string;
}

export function problem(
  status: number,
  title: string,
  detail: string,
  extra: { errors?: ProblemError[]; headers?: HeadersInit } = {},
): Response {
  const body = { type: "about:blank", title, status, detail, ...(extra.errors ? { errors: extra.errors } : {}) };
  const headers = new Headers(extra.headers);
  headers.set("Content-Type", "application/problem+json; charset=utf-8");
  headers.set("Cache-Control", "no-store");
  return new Response(JSON.stringify(body), { status, headers });
}

const MAX_JSON_BYTES_DEFAULT = 5 * 1024 * 1024;

/**
 * Reads a JSON request body with a size limit. Throws a problem response for a wrong content
 * type (415), and 422 for an oversized body or invalid JSON — content the API cannot process, as
 * the route check's contract states — never lets a parser error become a 500.
 */
export async function readJsonBody(request: Request, maxBytes = MAX_JSON_BYTES_DEFAULT): Promise<unknown> {
  const type = request.headers.get("Content-Type") ?? "";
  if (!/^application\/(geo\+)?json\b/i.test(type)) {
    throw problem(415, "Falscher Inhaltstyp", "Bitte senden Sie die Daten als JSON (Content-Type: application/json).");
  }
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  const tooLarge = () =>
    problem(422, "Anfrage zu groß", `Die Anfrage darf höchstens ${Math.round(maxBytes / 1024 / 1024)} MB groß sein.`);
  if (declared > maxBytes) throw tooLarge();
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw problem(422, "Ungültiges JSON", `Der Inhalt ist kein gültiges JSON: ${(error as Error).message}`);
  }
}
