import { describe, expect, it } from "vitest";
import { parseCoordinates } from "./coordinates";

describe("parseCoordinates", () => {
  it("reads positions per line and starts a section at an empty line", () => {
    expect(parseCoordinates("9.45 50.64\n9,46;50,65\n\n\n531240 5610355\n531300   5610400\n")).toEqual({
      ok: true,
      lines: [
        [[9.45, 50.64], [9.46, 50.65]],
        [[531240, 5610355], [531300, 5610400]],
      ],
    });
  });

  it("says which line is wrong, in German", () => {
    expect(parseCoordinates("9.45 50.64\n9.46")).toEqual({ ok: false, message: "Zeile 2: zwei Zahlen erwartet, z. B. „9.4582 50.6419“." });
    expect(parseCoordinates("9.45 50.64\nx y")).toEqual({ ok: false, message: "Zeile 2: zwei Zahlen erwartet, z. B. „9.4582 50.6419“." });
    expect(parseCoordinates("9.45 50.64")).toEqual({ ok: false, message: "Abschnitt 1 hat nur einen Stützpunkt; ein Abschnitt braucht mindestens zwei." });
    expect(parseCoordinates("  \n ")).toEqual({ ok: false, message: "Bitte geben Sie mindestens zwei Stützpunkte ein." });
  });
});
