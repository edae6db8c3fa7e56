/**
 * Report snapshots per format (issue 13) for the three months a finance reader is most easily misled by: a month
 * with no cost lines (a plain notice, no chart of nothing), a reservation month (a LOB that reserved capacity and
 * never called pays for it, and the basis table and sentence say why) and a month whose idle capacity is kept on
 * the `__idle__` line. The files under __snapshots__/ are the reviewed output: a change to any renderer shows up
 * as a diff there.
 */
import { describe, expect, it } from "vitest";
import { allocate } from "../../../../chargeback/engine/allocate.js";
import type { ChargebackReport } from "../../../../chargeback/model.js";
import { FORMAT_NAMES, REPORT_FORMATS, renderJson } from "../../../../chargeback/reports/index.js";
import { endpoint, hosting, line, POLICY, use } from "../helpers.js";

const CASES: Record<string, () => ChargebackReport> = {
  "empty-month": () =>
    allocate({ month: "2026-08", policy: POLICY, sharedEndpoints: [endpoint()], costs: [], usage: [] }),
  "reservation-month": () =>
    allocate({
      month: "2026-10",
      policy: POLICY,
      sharedEndpoints: [endpoint({ reservations: { wealth: 0.25 } })],
      costs: [
        hosting("shared-llm", "100", "1000.00"),
        line({
          resourceId: "arn:aws:sagemaker:us-east-1:111122223333:training-job/t",
          cost: "12.34",
          amount: "3",
          usageType: "USE1-Train:ml.m5.xlarge",
          tags: { user_LineOfBusiness: "retail" },
        }),
      ],
      usage: [use("retail", 20_000, 5_000), use("insurance", 1_000, 1_000)],
    }),
  "idle-line": () =>
    allocate({
      month: "2026-10",
      policy: POLICY,
      sharedEndpoints: [endpoint({ idle: "separate" })],
      costs: [hosting("shared-llm", "50", "500.00")],
      usage: [use("retail", 10_000, 2_000), use("wealth", 3_000, 1_000)],
    }),
};

describe("report snapshots", () => {
  for (const [name, build] of Object.entries(CASES))
    for (const format of FORMAT_NAMES)
      it(`${name}: ${format}`, async () => {
        const f = REPORT_FORMATS[format];
        const out = await f.render(build(), { tagKey: "LineOfBusiness" });
        await expect(out).toMatchFileSnapshot(`__snapshots__/${name}.${f.extension}`);
      });

  it("the reservation month explains why wealth pays without a call", () => {
    const md = REPORT_FORMATS.md.render(CASES["reservation-month"]?.() as ChargebackReport);
    expect(md).toContain("wealth reserved more than it used");
  });

  it("the empty month says so instead of a zero bill", () => {
    const report = CASES["empty-month"]?.() as ChargebackReport;
    expect(REPORT_FORMATS.table.render(report)).toContain("No cost lines for 2026-08");
    // --json: a field a program can test, not only zeros
    expect(JSON.parse(renderJson(report)).notice).toMatch(/^No cost lines for 2026-08:/);
    const busy = CASES["idle-line"]?.() as ChargebackReport;
    expect(JSON.parse(renderJson(busy))).not.toHaveProperty("notice");
  });
});
