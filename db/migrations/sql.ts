import type { Knex } from "knex";

/**
 * Runs a script of SQL statements one by one. PGlite speaks the extended query protocol, which
 * refuses several commands in one call; splitting here keeps one migration text for both engines.
 * Statements end with ";" at the end of a line; dollar-quoted bodies ($$ … $$) are kept whole.
 */
export async function execSql(knex: Knex, script: string): Promise<void> {
  for (const statement of splitStatements(script)) await knex.raw(statement);
}

export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let current = "";
  let inDollarQuote = false;
  for (const line of script.split("\n")) {
    current += `${line}\n`;
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inDollarQuote = !inDollarQuote;
    if (!inDollarQuote && /;\s*(--.*)?$/.test(line)) {
      statements.push(current.trim().replace(/;\s*(--.*)?$/, ""));
      current = "";
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements.filter((s) => s.replace(/--.*$/gm, "").trim() !== "");
}
