import { describe, expect, it } from "vitest";
import type { CheckReport } from "~/modules/checks/report";
import { compareReports, diffFields } from "./diff";

describe("diffFields", () => {
  it("lists changed, added and removed leaf values by path", () => {
    const before = { title: "FTTH Nord", contact: { name: "Jonas Becker", email: "a@x.example" }, period: { start: "2027-03-01" } };
    const after = { title: "FTTH Nord", contact: { name: "Jonas Becker", phone: "069 1" }, period: { start: "2027-04-01" } };
    expect(diffFields(before, after)).toEqual([
      { path: "contact.email", before: "a@x.example", after: null },
      { path: "contact.phone", before: null, after: "069 1" },
      { path: "period.start", before: "2027-03-01", after: "2027-04-01" },
    ]);
    expect(diffFields(before, structuredClone(before))).toEqual([]);
  });
});

describe("compareReports", () => {
  const conflict = (featureId: number, severity: "blocking" | "hint") =>
    ({ layer: "trees", featureId, name: null, severity, distanceM: 1, affectedLengthM: 2, ruleId: 1, code: "tree_root_zone", message: "", legalBasis: "", geometry: { type: "Point", coordinates: [9, 50] } }) as CheckReport["conflicts"][number];
  const report = (conflicts: CheckReport["conflicts"], lengthM = 100): CheckReport => ({ lengthM, rulesVersion: "1", findings: [], sections: [], offRoad: [], conflicts, crossings: [], clashes: [], method: [] });

  it("counts findings per severity then and now and names new and vanished conflicts", () => {
    const result = compareReports(report([conflict(1, "blocking"), conflict(2, "hint")]), report([conflict(2, "hint"), conflict(3, "hint")], 101));
    expect(result.lengthM).toEqual({ before: 100, after: 101 });
    expect(result.bySeverity.find((s) => s.severity === "blocking")).toEqual({ severity: "blocking", before: 1, after: 0 });
    expect(result.bySeverity.find((s) => s.severity === "hint")).toEqual({ severity: "hint", before: 1, after: 2 });
    expect(result.added.map((c) => c.featureId)).toEqual([3]);
    expect(result.removed.map((c) => c.featureId)).toEqual([1]);
  });
});
