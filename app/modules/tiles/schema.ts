import { z } from "zod";
import { MAX_TILE_ZOOM, TILE_LAYERS, type TileLayer } from "./layers";

/** Route params of /tiles/{layer}/{z}/{x}/{y}.mvt: integers only ("01" and "1.0" are not tile numbers). */
const tileNumber = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,7})$/, "Kachelkoordinaten sind ganze Zahlen ab 0.")
  .transform(Number);

export const TileParamsSchema = z
  .object({
    layer: z.string(),
    z: tileNumber.refine((v) => v <= MAX_TILE_ZOOM, `Die Zoomstufe liegt zwischen 0 und ${MAX_TILE_ZOOM}.`),
    x: tileNumber,
    y: tileNumber,
  })
  .superRefine((p, ctx) => {
    const size = 2 ** p.z;
    if (p.x >= size) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["x"], message: `x liegt auf Zoomstufe ${p.z} zwischen 0 und ${size - 1}.` });
    if (p.y >= size) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["y"], message: `y liegt auf Zoomstufe ${p.z} zwischen 0 und ${size - 1}.` });
  });

export type TileParseResult =
  | { ok: true; layer: TileLayer; z: number; x: number; y: number }
  | { ok: false; status: 400 | 404; message: string; errors: { path: string; message: string }[] };

/** Unknown layer: 404 (no such resource); malformed or out-of-range numbers: 400. */
export function parseTileParams(params: Record<string, string | undefined>): TileParseResult {
  const parsed = TileParamsSchema.safeParse(params);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    return { ok: false, status: 400, message: errors.map((e) => e.message).join(" "), errors };
  }
  const { layer, z: zoom, x, y } = parsed.data;
  if (!(TILE_LAYERS as readonly string[]).includes(layer)) {
    return {
      ok: false,
      status: 404,
      message: `Die Ebene „${layer}“ gibt es nicht. Verfügbar: ${TILE_LAYERS.join(", ")}.`,
      errors: [{ path: "layer", message: "Unbekannte Ebene." }],
    };
  }
  return { ok: true, layer: layer as TileLayer, z: zoom, x, y };
}
