/**
 * The files of a file ledger (DESIGN §3.3): the raw JSON Lines the recorder writes, the Parquet files of compacted
 * days and their quarantine files, found by walking the folder (no glob, so a folder name may hold `*`, `?` or `[`).
 */
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";

/** Where compacted days go below the ledger folder: `compacted/year=YYYY/month=MM/day=DD/` (Hive form, as Athena projects). */
export const COMPACTED_DIR = "compacted";

/**
 * Where the quarantine files of compacted days go: `quarantine/year=YYYY/month=MM/day=DD/`, outside `compacted/`
 * (Athena reads every object below a table's location).
 */
export const QUARANTINE_DIR = "quarantine";

/** The ledger's files, each list in name order. Paths are absolute. */
export interface LedgerFiles {
  /** `*.jsonl` and `*.jsonl.gz` (gzip). */
  readonly raw: readonly string[];
  /** `*.parquet` of compacted days. */
  readonly compacted: readonly string[];
  /** `*.quarantine.jsonl`: the malformed lines of a compacted file (below {@link QUARANTINE_DIR}). */
  readonly quarantine: readonly string[];
  /** Symbolic links whose target does not exist (skipped). */
  readonly dangling: readonly string[];
}

/** What a ledger file name is; `undefined` for names the reader ignores (hidden `.…` or `_…`, other types). */
export function ledgerFileKind(name: string): "raw" | "compacted" | "quarantine" | undefined {
  if (name.startsWith(".") || name.startsWith("_")) return undefined;
  if (name.endsWith(".quarantine.jsonl")) return "quarantine";
  if (name.endsWith(".jsonl") || name.endsWith(".jsonl.gz")) return "raw";
  if (name.endsWith(".parquet")) return "compacted";
  return undefined;
}

/**
 * Lists a ledger folder: every file below it (symbolic links followed, each real folder once), by kind. Names
 * starting with `.` (temporary files of a compaction under way) or `_` are ignored, as Hive and Spark ignore them.
 */
export async function listLedgerFiles(root: string): Promise<LedgerFiles> {
  const out = {
    raw: [] as string[],
    compacted: [] as string[],
    quarantine: [] as string[],
    dangling: [] as string[],
  };
  const seen = new Set<string>();
  async function walk(dir: string): Promise<void> {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.name.startsWith(".")) continue;
      const full = path.join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const target = await stat(full).catch(() => undefined);
        if (target === undefined) {
          if (ledgerFileKind(e.name) !== undefined) out.dangling.push(full);
          continue;
        }
        isDir = target.isDirectory();
        isFile = target.isFile();
      }
      if (isDir) await walk(full);
      else if (isFile) {
        const kind = ledgerFileKind(e.name);
        if (kind) out[kind].push(full);
      }
    }
  }
  await walk(root);
  for (const list of Object.values(out)) list.sort();
  return out;
}

/**
 * The UTC day of a raw ledger file from its folder, `YYYY/MM/DD/<name>` as the recorder writes it (or
 * `year=YYYY/month=MM/day=DD/` as compacted and Firehose files are), as `YYYY-MM-DD`; `undefined` when the path
 * names no valid day.
 */
export function ledgerFileDay(file: string): string | undefined {
  const parts = path.dirname(file).split(path.sep).slice(-3);
  const [y, m, d] = parts.map((p) => p.replace(/^(year|month|day)=/, ""));
  if (!/^\d{4}$/.test(y ?? "") || !/^\d{2}$/.test(m ?? "") || !/^\d{2}$/.test(d ?? "")) return undefined;
  const day = `${y}-${m}-${d}`;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day) ? day : undefined;
}
