/**
 * Hostile pipeline definitions (issue 13): `lint` and `tag` read JSON and never run a module they are given;
 * Condition steps nested 1,000 deep get a clear error instead of a stack overflow; a step with its LOB tag twice
 * (SageMaker rejects duplicate tag keys: CreatePipeline validates the tags of each step's request) is a finding,
 * and `tag` leaves one.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintDefinition, tagDefinition } from "../../../pipelines/index.js";
import { ROOT, runCli } from "../../support/cli.js";

const CONFIG = path.join(ROOT, "test/fixtures/smcb.config.json");
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "smcb-hostile-pipeline-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A definition whose Training step sits inside `depth` Condition steps (text built without recursion). */
function nested(depth: number): string {
  let s = '{"Name":"Train","Type":"Training","Arguments":{}}';
  for (let i = 0; i < depth; i++)
    s = `{"Name":"C${i}","Type":"Condition","Arguments":{"Conditions":[],"IfSteps":[${s}],"ElseSteps":[]}}`;
  return `{"Version":"2020-12-01","Parameters":[],"Steps":[${s}]}`;
}

describe("pipeline lint and tag never run code", () => {
  for (const ext of [".mjs", ".js", ".ts"])
    for (const command of ["lint", "tag"])
      it(`${command} refuses a ${ext} module without running it (exit 2)`, async () => {
        const marker = path.join(dir, `ran-${command}${ext.replace(".", "-")}`);
        const module = path.join(dir, `evil-${command}${ext}`);
        await writeFile(
          module,
          `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "ran");\nexport default { definition: () => ({ Steps: [] }), name: "x" };\n`,
        );
        const r = await runCli(["pipeline", command, module, "--config", CONFIG]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("never runs code");
        expect(r.stderr).toContain("smcb pipeline synth");
        expect(existsSync(marker)).toBe(false);
      });

  it("says in the help which commands run code", async () => {
    expect((await runCli(["pipeline", "lint", "--help"])).stdout).toContain("never runs a module");
    expect((await runCli(["pipeline", "synth", "--help"])).stdout).toContain("Runs the module's code");
  });
});

describe("deeply nested Condition steps", () => {
  for (const depth of [1000, 20000])
    for (const command of ["lint", "tag"])
      it(`${command}: ${depth} levels give a clear error (exit 2: a file the user named), not a crash`, async () => {
        const file = path.join(dir, `deep-${depth}.json`);
        await writeFile(file, nested(depth));
        const r = await runCli(["pipeline", command, file, "--config", CONFIG]);
        expect(r.stderr).not.toContain("unexpected error");
        expect(r.stderr).toContain("nests more than 300 levels");
        expect(r.code).toBe(2);
      });

  it("90 levels are still read (lint finds the untagged step inside)", () => {
    const r = lintDefinition(JSON.parse(nested(90)), { tagKey: "LineOfBusiness" });
    expect(r.findings.map((f) => f.step)).toEqual(["Train"]);
  });
});

describe("a step with two LOB tags", () => {
  const definition = {
    Version: "2020-12-01",
    Parameters: [{ Name: "LineOfBusiness", Type: "String" }],
    Steps: [
      {
        Name: "Train",
        Type: "Training",
        Arguments: {
          Tags: [
            { Key: "LineOfBusiness", Value: "retail" },
            { Key: "Team", Value: "ml" },
            { Key: "LineOfBusiness", Value: "wealth" },
          ],
        },
      },
    ],
  };
  const policy = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] };

  it("is a lint finding", () => {
    const r = lintDefinition(definition, policy);
    expect(r.ok).toBe(false);
    expect(r.findings[0]?.message).toContain("given 2 times; SageMaker rejects duplicate tag keys");
  });

  it("is left with one LOB tag by tag, which then lints clean", () => {
    const r = tagDefinition(definition, policy);
    const steps = r.definition.Steps as unknown as { Arguments: { Tags: { Key: string }[] } }[];
    const tags = steps[0]?.Arguments.Tags ?? [];
    expect(tags.filter((t) => t.Key === "LineOfBusiness")).toHaveLength(1);
    expect(tags.map((t) => t.Key)).toEqual(["LineOfBusiness", "Team"]);
    expect(lintDefinition(r.definition, policy).ok).toBe(true);
  });
});
