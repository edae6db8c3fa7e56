/**
 * Hostile input (issue 13): LOB values that are names of `Object.prototype`'s properties. Each reaches the
 * chargeback from the configuration (lobs, reservations), the file ledger, the CUR tags and CloudWatch's
 * dimensions, and every report format must be written. Before issue 13 the HTML chart crashed on them (exit 100:
 * the chart's sort list put the LOB names into vega's parameter objects) and `__proto__` reservations vanished.
 */
import { readFileSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { allocate } from "../../../chargeback/engine/allocate.js";
import { readCloudWatchUsage } from "../../../chargeback/sources/cloudwatch-usage.js";
import { parseConfig } from "../../../core/config.js";
import { checkExecutionParameters } from "../../../pipelines/deploy/start.js";
import { ROOT, runCli } from "../../support/cli.js";
import { cloudWatchAnswering } from "../../support/cloudwatch-fake.js";
import { hosting } from "../chargeback/helpers.js";

/** Names `obj[name]` finds on any plain object. */
const HOSTILE = ["toString", "constructor", "valueOf", "hasOwnProperty", "isPrototypeOf"] as const;
const SMALL = path.join(ROOT, "test/fixtures/chargeback/small");
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A copy of the small fixture with every occurrence of the LOB `from` renamed `to` (config, ledger, CUR tags). */
async function renamedFixture(from: string, to: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "smcb-hostile-"));
  dirs.push(dir);
  await cp(SMALL, dir, { recursive: true });
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((f) => f.isFile());
  for (const f of files) {
    const file = path.join(f.parentPath, f.name);
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace(new RegExp(`\\b${from}\\b`, "g"), to));
  }
  return dir;
}

describe("a LOB named like an Object.prototype property", () => {
  for (const name of HOSTILE)
    for (const role of ["retail", "wealth"] as const)
      it(`${name} as ${role === "wealth" ? "a LOB with a reservation" : "a LOB with usage and tagged jobs"}: every format, exit 0`, async () => {
        const dir = await renamedFixture(role, name);
        const r = await runCli([
          "chargeback",
          "--month",
          "2026-10",
          "--config",
          path.join(dir, "smcb.config.json"),
          "--out",
          path.join(dir, "out"),
          "--json",
        ]);
        expect(r.stderr).not.toContain("unexpected error");
        expect(r.code).toBe(0);
        const report = JSON.parse(r.stdout) as { lobs: { lob: string; total: string }[] };
        const mine = report.lobs.find((l) => l.lob === name);
        expect(mine?.total).toMatch(/^[1-9]\d*\.\d\d$/); // charged, not zero and not lost
        const html = readFileSync(path.join(dir, "out", "chargeback-2026-10.html"), "utf8");
        expect(html).toContain(`<td>${name}</td>`);
        const csv = readFileSync(path.join(dir, "out", "chargeback-2026-10.csv"), "utf8");
        expect(csv).toContain(`,${name},`);
      });
});

describe("engine and sources look LOBs up by own keys only", () => {
  it("charges reservations and usage of LOBs named toString / constructor, not built-ins", () => {
    const config = parseConfig(
      {
        lobs: ["toString", "constructor", "platform"],
        sharedEndpoints: [
          {
            name: "shared-llm",
            owner: "platform",
            capacityTokensPerInstanceHour: 100,
            reservations: { constructor: 0.5 },
          },
        ],
      },
      "/ws/smcb.config.json",
    );
    const report = allocate({
      month: "2026-10",
      policy: { tagKey: config.tagKey, lobs: config.lobs },
      sharedEndpoints: config.sharedEndpoints,
      costs: [hosting("shared-llm", "10", "100")],
      usage: [{ endpoint: "shared-llm", lob: "toString", invocations: 1, inputTokens: 100, outputTokens: 0 }],
    });
    const byLob = new Map(report.lobs.map((l) => [l.lob, l.total]));
    // 1,000 tokens of capacity: constructor reserved 500, toString used 100; idle split in proportion (500:100)
    expect(byLob.get("constructor")).toBe("83.33");
    expect(byLob.get("toString")).toBe("16.67");
    expect(report.reconciliation.difference).toBe("0.00");
  });

  it("reads CloudWatch series whose LOB dimension is toString / __proto__ as their own LOBs", async () => {
    const cw = cloudWatchAnswering([2]);
    try {
      const out = await readCloudWatchUsage(cw.client, {
        month: "2026-10",
        candidates: { endpoints: ["shared-llm"], lobs: ["toString", "__proto__", "constructor"] },
      });
      expect(out.usage.map((u) => u.lob).sort()).toEqual(["__proto__", "constructor", "toString"]);
      for (const u of out.usage) expect(u).toMatchObject({ invocations: 2, inputTokens: 2, outputTokens: 2 });
    } finally {
      cw.restore();
    }
  });

  it("checks a pipeline parameter named constructor as given or missing, not as a built-in", () => {
    const definition = {
      Version: "2020-12-01",
      Parameters: [
        { Name: "LineOfBusiness", Type: "String" },
        { Name: "constructor", Type: "String" },
      ],
      Steps: [],
    };
    const policy = { tagKey: "LineOfBusiness", lobs: ["retail"] };
    expect(() => checkExecutionParameters(definition, policy, "retail", {})).toThrow(/constructor: required/);
    expect(checkExecutionParameters(definition, policy, "retail", { constructor: "x" })).toContainEqual({
      Name: "constructor",
      Value: "x",
    });
  });
});
