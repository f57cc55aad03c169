import { z } from "zod";
import { CONFLICT_LAYER_KEYS, type ConflictLayerKey } from "./keys";

export type LayerTarget = { kind: "roads" } | { kind: "admin" } | { kind: "conflicts"; key: ConflictLayerKey };

export const LAYER_NAMES = ["roads", "admin", ...CONFLICT_LAYER_KEYS.map((k) => `conflicts:${k}` as const)];

function parseLayer(value: string): LayerTarget | null {
  if (value === "roads" || value === "admin") return { kind: value };
  const key = /^conflicts:(.+)$/.exec(value)?.[1];
  return key && (CONFLICT_LAYER_KEYS as readonly string[]).includes(key) ? { kind: "conflicts", key: key as ConflictLayerKey } : null;
}

/** Options of a layer import, as the CLI takes them (strings) and importLayer() uses them. */
export const ImportOptionsSchema = z.object({
  layer: z
    .string({ required_error: "Bitte die Ebene angeben (--layer)." })
    .transform((value, ctx) => {
      const target = parseLayer(value.trim());
      if (!target) {
        ctx.addIssue({ code: "custom", message: `Unbekannte Ebene „${value}“. Möglich sind: ${LAYER_NAMES.join(", ")}.` });
        return z.NEVER;
      }
      return target;
    }),
  file: z.string({ required_error: "Bitte die Datei angeben (--file)." }).trim().min(1, "Bitte die Datei angeben (--file)."),
  srid: z.coerce
    .number({ invalid_type_error: "Die SRID muss eine Zahl sein, z. B. 25832." })
    .int("Die SRID muss eine ganze Zahl sein, z. B. 25832.")
    .min(1, "Die SRID muss eine positive EPSG-Nummer sein, z. B. 25832.")
    .max(999_999, "Die SRID muss eine EPSG-Nummer sein, z. B. 25832.")
    .optional(),
  replace: z.boolean().default(false),
  source: z
    .string()
    .trim()
    .min(1, "Die Quelle (--source) darf nicht leer sein.")
    .max(200, "Die Quelle (--source) darf höchstens 200 Zeichen lang sein.")
    .optional(),
});
export type ImportOptions = z.output<typeof ImportOptionsSchema>;
