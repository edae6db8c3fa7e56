import { describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.js";

const CFG = ["--config", "test/fixtures/smcb.config.json"];

describe("smcb tags check", () => {
  it("exits 0 when all values are valid", async () => {
    const r = await runCli(["tags", "check", "retail", "wealth", ...CFG]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("ok       retail\nok       wealth\n");
  });
  it("exits 1 with one result per value and the reason, as JSON", async () => {
    const r = await runCli(["tags", "check", "retail", "Retail", "x".repeat(257), "a*b", ...CFG, "--json"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.valid).toBe(false);
    expect(doc.results.map((x: { valid: boolean }) => x.valid)).toEqual([true, false, false, false]);
    expect(doc.results[1].reason).toMatch(/did you mean "retail"/);
    expect(doc.results[2].reason).toMatch(/257 characters/);
  });
});

describe("smcb config validate", () => {
  it("exits 0 on a valid file", async () => {
    const r = await runCli(["config", "validate", ...CFG, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      valid: true,
      lobs: ["retail", "wealth", "insurance", "platform"],
    });
  });
  it("exits 2 when the file is missing, with a hint", async () => {
    const r = await runCli(["config", "validate", "--config", "nope.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Cannot read configuration .*nope\.json/);
    expect(r.stderr).toMatch(/hint: /);
  });
});

describe("usage errors", () => {
  it("an unknown command exits 2 with the usage", async () => {
    const r = await runCli(["bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown argument: bogus/);
    expect(r.stderr).toMatch(/smcb <command> \[options\]/);
  });
  it("an unknown flag exits 2; --json still gives one JSON document", async () => {
    const r = await runCli(["tags", "check", "retail", "--nope", "--json", ...CFG]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ exitCode: 2, message: expect.stringMatching(/nope/) });
  });
  it("no command exits 2", async () => {
    expect((await runCli([])).code).toBe(2);
  });
});
