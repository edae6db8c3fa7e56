/**
 * Deterministic generator of the example workspace's data: a month of usage events (the file ledger) and the same
 * month's bill as AWS Data Exports writes it, as a CUR 2.0 export and as a "FOCUS 1.2 with AWS columns" export
 * (gzip CSV chunks and a Manifest.json each). The same seed always gives the same bytes, gzip included.
 *
 *   tsx examples/generate.ts                 # the example ledger for 2026-10 (about 200,000 events)
 *   tsx examples/generate.ts --if-missing    # only when examples/usage is absent (npm start)
 *   tsx examples/generate.ts --cur           # also rewrite examples/cur/smcb-cur2 and examples/focus/smcb-focus12
 *   tsx examples/generate.ts --help
 */
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { stringify } from "csv-stringify/sync";
import { Decimal } from "../core/money.js";

/** A small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One shared endpoint's traffic: which LOBs call it, how often, and how many tokens. */
export interface TrafficSpec {
  readonly endpoint: string;
  /** Share of all SageMaker events. */
  readonly share: number;
  /** LOB → relative weight. */
  readonly lobs: Readonly<Record<string, number>>;
  readonly meanInput: number;
  readonly meanOutput: number;
}

/** What {@link generateLedger} writes. */
export interface LedgerSpec {
  readonly dir: string;
  /** `YYYY-MM`. */
  readonly month: string;
  readonly events: number;
  readonly traffic: readonly TrafficSpec[];
  /** Bedrock events as a fraction of all events (ignored by the allocation, present in a real ledger). @default 0 */
  readonly bedrockShare?: number;
  /** Fraction of events written twice (retries: same id). @default 0 */
  readonly duplicateShare?: number;
  /** Number of malformed lines to write. @default 0 */
  readonly malformed?: number;
  readonly seed?: number;
  /** Files per day (writers). @default 1 */
  readonly writersPerDay?: number;
}

/** A weighted choice among keys: cumulative weights and a binary search. */
function weightedPicker(entries: readonly (readonly [string, number])[]): (r: number) => string {
  const keys = entries.map(([k]) => k);
  const cumulative: number[] = [];
  let total = 0;
  for (const [, w] of entries) {
    total += w;
    cumulative.push(total);
  }
  return (r) => {
    const x = r * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return keys[lo] as string;
  };
}

/** Writes a month of usage events as `dir/YYYY/MM/DD/writer-N.jsonl`; returns the number of lines written. */
export async function generateLedger(spec: LedgerSpec): Promise<number> {
  const rand = prng(spec.seed ?? 42);
  const [y, m] = spec.month.split("-").map(Number) as [number, number];
  const start = Date.UTC(y, m - 1, 1);
  const days = (Date.UTC(y, m, 1) - start) / 86_400_000;
  const writers = spec.writersPerDay ?? 1;
  const pickEndpoint = weightedPicker(spec.traffic.map((t) => [t.endpoint, t.share] as const));
  const byName = new Map(spec.traffic.map((t) => [t.endpoint, t]));
  const pickLob = new Map(spec.traffic.map((t) => [t.endpoint, weightedPicker(Object.entries(t.lobs))]));
  const perDay = Math.floor(spec.events / days);
  let written = 0;
  let seq = 0;
  let malformedLeft = spec.malformed ?? 0;
  for (let d = 0; d < days; d++) {
    const dayStart = start + d * 86_400_000;
    const date = new Date(dayStart).toISOString().slice(0, 10);
    const folder = path.join(spec.dir, date.slice(0, 4), date.slice(5, 7), date.slice(8, 10));
    await mkdir(folder, { recursive: true });
    const count = d === days - 1 ? spec.events - perDay * (days - 1) : perDay;
    const streams = Array.from({ length: writers }, (_, w) =>
      createWriteStream(path.join(folder, `writer-${w + 1}.jsonl`)),
    );
    const buffers: string[][] = streams.map(() => []);
    for (let i = 0; i < count; i++) {
      seq++;
      const ts = new Date(dayStart + Math.floor((i / count) * 86_400_000)).toISOString();
      const w = seq % writers;
      const buf = buffers[w] as string[];
      let line: string;
      if (rand() < (spec.bedrockShare ?? 0)) {
        line = JSON.stringify({
          v: 1,
          id: `ev-${seq}`,
          ts,
          lob: "retail",
          kind: "bedrock",
          endpoint: null,
          component: null,
          variant: null,
          profile_arn: "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/retail01abcd",
          model_id: "anthropic.claude-sonnet-4-5-20250929-v1:0", // via AWS Marketplace, as on the example bill
          input_tokens: Math.round(rand() * 2000),
          output_tokens: Math.round(rand() * 500),
          cache_read_tokens: 0,
          cache_write_tokens: 0,
          token_source: "reported",
          latency_ms: Math.round(200 + rand() * 800),
          status: "ok",
        });
      } else {
        const endpoint = pickEndpoint(rand());
        const t = byName.get(endpoint) as TrafficSpec;
        const lob = (pickLob.get(endpoint) as (r: number) => string)(rand());
        const input = Math.max(1, Math.round(t.meanInput * (0.25 + rand() * 1.5)));
        const output = t.meanOutput === 0 ? 0 : Math.max(1, Math.round(t.meanOutput * (0.25 + rand() * 1.5)));
        const ok = rand() > 0.002;
        line = JSON.stringify({
          v: 1,
          id: `ev-${seq}`,
          ts,
          lob,
          kind: "sagemaker",
          endpoint,
          component: `${endpoint}-${lob}`,
          variant: "AllTraffic",
          profile_arn: null,
          model_id: null,
          input_tokens: ok ? input : 0,
          output_tokens: ok ? output : 0,
          cache_read_tokens: 0,
          cache_write_tokens: 0,
          token_source: rand() < 0.9 ? "reported" : "estimated",
          latency_ms: Math.round(50 + rand() * 900),
          status: ok ? "ok" : "error",
        });
      }
      buf.push(line);
      written++;
      if (rand() < (spec.duplicateShare ?? 0)) {
        buf.push(line);
        written++;
      }
      if (malformedLeft > 0 && i === Math.floor(count / 2) && d % 7 === 3) {
        buf.push(`${line.slice(0, 40)}`); // a line cut short by a crash
        malformedLeft--;
        written++;
      }
      if (buf.length >= 4096) {
        const s = streams[w];
        if (s && !s.write(`${buf.join("\n")}\n`)) await new Promise<void>((r) => s.once("drain", () => r()));
        buf.length = 0;
      }
    }
    await Promise.all(
      streams.map(
        (s, w) =>
          new Promise<void>((resolve, reject) => {
            const rest = buffers[w] as string[];
            s.on("error", reject);
            s.end(rest.length > 0 ? `${rest.join("\n")}\n` : "", () => resolve());
          }),
      ),
    );
  }
  return written;
}

/** The example's traffic on its three shared endpoints. */
export const EXAMPLE_TRAFFIC: readonly TrafficSpec[] = [
  {
    endpoint: "shared-llm",
    share: 0.6,
    lobs: { retail: 40, wealth: 25, marketing: 20, payments: 10, insurance: 5 },
    meanInput: 800,
    meanOutput: 250,
  },
  {
    endpoint: "shared-embeddings",
    share: 0.3,
    lobs: { retail: 50, wealth: 30, insurance: 20 },
    meanInput: 400,
    meanOutput: 0,
  },
  {
    endpoint: "shared-reranker",
    share: 0.1,
    lobs: { retail: 70, payments: 30 },
    meanInput: 1200,
    meanOutput: 5,
  },
];

// ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────
// The example bill: one month as AWS Data Exports writes it, as CUR 2.0 and as "FOCUS 1.2 with AWS columns".
//
// Everything below derives from one internal list of bill lines ({@link exampleBill}); the CUR rows and the FOCUS
// rows are two renderings of it, so both exports give the same totals at net-amortized (CUR: the docs/contracts.md#cost-input-the-real-bill table on
// the net columns; FOCUS: EffectiveCost) and at net-unblended (CUR: line_item_net_unblended_cost; FOCUS: BilledCost).
// Sources of every fact used here are listed in test/unit/chargeback/examples.test.ts.
//
// The account (illustrative): payer 999988887777 with an EDP (5 % off every AWS-billed charge, not on Marketplace,
// credits, refunds or tax); linked accounts ml-platform 111122223333 (shared-llm, the Bedrock profiles, and a
// SageMaker Savings Plan bought with discount sharing off, so it covers only this account's SageMaker usage: the
// shared-llm hosting hours), ml-serving 444455556666 (the two other shared endpoints, EC2), data-science
// 555566667777 (dedicated endpoints and jobs). Lines are DAILY (CUR 2.0's TIME_GRANULARITY is HOURLY, DAILY or
// MONTHLY); the Savings Plan negation is therefore grouped per day (AWS groups it per time interval).
// Prices: us-east-1 on-demand list prices as published on the SageMaker, Bedrock and EC2 pricing pages (ml.g5.12xlarge
// hosting $7.09/h, ml.g5.2xlarge $1.515, ml.g5.xlarge $1.408, ml.m5.xlarge $0.23, ml.m5.4xlarge $0.922,
// ml.p3.2xlarge $3.825, Nova Pro $0.80/$3.20 and Nova Lite $0.06/$0.24 per million tokens, Claude Sonnet 4.5 $3/$15
// per million tokens, EC2 m5.large $0.096/h, S3 Standard $0.023/GB-Mo); the Savings Plan rate ($4.538/h, 36 % off)
// and the tax rate (6 %) are illustrative.
// ─────────────────────────────────────────────────────────────────────────────────────────────────────────────────

/** The payer (management) account of the example bill. */
export const PAYER = { id: "999988887777", name: "example-corp-payer" } as const;
/** The linked accounts of the example bill. */
export const ACCOUNTS = {
  platform: { id: "111122223333", name: "ml-platform" },
  serving: { id: "444455556666", name: "ml-serving" },
  science: { id: "555566667777", name: "data-science" },
} as const;
type Account = (typeof ACCOUNTS)[keyof typeof ACCOUNTS];

/** The EDP discount rate of the example account (5 %). */
export const EDP_RATE = new Decimal("0.05");
const NET = new Decimal(1).minus(EDP_RATE);
/** The illustrative sales-tax rate of the example bill. */
export const TAX_RATE = new Decimal("0.06");
/** The SageMaker Savings Plan of the example bill (1 year, no upfront; ml-platform only). */
export const SAVINGS_PLAN = {
  arn: "arn:aws:savingsplans::111122223333:savingsplan/3f6c1a9e-52d4-4b7e-9c0a-7d21e8b4f5a6",
  /** Hourly commitment, USD. */
  hourlyCommitment: new Decimal("9.076"),
  /** The plan's rate for `USE1-Host:ml.g5.12xlarge` (on demand: 7.09). */
  rate: new Decimal("4.538"),
  start: "2026-03-01T00:00:00.000Z",
  end: "2027-02-28T23:59:59.000Z",
} as const;
/** The Marketplace product code of Claude Sonnet 4.5 (Amazon Bedrock Edition) on the example bill (made up). */
export const CLAUDE_PRODUCT_CODE = "b4x7k2qz9m1r5n8p3t6w0vyc";
/** Its product name, as the `product` map carries it. */
export const CLAUDE_PRODUCT_NAME = "Claude Sonnet 4.5 (Amazon Bedrock Edition)";
const AWS_INVOICE = "2026110412";
const MARKETPLACE_INVOICE = "2026110413";
const REGION = "us-east-1";
const REGION_NAME = "US East (N. Virginia)";

/** A line item type of CUR 2.0 (`line_item_line_item_type`) that the example bill uses. */
export type BillLineType =
  | "Usage"
  | "SavingsPlanCoveredUsage"
  | "SavingsPlanNegation"
  | "SavingsPlanRecurringFee"
  | "EdpDiscount"
  | "Credit"
  | "Refund"
  | "Tax";

/** One line of the example bill: the internal model both exports are rendered from. All money exact. */
export interface BillLine {
  readonly start: number;
  readonly end: number;
  readonly type: BillLineType;
  readonly account: Account;
  /** `line_item_product_code`. */
  readonly productCode: string;
  /** `AWS` or `AWS Marketplace`. */
  readonly billingEntity: "AWS" | "AWS Marketplace";
  readonly legalEntity: string;
  readonly usageType: string;
  readonly operation: string;
  readonly resourceId: string;
  readonly description: string;
  readonly usageAmount: Decimal;
  readonly unit: string;
  /** On-demand (public) rate; the unblended rate of usage lines. */
  readonly rate: Decimal | null;
  /** `line_item_unblended_cost`. */
  readonly unblended: Decimal;
  /** `line_item_net_unblended_cost` (the EDP applied). */
  readonly netUnblended: Decimal;
  /** `pricing_public_on_demand_cost`. */
  readonly publicCost: Decimal;
  /** `product` map. */
  readonly product: Readonly<Record<string, string>>;
  readonly productFamily: string;
  readonly serviceCode: string;
  readonly instanceType: string;
  /** `resource_tags` (CUR 2.0 normalized keys). */
  readonly tags: Readonly<Record<string, string>>;
  readonly taxType: string;
  readonly pricingTerm: string;
  /** Savings Plan columns (covered usage, negation, recurring fee). */
  readonly sp?: {
    readonly effective?: Decimal;
    readonly netEffective?: Decimal;
    readonly totalCommitment?: Decimal;
    readonly usedCommitment?: Decimal;
    readonly recurring?: Decimal;
    readonly netRecurring?: Decimal;
  };
}

const DAY = 86_400_000;
const D = (x: number | string) => new Decimal(x);

/** Tag map in CUR 2.0's normalized form (docs/contracts.md#cost-input-the-real-bill "Tags"): `LineOfBusiness` → `user_line_of_business`. */
function curTags(lob: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  return lob === undefined ? { ...extra } : { user_line_of_business: lob, ...extra };
}

/** The same tags with the keys the user typed (FOCUS keeps them; AWS prefixes user tags with `user:`). */
function originalTagKey(curKey: string): string {
  const known: Record<string, string> = {
    user_line_of_business: "user:LineOfBusiness",
    user_shared_endpoint: "user:SharedEndpoint",
    user_team: "user:team",
    user_cost_center: "user:CostCenter",
    user_name: "user:Name",
    aws_created_by: "aws:createdBy",
  };
  const k = known[curKey];
  if (k === undefined) throw new Error(`no original key known for ${curKey}`);
  return k;
}

const sagemakerArn = (account: Account, kind: string, name: string) =>
  `arn:aws:sagemaker:${REGION}:${account.id}:${kind}/${name}`;
/** The application inference profiles of the example (the same ARNs as examples/smcb.config.json). */
export const PROFILES = {
  retail: `arn:aws:bedrock:${REGION}:${ACCOUNTS.platform.id}:application-inference-profile/retail01abcd`,
  wealth: `arn:aws:bedrock:${REGION}:${ACCOUNTS.platform.id}:application-inference-profile/wealth01abcd`,
  marketing: `arn:aws:bedrock:${REGION}:${ACCOUNTS.platform.id}:application-inference-profile/mktg01abcdef`,
} as const;

/**
 * The example month's bill lines, before the EDP discount lines and tax are added: usage, Savings Plan lines, credit,
 * refund. Deterministic.
 */
