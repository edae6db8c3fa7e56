/**
 * Shared endpoints charged from measured utilization (docs/utilization.md), hand-computed.
 *
 * Sources of the facts the cases rest on (AWS, "Amazon SageMaker AI metrics in Amazon CloudWatch",
 * sagemaker/latest/dg/monitoring-cloudwatch): the namespace `/aws/sagemaker/Endpoints` has, per `EndpointName,
 * VariantName`, `CPUUtilization` ("the sum of each individual CPU core's utilization … if there are four CPUs, the
 * CPUUtilization range is 0%–400%") and `GPUUtilization` ("can range between 0–100 and is multiplied by the number of
 * GPUs … if there are four GPUs, the GPUUtilization range is 0%–400%"); metrics come at a 1-minute frequency, so an
 * instance gives 60 samples an hour. Inference components reserve `NumberOfAcceleratorDevicesRequired`,
 * `NumberOfCpuCoresRequired`, `MinMemoryRequiredInMb` per copy (SageMaker API, InferenceComponentComputeResourceRequirements).
 * Instance sizes: Amazon EC2 G5 (g5.12xlarge 4 GPUs, 48 vCPUs, 192 GiB; g5.48xlarge 8 GPUs), M5 (m5.xlarge 4 vCPUs).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocate } from "../../../chargeback/engine/index.js";
import type { CostLine, EndpointUsage, UtilizationRecord } from "../../../chargeback/model.js";
import { renderCsv, renderHtml, renderMarkdown, renderTable } from "../../../chargeback/reports/index.js";
import type { SharedEndpointConfig } from "../../../core/config.js";
import { DataSourceError } from "../../../core/errors.js";
import { checkConservation, endpoint, line, POLICY } from "./helpers.js";

const EP = "shared-llm";
const ARN = `arn:aws:sagemaker:us-east-1:111122223333:endpoint/${EP}`;
const hourIso = (day: number, h: number) =>
  `2026-10-${String(day).padStart(2, "0")}T${String(h).padStart(2, "0")}:00:00Z`;

/** One hourly CUR hosting line (CUR 2.0 hourly granularity: `line_item_usage_start_date` on the hour). */
function hourLine(
  day: number,
  h: number,
  cost: string,
  instanceHours = "1",
  type = "ml.g5.12xlarge",
): CostLine {
  return line({
    usageStart: new Date(hourIso(day, h)),
    usageType: `USE1-Host:${type}`,
    resourceId: ARN,
    amount: instanceHours,
    cost,
  });
}

function metric(
  day: number,
  h: number,
  sum: number,
  samples = 60,
  m: "GPUUtilization" | "CPUUtilization" = "GPUUtilization",
  variant = "AllTraffic",
): UtilizationRecord {
  return { kind: "metric", endpoint: EP, variant, metric: m, hour: hourIso(day, h), sum, samples };
}

const hourUse = (lob: string, day: number, h: number, input: number): EndpointUsage => ({
  endpoint: EP,
  lob,
  invocations: 1,
  inputTokens: input,
  outputTokens: 0,
  hour: hourIso(day, h),
});

function run(
  e: Partial<SharedEndpointConfig>,
  costs: CostLine[],
  usage: EndpointUsage[],
  utilization: UtilizationRecord[],
) {
  const r = allocate({
    month: "2026-10",
    policy: POLICY,
    sharedEndpoints: [endpoint({ capacityTokensPerInstanceHour: undefined, ...e })],
    costs,
    usage,
    utilization,
  });
  checkConservation(r);
  const ep = r.sharedEndpoints[0];
  if (ep === undefined) throw new Error("no endpoint");
  const byLob = Object.fromEntries(ep.allocations.map((a) => [a.lob, a.cost]));
  return { r, ep, byLob };
}

