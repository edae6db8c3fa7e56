/**
 * The file store answers key lookups from its last snapshot while the state file is unchanged (one `stat` instead
 * of a read and a parse per request); any change by any process — another store instance here, as another
 * `smcb gateway serve` or `smcb gateway keys revoke` would — is seen by the very next lookup.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FileGatewayStore } from "../../../gateway/file-store.js";
import { newKey } from "../../../gateway/keys.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const storeDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), "smcb-fstore-"));
  dirs.push(d);
  return path.join(d, "store");
};

describe("FileGatewayStore snapshot of reads", () => {
  it("sees a key revoked by another process at the next lookup", async () => {
    const dir = storeDir();
    const serving = new FileGatewayStore({ path: dir });
    const cli = new FileGatewayStore({ path: dir });
    const { record } = newKey("fraud-team", "payments");
    await serving.putKey(record);
    expect((await serving.findKey(record.hash))?.revokedAt).toBeUndefined();
    expect(await cli.revokeKey(record.keyId, new Date("2026-12-05T00:00:00Z"))).toBe(true);
    expect((await serving.findKey(record.hash))?.revokedAt).toBe("2026-12-05T00:00:00.000Z");
  });

  it("sees a key added by another process at the next lookup", async () => {
    const dir = storeDir();
    const serving = new FileGatewayStore({ path: dir });
    const { record } = newKey("fraud-team", "payments");
    expect(await serving.findKey(record.hash)).toBeUndefined();
    await new FileGatewayStore({ path: dir }).putKey(record);
    expect((await serving.findKey(record.hash))?.tenant).toBe("fraud-team");
  });
});
