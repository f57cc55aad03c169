/**
 * Copies browser assets that must be served as files (not bundled) into public/vendor:
 * KERN-UX CSS with its fonts (relative font URLs must keep working).
 */
import { cpSync, mkdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const target = path.join(root, "public/vendor");
mkdirSync(target, { recursive: true });
cpSync(path.join(root, "node_modules/@kern-ux/native/dist"), path.join(target, "kern"), { recursive: true });
console.log("vendor assets copied to public/vendor");
