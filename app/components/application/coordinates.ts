/**
 * Typed coordinates, the keyboard path to a route: one position per line ("x y" or "x;y", decimal
 * point or comma), an empty line starts a new section.
 */
export function parseCoordinates(text: string): { ok: true; lines: number[][][] } | { ok: false; message: string } {
  const lines: number[][][] = [[]];
  const rows = text.split(/\r?\n/);
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i]!.trim();
    if (!row) {
      if (lines[lines.length - 1]!.length > 0) lines.push([]);
      continue;
    }
    const numbers = row.split(/[\s;]+/).map((n) => Number(n.replace(",", ".")));
    if (numbers.length !== 2 || numbers.some((n) => !Number.isFinite(n))) {
      return { ok: false, message: `Zeile ${i + 1}: zwei Zahlen erwartet, z. B. „9.4582 50.6419“.` };
    }
    lines[lines.length - 1]!.push(numbers);
  }
  const sections = lines.filter((l) => l.length > 0);
  if (sections.length === 0) return { ok: false, message: "Bitte geben Sie mindestens zwei Stützpunkte ein." };
  const short = sections.findIndex((l) => l.length < 2);
  if (short >= 0) return { ok: false, message: `Abschnitt ${short + 1} hat nur einen Stützpunkt; ein Abschnitt braucht mindestens zwei.` };
  return { ok: true, lines: sections };
}