function baseLines(month: string): BillLine[] {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const start = Date.UTC(y, m - 1, 1);
  const days = (Date.UTC(y, m, 1) - start) / DAY;
  const out: BillLine[] = [];
  const usage = (
    t: number,
    o: {
      account: Account;
      productCode: string;
      usageType: string;
      operation: string;
      resourceId: string;
      amount: Decimal;
      unit: string;
      rate: Decimal;
      tags?: Record<string, string>;
      family: string;
      instanceType?: string;
      description: string;
      product?: Record<string, string>;
      marketplace?: boolean;
      hours?: number;
      type?: BillLineType;
    },
  ): BillLine => {
    const cost = o.amount.times(o.rate);
    const marketplace = o.marketplace === true;
    const line: BillLine = {
      start: t,
      end: t + (o.hours ?? 24) * 3_600_000,
      type: o.type ?? "Usage",
      account: o.account,
      productCode: o.productCode,
      billingEntity: marketplace ? "AWS Marketplace" : "AWS",
      legalEntity: marketplace ? "Anthropic, PBC" : "Amazon Web Services, Inc.",
      usageType: o.usageType,
      operation: o.operation,
      resourceId: o.resourceId,
      description: o.description,
      usageAmount: o.amount,
      unit: o.unit,
      rate: o.rate,
      unblended: cost,
      // EDP: AWS-billed charges only; Marketplace purchases are not discounted.
      netUnblended: marketplace ? cost : cost.times(NET),
      publicCost: cost,
      product: o.product ?? {},
      productFamily: o.family,
      serviceCode: o.productCode,
      instanceType: o.instanceType ?? "",
      tags: o.tags ?? {},
      taxType: "",
      pricingTerm: "OnDemand",
    };
    out.push(line);
    return line;
  };
  const sm = (instanceType: string, family: string) => ({
    product_name: "Amazon SageMaker",
    region: REGION,
    instance_type: instanceType,
    ...(family ? { component: family } : {}),
  });
  const platformTags = (endpoint: string, owner: string) =>
    curTags(owner, {
      user_shared_endpoint: endpoint,
      user_team: "ml-platform",
      aws_created_by: "AssumedRole:AROAEXAMPLEPLATFORM:smcb-deploy",
    });
  for (let d = 0; d < days; d++) {
    const t = start + d * DAY;
    const weekday = new Date(t).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    // shared-llm: two ml.g5.12xlarge on weekdays, one at weekends; every hour covered by the Savings Plan.
    const llmHours = D(weekend ? 24 : 48);
    const covered = usage(t, {
      account: ACCOUNTS.platform,
      productCode: "AmazonSageMaker",
      usageType: "USE1-Host:ml.g5.12xlarge",
      operation: "RunInstance",
      resourceId: sagemakerArn(ACCOUNTS.platform, "endpoint", "shared-llm"),
      amount: llmHours,
      unit: "Hrs",
      rate: D("7.09"),
      tags: platformTags("shared-llm", "platform"),
      family: "ML Instance",
      instanceType: "ml.g5.12xlarge",
      description: "$4.538 per hour for SageMaker Savings Plans in us-east-1 (ml.g5.12xlarge Hosting)",
      product: sm("ml.g5.12xlarge", "Hosting"),
      type: "SavingsPlanCoveredUsage",
    });
    const effective = llmHours.times(SAVINGS_PLAN.rate);
    const coveredLine: BillLine = {
      ...covered,
      pricingTerm: "OnDemand",
      sp: { effective, netEffective: effective.times(NET) },
    };
    out[out.length - 1] = coveredLine;
    // Its negation: grouped by plan, operation, usage type and AZ per time interval; no resource, no tags.
    out.push({
      ...covered,
      type: "SavingsPlanNegation",
      resourceId: "",
      tags: {},
      description: `SavingsPlanNegation used by AccountId : ${ACCOUNTS.platform.id} and UsageSku : ABCD1234EFGH5678`,
      unblended: covered.unblended.negated(),
      netUnblended: covered.netUnblended.negated(),
      publicCost: D(0),
      sp: {},
    });
    // The day's commitment (recurring fee): billed under MachineLearningSavingsPlans.
    const commitment = SAVINGS_PLAN.hourlyCommitment.times(24);
    out.push({
      start: t,
      end: t + DAY,
      type: "SavingsPlanRecurringFee",
      account: ACCOUNTS.platform,
      productCode: "MachineLearningSavingsPlans",
      billingEntity: "AWS",
      legalEntity: "Amazon Web Services, Inc.",
      usageType: "SageMakerSP:1yrNoUpfront",
      operation: "",
      resourceId: SAVINGS_PLAN.arn,
      description: "1 year No Upfront SageMaker Savings Plan: 9.076 USD per hour",
      usageAmount: D(24),
      unit: "Hrs",
      rate: SAVINGS_PLAN.hourlyCommitment,
      unblended: commitment,
      netUnblended: commitment.times(NET),
      publicCost: D(0),
      product: { product_name: "SageMaker Savings Plans", region: REGION },
      productFamily: "SageMaker Savings Plans",
      serviceCode: "MachineLearningSavingsPlans",
      instanceType: "",
      tags: {},
      taxType: "",
      pricingTerm: "Savings Plans",
      sp: {
        totalCommitment: commitment,
        usedCommitment: effective,
        recurring: commitment,
        netRecurring: commitment.times(NET),
      },
    });
    // The two other shared endpoints (ml-serving): on demand.
    usage(t, {
      account: ACCOUNTS.serving,
      productCode: "AmazonSageMaker",
      usageType: "USE1-Host:ml.g5.xlarge",
      operation: "RunInstance",
      resourceId: sagemakerArn(ACCOUNTS.serving, "endpoint", "shared-embeddings"),
      amount: D(24),
      unit: "Hrs",
      rate: D("1.408"),
      tags: platformTags("shared-embeddings", "platform"),
      family: "ML Instance",
      instanceType: "ml.g5.xlarge",
      description: "$1.408 per On Demand Hosting ml.g5.xlarge hour in US East (N. Virginia)",
      product: sm("ml.g5.xlarge", "Hosting"),
    });
    usage(t, {
      account: ACCOUNTS.serving,
      productCode: "AmazonSageMaker",
      usageType: "USE1-Host:ml.g5.2xlarge",
      operation: "RunInstance",
      resourceId: sagemakerArn(ACCOUNTS.serving, "endpoint", "shared-reranker"),
      amount: D(24),
      unit: "Hrs",
      rate: D("1.515"),
      tags: platformTags("shared-reranker", "retail"),
      family: "ML Instance",
      instanceType: "ml.g5.2xlarge",
      description: "$1.515 per On Demand Hosting ml.g5.2xlarge hour in US East (N. Virginia)",
      product: sm("ml.g5.2xlarge", "Hosting"),
    });
    // Dedicated endpoints (data-science), tagged per LOB.
    for (const [name, lob, type, count, rate, team] of [
      ["fraud-scoring", "payments", "ml.m5.xlarge", 2, "0.23", "fraud"],
      ["wealth-advisor", "wealth", "ml.g5.2xlarge", 1, "1.515", "advice"],
      ["claims-assist", "insurance", "ml.g5.xlarge", 1, "1.408", "claims"],
    ] as const) {
      usage(t, {
        account: ACCOUNTS.science,
        productCode: "AmazonSageMaker",
        usageType: `USE1-Host:${type}`,
        operation: "RunInstance",
        resourceId: sagemakerArn(ACCOUNTS.science, "endpoint", name),
        amount: D(24 * count),
        unit: "Hrs",
        rate: D(rate),
        tags: curTags(lob, { user_team: team, user_cost_center: `cc-${lob}` }),
        family: "ML Instance",
        instanceType: type,
        description: `$${rate} per On Demand Hosting ${type} hour in US East (N. Virginia)`,
        product: sm(type, "Hosting"),
      });
    }
    // Native Bedrock (Amazon Nova) through the LOBs' application inference profiles, and untagged calls.
    const bedrock = (
      usageType: string,
      resourceId: string,
      tokens: number,
      perMillion: string,
      tags: Record<string, string> | undefined,
      model: string,
    ) =>
      usage(t, {
        account: ACCOUNTS.platform,
        productCode: "AmazonBedrock",
        usageType,
        operation: "InvokeModelInference",
        resourceId,
        amount: D(tokens),
        unit: "tokens",
        rate: D(perMillion).div(1_000_000),
        tags,
        family: "Amazon Bedrock",
        description: `Amazon Bedrock ${model} ${usageType.endsWith("input-tokens") ? "input" : "output"} tokens`,
        product: { product_name: "Amazon Bedrock", region: REGION, model },
      });
    const bedrockTags = (lob: string) =>
      curTags(lob, { user_team: `${lob}-apps`, aws_created_by: "AssumedRole:AROAEXAMPLEAPPS:smcb-profiles" });
    bedrock(
      "USE1-NovaPro-input-tokens",
      PROFILES.wealth,
      900_000 + d * 7_000,
      "0.80",
      bedrockTags("wealth"),
      "Nova Pro",
    );
    bedrock(
      "USE1-NovaPro-output-tokens",
      PROFILES.wealth,
      240_000,
      "3.20",
      bedrockTags("wealth"),
      "Nova Pro",
    );
    bedrock(
      "USE1-NovaPro-input-tokens",
      PROFILES.marketing,
      1_500_000,
      "0.80",
      bedrockTags("marketing"),
      "Nova Pro",
    );
    bedrock(
      "USE1-NovaPro-output-tokens",
      PROFILES.marketing,
      520_000 + d * 3_000,
      "3.20",
      bedrockTags("marketing"),
      "Nova Pro",
    );
    if (d % 3 === 1) {
      bedrock("USE1-NovaLite-input-tokens", "", 4_000_000, "0.06", undefined, "Nova Lite");
      bedrock("USE1-NovaLite-output-tokens", "", 700_000, "0.24", undefined, "Nova Lite");
    }
    // Claude through AWS Marketplace: retail's application inference profile, and calls without a profile (untagged).
    const claude = (
      usageType: string,
      resourceId: string,
      tokens: number,
      perMillion: string,
      tags?: Record<string, string>,
    ) =>
      usage(t, {
        account: ACCOUNTS.platform,
        productCode: CLAUDE_PRODUCT_CODE,
        usageType,
        operation: "Usage",
        resourceId,
        amount: D(tokens),
        unit: "Units",
        rate: D(perMillion).div(1_000_000),
        tags,
        family: "",
        description: `${CLAUDE_PRODUCT_NAME} ${usageType.includes("Input") ? "input" : "output"} tokens`,
        product: { product_name: CLAUDE_PRODUCT_NAME, region: REGION },
        marketplace: true,
      });
    claude(
      "USE1-MP:USE1_InputTokenCount-Units",
      PROFILES.retail,
      2_100_000 + d * 13_000,
      "3",
      bedrockTags("retail"),
    );
    claude("USE1-MP:USE1_OutputTokenCount-Units", PROFILES.retail, 610_000, "15", bedrockTags("retail"));
    if (d % 4 === 2) {
      const model = `arn:aws:bedrock:${REGION}::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0`;
      claude("USE1-MP:USE1_InputTokenCount-Units", model, 350_000, "3");
      claude("USE1-MP:USE1_OutputTokenCount-Units", model, 90_000, "15");
    }
    // Out of scope: EC2, S3, CloudTrail, CloudWatch.
    usage(t, {
      account: ACCOUNTS.serving,
      productCode: "AmazonEC2",
      usageType: "BoxUsage:m5.large",
      operation: "RunInstances",
      resourceId: "i-0a1b2c3d4e5f60718",
      amount: D(72),
      unit: "Hrs",
      rate: D("0.096"),
      tags: curTags("platform", { user_name: "gateway-asg" }),
      family: "Compute Instance",
      instanceType: "m5.large",
      description: "$0.096 per On Demand Linux m5.large Instance Hour",
      product: { product_name: "Amazon Elastic Compute Cloud", region: REGION, instance_type: "m5.large" },
    });
    usage(t, {
      account: ACCOUNTS.platform,
      productCode: "AmazonS3",
      usageType: "TimedStorage-ByteHrs",
      operation: "StandardStorage",
      resourceId: "example-corp-model-artifacts",
      amount: D("27.42"), // ≈ 850 GB stored all month, a 31st of a GB-month a day
      unit: "GB-Mo",
      rate: D("0.023"),
      tags: curTags("platform"),
      family: "Storage",
      description: "$0.023 per GB - first 50 TB / month of storage used",
      product: { product_name: "Amazon Simple Storage Service", region: REGION },
    });
    usage(t, {
      account: ACCOUNTS.platform,
      productCode: "AWSCloudTrail",
      usageType: "USE1-PaidEventsRecorded",
      operation: "None",
      resourceId: "",
      amount: D(400_000 + d * 1_000),
      unit: "Events",
      rate: D("0.000002"),
      family: "Management Tools - AWS CloudTrail Paid Events Recorded",
      description: "0.00002 per 10 paid events recorded in US East (N. Virginia)",
      product: { product_name: "AWS CloudTrail", region: REGION },
    });
    usage(t, {
      account: ACCOUNTS.platform,
      productCode: "AmazonCloudWatch",
      usageType: "CW:MetricMonitorUsage",
      operation: "MetricStorage:AWS/SMChargeback",
      resourceId: "",
      amount: D("1.29"), // ≈ 40 custom metrics, a 31st of a metric-month a day
      unit: "Metrics",
      rate: D("0.30"),
      family: "Metric",
      description: "$0.30 per metric-month - first 10,000 metrics",
      product: { product_name: "AmazonCloudWatch", region: REGION },
    });
  }
  // Training, tuning and processing jobs (data-science), one line per job.
  const jobs: [number, string, string, string, number, string, Record<string, string>][] = [
    [
      3,
      "USE1-Train:ml.p3.2xlarge",
      "training-job",
      "retail-recs-2026-10-03",
      6.5,
      "3.825",
      curTags("retail"),
    ],
    [
      9,
      "USE1-Train:ml.p3.2xlarge",
      "training-job",
      "retail-recs-2026-10-09",
      7.25,
      "3.825",
      curTags("retail"),
    ],
    [12, "USE1-Train:ml.g5.12xlarge", "training-job", "claims-triage-ft", 11, "7.09", curTags("insurance")],
    [
      14,
      "USE1-Processing:ml.m5.4xlarge",
      "processing-job",
      "wealth-features-14",
      3.2,
      "0.922",
      curTags("wealth"),
    ],
    [17, "USE1-Processing:ml.m5.xlarge", "processing-job", "payments-etl-17", 5, "0.23", curTags("payments")],
    [
      21,
      "USE1-Train:ml.m5.4xlarge",
      "hyper-parameter-tuning-job",
      "churn-hpo-21",
      18,
      "0.922",
      curTags("marketing"),
    ],
    [24, "USE1-Processing:ml.m5.xlarge", "processing-job", "adhoc-notebook-export", 2, "0.23", {}], // untagged
    [26, "USE1-Train:ml.g5.2xlarge", "training-job", "research-probe", 4, "1.515", curTags("research")], // unknown LOB
  ];
  for (const [d, usageType, kind, name, hours, rate, tags] of jobs) {
    const type = usageType.split(":")[1] as string;
    usage(start + (d - 1) * DAY, {
      account: ACCOUNTS.science,
      productCode: "AmazonSageMaker",
      usageType,
      operation: kind === "processing-job" ? "RunProcessing" : "RunTrainingJob",
      resourceId: sagemakerArn(ACCOUNTS.science, kind, name),
      amount: D(hours),
      unit: "Hrs",
      rate: D(rate),
      tags: { ...tags, ...(Object.keys(tags).length > 0 ? { user_team: "data-science" } : {}) },
      family: "ML Instance",
      instanceType: type,
      description: `$${rate} per ${kind === "processing-job" ? "Processing" : "Training"} ${type} hour in US East (N. Virginia)`,
      product: sm(type, kind === "processing-job" ? "Processing" : "Training"),
    });
  }
  const oneOff = (
    t: number,
    type: BillLineType,
    account: Account,
    productCode: string,
    amount: Decimal,
    description: string,
  ): BillLine => ({
    start: t,
    end: t + DAY,
    type,
    account,
    productCode,
    billingEntity: "AWS",
    legalEntity: "Amazon Web Services, Inc.",
    usageType: "",
    operation: "",
    resourceId: "",
    description,
    usageAmount: D(0),
    unit: "",
    rate: null,
    unblended: amount,
    // Credits and refunds are not EDP-discounted: net = unblended.
    netUnblended: amount,
    publicCost: D(0),
    product: {
      product_name: productCode === "AmazonBedrock" ? "Amazon Bedrock" : "Amazon SageMaker",
      region: REGION,
    },
    productFamily: "",
    serviceCode: productCode,
    instanceType: "",
    tags: {},
    taxType: "",
    pricingTerm: "",
  });
  out.push(
    oneOff(
      start,
      "Credit",
      ACCOUNTS.platform,
      "AmazonBedrock",
      D("-100.00"),
      "AWS Credit: Bedrock adoption program (PC-1A2B3C4D)",
    ),
    oneOff(
      start + 19 * DAY,
      "Refund",
      ACCOUNTS.science,
      "AmazonSageMaker",
      D("-36.36"),
      "Refund for wealth-advisor endpoint hours during the 2026-10-07 service event",
    ),
  );
  return out;
}

