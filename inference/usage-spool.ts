/**
 * A local spool for usage data that could not be sent: whole files written atomically, claimed atomically by
 * exactly one recorder (rename), and removed once their records are sent or spilled again.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { readdir, readFile, rename, unlink } from "node:fs/promises";
import path from "node:path";

/** The default spool folder, relative to the working directory. */
export const DEFAULT_SPOOL_DIR = ".smcb-spool";

/** One claimed spool file. */
export interface SpoolBatch<T> {
  readonly file: string;
  readonly records: T[];
}

/** A folder of JSON Lines files holding records to send later. */
export class UsageSpool<T> {
  constructor(readonly dir: string) {}

  /** Writes records to a new spool file, synchronously (it may run while the process ends). */
  writeSync(records: readonly T[]): void {
    if (records.length === 0) return;
    mkdirSync(this.dir, { recursive: true });
    const base = `${Date.now()}-${process.pid}-${randomBytes(4).toString("hex")}`;
    const tmp = path.join(this.dir, `${base}.tmp`);
    writeFileSync(tmp, records.map((r) => `${JSON.stringify(r)}\n`).join(""));
    renameSync(tmp, path.join(this.dir, `${base}.jsonl`));
  }

  /** Claims every spool file (a file claimed by another recorder is skipped) and reads its records. */
  async claim(): Promise<SpoolBatch<T>[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: SpoolBatch<T>[] = [];
    const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
    for (const name of names.filter((n) => n.endsWith(".jsonl")).sort()) {
      const claimed = path.join(this.dir, `${name}.claimed-${tag}`);
      try {
        await rename(path.join(this.dir, name), claimed);
      } catch {
        continue; // another recorder took it first
      }
      const text = await readFile(claimed, "utf8");
      const records = text
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as T);
      out.push({ file: claimed, records });
    }
    return out;
  }

  /** Removes a claimed file whose records were all sent or spilled again. */
  async release(batch: SpoolBatch<T>): Promise<void> {
    await unlink(batch.file);
  }
}
