/**
 * The start-up pattern of scripts/commands/index.ts: what `smcb --help` loads. Follows every static, non-type import
 * from the executable through the local modules and fails when one reaches a heavy dependency, which a command must
 * load inside its handler (`await import(...)`). The figures are in test/bench/startup.bench.ts.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../support/cli.js";

/** Packages only a handler may load. yargs (the parser) and node: built-ins are what `--help` needs. */
const HEAVY =
  /^(@aws-sdk\/|@smithy\/|aws-cdk-lib|constructs|cdk-nag|@duckdb\/|vega|vega-lite|@huggingface\/|js-tiktoken|zod|decimal\.js|csv-parse|csv-stringify|tsx)/;

const STATIC_IMPORT = /^(?:import|export)\s+(?!type\b)(?:[^;]*?\sfrom\s+)?"([^"]+)"/gms;

/** The static imports of a source file, `import type` excepted. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(STATIC_IMPORT)].map((m) => m[1] as string);
}

/** Every module the file loads before any handler runs, as a chain from the entry point for the message. */
function reach(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const chain = seen.get(file) as string[];
    for (const spec of staticImports(file)) {
      const target = spec.startsWith(".")
        ? path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts")
        : spec;
      if (seen.has(target)) continue;
      seen.set(target, [...chain, target]);
      if (spec.startsWith(".")) queue.push(target);
    }
  }
  return seen;
}

describe("smcb start-up: what every command module loads before its handler runs", () => {
  it("reaches no AWS SDK, CDK, DuckDB, vega, tokenizer or schema library from scripts/smcb.ts", () => {
    const reached = reach(path.join(ROOT, "scripts/smcb.ts"));
    const heavy = [...reached].filter(([m]) => HEAVY.test(m)).map(([, chain]) => chain.join(" → "));
    expect(heavy).toEqual([]);
    // The walk does follow the commands (it would pass vacuously otherwise).
    expect([...reached.keys()]).toContain(path.join(ROOT, "scripts/commands/chargeback.ts"));
    expect([...reached.keys()]).toContain("yargs");
  });

  it("catches a heavy static import (the check can fail)", () => {
    expect(
      staticImports(path.join(ROOT, "chargeback/run.ts")).some((m) => HEAVY.test(m) || m.startsWith(".")),
    ).toBe(true);
    expect(
      [...reach(path.join(ROOT, "chargeback/run.ts")).keys()].filter((m) => HEAVY.test(m)).length,
    ).toBeGreaterThan(0);
  });
});
