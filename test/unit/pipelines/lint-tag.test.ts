import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DataSourceError, TagPolicyError } from "../../../core/errors.js";
import { type JsonObject, lintDefinition, tagDefinition } from "../../../pipelines/index.js";

const POLICY = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth", "insurance", "platform"] };
const LOB_VALUE = { Get: "Parameters.LineOfBusiness" };
const LOB_TAG = { Key: "LineOfBusiness", Value: LOB_VALUE };
const FIXTURES = [
  "02-processing-tuning-createmodel.json",
  "05-sdk-unit-test-steps-processing-training-tuning.json",
] as const;
const fixture = (f: string): JsonObject =>
  JSON.parse(readFileSync(`test/fixtures/sdk-pipelines/${f}`, "utf8"));

const job = (name: string, type: string, tags?: unknown[]): JsonObject =>
  ({ Name: name, Type: type, Arguments: { RoleArn: "r", ...(tags ? { Tags: tags } : {}) } }) as JsonObject;
const condition = (name: string, ifSteps: JsonObject[], elseSteps: JsonObject[]): JsonObject => ({
  Name: name,
  Type: "Condition",
  Arguments: {
    Conditions: [{ Type: "Equals", LeftValue: 1, RightValue: 1 }],
    IfSteps: ifSteps,
    ElseSteps: elseSteps,
  },
});
const definition = (steps: JsonObject[], parameters: JsonObject[] = []): JsonObject => ({
  Version: "2020-12-01",
  Metadata: {},
  Parameters: parameters,
  Steps: steps,
});
const manyTags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: `v${i}` }));

/** Removes what tagDefinition adds, to compare the rest with the input. */
function untag(def: JsonObject): JsonObject {
  const copy = structuredClone(def) as { Parameters: JsonObject[]; Steps: JsonObject[] };
  copy.Parameters = copy.Parameters.filter((p) => p.Name !== "LineOfBusiness");
  const strip = (steps: JsonObject[]) => {
    for (const s of steps) {
      const args = s.Arguments as JsonObject & {
        Tags?: JsonObject[];
        IfSteps?: JsonObject[];
        ElseSteps?: JsonObject[];
      };
      if (args.Tags) {
        args.Tags = args.Tags.filter((t) => t.Key !== "LineOfBusiness");
        if (args.Tags.length === 0) delete args.Tags;
      }
      if (args.IfSteps) strip(args.IfSteps);
      if (args.ElseSteps) strip(args.ElseSteps);
    }
  };
  strip(copy.Steps);
  return copy as unknown as JsonObject;
}

describe("lintDefinition on the SDK fixtures", () => {
  it("finds every cost-bearing step without the LOB tag (Model steps are not cost-bearing)", () => {
    const a = lintDefinition(fixture(FIXTURES[0]), POLICY);
    expect(a.ok).toBe(false);
    expect(a.steps).toBe(3);
    expect(a.costBearingSteps).toBe(2);
    expect(a.findings.map((f) => [f.step, f.type, f.problem])).toEqual([
      ["Process", "Processing", "missing-tag"],
      ["HPTuning", "Tuning", "missing-tag"],
    ]);
    const b = lintDefinition(fixture(FIXTURES[1]), POLICY);
    expect(b.findings.map((f) => f.step)).toEqual(["MyProcessingStep", "MyTrainingStep", "MyTuningStep"]);
    expect(b.findings[1]?.path).toBe("Steps[1]");
  });
});

describe("tagDefinition on the SDK fixtures", () => {
  it.each(FIXTURES)("%s: adds the parameter and the tags, preserves the rest, is idempotent", (file) => {
    const input = fixture(file);
    const before = structuredClone(input);
    const r = tagDefinition(input, POLICY);
    expect(input).toEqual(before); // the input is not modified
    expect(r.parameterAdded).toBe(true);
    const def = r.definition as { Parameters: JsonObject[]; Steps: JsonObject[] };
    expect(def.Parameters.at(-1)).toEqual({
      Name: "LineOfBusiness",
      Type: "String",
      EnumValues: POLICY.lobs,
    });
    expect(lintDefinition(r.definition, POLICY)).toMatchObject({ ok: true, findings: [] });
    for (const s of def.Steps) {
      const tags = (s.Arguments as { Tags?: unknown[] }).Tags;
      if (s.Type === "Model") expect(tags).toBeUndefined();
      else expect(tags).toEqual([LOB_TAG]);
    }
    expect(untag(r.definition)).toEqual(before);
    const again = tagDefinition(r.definition, POLICY);
    expect(again.definition).toEqual(r.definition);
    expect(again.changes).toEqual([]);
    expect(again.parameterAdded).toBe(false);
    expect(JSON.stringify(again.definition)).toBe(JSON.stringify(r.definition));
  });
});

