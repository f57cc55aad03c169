/**
 * Copies browser assets that must be served as files (not bundled) into public/vendor:
 * KERN-UX CSS with its fonts (relative font URLs must keep working) and MapLibre's web worker
 * (MapLibre 6 loads it from a URL; bundled, it would look for it next to the chunk and 404,
 * and the map would never fire "load"). See app/components/map/route-map.client.tsx.
 */
import { copyFileSync, cpSync, mkdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const target = path.join(root, "public/vendor");
mkdirSync(target, { recursive: true });
cpSync(path.join(root, "node_modules/@kern-ux/native/dist"), path.join(target, "kern"), { recursive: true });
copyFileSync(path.join(root, "node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs"), path.join(target, "maplibre-gl-worker.mjs"));
console.log("vendor assets copied to public/vendor");