describe("measured utilization: a day-busy, night-idle endpoint", () => {
  // 24 hourly lines of $10 (1 instance of ml.g5.12xlarge, 4 GPUs). Day hours 08–19: GPUUtilization Sum 320 per
  // sample (80% of each GPU) → u = 0.8; night: 40 → 10% → u = 0.1. retail calls by day, wealth by night.
  const day = (h: number) => h >= 8 && h < 20;
  const costs = Array.from({ length: 24 }, (_, h) => hourLine(5, h, "10"));
  const records = Array.from({ length: 24 }, (_, h) => metric(5, h, (day(h) ? 320 : 40) * 60));
  const usage = Array.from({ length: 24 }, (_, h) => hourUse(day(h) ? "retail" : "wealth", 5, h, 1000));

  it("hourly: each LOB pays the hours it used; the idle hours go by the idle policy", () => {
    // retail 12 h × $10 × 0.8 = $96; wealth 12 × 10 × 0.1 = $12; idle 240 − 108 = $132 → owner (platform)
    const { ep, byLob } = run({ utilization: "cloudwatch", idle: "owner" }, costs, usage, records);
    expect(ep.mode).toBe("hourly");
    expect(byLob).toEqual({ platform: "132.00", retail: "96.00", wealth: "12.00" });
    expect(ep.measuredUtilization).toBe(0.45);
    expect(ep.utilizationSource).toBe("cloudwatch");
    expect(ep.missingHours).toEqual({ count: 0, cost: "0.00", hours: [] });
    expect(ep.hourly?.length).toBe(24);
    expect(ep.hourly?.[8]).toEqual({ hour: "2026-10-05T08:00:00Z", utilization: 0.8 });
    expect(ep.idleExplanation).toBe(
      "Idle 132.00: capacity measured idle (hour by hour, average use 45.0%); charged to the owner: platform 132.00.",
    );
    const retailRow = (ep.allocations.find((a) => a.lob === "retail") ?? {}) as { capacityHours?: string };
    expect(retailRow.capacityHours).toBe("9.6"); // 12 h × 0.8
  });

  it("the reports show measured beside token utilization, the idle line, and an hourly heat map", async () => {
    const { r } = run(
      { utilization: "cloudwatch", idle: "owner", capacityTokensPerInstanceHour: 2000 },
      costs,
      usage,
      records,
    );
    const table = renderTable(r);
    expect(table).toContain("Measured utilization");
    expect(table).toContain(
      "shared-llm: 240.00 USD, utilization measured by cloudwatch at 45.0% (token-derived 50.0%); the measured use split by weighted tokens, hour by hour (hourly cost lines).",
    );
    expect(table).toContain(
      "Idle 132.00: capacity measured idle (hour by hour, average use 45.0%); charged to the owner: platform 132.00.",
    );
    const md = renderMarkdown(r);
    expect(md).toContain("| Measured utilization |");
    const html = await renderHtml(r);
    expect(html).toContain('id="chart-hourly-shared-llm"');
    // 24 measured hours drawn, each with its exact figure for screen readers
    expect(html).toContain("shared-llm, 2026-10-05 08:00 UTC: 80.0%");
    // the capacity chart shows the measured use, not the token-derived one
    expect(html).toContain("shared-llm: 45.0% used");
    const csv = renderCsv(r);
    expect(csv).toContain("measured");
  });

  it("monthly: the month's average use (0.45) split by the month's tokens (half each)", () => {
    // used 240 × 0.45 = 108, retail and wealth 54 each; idle 132 → platform
    const { ep, byLob } = run(
      { utilization: "cloudwatch", idle: "owner", mode: "monthly" },
      costs,
      usage,
      records,
    );
    expect(ep.mode).toBe("monthly");
    expect(byLob).toEqual({ platform: "132.00", retail: "54.00", wealth: "54.00" });
  });

  it("idle in proportion: the idle $132 follows the instance-hours charged (retail 9.6, wealth 1.2)", () => {
    const { byLob } = run({ utilization: "cloudwatch", idle: "proportional" }, costs, usage, records);
    // retail 96 + 132 × 9.6/10.8 = 96 + 117.333… = 213.33; wealth 12 + 14.666… = 26.67
    expect(byLob).toEqual({ retail: "213.33", wealth: "26.67" });
  });

  it("daily lines run monthly under auto, and hour by hour when spread (stated as hourly-spread)", () => {
    const daily = [
      line({
        usageStart: new Date("2026-10-05T00:00:00Z"),
        usageType: "USE1-Host:ml.g5.12xlarge",
        resourceId: ARN,
        amount: "24",
        cost: "240",
      }),
    ];
    const monthly = run({ utilization: "cloudwatch", idle: "owner" }, daily, usage, records);
    expect(monthly.ep.mode).toBe("monthly");
    expect(monthly.byLob).toEqual({ platform: "132.00", retail: "54.00", wealth: "54.00" });
    const spread = run(
      { utilization: "cloudwatch", idle: "owner", mode: "hourly-spread" },
      daily,
      usage,
      records,
    );
    expect(spread.ep.mode).toBe("hourly-spread");
    expect(spread.byLob).toEqual({ platform: "132.00", retail: "96.00", wealth: "12.00" });
  });
});