describe("edge cases", () => {
  it("tags steps nested in Condition branches, at any depth", () => {
    const def = definition([
      job("Prep", "Processing"),
      condition(
        "Outer",
        [job("Train", "Training"), job("Register", "RegisterModel")],
        [condition("Inner", [job("Score", "Transform")], [job("Stop", "Fail")])],
      ),
    ]);
    const lint = lintDefinition(def, POLICY);
    expect(lint.findings.map((f) => [f.step, f.branch, f.path])).toEqual([
      ["Prep", [], "Steps[0]"],
      ["Train", ["Outer:if"], "Steps[1].Arguments.IfSteps[0]"],
      ["Score", ["Outer:else", "Inner:if"], "Steps[1].Arguments.ElseSteps[0].Arguments.IfSteps[0]"],
    ]);
    const r = tagDefinition(def, POLICY);
    expect(r.changes.map((c) => c.step)).toEqual(["Prep", "Train", "Score"]);
    expect(lintDefinition(r.definition, POLICY).ok).toBe(true);
    expect(untag(r.definition)).toEqual(def);
  });

  it("keeps existing tags, accepts a literal LOB and another declared String parameter, replaces invalid values", () => {
    const def = definition(
      [
        job("Other", "Processing", [{ Key: "CostCenter", Value: "42" }]),
        job("Literal", "Training", [{ Key: "LineOfBusiness", Value: "wealth" }]),
        job("OtherParam", "Tuning", [{ Key: "LineOfBusiness", Value: { Get: "Parameters.Lob" } }]),
        job("BadLiteral", "Transform", [
          { Key: "LineOfBusiness", Value: "Retail" },
          { Key: "x", Value: "y" },
        ]),
        job("Undeclared", "Processing", [{ Key: "LineOfBusiness", Value: { Get: "Parameters.Nope" } }]),
        job("CaseVariant", "Processing", [{ Key: "lineofbusiness", Value: "retail" }]),
      ],
      [{ Name: "Lob", Type: "String" }],
    );
    const lint = lintDefinition(def, POLICY);
    expect(lint.findings.map((f) => [f.step, f.problem])).toEqual([
      ["Other", "missing-tag"],
      ["BadLiteral", "invalid-tag"],
      ["CaseVariant", "missing-tag"],
    ]);
    expect(lint.findings[1]?.message).toMatch(/did you mean "retail"/);
    // any {"Get": "Parameters.<p>"} passes (docs/contracts.md#command-line-and-exit-codes); an undeclared one is a warning
    expect(lint.warnings).toContainEqual(
      "step Undeclared: its LineOfBusiness tag uses parameter Nope, which is not declared",
    );
    const r = tagDefinition(def, POLICY);
    expect(r.changes).toEqual([
      { step: "Other", path: "Steps[0]", action: "added" },
      { step: "BadLiteral", path: "Steps[3]", action: "replaced", previous: "Retail" },
      { step: "CaseVariant", path: "Steps[5]", action: "added" },
    ]);
    const steps = (r.definition as { Steps: { Arguments: { Tags: unknown[] } }[] }).Steps;
    expect(steps[0]?.Arguments.Tags).toEqual([{ Key: "CostCenter", Value: "42" }, LOB_TAG]);
    expect(steps[1]?.Arguments.Tags).toEqual([{ Key: "LineOfBusiness", Value: "wealth" }]);
    expect(steps[2]?.Arguments.Tags).toEqual([{ Key: "LineOfBusiness", Value: { Get: "Parameters.Lob" } }]);
    expect(steps[3]?.Arguments.Tags).toEqual([LOB_TAG, { Key: "x", Value: "y" }]); // same position
    expect(lintDefinition(r.definition, POLICY).ok).toBe(true);
    expect(tagDefinition(r.definition, POLICY).definition).toEqual(r.definition);
  });

  it("keeps an existing String LOB parameter as it is and warns about its default", () => {
    const existing = {
      Name: "LineOfBusiness",
      Type: "String",
      DefaultValue: "retail",
      EnumValues: ["retail", "x"],
    };
    const def = definition([job("P", "Processing")], [existing]);
    const r = tagDefinition(def, POLICY);
    expect(r.parameterAdded).toBe(false);
    expect((r.definition as { Parameters: unknown[] }).Parameters).toEqual([existing]);
    expect(r.warnings.join("\n")).toMatch(/has a default/);
    expect(r.warnings.join("\n")).toMatch(/not LOBs: x/);
    expect(lintDefinition(r.definition, POLICY).warnings).toEqual(r.warnings);
  });

  it("refuses a non-String parameter named after the tag key", () => {
    const def = definition([job("P", "Processing")], [{ Name: "LineOfBusiness", Type: "Integer" }]);
    expect(() => tagDefinition(def, POLICY)).toThrow(TagPolicyError);
    expect(lintDefinition(def, POLICY).findings).toHaveLength(1);
  });

  it("a step at 49 tags takes the LOB tag as its 50th", () => {
    const def = definition([job("P", "Processing", manyTags(49))]);
    const r = tagDefinition(def, POLICY);
    const tags = (r.definition as { Steps: { Arguments: { Tags: unknown[] } }[] }).Steps[0]?.Arguments.Tags;
    expect(tags).toHaveLength(50);
    expect(tags?.at(-1)).toEqual(LOB_TAG);
  });

  it("a step already at 50 tags is a lint finding and a tag error that changes nothing", () => {
    const def = definition([job("Ok", "Training"), job("Full", "Processing", manyTags(50))]);
    const lint = lintDefinition(def, POLICY);
    expect(lint.findings.map((f) => [f.step, f.problem])).toEqual([
      ["Ok", "missing-tag"],
      ["Full", "tag-limit"],
    ]);
    expect(lint.findings[1]?.message).toMatch(/already has 50 tags/);
    const before = structuredClone(def);
    expect(() => tagDefinition(def, POLICY)).toThrow(/would exceed the limit of 50 tags on: Full/);
    expect(def).toEqual(before);
  });

  it("without an allowlist, any valid non-empty literal passes; the parameter has no EnumValues", () => {
    const def = definition([
      job("A", "Processing", [{ Key: "LineOfBusiness", Value: "anything" }]),
      job("B", "AutoML"),
    ]);
    const policy = { tagKey: "LineOfBusiness" };
    expect(lintDefinition(def, policy).findings.map((f) => f.step)).toEqual(["B"]);
    const r = tagDefinition(def, policy);
    expect((r.definition as { Parameters: unknown[] }).Parameters).toEqual([
      { Name: "LineOfBusiness", Type: "String" },
    ]);
  });

  it("covers every cost-bearing type of DESIGN §3.7 and only those", () => {
    const types = [
      "Processing",
      "Training",
      "Tuning",
      "Transform",
      "AutoML",
      "QualityCheck",
      "ClarifyCheck",
      "EndpointConfig",
      "Endpoint",
      "InferenceComponent",
    ];
    const others = ["Model", "RegisterModel", "Lambda", "Callback", "EMR", "Fail"];
    const def = definition([...types, ...others].map((t) => job(`S${t}`, t)));
    expect(lintDefinition(def, POLICY).findings.map((f) => f.type)).toEqual(types);
  });

  it("rejects what is not a definition", () => {
    expect(() => lintDefinition({ Version: "2020-12-01" }, POLICY)).toThrow(DataSourceError);
    expect(() => lintDefinition([], POLICY)).toThrow(DataSourceError);
    expect(() => tagDefinition(definition([job("P", "Processing", "x" as never)]), POLICY)).toThrow(
      /Tags is not a list/,
    );
    expect(() => tagDefinition(definition([]), { tagKey: "aws:lob" })).toThrow(TagPolicyError);
  });
});
