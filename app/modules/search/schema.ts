import { z } from "zod";

export { SEARCH_KIND_LABELS, SEARCH_LIMIT, type SearchKind, type SearchResult } from "./types";

/** GET /api/v1/search?q=…: what a user types into the map's search box. */
export const SearchQuerySchema = z.object({
  q: z
    .string({ required_error: "Bitte geben Sie einen Suchbegriff ein (Parameter q)." })
    .trim()
    .min(2, "Der Suchbegriff muss mindestens 2 Zeichen lang sein.")
    .max(100, "Der Suchbegriff darf höchstens 100 Zeichen lang sein."),
});
