import { describe, expect, it } from "vitest";
import { derivePrefix, formatFileNumber } from "./file-numbers.server";

describe("file numbers", () => {
  it("derives a prefix from the distinctive words of the slug, whole words up to 12 characters", () => {
    expect(derivePrefix("stadt-auenstadt")).toBe("AUENSTADT");
    expect(derivePrefix("kreis-auenwald")).toBe("AUENWALD");
    expect(derivePrefix("gemeinde-lindenhain")).toBe("LINDENHAIN");
    expect(derivePrefix("hessen-mobil")).toBe("HESSEN-MOBIL");
    expect(derivePrefix("autobahn-gmbh-west")).toBe("AUTOBAHN");
    expect(derivePrefix("stadt-frankfurt-am-main")).toBe("FRANKFURT-AM");
    expect(derivePrefix("verbandsgemeinde-bad-kreuznachland")).toBe("BAD");
    expect(derivePrefix("landkreis-oberspreewaldlausitz")).toBe("OBERSPREEWAL");
    expect(derivePrefix("stadt")).toBe("STADT");
  });

  it("formats prefix, law, year and a five-digit sequence", () => {
    expect(formatFileNumber("AUENSTADT", 2026, 42)).toBe("AUENSTADT-TKG-2026-00042");
  });
});