/**
 * The example month's bill: {@link baseLines} plus one `EdpDiscount` line per AWS-billed product and day (5 % of its
 * usage and Savings Plan lines), and one `Tax` line per product for the month (6 % of its net charges; none on the
 * Marketplace product). Sorted by usage start, then product code (deterministic).
 */
export function exampleBill(month: string): BillLine[] {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const periodStart = Date.UTC(y, m - 1, 1);
  const periodEnd = Date.UTC(y, m, 1);
  const lines = baseLines(month);
  const edp = new Map<string, { line: BillLine; base: Decimal }>();
  for (const l of lines) {
    if (l.billingEntity !== "AWS" || l.type === "Credit" || l.type === "Refund") continue;
    const key = `${l.start}|${l.account.id}|${l.productCode}`;
    const e = edp.get(key);
    if (e) e.base = e.base.plus(l.unblended);
    else edp.set(key, { line: l, base: l.unblended });
  }
  const discounts: BillLine[] = [];
  for (const { line, base } of edp.values()) {
    if (base.isZero()) continue;
    const day = Math.floor(line.start / DAY) * DAY;
    discounts.push({
      ...line,
      start: day,
      end: day + DAY,
      type: "EdpDiscount",
      usageType: "",
      operation: "",
      resourceId: "",
      description: "Enterprise Program Discount",
      usageAmount: D(0),
      unit: "",
      rate: null,
      unblended: base.times(EDP_RATE).negated(),
      // The discount is already inside every other line's net columns; its own net amount is 0.
      netUnblended: D(0),
      publicCost: D(0),
      productFamily: "",
      instanceType: "",
      tags: {},
      pricingTerm: "",
      sp: undefined,
    });
  }
  const taxBase = new Map<string, { line: BillLine; base: Decimal }>();
  for (const l of lines) {
    if (l.billingEntity !== "AWS") continue; // Marketplace: no tax (decision: see the test's sources)
    const key = l.productCode;
    const e = taxBase.get(key);
    if (e) e.base = e.base.plus(l.netUnblended);
    else taxBase.set(key, { line: l, base: l.netUnblended });
  }
  const taxes: BillLine[] = [...taxBase.values()]
    .sort((a, b) => (a.line.productCode < b.line.productCode ? -1 : 1))
    .map(({ line, base }) => {
      const amount = base.times(TAX_RATE).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
      return {
        ...line,
        start: periodStart,
        end: periodEnd,
        type: "Tax" as const,
        account: ACCOUNTS.platform,
        usageType: "",
        operation: "",
        resourceId: "",
        description: `Tax for product code ${line.productCode}`,
        usageAmount: D(0),
        unit: "",
        rate: null,
        unblended: amount,
        netUnblended: amount,
        publicCost: D(0),
        productFamily: "",
        instanceType: "",
        tags: {},
        taxType: "USSalesTax",
        pricingTerm: "",
        sp: undefined,
      };
    });
  const order: Record<BillLineType, number> = {
    Usage: 0,
    SavingsPlanCoveredUsage: 1,
    SavingsPlanNegation: 2,
    SavingsPlanRecurringFee: 3,
    EdpDiscount: 4,
    Credit: 5,
    Refund: 6,
    Tax: 7,
  };
  return [...lines, ...discounts, ...taxes]
    .map((l, i) => ({ l, i }))
    .sort((a, b) => a.l.start - b.l.start || order[a.l.type] - order[b.l.type] || a.i - b.i)
    .map(({ l }) => l);
}