describe("measured utilization: instance types", () => {
  const usage = [{ endpoint: EP, lob: "retail", invocations: 1, inputTokens: 100, outputTokens: 0 }];
  it("a CPU instance (ml.m5.xlarge, 4 vCPUs) reads CPUUtilization: 200 of 400 → 50% used", () => {
    const costs = [hourLine(5, 0, "100", "1", "ml.m5.xlarge")];
    const records = [
      metric(5, 0, 200 * 60, 60, "CPUUtilization"),
      metric(5, 0, 390 * 60, 60, "GPUUtilization"), // not a GPU instance: ignored
    ];
    const { ep, byLob } = run({ utilization: "cloudwatch", idle: "separate" }, costs, usage, records);
    expect(byLob).toEqual({ retail: "50.00" });
    expect(ep.idle).toBe("50.00");
    expect(ep.measuredUtilization).toBe(0.5);
  });

  it("a multi-GPU instance (ml.g5.48xlarge, 8 GPUs), two variants weighted by their samples", () => {
    // variant A: 800 of 800 (100%) over 60 samples; B: 0 over 60 → (800×60/8 + 0) / 120 / 100 = 0.5
    const costs = [hourLine(5, 0, "100", "2", "ml.g5.48xlarge")];
    const records = [
      metric(5, 0, 800 * 60, 60, "GPUUtilization", "A"),
      metric(5, 0, 0, 60, "GPUUtilization", "B"),
    ];
    const { ep, byLob } = run(
      { utilization: "cloudwatch", idle: "separate", variants: ["A", "B"] },
      costs,
      usage,
      records,
    );
    expect(byLob).toEqual({ retail: "50.00" });
    expect(ep.measuredUtilization).toBe(0.5);
  });

  it("an instance type the table does not know needs the config's instance figures", () => {
    const costs = [hourLine(5, 0, "100", "1", "ml.x9.huge")];
    const records = [metric(5, 0, 100 * 60, 60, "CPUUtilization")];
    expect(() => run({ utilization: "cloudwatch" }, costs, usage, records)).toThrow(
      /not in the built-in table/,
    );
    const { byLob } = run(
      { utilization: "cloudwatch", idle: "separate", instance: { gpus: 0, vcpus: 2, memoryGiB: 8 } },
      costs,
      usage,
      records,
    );
    expect(byLob).toEqual({ retail: "50.00" }); // 100 of 200
  });
});

