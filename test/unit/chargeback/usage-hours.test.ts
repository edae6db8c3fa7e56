/**
 * Usage per UTC hour from the file ledger (issue 12 item 3), hand-computed: a day-busy/night-idle shared endpoint
 * whose usage comes from ledger events with real timestamps, charged hour by hour and for the month.
 *
 * Facts: the ledger event's `ts` is "ISO-8601 UTC time of the call" (docs/contracts.md#usage-ledger-event, DESIGN
 * §3.3); a reader converts any UTC offset to UTC (ISO 8601 / RFC 3339 §5.6: `2026-10-05T10:15:00+02:00` is
 * 08:15Z). GPUUtilization on `/aws/sagemaker/Endpoints` is the sum over the instance's GPUs, 1-minute samples
 * (AWS, "Amazon SageMaker AI metrics in Amazon CloudWatch"); ml.g5.12xlarge has 4 GPUs (Amazon EC2 G5).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allocate, hourOf, monthWindow } from "../../../chargeback/engine/index.js";
import type { EndpointUsage, UtilizationRecord } from "../../../chargeback/model.js";
import { readFileLedger } from "../../../chargeback/sources/file-ledger.js";
import { compactLedger } from "../../../chargeback/sources/ledger-compact.js";
import { checkConservation, endpoint, line, POLICY } from "./helpers.js";

const EP = "shared-llm";
const ARN = `arn:aws:sagemaker:us-east-1:111122223333:endpoint/${EP}`;
const OCT = monthWindow("2026-10");
const pad = (n: number) => String(n).padStart(2, "0");
const hourIso = (h: number) => `2026-10-05T${pad(h)}:00:00Z`;
const day = (h: number) => h >= 8 && h < 20;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-usage-hours-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes ledger lines (as the FileUsageRecorder does: `YYYY/MM/DD/<writer>.jsonl`) into a new folder. */
async function ledger(name: string, events: readonly Record<string, unknown>[]): Promise<string> {
  const root = path.join(dir, name);
  await mkdir(path.join(root, "2026/10/05"), { recursive: true });
  await writeFile(
    path.join(root, "2026/10/05/writer-a.jsonl"),
    `${events.map((e) => JSON.stringify({ v: 1, kind: "sagemaker", endpoint: EP, output_tokens: 0, ...e })).join("\n")}\n`,
  );
  return root;
}

/** The UTC instant `h:15Z` on 2026-10-05, written with a UTC offset (`+02:00` by day, `-05:00` by night). */
function localTs(h: number): string {
  const offset = day(h) ? 2 : -5;
  const d = new Date(Date.UTC(2026, 9, 5, h + offset, 15));
  return `${d.toISOString().slice(0, 19)}${offset > 0 ? "+" : "-"}${pad(Math.abs(offset))}:00`;
}