// ── CUR 2.0 ──────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * The columns of a CUR 2.0 export (all of the table's columns except the split-cost-allocation and `tags` ones, as
 * the default CUR 2.0 query of AWS's Cloud Intelligence Dashboards selects them), in AWS's order.
 */
export const CUR2_COLUMNS: readonly string[] = [
  "bill_bill_type",
  "bill_billing_entity",
  "bill_billing_period_end_date",
  "bill_billing_period_start_date",
  "bill_invoice_id",
  "bill_invoicing_entity",
  "bill_payer_account_id",
  "bill_payer_account_name",
  "cost_category",
  "discount",
  "discount_bundled_discount",
  "discount_total_discount",
  "identity_line_item_id",
  "identity_time_interval",
  "line_item_availability_zone",
  "line_item_blended_cost",
  "line_item_blended_rate",
  "line_item_currency_code",
  "line_item_legal_entity",
  "line_item_line_item_description",
  "line_item_line_item_type",
  "line_item_net_unblended_cost",
  "line_item_net_unblended_rate",
  "line_item_normalization_factor",
  "line_item_normalized_usage_amount",
  "line_item_operation",
  "line_item_product_code",
  "line_item_resource_id",
  "line_item_tax_type",
  "line_item_unblended_cost",
  "line_item_unblended_rate",
  "line_item_usage_account_id",
  "line_item_usage_account_name",
  "line_item_usage_amount",
  "line_item_usage_end_date",
  "line_item_usage_start_date",
  "line_item_usage_type",
  "pricing_currency",
  "pricing_lease_contract_length",
  "pricing_offering_class",
  "pricing_public_on_demand_cost",
  "pricing_public_on_demand_rate",
  "pricing_purchase_option",
  "pricing_rate_code",
  "pricing_rate_id",
  "pricing_term",
  "pricing_unit",
  "product",
  "product_comment",
  "product_fee_code",
  "product_fee_description",
  "product_from_location",
  "product_from_location_type",
  "product_from_region_code",
  "product_instance_family",
  "product_instance_type",
  "product_instancesku",
  "product_location",
  "product_location_type",
  "product_operation",
  "product_pricing_unit",
  "product_product_family",
  "product_region_code",
  "product_servicecode",
  "product_sku",
  "product_to_location",
  "product_to_location_type",
  "product_to_region_code",
  "product_usagetype",
  "reservation_amortized_upfront_cost_for_usage",
  "reservation_amortized_upfront_fee_for_billing_period",
  "reservation_availability_zone",
  "reservation_effective_cost",
  "reservation_end_time",
  "reservation_modification_status",
  "reservation_net_amortized_upfront_cost_for_usage",
  "reservation_net_amortized_upfront_fee_for_billing_period",
  "reservation_net_effective_cost",
  "reservation_net_recurring_fee_for_usage",
  "reservation_net_unused_amortized_upfront_fee_for_billing_period",
  "reservation_net_unused_recurring_fee",
  "reservation_net_upfront_value",
  "reservation_normalized_units_per_reservation",
  "reservation_number_of_reservations",
  "reservation_recurring_fee_for_usage",
  "reservation_reservation_a_r_n",
  "reservation_start_time",
  "reservation_subscription_id",
  "reservation_total_reserved_normalized_units",
  "reservation_total_reserved_units",
  "reservation_units_per_reservation",
  "reservation_unused_amortized_upfront_fee_for_billing_period",
  "reservation_unused_normalized_unit_quantity",
  "reservation_unused_quantity",
  "reservation_unused_recurring_fee",
  "reservation_upfront_value",
  "resource_tags",
  "savings_plan_amortized_upfront_commitment_for_billing_period",
  "savings_plan_end_time",
  "savings_plan_instance_type_family",
  "savings_plan_net_amortized_upfront_commitment_for_billing_period",
  "savings_plan_net_recurring_commitment_for_billing_period",
  "savings_plan_net_savings_plan_effective_cost",
  "savings_plan_offering_type",
  "savings_plan_payment_option",
  "savings_plan_purchase_term",
  "savings_plan_recurring_commitment_for_billing_period",
  "savings_plan_region",
  "savings_plan_savings_plan_a_r_n",
  "savings_plan_savings_plan_effective_cost",
  "savings_plan_savings_plan_rate",
  "savings_plan_start_time",
  "savings_plan_total_commitment_to_date",
  "savings_plan_used_commitment",
];

