import type { ApplicationError } from "~/modules/applications/errors";

/** HTTP status of a domain error of the application capability (the body carries the German message). */
export function statusOf(error: ApplicationError): number {
  switch (error.code) {
    case "not_found":
      return 404;
    case "forbidden":
      return 403;
    case "conflict":
    case "wrong_state":
      return 409;
    case "invalid":
    case "incomplete":
    case "blocked":
      return 422;
  }
}

/** The German text of an error: the field messages of an invalid input, otherwise its message. */
export function errorText(error: ApplicationError): string {
  return error.code === "invalid" ? error.fieldErrors.map((e) => e.message).join(" ") : error.message;
}

/** Throws the German 404 page for an application the principal may not see (or that does not exist). */
export function applicationNotFound(): Response {
  return new Response(JSON.stringify({ message: "Diesen Antrag gibt es nicht, oder Sie dürfen ihn nicht sehen." }), {
    status: 404,
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });
}