describe("measured utilization: missing hours", () => {
  const costs = Array.from({ length: 24 }, (_, h) => hourLine(5, h, "10"));
  const usage = [{ endpoint: EP, lob: "retail", invocations: 1, inputTokens: 100, outputTokens: 0 }];

  it("are reported with their cost and given the month's measured average, neither zero nor full", () => {
    // 20 hours measured at 50% (Sum 200 per sample on 4 GPUs); hours 20–23 have no data points
    const records = Array.from({ length: 20 }, (_, h) => metric(5, h, 200 * 60));
    const { r, ep, byLob } = run({ utilization: "cloudwatch", idle: "separate" }, costs, usage, records);
    expect(ep.missingHours).toEqual({
      count: 4,
      cost: "40.00",
      hours: ["2026-10-05T20:00:00Z", "2026-10-05T21:00:00Z", "2026-10-05T22:00:00Z", "2026-10-05T23:00:00Z"],
    });
    expect(ep.hourly?.[21]).toEqual({ hour: "2026-10-05T21:00:00Z", utilization: null });
    expect(byLob).toEqual({ retail: "120.00" }); // 240 × 0.5, the missing hours at the average 0.5
    expect(ep.idle).toBe("120.00");
    expect(r.warnings?.some((w) => w.includes("4 hour(s) with cost had no cloudwatch measurement"))).toBe(
      true,
    );
  });

  it("with no measured hour at all, the run stops (exit 3) instead of guessing", () => {
    expect(() => run({ utilization: "cloudwatch" }, costs, usage, [])).toThrow(DataSourceError);
  });
});

describe("components: two components whose copies scale mid-month", () => {
  // 2 instances of ml.g5.12xlarge (4 GPUs, 48 vCPUs, 192 GiB) every hour of 2 days, $20 an hour.
  // ic-retail: 1 GPU, 4 cores, 16 GiB per copy → dominant share 1/4 of an instance;
  // ic-wealth: 0 GPU, 24 cores, 8 GiB → 24/48 = 1/2 of an instance.
  // Day 5: retail 2 copies (ρ = 2 × 0.25 / 2 = 0.25), wealth 1 copy (0.25). Day 6: retail 4 copies (0.5), wealth 1 (0.25).
  const costs = [5, 6].flatMap((d) => Array.from({ length: 24 }, (_, h) => hourLine(d, h, "20", "2")));
  const records: UtilizationRecord[] = [
    {
      kind: "component",
      endpoint: EP,
      component: "ic-retail",
      lob: "retail",
      accelerators: 1,
      cpuCores: 4,
      memoryMb: 16384,
    },
    {
      kind: "component",
      endpoint: EP,
      component: "ic-wealth",
      lob: "wealth",
      accelerators: 0,
      cpuCores: 24,
      memoryMb: 8192,
    },
    ...[5, 6].flatMap((d) =>
      Array.from({ length: 24 }, (_, h): UtilizationRecord[] => [
        {
          kind: "copies",
          endpoint: EP,
          component: "ic-retail",
          hour: hourIso(d, h),
          copies: d === 5 ? 2 : 4,
        },
        { kind: "copies", endpoint: EP, component: "ic-wealth", hour: hourIso(d, h), copies: 1 },
      ]).flat(),
    ),
  ];

  it("reserved-compute: each LOB pays its reservation hour by hour; the unreserved part is idle", () => {
    // retail 24 × 20 × 0.25 + 24 × 20 × 0.5 = 120 + 240 = 360; wealth 2 × 24 × 20 × 0.25 = 240; idle 960 − 600 = 360
    const { ep, byLob } = run(
      { utilization: "components", allocation: "reserved-compute", idle: "separate" },
      costs,
      [],
      records,
    );
    expect(byLob).toEqual({ retail: "360.00", wealth: "240.00" });
    expect(ep.idle).toBe("360.00");
    expect(ep.measuredUtilization).toBe(0.625); // (0.5 + 0.75) / 2
    expect(Object.fromEntries(ep.allocations.map((a) => [a.lob, a.reservedShare]))).toEqual({
      retail: 0.375,
      wealth: 0.25,
    });
    expect(ep.allocationMethod).toBe("reserved-compute");
  });

  it("hybrid: reservations first, the unreserved rest by weighted tokens (insurance, without components)", () => {
    // insurance: day 5 0.5 of 480 = 240, day 6 0.25 of 480 = 120 → 360; nothing idle
    const usage = [{ endpoint: EP, lob: "insurance", invocations: 1, inputTokens: 500, outputTokens: 0 }];
    const { r, ep, byLob } = run(
      { utilization: "components", allocation: "hybrid", idle: "separate" },
      costs,
      usage,
      records,
    );
    expect(byLob).toEqual({ insurance: "360.00", retail: "360.00", wealth: "240.00" });
    expect(ep.idle).toBe("0.00");
    expect(r.warnings?.some((w) => w.includes("month's token shares were used in every hour"))).toBe(true);
  });

  it("an untagged component reserves for nobody: its share is idle, and a warning says so", () => {
    const untagged = records.map((x) =>
      x.kind === "component" && x.component === "ic-wealth" ? { ...x, lob: null } : x,
    );
    const { r, ep, byLob } = run(
      { utilization: "components", allocation: "reserved-compute", idle: "separate" },
      costs,
      [],
      untagged,
    );
    expect(byLob).toEqual({ retail: "360.00" });
    expect(ep.idle).toBe("600.00");
    expect(r.warnings?.some((w) => w.includes("ic-wealth carry no LOB tag"))).toBe(true);
  });
});