/**
 * The manifest type of a CUR 2.0 column (`string`, `double`, `timestamp` or `map`), by the rule AWS's CID uses for
 * CUR 2.0 (`cid/helpers/cur.py` `get_type_of_column`): `*_cost`, `*_factor`, `*_quantity`, `*_fee`, `*_amount`,
 * `*_discount`, `*_usage`, `*_usage_ratio` are double; `*_date` (not `*_to_date`) timestamp; the four map columns;
 * a list of special doubles; everything else (rates, `*_time`, ids) string.
 */
export function cur2ColumnType(name: string): "string" | "double" | "timestamp" | "map" {
  if (
    ["_cost", "_factor", "_quantity", "_fee", "_amount", "_discount", "_usage", "_usage_ratio"].some((e) =>
      name.endsWith(e),
    )
  )
    return "double";
  if (name.endsWith("_date") && !name.endsWith("_to_date")) return "timestamp";
  if (["cost_category", "discount", "product", "resource_tags", "tags"].includes(name)) return "map";
  const doubles = [
    "reservation_amortized_upfront_fee_for_billing_period",
    "reservation_unused_amortized_upfront_fee_for_billing_period",
    "reservation_upfront_value",
    "reservation_net_amortized_upfront_fee_for_billing_period",
    "reservation_net_unused_amortized_upfront_fee_for_billing_period",
    "reservation_net_upfront_value",
    "savings_plan_total_commitment_to_date",
    "savings_plan_savings_plan_rate",
    "savings_plan_used_commitment",
    "savings_plan_amortized_upfront_commitment_for_billing_period",
    "savings_plan_net_amortized_upfront_commitment_for_billing_period",
    "savings_plan_recurring_commitment_for_billing_period",
    "savings_plan_net_recurring_commitment_for_billing_period",
  ];
  return doubles.includes(name) ? "double" : "string";
}

const iso = (t: number) => new Date(t).toISOString();
const num = (d: Decimal | null | undefined) =>
  d === null || d === undefined ? "" : d.toDecimalPlaces(10).toString();

/** A deterministic, random-looking line item id (CUR's `identity_line_item_id` is opaque). */
function lineItemId(rand: () => number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let s = "";
  for (let i = 0; i < 52; i++) s += alphabet[Math.floor(rand() * 32)];
  return s;
}

/** One bill line as a CUR 2.0 row (every column of {@link CUR2_COLUMNS}; maps as JSON text, as in CSV exports). */
function curRow(l: BillLine, month: string, id: string): Record<string, string> {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const marketplace = l.billingEntity === "AWS Marketplace";
  const covered = l.type === "SavingsPlanCoveredUsage";
  const spLine = covered || l.type === "SavingsPlanNegation" || l.type === "SavingsPlanRecurringFee";
  const usageLike = l.type === "Usage" || covered || l.type === "SavingsPlanNegation";
  const r: Record<string, string> = Object.fromEntries(CUR2_COLUMNS.map((c) => [c, ""]));
  Object.assign(r, {
    bill_bill_type: "Anniversary",
    bill_billing_entity: l.billingEntity,
    bill_billing_period_end_date: iso(Date.UTC(y, m, 1)),
    bill_billing_period_start_date: iso(Date.UTC(y, m - 1, 1)),
    bill_invoice_id: marketplace ? MARKETPLACE_INVOICE : AWS_INVOICE,
    bill_invoicing_entity: "Amazon Web Services, Inc.",
    bill_payer_account_id: PAYER.id,
    bill_payer_account_name: PAYER.name,
    cost_category: "{}",
    discount: "{}",
    identity_line_item_id: id,
    identity_time_interval: `${iso(l.start)}/${iso(l.end)}`,
    line_item_availability_zone: "",
    line_item_blended_cost: num(l.unblended),
    line_item_blended_rate: num(l.rate),
    line_item_currency_code: "USD",
    line_item_legal_entity: l.legalEntity,
    line_item_line_item_description: l.description,
    line_item_line_item_type: l.type,
    line_item_net_unblended_cost: num(l.netUnblended),
    line_item_net_unblended_rate: l.rate === null ? "" : num(marketplace ? l.rate : l.rate.times(NET)),
    line_item_normalization_factor: usageLike && l.productCode === "AmazonEC2" ? "4" : "",
    line_item_normalized_usage_amount:
      usageLike && l.productCode === "AmazonEC2" ? num(l.usageAmount.times(4)) : "",
    line_item_operation: l.operation,
    line_item_product_code: l.productCode,
    line_item_resource_id: l.resourceId,
    line_item_tax_type: l.taxType,
    line_item_unblended_cost: num(l.unblended),
    line_item_unblended_rate: num(l.rate),
    line_item_usage_account_id: l.account.id,
    line_item_usage_account_name: l.account.name,
    line_item_usage_amount: num(l.usageAmount),
    line_item_usage_end_date: iso(l.end),
    line_item_usage_start_date: iso(l.start),
    line_item_usage_type: l.usageType,
    pricing_currency: "USD",
    pricing_public_on_demand_cost: num(l.publicCost),
    pricing_public_on_demand_rate: l.type === "Usage" || covered ? num(l.rate) : "",
    pricing_purchase_option: l.type === "SavingsPlanRecurringFee" ? "No Upfront" : "",
    pricing_lease_contract_length: l.type === "SavingsPlanRecurringFee" ? "1yr" : "",
    pricing_term: l.pricingTerm,
    pricing_unit: l.unit,
    product: JSON.stringify(l.product),
    product_fee_code: "",
    product_fee_description: "",
    product_from_location: "",
    product_instance_family: l.instanceType ? l.instanceType.split(".").slice(0, -1).join(".") || "" : "",
    product_instance_type: l.instanceType,
    product_location: marketplace || l.type === "Tax" ? "" : REGION_NAME,
    product_location_type: marketplace || l.type === "Tax" ? "" : "AWS Region",
    product_operation: l.operation,
    product_pricing_unit: l.unit,
    product_product_family: l.productFamily,
    product_region_code: marketplace || l.type === "Tax" ? "" : REGION,
    product_servicecode: l.serviceCode,
    product_usagetype: l.usageType,
    resource_tags: JSON.stringify(l.tags),
  });
  if (spLine) {
    const sp = l.sp ?? {};
    Object.assign(r, {
      savings_plan_savings_plan_a_r_n: SAVINGS_PLAN.arn,
      savings_plan_savings_plan_rate: covered ? num(SAVINGS_PLAN.rate) : "",
      savings_plan_savings_plan_effective_cost: num(sp.effective ?? D(0)),
      savings_plan_net_savings_plan_effective_cost: num(sp.netEffective ?? D(0)),
      savings_plan_total_commitment_to_date: num(sp.totalCommitment ?? D(0)),
      savings_plan_used_commitment: num(sp.usedCommitment ?? D(0)),
      savings_plan_recurring_commitment_for_billing_period: num(sp.recurring ?? D(0)),
      savings_plan_net_recurring_commitment_for_billing_period: num(sp.netRecurring ?? D(0)),
      savings_plan_amortized_upfront_commitment_for_billing_period: "0",
      savings_plan_net_amortized_upfront_commitment_for_billing_period: "0",
      savings_plan_start_time: SAVINGS_PLAN.start,
      savings_plan_end_time: SAVINGS_PLAN.end,
      savings_plan_offering_type: "SageMakerSavingsPlans",
      savings_plan_payment_option: "No Upfront",
      savings_plan_purchase_term: "1yr",
      savings_plan_region: REGION_NAME,
      savings_plan_instance_type_family: "",
    });
  }
  return r;
}

/** A file of an export: its path below the export folder and its bytes. */
export interface ExportFile {
  /** E.g. `data/BILLING_PERIOD=2026-10/smcb-cur2-00001.csv.gz`. */
  readonly path: string;
  readonly bytes: Buffer;
}

/** Where the example exports pretend to live in S3 (a made-up bucket). */
export const EXAMPLE_BUCKET = "example-corp-billing-exports";
/** The CUR 2.0 export's name. */
export const CUR_EXPORT_NAME = "smcb-cur2";
/** The FOCUS 1.2 export's name. */
export const FOCUS_EXPORT_NAME = "smcb-focus12";

/**
 * Gzip with fixed options and a fixed header: no name, modification time 0, OS "unknown" (255), so that the same
 * input gives the same bytes on every machine running the same zlib.
 */
