import { parseArgs, type ParseArgsConfig } from "node:util";

/** Stops a CLI with a German message and its usage text; exit code 2 means bad arguments. */
export function usageError(usage: string): (message: string) => never {
  return (message) => {
    console.error(`Fehler: ${message}\n\n${usage}`);
    process.exit(2);
  };
}

/**
 * Reads `--name value` options (no positionals) and turns node's parse errors into German
 * messages. The values are checked by the caller's zod schema afterwards.
 */
export function readOptions(options: NonNullable<ParseArgsConfig["options"]>, fail: (message: string) => never): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ options, strict: true }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const subject = /'([^']+)'/.exec(message)?.[1] ?? "";
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") fail(`Unbekannte Option ${subject}.`);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") fail(`Die Option ${subject.split(" ")[0]} braucht einen Wert.`);
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") fail(`Unerwartetes Argument ${subject}.`);
    return fail(`Ungültige Argumente: ${message}`);
  }
}
