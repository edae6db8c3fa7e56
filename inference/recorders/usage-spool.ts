/**
 * A local spool for usage data that could not be sent: whole files written atomically, claimed atomically by
 * exactly one recorder (rename), and removed once their records are sent or spilled again.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { readdir, readFile, rename, stat, unlink, utimes } from "node:fs/promises";
import path from "node:path";

/** The default spool folder, relative to the working directory. */
export const DEFAULT_SPOOL_DIR = ".smcb-spool";

/** A claim older than this was left by a process that died while replaying: it is claimed again. */
export const STALE_CLAIM_MS = 15 * 60_000;

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

  /**
   * Claims every spool file and reads its records. A file claimed by another live recorder is skipped; a claim
   * older than {@link STALE_CLAIM_MS} (its recorder died) is taken over.
   */
  async claim(): Promise<SpoolBatch<T>[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: SpoolBatch<T>[] = [];
    const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
    const now = Date.now();
    const candidates: string[] = [];
    for (const n of names.sort()) {
      if (n.endsWith(".jsonl")) candidates.push(n);
      else if (n.includes(".jsonl.claimed-")) {
        const age = await stat(path.join(this.dir, n)).then(
          (s) => now - s.mtimeMs,
          () => 0,
        );
        if (age > STALE_CLAIM_MS) candidates.push(n);
      }
    }
    for (const name of candidates) {
      const claimed = path.join(this.dir, `${name.replace(/\.claimed-.*$/, "")}.claimed-${tag}`);
      try {
        await rename(path.join(this.dir, name), claimed);
        await utimes(claimed, new Date(), new Date()); // the claim's age starts now
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
