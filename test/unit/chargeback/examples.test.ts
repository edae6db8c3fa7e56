import { createHash } from "node:crypto";
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChargeback } from "../../../chargeback/run.js";
import { loadConfig } from "../../../core/config.js";
import { EXAMPLE_TRAFFIC, exampleCurCsv, generateLedger } from "../../../examples/generate.js";
import { ROOT } from "../../support/cli.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-examples-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function digest(folder: string): Promise<string> {
  const h = createHash("sha256");
  const walk = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else h.update(path.relative(folder, p)).update(await readFile(p));
    }
  };
  await walk(folder);
  return h.digest("hex");
}

describe("examples/generate.ts", () => {
  it("writes the same ledger for the same seed, with duplicates and malformed lines", async () => {
    const spec = {
      month: "2026-10",
      events: 3000,
      traffic: EXAMPLE_TRAFFIC,
      duplicateShare: 0.01,
      malformed: 3,
      writersPerDay: 2,
      seed: 9,
    };
    const a = await generateLedger({ ...spec, dir: path.join(dir, "a") });
    const b = await generateLedger({ ...spec, dir: path.join(dir, "b") });
    expect(a).toBe(b);
    expect(a).toBeGreaterThan(3000);
    expect(await digest(path.join(dir, "a"))).toBe(await digest(path.join(dir, "b")));
  });

  it("the committed CUR CSV is what the generator writes", async () => {
    const committed = await readFile(path.join(ROOT, "examples/costs/cur-2026-10.csv"), "utf8");
    expect(committed).toBe(exampleCurCsv("2026-10"));
  });

  it("the example workspace reconciles, with every kind of line in it", async () => {
    const ws = path.join(dir, "ws");
    await cp(path.join(ROOT, "examples/smcb.config.json"), path.join(ws, "smcb.config.json"));
    await cp(path.join(ROOT, "examples/costs"), path.join(ws, "costs"), { recursive: true });
    await generateLedger({
      dir: path.join(ws, "usage"),
      month: "2026-10",
      events: 5000,
      traffic: EXAMPLE_TRAFFIC,
      duplicateShare: 0.01,
      malformed: 3,
      seed: 1,
    });
    const config = await loadConfig(path.join(ws, "smcb.config.json"));
    const r = await runChargeback({ config, month: "2026-10", now: new Date("2026-11-05T00:00:00Z") });
    expect(r.reconciliation.difference).toBe("0.00");
    expect(r.lobs.map((l) => l.lob)).toHaveLength(6);
    expect(r.sharedEndpoints.map((e) => e.idlePolicy)).toEqual(["proportional", "even", "separate"]);
    expect(r.sharedEndpoints[2]?.idle).not.toBe("0.00");
    expect(r.unallocated.items.map((i) => i.reason)).toEqual([
      "unknown-lob:research",
      "untagged",
      "untagged",
    ]);
    expect(r.usageQuality?.malformed).toBe(3);
    expect(r.usageQuality?.duplicates).toBeGreaterThan(0);
    const wealth = r.lobs.find((l) => l.lob === "wealth");
    expect(Number(wealth?.dedicated)).toBeGreaterThan(1000); // the dedicated endpoint tagged user_lineofbusiness
  });
});