export function gzipDeterministic(data: Buffer | string): Buffer {
  const out = gzipSync(typeof data === "string" ? Buffer.from(data, "utf8") : data, {
    level: 9,
    memLevel: 8,
    strategy: 0,
  });
  out.writeUInt32LE(0, 4); // MTIME
  out[9] = 255; // OS
  return out;
}

/** Splits rows into `chunks` files of nearly equal size, in order. */
function chunk<T>(rows: readonly T[], chunks: number): T[][] {
  const size = Math.ceil(rows.length / chunks);
  return Array.from({ length: chunks }, (_, i) => rows.slice(i * size, (i + 1) * size));
}

/** A deterministic UUID-shaped id. */
function uuid(rand: () => number): string {
  const h = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * An export as AWS Data Exports delivers it (overwrite mode): gzip CSV chunks `data/BILLING_PERIOD=YYYY-MM/<name>-0000N.csv.gz`
 * and `metadata/BILLING_PERIOD=YYYY-MM/<name>-Manifest.json` listing the columns (name, type) and the chunks as
 * `s3://` URIs.
 */
function exportFiles(
  name: string,
  prefix: string,
  month: string,
  columns: readonly (readonly [string, string])[],
  rows: readonly Record<string, string>[],
  chunks: number,
  seed: number,
): ExportFile[] {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const rand = prng(seed);
  const partition = `BILLING_PERIOD=${month}`;
  const header = columns.map(([c]) => c);
  const files: ExportFile[] = chunk(rows, chunks).map((part, i) => ({
    path: `data/${partition}/${name}-${String(i + 1).padStart(5, "0")}.csv.gz`,
    bytes: gzipDeterministic(stringify([header, ...part.map((r) => header.map((c) => r[c] ?? ""))])),
  }));
  const exportId = uuid(rand);
  const manifest = {
    executionId: uuid(rand),
    exportArn: `arn:aws:bcm-data-exports:us-east-1:${PAYER.id}:export/${name}-${exportId}`,
    columns: columns.map(([n, type]) => ({ name: n, type })),
    dataFiles: files.map((f) => `s3://${EXAMPLE_BUCKET}/${prefix}/${name}/${f.path}`),
    additionalOutputFiles: [],
    billingPeriod: { start: iso(Date.UTC(y, m - 1, 1)), end: iso(Date.UTC(y, m, 1)) },
  };
  files.push({
    path: `metadata/${partition}/${name}-Manifest.json`,
    bytes: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8"),
  });
  return files;
}

/** The example month as a CUR 2.0 export (3 gzip CSV chunks and the manifest). Same month → same bytes. */
export function exampleCurExport(month: string): ExportFile[] {
  const rand = prng(2026_10_01);
  const rows = exampleBill(month).map((l) => curRow(l, month, lineItemId(rand)));
  return exportFiles(
    CUR_EXPORT_NAME,
    "cur",
    month,
    CUR2_COLUMNS.map((c) => [c, cur2ColumnType(c)] as const),
    rows,
    3,
    11,
  );
}

// ── FOCUS 1.2 with AWS columns ───────────────────────────────────────────────────────────────────────────────────

/** The columns of "FOCUS 1.2 with AWS columns" (57 FOCUS columns, then x_Discounts, x_Operation, x_ServiceCode). */
export const FOCUS12_COLUMNS: readonly (readonly [string, string])[] = (
  [
    ["AvailabilityZone", "string"],
    ["BilledCost", "double"],
    ["BillingAccountId", "string"],
    ["BillingAccountName", "string"],
    ["BillingAccountType", "string"],
    ["BillingCurrency", "string"],
    ["BillingPeriodEnd", "timestamp"],
    ["BillingPeriodStart", "timestamp"],
    ["CapacityReservationId", "string"],
    ["CapacityReservationStatus", "string"],
    ["ChargeCategory", "string"],
    ["ChargeClass", "string"],
    ["ChargeDescription", "string"],
    ["ChargeFrequency", "string"],
    ["ChargePeriodEnd", "timestamp"],
    ["ChargePeriodStart", "timestamp"],
    ["CommitmentDiscountCategory", "string"],
    ["CommitmentDiscountId", "string"],
    ["CommitmentDiscountName", "string"],
    ["CommitmentDiscountQuantity", "double"],
    ["CommitmentDiscountStatus", "string"],
    ["CommitmentDiscountType", "string"],
    ["CommitmentDiscountUnit", "string"],
    ["ConsumedQuantity", "double"],
    ["ConsumedUnit", "string"],
    ["ContractedCost", "double"],
    ["ContractedUnitPrice", "double"],
    ["EffectiveCost", "double"],
    ["InvoiceId", "string"],
    ["InvoiceIssuerName", "string"],
    ["ListCost", "double"],
    ["ListUnitPrice", "double"],
    ["PricingCategory", "string"],
    ["PricingCurrency", "string"],
    ["PricingCurrencyContractedUnitPrice", "double"],
    ["PricingCurrencyEffectiveCost", "double"],
    ["PricingCurrencyListUnitPrice", "double"],
    ["PricingQuantity", "double"],
    ["PricingUnit", "string"],
    ["ProviderName", "string"],
    ["PublisherName", "string"],
    ["RegionId", "string"],
    ["RegionName", "string"],
    ["ResourceId", "string"],
    ["ResourceName", "string"],
    ["ResourceType", "string"],
    ["ServiceCategory", "string"],
    ["ServiceName", "string"],
    ["ServiceSubcategory", "string"],
    ["SkuId", "string"],
    ["SkuMeter", "string"],
    ["SkuPriceDetails", "map"],
    ["SkuPriceId", "string"],
    ["SubAccountId", "string"],
    ["SubAccountName", "string"],
    ["SubAccountType", "string"],
    ["Tags", "map"],
    ["x_Discounts", "map"],
    ["x_Operation", "string"],
    ["x_ServiceCode", "string"],
  ] as const
).map(([n, t]) => [n, t] as const);

const SERVICE_NAMES: Record<string, string> = {
  AmazonSageMaker: "Amazon SageMaker",
  MachineLearningSavingsPlans: "SageMaker Savings Plans",
  AmazonBedrock: "Amazon Bedrock",
  AmazonEC2: "Amazon Elastic Compute Cloud",
  AmazonS3: "Amazon Simple Storage Service",
  AWSCloudTrail: "AWS CloudTrail",
  AmazonCloudWatch: "AmazonCloudWatch",
  [CLAUDE_PRODUCT_CODE]: CLAUDE_PRODUCT_NAME,
};
const SERVICE_CATEGORIES: Record<string, string> = {
  AmazonEC2: "Compute",
  AmazonS3: "Storage",
  AWSCloudTrail: "Management and Governance",
  AmazonCloudWatch: "Management and Governance",
};

/**
 * One bill line as FOCUS rows, the way AWS maps CUR line types into FOCUS: usage → `Usage`; covered usage → `Usage`
 * with `CommitmentDiscountStatus = Used` (BilledCost 0, EffectiveCost the net plan rate); the negation → no row (FOCUS
 * has none); the recurring fee → a `Purchase` row (BilledCost the net fee, EffectiveCost 0) and, for its unused part,
 * a `Usage` row with `CommitmentDiscountStatus = Unused` (EffectiveCost the net unused commitment); EDP → no row (it
 * is inside every row's BilledCost/EffectiveCost, and shown in `x_Discounts`); credit → `Credit`; refund →
 * `Adjustment`; tax → `Tax`.
 */
function focusRows(l: BillLine, month: string): Record<string, string>[] {
  if (l.type === "SavingsPlanNegation" || l.type === "EdpDiscount") return [];
  const [y, m] = month.split("-").map(Number) as [number, number];
  const marketplace = l.billingEntity === "AWS Marketplace";
  const edp =
    marketplace || l.type === "Credit" || l.type === "Refund" || l.type === "Tax"
      ? D(0)
      : l.unblended.minus(l.netUnblended);
  const tags = Object.fromEntries(Object.entries(l.tags).map(([k, v]) => [originalTagKey(k), v]));
  const base: Record<string, string> = Object.fromEntries(FOCUS12_COLUMNS.map(([c]) => [c, ""]));
  const resourceName = l.resourceId.includes("/") ? (l.resourceId.split("/").at(-1) as string) : l.resourceId;
  Object.assign(base, {
    BillingAccountId: PAYER.id,
    BillingAccountName: PAYER.name,
    BillingAccountType: "Billing Account",
    BillingCurrency: "USD",
    BillingPeriodEnd: iso(Date.UTC(y, m, 1)),
    BillingPeriodStart: iso(Date.UTC(y, m - 1, 1)),
    ChargeDescription: l.description,
    ChargeFrequency:
      l.type === "Usage" || l.type === "SavingsPlanCoveredUsage"
        ? "Usage-Based"
        : l.type === "SavingsPlanRecurringFee"
          ? "Recurring"
          : "One-Time",
    ChargePeriodEnd: iso(l.end),
    ChargePeriodStart: iso(l.start),
    ConsumedQuantity: l.type === "Usage" || l.type === "SavingsPlanCoveredUsage" ? num(l.usageAmount) : "",
    ConsumedUnit: l.type === "Usage" || l.type === "SavingsPlanCoveredUsage" ? l.unit : "",
    InvoiceId: marketplace ? MARKETPLACE_INVOICE : AWS_INVOICE,
    InvoiceIssuerName: "Amazon Web Services, Inc.",
    ListCost: num(l.publicCost),
    ListUnitPrice: l.type === "Usage" || l.type === "SavingsPlanCoveredUsage" ? num(l.rate) : "",
    PricingCategory:
      l.type === "Usage" ? "Standard" : l.type === "SavingsPlanCoveredUsage" ? "Committed" : "",
    PricingCurrency: "USD",
    PricingQuantity: l.type === "Usage" || l.type === "SavingsPlanCoveredUsage" ? num(l.usageAmount) : "",
    PricingUnit: l.unit,
    ProviderName: "AWS",
    PublisherName: marketplace ? "Anthropic" : "AWS",
    RegionId: l.type === "Tax" ? "" : REGION,
    RegionName: l.type === "Tax" ? "" : REGION_NAME,
    ResourceId: l.resourceId,
    ResourceName: resourceName,
    ServiceCategory: SERVICE_CATEGORIES[l.productCode] ?? "AI and Machine Learning",
    ServiceName: SERVICE_NAMES[l.productCode] ?? l.productCode,
    SkuMeter: l.usageType,
    SubAccountId: l.account.id,
    SubAccountName: l.account.name,
    SubAccountType: "Linked Account",
    Tags: JSON.stringify(tags),
    x_Discounts: edp.isZero() ? "{}" : JSON.stringify({ EdpDiscount: num(edp.negated()) }),
    x_Operation: l.operation,
    x_ServiceCode: l.productCode,
  });
  const money = (billed: Decimal, effective: Decimal, contracted: Decimal) => ({
    BilledCost: num(billed),
    EffectiveCost: num(effective),
    PricingCurrencyEffectiveCost: num(effective),
    ContractedCost: num(contracted),
  });
  const commitment = {
    CommitmentDiscountId: SAVINGS_PLAN.arn,
    CommitmentDiscountName: "ml-platform SageMaker Savings Plan",
    CommitmentDiscountType: "Savings Plan",
    CommitmentDiscountCategory: "Spend",
    CommitmentDiscountUnit: "USD",
  };
  switch (l.type) {
    case "Usage":
      return [{ ...base, ChargeCategory: "Usage", ...money(l.netUnblended, l.netUnblended, l.netUnblended) }];
    case "SavingsPlanCoveredUsage": {
      const eff = l.sp?.netEffective ?? D(0);
      return [
        {
          ...base,
          ChargeCategory: "Usage",
          ...commitment,
          CommitmentDiscountStatus: "Used",
          CommitmentDiscountQuantity: num(l.sp?.effective ?? D(0)),
          // the EDP on the plan's hours is billed (and shown) on the fee row; covered and negation cancel out
          x_Discounts: "{}",
          ...money(D(0), eff, l.netUnblended),
        },
      ];
    }
    case "SavingsPlanRecurringFee": {
      const total = l.sp?.totalCommitment ?? D(0);
      const used = l.sp?.usedCommitment ?? D(0);
      const unused = total.minus(used);
      const rows: Record<string, string>[] = [
        {
          ...base,
          ChargeCategory: "Purchase",
          ...commitment,
          CommitmentDiscountQuantity: num(total),
          ...money(l.netUnblended, D(0), l.netUnblended),
        },
      ];
      if (unused.gt(0))
        rows.push({
          ...base,
          ChargeCategory: "Usage",
          ChargeFrequency: "Usage-Based",
          ChargeDescription: "Unused SageMaker Savings Plan commitment",
          ...commitment,
          CommitmentDiscountStatus: "Unused",
          CommitmentDiscountQuantity: num(unused),
          x_Discounts: "{}",
          ...money(D(0), unused.times(NET), D(0)),
        });
      return rows;
    }
    case "Credit":
      return [
        { ...base, ChargeCategory: "Credit", ...money(l.netUnblended, l.netUnblended, l.netUnblended) },
      ];
    case "Refund":
      return [
        { ...base, ChargeCategory: "Adjustment", ...money(l.netUnblended, l.netUnblended, l.netUnblended) },
      ];
    case "Tax":
      return [{ ...base, ChargeCategory: "Tax", ...money(l.netUnblended, l.netUnblended, l.netUnblended) }];
  }
}

/** The example month as a "FOCUS 1.2 with AWS columns" export (2 gzip CSV chunks and the manifest). */
export function exampleFocusExport(month: string): ExportFile[] {
  const rows = exampleBill(month).flatMap((l) => focusRows(l, month));
  return exportFiles(FOCUS_EXPORT_NAME, "focus", month, FOCUS12_COLUMNS, rows, 2, 12);
}

/** Writes both example exports below `dir` (`cur/smcb-cur2/…`, `focus/smcb-focus12/…`), replacing earlier copies. */
export async function writeExampleExports(dir: string, month: string): Promise<string[]> {
  const written: string[] = [];
  for (const [kind, name, files] of [
    ["cur", CUR_EXPORT_NAME, exampleCurExport(month)],
    ["focus", FOCUS_EXPORT_NAME, exampleFocusExport(month)],
  ] as const) {
    const root = path.join(dir, kind, name);
    await rm(root, { recursive: true, force: true });
    for (const f of files) {
      const p = path.join(root, f.path);
      await mkdir(path.dirname(p), { recursive: true });
      await writeFile(p, f.bytes);
      written.push(p);
    }
  }
  return written;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

const HELP = `Usage: tsx examples/generate.ts [--if-missing] [--cur] [--help]

Writes the example workspace's data, deterministically (same bytes every run):
  examples/usage/                        a month (2026-10) of about 200,000 usage events (not committed)
  examples/cur/smcb-cur2/                the month as a CUR 2.0 export: data/BILLING_PERIOD=2026-10/*.csv.gz + metadata
  examples/focus/smcb-focus12/           the same month as a "FOCUS 1.2 with AWS columns" export (committed)

Options:
  --if-missing   write the ledger only when examples/usage is absent (npm start); never touches the exports
  --cur          also rewrite both cost exports (CUR 2.0 and FOCUS 1.2)
  --help         print this help
`;

async function main(args: readonly string[]): Promise<void> {
  const known = new Set(["--if-missing", "--cur", "--help", "-h"]);
  const unknown = args.filter((a) => !known.has(a));
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown.join(" ")}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(HELP);
    return;
  }
  const usageDir = path.join(HERE, "usage");
  if (args.includes("--cur")) {
    const files = await writeExampleExports(HERE, "2026-10");
    process.stderr.write(`wrote ${files.length} export files under ${HERE}/cur and ${HERE}/focus\n`);
  }
  if (args.includes("--if-missing") && existsSync(usageDir)) return;
  const started = Date.now();
  await rm(usageDir, { recursive: true, force: true });
  const lines = await generateLedger({
    dir: usageDir,
    month: "2026-10",
    events: 200_000,
    traffic: EXAMPLE_TRAFFIC,
    bedrockShare: 0.05,
    duplicateShare: 0.002,
    malformed: 3,
    writersPerDay: 2,
    seed: 2026_10,
  });
  process.stderr.write(`generated ${lines} ledger lines in ${usageDir} (${Date.now() - started} ms)\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await main(process.argv.slice(2));
