/**
 * The gateway's estimate read from the file ledger and set beside the bill (issue 11 item 9), by hand.
 *
 * §3.3 (docs/contracts.md#usage-ledger-event): `price_estimate` is "the gateway's estimate of the call's price from
 * its price table, decimal text (not the bill)", written by the gateway only; readers accept events without it.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allocate, monthWindow } from "../../../chargeback/engine/index.js";
import { readFileLedger } from "../../../chargeback/sources/file-ledger.js";
import { compactLedger } from "../../../chargeback/sources/ledger-compact.js";
import { dec } from "../../../core/money.js";
import { ledgerLine } from "../../support/usage-events.js";
import { line, POLICY } from "./helpers.js";

const OCT = monthWindow("2026-10");
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-gw-estimate-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A ledger of gateway events (Bedrock and SageMaker), a duplicate, events without a price, and other months. */
async function ledger(name: string): Promise<string> {
  const root = path.join(dir, name);
  const write = async (day: string, lines: string[]) => {
    await mkdir(path.join(root, day), { recursive: true });
    await writeFile(path.join(root, day, "gw.jsonl"), `${lines.join("\n")}\n`);
  };
  const bedrock = { kind: "bedrock", endpoint: null, tenant: "shop-team" };
  await write("2026/10/02", [
    ledgerLine("a", { ...bedrock, lob: "retail", price_estimate: "0.300012" }),
    ledgerLine("a", { ...bedrock, lob: "retail", price_estimate: "0.300012" }), // delivered twice: once
    ledgerLine("b", { lob: "retail", endpoint: "shared-llm", tenant: "shop-team", price_estimate: "0.25" }),
    ledgerLine("c", { ...bedrock, lob: "wealth", tenant: "advice", price_estimate: "1.005" }),
    ledgerLine("d", { lob: "wealth" }), // not through the gateway: no estimate
    ledgerLine("e", { ...bedrock, lob: "wealth", price_estimate: null }), // a model without a price
    ledgerLine("f", { ...bedrock, lob: "wealth", price_estimate: 7 }), // a JSON number, not text: read as its value
  ]);
  await write("2026/11/01", [
    ledgerLine("g", { ...bedrock, ts: "2026-11-01T00:00:00Z", lob: "retail", price_estimate: "9" }),
  ]);
  return root;
}

describe("gateway estimates from the file ledger", () => {
  it("sums price_estimate per LOB over the month, every kind, duplicates once, unpriced calls left out", async () => {
    const root = await ledger("raw");
    const r = await readFileLedger({ path: root, window: OCT, gatewayEstimates: true });
    expect(r.gatewayEstimates?.map((e) => [e.lob, e.calls, e.estimate.toString()])).toEqual([
      ["retail", 2, "0.550012"], // 0.300012 + 0.25
      ["wealth", 2, "8.005"], // 1.005 + 7
    ]);
    // not asked: not read
    expect((await readFileLedger({ path: root, window: OCT })).gatewayEstimates).toBeUndefined();
  });

  it("compacted days give the same estimates", async () => {
    const root = await ledger("compacted");
    const raw = await readFileLedger({ path: root, window: OCT, gatewayEstimates: true });
    await compactLedger({ path: root, now: new Date("2026-12-01T00:00:00Z") });
    const compacted = await readFileLedger({ path: root, window: OCT, gatewayEstimates: true });
    expect(compacted.gatewayEstimates).toEqual(raw.gatewayEstimates);
  });

  it("beside the bill: billed − estimate per LOB, a LOB with calls but no bill shows 0.00 billed", () => {
    const r = allocate({
      month: "2026-10",
      policy: POLICY,
      sharedEndpoints: [],
      costs: [
        line({
          service: "AmazonBedrock",
          usageType: "USE1-Claude-input-tokens",
          cost: "2.00",
          tags: { LineOfBusiness: "retail" },
        }),
      ],
      usage: [],
      gatewayEstimates: [
        { lob: "retail", calls: 2, estimate: dec("0.550012") },
        { lob: "wealth", calls: 1, estimate: dec("1.005") },
      ],
    });
    expect(r.gatewayEstimate?.lobs).toEqual([
      { lob: "retail", calls: 2, estimate: "0.55", billed: "2.00", difference: "1.45" }, // 2 − 0.550012 = 1.449988
      { lob: "wealth", calls: 1, estimate: "1.01", billed: "0.00", difference: "-1.01" }, // half away from zero
    ]);
    expect(r.gatewayEstimate?.total).toEqual({
      calls: 3,
      estimate: "1.56",
      billed: "2.00",
      difference: "0.44",
    });
    // no estimates, no field
    expect(
      allocate({ month: "2026-10", policy: POLICY, sharedEndpoints: [], costs: [], usage: [] })
        .gatewayEstimate,
    ).toBeUndefined();
  });
});
