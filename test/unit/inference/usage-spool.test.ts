import { mkdtemp, readdir, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STALE_CLAIM_MS, UsageSpool } from "../../../inference/recorders/usage-spool.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-spool-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("UsageSpool", () => {
  it("gives each file to exactly one of several claimers", async () => {
    const writer = new UsageSpool<{ n: number }>(dir);
    for (let i = 0; i < 20; i++) writer.writeSync([{ n: i }, { n: i + 100 }]);
    const claims = await Promise.all([1, 2, 3].map(() => new UsageSpool<{ n: number }>(dir).claim()));
    const got = claims.flat().flatMap((b) => b.records.map((r) => r.n));
    expect(got.sort((a, b) => a - b)).toEqual(
      [...Array.from({ length: 20 }, (_, i) => i), ...Array.from({ length: 20 }, (_, i) => i + 100)].sort(
        (a, b) => a - b,
      ),
    );
    for (const b of claims.flat()) await writer.release(b);
    expect(await readdir(dir)).toEqual([]);
  });

  it("leaves a live claim alone and takes over a stale one", async () => {
    const s = new UsageSpool<number>(dir);
    s.writeSync([1, 2, 3]);
    const [first] = await s.claim();
    expect(await new UsageSpool<number>(dir).claim()).toEqual([]);
    const old = new Date(Date.now() - STALE_CLAIM_MS - 1000);
    await utimes(first?.file as string, old, old);
    const again = await new UsageSpool<number>(dir).claim();
    expect(again.map((b) => b.records)).toEqual([[1, 2, 3]]);
    await s.release(again[0] as never);
    expect(await readdir(dir)).toEqual([]);
  });
});