describe("measured utilization: conservation to the cent under every method (fast-check)", () => {
  it("every figure adds up, whatever the source, method, mode and idle policy", () => {
    let refused = 0;
    const cost = fc.integer({ min: 0, max: 500_000 }).map((n) => (n / 1000).toFixed(3));
    fc.assert(
      fc.property(
        fc.constantFrom("cloudwatch", "components", "tokens" as const),
        fc.constantFrom("weighted-tokens", "reserved-compute", "hybrid" as const),
        fc.constantFrom("auto", "monthly", "hourly-spread" as const),
        fc.constantFrom("proportional", "even", "owner", "separate" as const),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 47 }), cost, fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 12,
        }),
        // per hour: its GPUUtilization Sum per sample (or no data point), the copies of components a and b
        fc.array(
          fc.tuple(fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }), fc.nat(6), fc.nat(3)),
          {
            minLength: 48,
            maxLength: 48,
          },
        ),
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 47 }), fc.constantFrom(...POLICY.lobs, "nobody"), fc.nat(5000)),
          { maxLength: 10 },
        ),
        fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
        (source, method, mode, idle, hosts, measures, uses, capacity) => {
          const at = (k: number) => [5 + Math.floor(k / 24), k % 24] as const;
          const costs = hosts.map(([k, c, n]) => hourLine(...at(k), c, String(n)));
          const utilization: UtilizationRecord[] = [
            ...measures.flatMap(([s, a, b], k): UtilizationRecord[] => [
              ...(s === undefined ? [] : [metric(...at(k), s * 60)]),
              { kind: "copies", endpoint: EP, component: "a", hour: hourIso(...at(k)), copies: a },
              { kind: "copies", endpoint: EP, component: "b", hour: hourIso(...at(k)), copies: b },
            ]),
            {
              kind: "component",
              endpoint: EP,
              component: "a",
              lob: "retail",
              accelerators: 1,
              cpuCores: 2,
              memoryMb: 1024,
            },
            {
              kind: "component",
              endpoint: EP,
              component: "b",
              lob: "wealth",
              accelerators: 2,
              cpuCores: 1,
              memoryMb: 1024,
            },
          ];
          const usage = uses.map(([k, lob, n]) => hourUse(lob, ...at(k), n));
          const e = endpoint({
            utilization: source,
            allocation: method,
            mode,
            idle,
            capacityTokensPerInstanceHour: capacity,
            reservations: { insurance: 0.1 },
          });
          let r: ReturnType<typeof allocate>;
          try {
            r = allocate({
              month: "2026-10",
              policy: POLICY,
              sharedEndpoints: [e],
              costs,
              usage,
              utilization,
            });
          } catch (err) {
            // the only refusal: no hour with cost has a data point
            expect(err).toBeInstanceOf(DataSourceError);
            refused++;
            return;
          }
          checkConservation(r);
          for (const x of r.lines) expect(Number(x.cost)).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 300 },
    );
    expect(refused).toBeLessThan(30); // the property held on (almost) every case, not only refusals
  });
});
