import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configJsonSchema, loadConfig, parseConfig } from "../../../core/config.js";
import { ConfigError } from "../../../core/errors.js";
import { ROOT } from "../../support/cli.js";

describe("config", () => {
  it("loads the fixture, applies defaults and resolves paths against the file's folder", async () => {
    const cfg = await loadConfig(path.join(ROOT, "test/fixtures/smcb.config.json"));
    expect(cfg.tagKey).toBe("LineOfBusiness");
    expect(cfg.usage).toEqual({ type: "file", path: path.join(ROOT, "test/fixtures/usage") });
    expect(cfg.costs).toEqual({
      type: "cur",
      path: path.join(ROOT, "test/fixtures/costs/*.csv"),
      basis: "net-amortized",
      adjustments: {
        commitment: "central",
        discount: "central",
        credit: "central",
        refund: "central",
        tax: "central",
      },
      cacheDir: path.join(ROOT, "test/fixtures/.smcb/cache"),
    });
    expect(cfg.sharedEndpoints[0]).toMatchObject({
      idle: "proportional",
      tokenWeights: { input: 1, output: 3 },
    });
  });
  it("applies every default on a minimal file", () => {
    const cfg = parseConfig(
      { lobs: ["a"], sharedEndpoints: [{ name: "e", owner: "a" }] },
      "/x/smcb.config.json",
    );
    expect(cfg).toMatchObject({
      tagKey: "LineOfBusiness",
      usage: { type: "file", path: "/x/usage" },
      bedrock: { profiles: {} },
      sharedEndpoints: [{ tokenWeights: { input: 1, output: 1 }, reservations: {}, idle: "proportional" }],
    });
  });
  it("resolves a shared endpoint's tokenizer against the file's folder", () => {
    const cfg = parseConfig(
      {
        lobs: ["a"],
        sharedEndpoints: [
          { name: "llama", owner: "a", tokenizer: "models/llama/tokenizer.json" },
          { name: "other", owner: "a" },
        ],
      },
      "/x/smcb.config.json",
    );
    expect(cfg.sharedEndpoints.map((e) => e.tokenizer)).toEqual([
      "/x/models/llama/tokenizer.json",
      undefined,
    ]);
    expect(() =>
      parseConfig({ lobs: ["a"], sharedEndpoints: [{ name: "e", owner: "a", tokenizer: "" }] }),
    ).toThrow(/sharedEndpoints\[0\]\.tokenizer: /);
  });
  it("lists every problem at once as path: message", () => {
    const bad = {
      tagKey: "aws:lob",
      lobs: ["retail", "retail", "bad*lob"],
      usage: { type: "kafka" },
      sharedEndpoints: [
        { name: "shared_llm", owner: "finance", reservations: { retail: 0.7, ghost: 0.5 }, idle: "never" },
      ],
      bedrock: { profiles: { retail: "arn:aws:bedrock:us-east-1:1:foundation-model/x" } },
      extra: 1,
    };
    let err: ConfigError | undefined;
    try {
      parseConfig(bad, "/x/smcb.config.json");
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.exitCode).toBe(2);
    const problems = err?.problems ?? [];
    expect(problems).toEqual(
      expect.arrayContaining([
        'tagKey: tag key must not start with "aws:" (reserved for AWS)',
        "lobs[2]: tag value has characters outside letters, digits, spaces and _.:/=+-@",
        expect.stringMatching(/^usage\.type: /),
        expect.stringMatching(/^sharedEndpoints\[0\]\.name: must be a SageMaker endpoint name/),
        expect.stringMatching(/^sharedEndpoints\[0\]\.idle: /),
        expect.stringMatching(/^bedrock\.profiles\.retail: must be an application inference profile ARN/),
        expect.stringMatching(/^\(root\): Unrecognized key: "extra"/),
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(7);
  });
  it("checks cross-field rules: owner and reservations in lobs, reservations ≤ 1, duplicates", () => {
    expect(() =>
      parseConfig({
        lobs: ["a", "a", "b"],
        sharedEndpoints: [
          { name: "e", owner: "z", reservations: { a: 0.6, b: 0.5, q: 0 } },
          { name: "E", owner: "a" },
        ],
        bedrock: {
          profiles: { c: "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc" },
        },
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          'lobs[1]: duplicate LOB "a"',
          'sharedEndpoints[0].owner: "z" is not in lobs',
          'sharedEndpoints[0].reservations.q: "q" is not in lobs',
          "sharedEndpoints[0].reservations: reservations add up to 1.1; at most 1",
          'sharedEndpoints[1].name: duplicate shared endpoint "E"',
          'bedrock.profiles.c: "c" is not in lobs',
        ],
      }),
    );
  });
  it("costs: basis, adjustment policies (central, proportional or a LOB), export paths and the S3 cache", () => {
    const cfg = parseConfig(
      {
        lobs: ["retail", "platform"],
        costs: {
          type: "focus",
          path: "s3://billing/exports/focus",
          basis: "net-unblended",
          adjustments: { commitment: "platform", tax: "proportional" },
        },
      },
      "/ws/smcb.config.json",
    );
    expect(cfg.costs).toEqual({
      type: "focus",
      path: "s3://billing/exports/focus",
      basis: "net-unblended",
      adjustments: {
        commitment: "platform",
        discount: "central",
        credit: "central",
        refund: "central",
        tax: "proportional",
      },
      cacheDir: "/ws/.smcb/cache",
    });
    expect(() =>
      parseConfig({
        lobs: ["retail"],
        costs: { type: "cur", path: "cur", basis: "blended", adjustments: { credit: "wealth" } },
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          'costs.basis: Invalid option: expected one of "net-amortized"|"amortized"|"net-unblended"|"unblended"; did you mean "unblended"?',
          // issue 13: the structural error no longer hides the LOB error behind it
          'costs.adjustments.credit: "wealth" is not in lobs',
        ],
      }),
    );
    expect(() =>
      parseConfig({ lobs: ["retail"], costs: { type: "cost-explorer", adjustments: { credit: "wealth" } } }),
    ).toThrow(expect.objectContaining({ problems: ['costs.adjustments.credit: "wealth" is not in lobs'] }));
  });

  it("reports a missing file and invalid JSON as config errors", async () => {
    await expect(loadConfig("/nonexistent/smcb.config.json")).rejects.toThrow(/Cannot read configuration/);
    const dir = await mkdtemp(path.join(tmpdir(), "smcb-"));
    await writeFile(path.join(dir, "c.json"), "{ nope");
    await expect(loadConfig(path.join(dir, "c.json"))).rejects.toThrow(/not valid JSON/);
  });
  it("the committed JSON Schema is the one generated from the validator", async () => {
    const committed = JSON.parse(await readFile(path.join(ROOT, "smcb.config.schema.json"), "utf8"));
    expect(committed).toEqual(configJsonSchema());
  });
});