describe("a day-busy, night-idle endpoint from the file ledger", () => {
  // 24 hourly CUR lines of $10 (1 × ml.g5.12xlarge). By day (08–19Z) GPUUtilization 320 per sample of 400 → u = 0.8,
  // retail calls (1,000 input tokens an hour); by night 40 → u = 0.1, wealth calls (1,000 an hour).
  const costs = Array.from({ length: 24 }, (_, h) =>
    line({
      usageStart: new Date(hourIso(h)),
      usageType: "USE1-Host:ml.g5.12xlarge",
      resourceId: ARN,
      amount: "1",
      cost: "10",
    }),
  );
  const records: UtilizationRecord[] = Array.from({ length: 24 }, (_, h) => ({
    kind: "metric",
    endpoint: EP,
    variant: "AllTraffic",
    metric: "GPUUtilization",
    hour: hourIso(h),
    sum: (day(h) ? 320 : 40) * 60,
    samples: 60,
  }));
  const events = Array.from({ length: 24 }, (_, h) => ({
    id: `call-${h}`,
    ts: localTs(h),
    lob: day(h) ? "retail" : "wealth",
    input_tokens: 1000,
  }));
  const run = (usage: readonly EndpointUsage[], mode?: "monthly") => {
    const r = allocate({
      month: "2026-10",
      policy: POLICY,
      sharedEndpoints: [
        endpoint({
          capacityTokensPerInstanceHour: undefined,
          utilization: "cloudwatch",
          idle: "owner",
          ...(mode ? { mode } : {}),
        }),
      ],
      costs,
      usage,
      utilization: records,
    });
    checkConservation(r);
    const ep = r.sharedEndpoints[0];
    return {
      r,
      mode: ep?.mode,
      byLob: Object.fromEntries((ep?.allocations ?? []).map((a) => [a.lob, a.cost])),
    };
  };

  it("the ledger gives each event's UTC hour, offsets converted", async () => {
    const root = await ledger("day-night", events);
    const { usage } = await readFileLedger({ path: root, window: OCT, hourlyEndpoints: [EP] });
    expect(usage).toHaveLength(24);
    expect(usage.find((u) => u.hour === hourIso(8))).toEqual({
      endpoint: EP,
      lob: "retail",
      invocations: 1,
      inputTokens: 1000,
      outputTokens: 0,
      hour: hourIso(8), // written 2026-10-05T10:15:00+02:00
    });
    expect(usage.find((u) => u.hour === hourIso(7))?.lob).toBe("wealth"); // 2026-10-05T02:15:00-05:00
  });

  it("compacted days (Parquet, the hashed query) give the same hours as the raw lines", async () => {
    const root = await ledger("compacted", [...events, { ...events[3], ts: localTs(3) }]); // one duplicate
    const raw = await readFileLedger({ path: root, window: OCT, hourlyEndpoints: [EP] });
    const done = await compactLedger({ path: root, now: new Date("2026-11-02T00:00:00Z") });
    expect(done.days.map((d) => [d.day, d.written])).toEqual([["2026-10-05", true]]);
    const compacted = await readFileLedger({ path: root, window: OCT, hourlyEndpoints: [EP] });
    expect(compacted.usage).toEqual(raw.usage);
    expect(compacted.usage).toHaveLength(24);
    expect(compacted.duplicates).toBe(1);
  });

  it("hourly: retail pays its day hours (12 × $10 × 0.8 = $96), wealth its night hours (12 × $10 × 0.1 = $12)", async () => {
    const root = await ledger("hourly", events);
    const { usage } = await readFileLedger({ path: root, window: OCT, hourlyEndpoints: [EP] });
    const { r, mode, byLob } = run(usage);
    expect(mode).toBe("hourly");
    // used 96 + 12 = 108; idle 240 − 108 = 132 → the owner (platform)
    expect(byLob).toEqual({ platform: "132.00", retail: "96.00", wealth: "12.00" });
    expect(r.warnings ?? []).not.toContainEqual(expect.stringContaining("month totals"));
  });

  it("monthly: the month's average use (0.45) split by the month's tokens (half each): $54 and $54", async () => {
    const root = await ledger("monthly", events);
    const { usage } = await readFileLedger({ path: root, window: OCT, hourlyEndpoints: [EP] });
    // 240 × 0.45 = 108 used, 12,000 tokens each → 54 / 54; idle 132 → platform
    expect(run(usage, "monthly").byLob).toEqual({ platform: "132.00", retail: "54.00", wealth: "54.00" });
  });

  it("month totals (no hourly endpoint asked for) under hourly mode: the month's shares in every hour, and a warning says so", async () => {
    const root = await ledger("totals", events);
    const { usage } = await readFileLedger({ path: root, window: OCT });
    expect(usage.every((u) => u.hour === undefined)).toBe(true);
    const { r, byLob } = run(usage);
    // every hour split half and half: Σ_h 10 × u_h × 0.5 = 0.5 × 108 = 54 each
    expect(byLob).toEqual({ platform: "132.00", retail: "54.00", wealth: "54.00" });
    expect(r.warnings).toContainEqual(
      `${EP}: the usage source gives month totals, not hours; the month's token shares were used in every hour.`,
    );
  });
});

describe("events at hour and month boundaries land in the right UTC hour", () => {
  it("the last millisecond of an hour, the hour itself, offsets across midnight and across the month", async () => {
    const root = await ledger("boundaries", [
      { id: "a", ts: "2026-10-05T07:59:59.999Z", lob: "retail", input_tokens: 1 },
      { id: "b", ts: "2026-10-05T08:00:00Z", lob: "retail", input_tokens: 2 },
      { id: "c", ts: "2026-10-05T09:30:00+02:00", lob: "retail", input_tokens: 4 }, // 07:30Z
      { id: "d", ts: "2026-10-05T23:30:00-01:00", lob: "wealth", input_tokens: 8 }, // 10-06 00:30Z
      { id: "e", ts: "2026-10-01T00:30:00+01:00", lob: "wealth", input_tokens: 16 }, // 09-30 23:30Z: September
      { id: "f", ts: "2026-10-31T23:30:00-01:00", lob: "wealth", input_tokens: 32 }, // 11-01 00:30Z: November
      { id: "g", ts: "2026-10-31T23:59:59Z", lob: "wealth", input_tokens: 64 },
      { id: "h", ts: "2026-10-05T08:00:00Z", lob: "retail", input_tokens: 128, endpoint: "other" }, // not hourly
      { id: "i", ts: "2026-10-05T08:00:00Z", lob: "retail", input_tokens: 256, endpoint: "Shared-LLM" }, // any case
    ]);
    const { usage } = await readFileLedger({ path: root, window: OCT, hourlyEndpoints: [EP] });
    const row = (u: EndpointUsage) => [u.endpoint, u.lob, u.hour ?? "month", u.inputTokens];
    expect(usage.map(row)).toEqual([
      ["Shared-LLM", "retail", "2026-10-05T08:00:00Z", 256],
      ["other", "retail", "month", 128],
      [EP, "retail", "2026-10-05T07:00:00Z", 5],
      [EP, "retail", "2026-10-05T08:00:00Z", 2],
      [EP, "wealth", "2026-10-06T00:00:00Z", 8],
      [EP, "wealth", "2026-10-31T23:00:00Z", 64],
    ]);
  });

  it("a duplicate counts once, in the hour of the copy that counts (the earliest), whichever hour its copies are in", async () => {
    const root = await ledger("duplicates", [
      { id: "x", ts: "2026-10-05T10:00:00Z", lob: "retail", input_tokens: 7 },
      { id: "x", ts: "2026-10-05T09:59:00Z", lob: "retail", input_tokens: 7 },
      { id: "y", ts: "2026-10-05T10:10:00Z", lob: "retail", input_tokens: 3 },
      { id: "y", ts: "2026-10-05T10:10:00Z", lob: "retail", input_tokens: 3 },
    ]);
    const out = await readFileLedger({ path: root, window: OCT, hourlyEndpoints: [EP] });
    expect(out.duplicates).toBe(2);
    expect(out.usage.map((u) => [u.hour, u.invocations, u.inputTokens])).toEqual([
      ["2026-10-05T09:00:00Z", 1, 7],
      ["2026-10-05T10:00:00Z", 1, 3],
    ]);
  });
});

