/**
 * Each shared contract has one home in `core/` (issue 14): the usage event, the CloudWatch usage metrics, the usage
 * lake's names. This test fails when a copy of one appears again in a source folder, and checks that each home still
 * holds what it guards (so a pattern that no longer matches anything cannot pass silently).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { OTHER_EVENT_FIELDS } from "../../../chargeback/sources/file-ledger.js";
import { USAGE_EVENT_COLUMNS, USAGE_EVENT_FIELDS, usageEventSchema } from "../../../core/index.js";

/**
 * The source folders. Tests and examples (`examples/`, `pipelines/examples/`) may spell a contract's values out:
 * they check or show them.
 */
const SOURCE_FOLDERS = [
  "core",
  "pipelines",
  "inference",
  "chargeback",
  "infra",
  "audit",
  "scripts",
  "gateway",
];

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return; // a folder not in this checkout (e.g. gateway/ before it lands)
    }
    for (const n of names) {
      const p = path.posix.join(dir, n);
      if (p === "pipelines/examples") continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".ts")) out.push(p);
    }
  };
  for (const f of SOURCE_FOLDERS) walk(f);
  return out;
}

/** The code of a file without its comments (TSDoc `@default` values may name a contract's value). */
function code(file: string): string {
  return readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:])\/\/.*$/gm, "$1");
}

const RULES: readonly { what: string; pattern: RegExp; homes: readonly string[] }[] = [
  {
    what: "the usage event's fields as a schema or a column list",
    pattern:
      /\binput_tokens\s*:\s*(z\.|count\b|["'](DOUBLE|BIGINT|bigint|int|VARCHAR)["'])|name:\s*["']input_tokens["']/,
    homes: ["core/usage-event.ts"],
  },
  { what: "the metric namespace", pattern: /["'`]SMChargeback["'`]/, homes: ["core/usage-metrics.ts"] },
  {
    what: "a usage metric or dimension name",
    pattern: /["'`](InputTokens|OutputTokens|InferenceProfileId)["'`]/, // InferenceComponentName is AWS's too
    homes: ["core/usage-metrics.ts"],
  },
  {
    what: "the LOB tag key / dimension",
    pattern: /["'`]LineOfBusiness["'`]/,
    homes: ["core/tags.ts", "core/usage-metrics.ts"],
  },
  {
    what: "a usage lake default name",
    pattern: /["'`](usage_events|smcb-usage)["'`]/,
    homes: ["core/usage-lake.ts"],
  },
  {
    what: "a usage lake name rule",
    pattern: /\[a-z0-9_\]\{1,255\}|\[a-zA-Z0-9_\.-\]\{1,64\}|\[a-zA-Z0-9\._-\]\{1,128\}/,
    homes: ["core/usage-lake.ts"],
  },
];

describe("one home per contract", () => {
  const files = sourceFiles();

  it.each(RULES)("$what is written only in its home", ({ pattern, homes }) => {
    const copies = files.filter((f) => !homes.includes(f) && pattern.test(code(f)));
    expect(copies).toEqual([]);
    for (const home of homes) expect(pattern.test(code(home)), home).toBe(true);
  });

  it("the zod schema, the Glue columns and the compacted ledger's columns derive from the one field list", () => {
    const names = Object.keys(USAGE_EVENT_FIELDS);
    expect(Object.keys(usageEventSchema.shape)).toEqual(names);
    expect(USAGE_EVENT_COLUMNS.map((c) => c.name)).toEqual(names);
    expect(OTHER_EVENT_FIELDS).toMatchObject({
      cache_read_tokens: "BIGINT",
      latency_ms: "DOUBLE",
      tenant: "VARCHAR",
    });
    expect(Object.keys(OTHER_EVENT_FIELDS)).toEqual(
      names.filter(
        (n) => !["v", "id", "ts", "lob", "kind", "endpoint", "input_tokens", "output_tokens"].includes(n),
      ),
    );
  });
});
