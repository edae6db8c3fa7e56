/**
 * Utilization source: a local JSON Lines file of {@link UtilizationRecord}s (docs/utilization.md) — the same
 * figures CloudWatch and the SageMaker API give, written down, e.g. exported from another account or a notebook.
 */
import { readFile } from "node:fs/promises";
import * as z from "zod";
import { DataSourceError } from "../../core/index.js";
import type { MonthWindow } from "../engine/index.js";
import type { UtilizationRecord } from "../model.js";

const hour = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:00:00(\.000)?Z$/, "must be the start of an hour, YYYY-MM-DDTHH:00:00Z")
  .transform((h) => `${h.slice(0, 13)}:00:00Z`);
const count = z.number().min(0);
const recordSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("metric"),
    endpoint: z.string().min(1),
    variant: z.string().min(1),
    metric: z.enum(["GPUUtilization", "CPUUtilization"]),
    hour,
    sum: count,
    samples: count,
  }),
  z.strictObject({
    kind: z.literal("component"),
    endpoint: z.string().min(1),
    component: z.string().min(1),
    lob: z.string().min(1).nullable(),
    accelerators: count,
    cpuCores: count,
    memoryMb: count,
  }),
  z.strictObject({
    kind: z.literal("copies"),
    endpoint: z.string().min(1),
    component: z.string().min(1),
    hour,
    copies: count,
  }),
]);

/**
 * Reads the records of one endpoint (names compared case-insensitively) and month from a utilization file. Blank
 * lines are skipped; any other line that is not a valid record stops the run, naming the line.
 *
 * @example
 * ```ts
 * const records = await readUtilizationFile("utilization/shared-llm.jsonl", "shared-llm", monthWindow("2026-10"));
 * ```
 * @throws {@link core!DataSourceError | DataSourceError} when the file cannot be read or a line is not a record
 */
export async function readUtilizationFile(
  file: string,
  endpoint: string,
  window: MonthWindow,
): Promise<UtilizationRecord[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new DataSourceError(`Cannot read utilization file ${file}: ${(cause as Error).message}`, { cause });
  }
  const out: UtilizationRecord[] = [];
  const want = endpoint.toLowerCase();
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new DataSourceError(`Utilization file ${file}, line ${i + 1}: not JSON.`);
    }
    const r = recordSchema.safeParse(raw);
    if (!r.success)
      throw new DataSourceError(
        `Utilization file ${file}, line ${i + 1}: ${r.error.issues.map((x) => `${x.path.join(".") || "(line)"}: ${x.message}`).join("; ")}`,
      );
    const rec = r.data as UtilizationRecord;
    if (rec.endpoint.toLowerCase() !== want) return;
    if (rec.kind !== "component") {
      const t = Date.parse(rec.hour);
      if (t < window.start.getTime() || t >= window.end.getTime()) return;
    }
    out.push({ ...rec, endpoint });
  });
  return out;
}