describe("per-hour usage from the ledger (fast-check)", () => {
  it("sums to the month's usage, puts each event in its UTC hour, and allocates to the cent", async () => {
    const LOBS = ["retail", "wealth", "insurance"] as const;
    const eventArb = fc.record({
      // minutes from 2026-09-30 22:00Z to 2026-11-01 02:00Z, so that some fall outside the month
      minute: fc.integer({ min: 0, max: (32 * 24 + 4) * 60 }),
      offset: fc.integer({ min: -12, max: 14 }),
      lob: fc.constantFrom(...LOBS),
      input: fc.nat({ max: 5000 }),
      output: fc.nat({ max: 5000 }),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 6, maxLength: 6 }),
        async (evs, hostCents) => {
          n++;
          const base = Date.UTC(2026, 8, 30, 22);
          const written = evs.map((e, i) => {
            const at = new Date(base + e.minute * 60_000);
            const local = new Date(at.getTime() + e.offset * 3_600_000);
            const sign = e.offset < 0 ? "-" : "+";
            return {
              at,
              line: {
                id: `e${i}`,
                ts: `${local.toISOString().slice(0, 19)}${sign}${pad(Math.abs(e.offset))}:00`,
                lob: e.lob,
                input_tokens: e.input,
                output_tokens: e.output,
              },
            };
          });
          const root = await ledger(`prop-${n}`, [...written.map((w) => w.line)]);
          const hourly = await readFileLedger({ path: root, window: OCT, hourlyEndpoints: [EP] });
          const monthly = await readFileLedger({ path: root, window: OCT });
          // expected per (lob, hour), computed here from the instants
          const expected = new Map<string, number>();
          for (const w of written) {
            if (w.at < OCT.start || w.at >= OCT.end) continue;
            const key = `${w.line.lob} ${hourOf(w.at)}`;
            expected.set(key, (expected.get(key) ?? 0) + w.line.input_tokens);
          }
          expect(new Map(hourly.usage.map((u) => [`${u.lob} ${u.hour}`, u.inputTokens]))).toEqual(expected);
          for (const lob of LOBS) {
            const sumOf = (us: readonly EndpointUsage[], f: (u: EndpointUsage) => number) =>
              us.filter((u) => u.lob === lob).reduce((t, u) => t + f(u), 0);
            for (const f of [
              (u: EndpointUsage) => u.invocations,
              (u: EndpointUsage) => u.inputTokens,
              (u: EndpointUsage) => u.outputTokens,
            ])
              expect(sumOf(hourly.usage, f)).toBe(sumOf(monthly.usage, f));
          }
          // six hourly cost lines on 2026-10-05 (00:00–05:00Z), the split hour by hour conserves to the cent
          const r = allocate({
            month: "2026-10",
            policy: POLICY,
            sharedEndpoints: [endpoint({ mode: "hourly-spread", capacityTokensPerInstanceHour: 500 })],
            costs: hostCents.map((c, h) =>
              line({
                usageStart: new Date(hourIso(h)),
                usageType: "USE1-Host:ml.g5.12xlarge",
                resourceId: ARN,
                amount: "1",
                cost: (c / 100).toFixed(2),
              }),
            ),
            usage: hourly.usage,
          });
          checkConservation(r);
          expect(r.sharedEndpoints[0]?.mode).toBe("hourly");
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
