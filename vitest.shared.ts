import { fileURLToPath } from "node:url";

/** The tsconfig path aliases, for vitest (the Remix compiler and tsx read tsconfig themselves). */
export const resolve = {
  alias: {
    "~": fileURLToPath(new URL("./app", import.meta.url)),
    "#db": fileURLToPath(new URL("./db", import.meta.url)),
  },
};
