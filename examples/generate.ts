/**
 * Deterministic generator of the example workspace's data: a month of usage events (the file ledger) and a
 * CUR 2.0 CSV export. The same seed always gives the same bytes.
 *
 *   tsx examples/generate.ts                 # the example ledger for 2026-10 (about 200,000 events)
 *   tsx examples/generate.ts --if-missing    # only when examples/usage is absent (npm start)
 *   tsx examples/generate.ts --cur           # also rewrite examples/costs/cur-2026-10.csv
 */
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "csv-stringify/sync";

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
          model_id: "anthropic.claude-3-5-sonnet-20240620-v1:0",
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

const ACCOUNT = "111122223333";
const arn = (kind: string, name: string) => `arn:aws:sagemaker:us-east-1:${ACCOUNT}:${kind}/${name}`;
const tags = (lob: string | undefined, key = "user_LineOfBusiness", extra: Record<string, string> = {}) =>
  JSON.stringify(lob === undefined ? extra : { [key]: lob, ...extra });

/** The example CUR 2.0 rows for a month (daily line items), as CSV text. */
export function exampleCurCsv(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const start = Date.UTC(y, m - 1, 1);
  const days = (Date.UTC(y, m, 1) - start) / 86_400_000;
  const rows: string[][] = [];
  const iso = (t: number) => new Date(t).toISOString();
  const money = (x: number) => x.toFixed(8);
  const add = (
    t: number,
    product: string,
    usageType: string,
    resource: string,
    amount: number,
    unit: string,
    rate: number,
    tagJson: string,
    hours = 24,
  ) =>
    rows.push([
      iso(Date.UTC(y, m - 1, 1)),
      iso(t),
      iso(t + hours * 3_600_000),
      product,
      usageType,
      product === "AmazonBedrock" ? "InvokeModel" : "RunInstance",
      resource,
      String(amount),
      unit,
      money(amount * rate),
      "USD",
      tagJson,
    ]);
  for (let d = 0; d < days; d++) {
    const t = start + d * 86_400_000;
    // shared endpoints (their own LOB tag names the owner; the engine ignores it)
    add(
      t,
      "AmazonSageMaker",
      "USE1-Host:ml.g5.12xlarge",
      arn("endpoint", "shared-llm"),
      48,
      "Hrs",
      7.09,
      tags("platform", "user_LineOfBusiness", { user_SharedEndpoint: "shared-llm" }),
    );
    add(
      t,
      "AmazonSageMaker",
      "USE1-Host:ml.g5.xlarge",
      arn("endpoint", "shared-embeddings"),
      24,
      "Hrs",
      1.408,
      tags("platform", "user_LineOfBusiness", { user_SharedEndpoint: "shared-embeddings" }),
    );
    add(
      t,
      "AmazonSageMaker",
      "USE1-Host:ml.g5.2xlarge",
      arn("endpoint", "shared-reranker"),
      24,
      "Hrs",
      1.515,
      tags("retail", "user_LineOfBusiness", { user_SharedEndpoint: "shared-reranker" }),
    );
    // dedicated endpoints
    add(
      t,
      "AmazonSageMaker",
      "USE1-Host:ml.m5.xlarge",
      arn("endpoint", "fraud-scoring"),
      48,
      "Hrs",
      0.23,
      tags("payments"),
    );
    add(
      t,
      "AmazonSageMaker",
      "USE1-Host:ml.g5.2xlarge",
      arn("endpoint", "wealth-advisor"),
      24,
      "Hrs",
      1.515,
      tags("wealth", "user_lineofbusiness"),
    );
    // Bedrock application inference profiles, tagged per LOB
    for (const [lob, id, inK, outK] of [
      ["retail", "retail01abcd", 2100 + d * 13, 610],
      ["wealth", "wealth01abcd", 900 + d * 7, 240],
      ["marketing", "mktg01abcdef", 1500, 520 + d * 3],
    ] as const) {
      const profile = `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/${id}`;
      add(
        t,
        "AmazonBedrock",
        "USE1-Claude3.5Sonnet-input-tokens",
        profile,
        inK,
        "1K tokens",
        0.003,
        tags(lob),
      );
      add(
        t,
        "AmazonBedrock",
        "USE1-Claude3.5Sonnet-output-tokens",
        profile,
        outK,
        "1K tokens",
        0.015,
        tags(lob),
      );
    }
    // storage of the shared endpoints' model artifacts goes out of scope (S3)
    add(
      t,
      "AmazonS3",
      "USE1-TimedStorage-ByteHrs",
      "sagemaker-models-111122223333",
      120,
      "GB-Mo",
      0.023 / 31,
      "{}",
    );
  }
  const day = (n: number) => start + (n - 1) * 86_400_000;
  // training, tuning and processing jobs (one line per job)
  const jobs: [number, string, string, string, number, number, string][] = [
    [3, "USE1-Train:ml.p3.2xlarge", "training-job", "retail-recs-2026-10-03", 6.5, 3.825, tags("retail")],
    [9, "USE1-Train:ml.p3.2xlarge", "training-job", "retail-recs-2026-10-09", 7.25, 3.825, tags("retail")],
    [12, "USE1-Train:ml.g5.12xlarge", "training-job", "claims-triage-ft", 11, 7.09, tags("insurance")],
    [14, "USE1-Processing:ml.m5.4xlarge", "processing-job", "wealth-features-14", 3.2, 0.922, tags("wealth")],
    [17, "USE1-Processing:ml.m5.xlarge", "processing-job", "payments-etl-17", 5, 0.23, tags("payments")],
    [
      21,
      "USE1-Train:ml.m5.4xlarge",
      "hyper-parameter-tuning-job",
      "churn-hpo-21",
      18,
      0.922,
      tags("marketing"),
    ],
    [24, "USE1-Processing:ml.m5.xlarge", "processing-job", "adhoc-notebook-export", 2, 0.23, "{}"], // untagged
    [26, "USE1-Train:ml.g5.2xlarge", "training-job", "research-probe", 4, 1.515, tags("research")], // unknown LOB
  ];
  for (const [d, usageType, kind, name, hours, rate, t] of jobs)
    add(day(d), "AmazonSageMaker", usageType, arn(kind, name), hours, "Hrs", rate, t, 0);
  // an on-demand Bedrock call outside any profile: untagged
  add(day(27), "AmazonBedrock", "USE1-Claude3Haiku-input-tokens", "", 5200, "1K tokens", 0.00025, "{}");
  // a late line of the previous month: outside the window
  add(
    start - 86_400_000,
    "AmazonSageMaker",
    "USE1-Host:ml.g5.12xlarge",
    arn("endpoint", "shared-llm"),
    48,
    "Hrs",
    7.09,
    tags("platform"),
  );
  const header = [
    "bill_billing_period_start_date",
    "line_item_usage_start_date",
    "line_item_usage_end_date",
    "line_item_product_code",
    "line_item_usage_type",
    "line_item_operation",
    "line_item_resource_id",
    "line_item_usage_amount",
    "pricing_unit",
    "line_item_unblended_cost",
    "line_item_currency_code",
    "resource_tags",
  ];
  return stringify([header, ...rows]);
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

async function main(args: readonly string[]): Promise<void> {
  const usageDir = path.join(HERE, "usage");
  if (args.includes("--cur")) {
    await mkdir(path.join(HERE, "costs"), { recursive: true });
    await writeFile(path.join(HERE, "costs", "cur-2026-10.csv"), exampleCurCsv("2026-10"));
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
