import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { TagPolicyError } from "../../../core/errors.js";
import {
  ConditionStep,
  equalTo,
  FailStep,
  greaterThan,
  greaterThanOrEqualTo,
  isIn,
  join,
  jsonGet,
  lessThan,
  lessThanOrEqualTo,
  lintDefinition,
  not,
  or,
  ParameterFloat,
  ParameterString,
  Pipeline,
  PipelineBuildError,
  ProcessingStep,
  propertyFile,
  RegisterModelStep,
  TrainingStep,
  TransformStep,
  TuningStep,
} from "../../../pipelines/index.js";
import { COLLECTION_MEMBERS } from "../../../pipelines/properties.js";

const POLICY = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] };
const json = (v: unknown) => JSON.parse(JSON.stringify(v));
const processing = (name: string, extra: object = {}) =>
  new ProcessingStep(name, {
    request: {
      AppSpecification: { ImageUri: "img" },
      RoleArn: "arn:aws:iam::111122223333:role/r",
      ProcessingResources: {
        ClusterConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1, VolumeSizeInGB: 30 },
      },
    },
    ...extra,
  });
const training = (
  name: string,
  extra: object = {},
  hyper: object = {},
  tags?: { Key: string; Value: string }[],
) =>
  new TrainingStep(name, {
    request: {
      ...(tags ? { Tags: tags } : {}),
      AlgorithmSpecification: { TrainingInputMode: "File", TrainingImage: "img" },
      RoleArn: "arn:aws:iam::111122223333:role/r",
      OutputDataConfig: { S3OutputPath: "s3://b/o" },
      ResourceConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      HyperParameters: { ...hyper },
    },
    ...extra,
  });
const buildError = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof PipelineBuildError) return e;
    throw e;
  }
  throw new Error("expected a PipelineBuildError");
};

describe("typed step properties", () => {
  it("render the SDK's property paths", () => {
    const p = processing("Prep");
    const t = training("Train");
    const tune = new TuningStep("Tune", {
      request: {
        HyperParameterTuningJobConfig: {
          Strategy: "Bayesian",
          ResourceLimits: { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 1 },
        },
        TrainingJobDefinition: {
          AlgorithmSpecification: { TrainingInputMode: "File", TrainingImage: "img" },
          RoleArn: "r",
          OutputDataConfig: { S3OutputPath: "s3://b" },
          StoppingCondition: { MaxRuntimeInSeconds: 1 },
        },
      },
    });
    expect(json(p.outputUri("train"))).toEqual({
      Get: "Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri",
    });
    expect(json(p.properties.ProcessingOutputConfig.Outputs.get(1).S3Output.S3Uri)).toEqual({
      Get: "Steps.Prep.ProcessingOutputConfig.Outputs[1].S3Output.S3Uri",
    });
    expect(json(t.modelArtifacts)).toEqual({ Get: "Steps.Train.ModelArtifacts.S3ModelArtifacts" });
    expect(json(t.properties.HyperParameters.get("eta"))).toEqual({
      Get: "Steps.Train.HyperParameters['eta']",
    });
    expect(json(t.properties.FinalMetricDataList.get("val:auc").Value)).toEqual({
      Get: "Steps.Train.FinalMetricDataList['val:auc'].Value",
    });
    expect(json(tune.bestTrainingJobName)).toEqual({ Get: "Steps.Tune.BestTrainingJob.TrainingJobName" });
    expect(json(tune.properties.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value)).toEqual({
      Get: "Steps.Tune.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value",
    });
    expect(json(tune.topModelS3Uri(1, "bkt"))).toEqual({
      "Std:Join": {
        On: "/",
        Values: [
          "s3:/",
          "bkt",
          { Get: "Steps.Tune.TrainingJobSummaries[1].TrainingJobName" },
          "output/model.tar.gz",
        ],
      },
    });
    // a property is never mistaken for a promise
    expect((t.properties as unknown as { then?: unknown }).then).toBeUndefined();
  });

  it("know which members are lists or maps, as botocore's SageMaker model says", () => {
    const script = `
import botocore, gzip, json, glob, os
d = os.path.join(os.path.dirname(botocore.__file__), "data", "sagemaker")
m = json.load(gzip.open(glob.glob(d + "/*/service-2.json.gz")[0]))
s = m["shapes"]; kinds = {}
def walk(shape, seen):
    if shape in seen: return
    seen.add(shape); x = s[shape]
    if x["type"] == "structure":
        for k, v in x["members"].items():
            kinds.setdefault(k, set()).add(s[v["shape"]]["type"]); walk(v["shape"], seen)
    elif x["type"] == "list": walk(x["member"]["shape"], seen)
    elif x["type"] == "map": walk(x["value"]["shape"], seen)
for op in ["DescribeProcessingJob","DescribeTrainingJob","DescribeHyperParameterTuningJob","DescribeTransformJob","DescribeModel","DescribeModelPackage","ListTrainingJobsForHyperParameterTuningJob","DescribeAutoMLJob"]:
    walk(m["operations"][op]["output"]["shape"], set())
print(json.dumps({k: sorted(v) for k, v in kinds.items()}))`;
    const kinds = JSON.parse(execFileSync("python3", ["-c", script], { encoding: "utf8" })) as Record<
      string,
      string[]
    >;
    const collections = Object.entries(kinds)
      .filter(([, t]) => t.includes("list") || t.includes("map"))
      .map(([k]) => k);
    for (const [k, t] of Object.entries(kinds))
      if (t.includes("list") || t.includes("map"))
        expect(t, `${k} is a collection in one place only`).toHaveLength(1);
    expect([...COLLECTION_MEMBERS].sort()).toEqual(collections.sort());
  });
});

describe("rendering", () => {
  it('hyperparameters are strings; non-string variables are wrapped in Std:Join on ""', () => {
    const lr = new ParameterFloat("LearningRate", { defaultValue: 0.1 });
    const mode = new ParameterString("Mode");
    const def = new Pipeline({
      name: "p",
      parameters: [lr, mode],
      steps: [training("T", {}, { lr, mode, depth: 6, name: "x", joined: join("-", ["a", mode]) })],
    }).definition();
    expect(json(def.Steps[0]?.Arguments?.HyperParameters)).toEqual({
      lr: { "Std:Join": { On: "", Values: [{ Get: "Parameters.LearningRate" }] } },
      mode: { Get: "Parameters.Mode" },
      depth: "6",
      name: "x",
      joined: { "Std:Join": { On: "-", Values: ["a", { Get: "Parameters.Mode" }] } },
    });
  });

  it("conditions, JsonGet, Fail, Transform, RegisterModel and multi-algorithm tuning", () => {
    const report = propertyFile("Eval", "evaluation", "evaluation.json");
    const evaluate = processing("Evaluate", { propertyFiles: [report] });
    const auc = jsonGet("Evaluate", report, "metrics.auc.value");
    const minAuc = new ParameterFloat("MinAuc", { defaultValue: 0.7 });
    const lob = new ParameterString("LineOfBusiness", { enumValues: ["retail", "wealth"] });
    const score = new TransformStep("Score", {
      request: {
        ModelName: "m",
        TransformInput: { DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: "s3://b/in" } } },
        TransformOutput: { S3OutputPath: "s3://b/out" },
        TransformResources: { InstanceType: "ml.m5.xlarge", InstanceCount: 1 },
      },
    });
    const register = new RegisterModelStep("Register", {
      request: { ModelPackageGroupName: "g", ModelApprovalStatus: "PendingManualApproval" },
    });
    const def = (tr: object) => ({
      AlgorithmSpecification: { TrainingInputMode: "File" as const, TrainingImage: "img" },
      RoleArn: "r",
      OutputDataConfig: { S3OutputPath: "s3://b" },
      StoppingCondition: { MaxRuntimeInSeconds: 1 },
      ...tr,
    });
    const multi = new TuningStep("Multi", {
      request: {
        HyperParameterTuningJobConfig: {
          Strategy: "Bayesian",
          ResourceLimits: { MaxNumberOfTrainingJobs: 4, MaxParallelTrainingJobs: 2 },
        },
        TrainingJobDefinitions: [
          def({ DefinitionName: "xgb", TuningObjective: { Type: "Maximize", MetricName: "auc" } }),
          def({ DefinitionName: "ll", TuningObjective: { Type: "Maximize", MetricName: "auc" } }),
        ],
      },
      dependsOn: ["Evaluate"],
    });
    const check = new ConditionStep("Check", {
      conditions: [
        greaterThanOrEqualTo(auc, minAuc),
        or(equalTo(lob, "retail"), not(isIn(lob, ["wealth"]))),
        greaterThan(1, 0),
        lessThan(0, 1),
        lessThanOrEqualTo(0, 0),
      ],
      ifSteps: [register, score],
      elseSteps: [new FailStep("TooLow", { errorMessage: join(" ", ["AUC below", minAuc]) })],
    });
    const d = json(
      new Pipeline({
        name: "p",
        parameters: [minAuc, lob],
        steps: [evaluate, multi, check],
        tagPolicy: POLICY,
      }).definition(),
    );
    const cond = d.Steps[2];
    expect(cond.Arguments.Conditions).toEqual([
      {
        Type: "GreaterThanOrEqualTo",
        LeftValue: {
          "Std:JsonGet": {
            PropertyFile: { Get: "Steps.Evaluate.PropertyFiles.Eval" },
            Path: "metrics.auc.value",
          },
        },
        RightValue: { Get: "Parameters.MinAuc" },
      },
      {
        Type: "Or",
        Conditions: [
          { Type: "Equals", LeftValue: { Get: "Parameters.LineOfBusiness" }, RightValue: "retail" },
          {
            Type: "Not",
            Expression: { Type: "In", QueryValue: { Get: "Parameters.LineOfBusiness" }, Values: ["wealth"] },
          },
        ],
      },
      { Type: "GreaterThan", LeftValue: 1, RightValue: 0 },
      { Type: "LessThan", LeftValue: 0, RightValue: 1 },
      { Type: "LessThanOrEqualTo", LeftValue: 0, RightValue: 0 },
    ]);
    expect(cond.Arguments.IfSteps.map((s: { Name: string }) => s.Name)).toEqual(["Register", "Score"]);
    expect(cond.Arguments.ElseSteps[0]).toEqual({
      Name: "TooLow",
      Type: "Fail",
      Arguments: {
        ErrorMessage: { "Std:Join": { On: " ", Values: ["AUC below", { Get: "Parameters.MinAuc" }] } },
      },
    });
    expect(d.Steps[0].PropertyFiles).toEqual([
      { PropertyFileName: "Eval", OutputName: "evaluation", FilePath: "evaluation.json" },
    ]);
    expect(
      d.Steps[1].Arguments.TrainingJobDefinitions.map((t: { DefinitionName: string }) => t.DefinitionName),
    ).toEqual(["xgb", "ll"]);
    // the declared LOB parameter is kept, not duplicated; every cost-bearing step (nested too) is tagged
    expect(d.Parameters.filter((p: { Name: string }) => p.Name === "LineOfBusiness")).toHaveLength(1);
    expect(cond.Arguments.IfSteps[1].Arguments.Tags).toEqual([
      { Key: "LineOfBusiness", Value: { Get: "Parameters.LineOfBusiness" } },
    ]);
    expect(cond.Arguments.IfSteps[0].Arguments.Tags).toBeUndefined(); // RegisterModel is not cost-bearing
    expect(lintDefinition(d, POLICY).ok).toBe(true);
  });

  it("a tuning step needs exactly one of TrainingJobDefinition(s)", () => {
    expect(
      () =>
        new TuningStep("T", {
          request: {
            HyperParameterTuningJobConfig: {
              Strategy: "Random",
              ResourceLimits: { MaxNumberOfTrainingJobs: 1, MaxParallelTrainingJobs: 1 },
            },
          },
        }),
    ).toThrow(PipelineBuildError);
  });
});

describe("LOB propagation", () => {
  it("adds the LOB parameter (EnumValues = lobs, no default) and the tag after static and own tags", () => {
    const p = processing("P");
    const t = training("T", {}, {}, [{ Key: "Team", Value: "ds" }]);
    const d = json(
      new Pipeline({
        name: "p",
        steps: [p, t],
        tagPolicy: POLICY,
        tags: [
          { Key: "Project", Value: "churn" },
          { Key: "Team", Value: "overridden" },
        ],
      }).definition(),
    );
    expect(d.Parameters).toEqual([
      { Name: "LineOfBusiness", Type: "String", EnumValues: ["retail", "wealth"] },
    ]);
    expect(d.Steps[0].Arguments.Tags).toEqual([
      { Key: "Project", Value: "churn" },
      { Key: "Team", Value: "overridden" },
      { Key: "LineOfBusiness", Value: { Get: "Parameters.LineOfBusiness" } },
    ]);
    expect(d.Steps[1].Arguments.Tags).toEqual([
      { Key: "Project", Value: "churn" },
      { Key: "Team", Value: "ds" },
      { Key: "LineOfBusiness", Value: { Get: "Parameters.LineOfBusiness" } },
    ]);
  });

  it("never more than 50 tags per step", () => {
    const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    expect(() =>
      new Pipeline({ name: "p", steps: [processing("P")], tagPolicy: POLICY, tags }).definition(),
    ).toThrow(TagPolicyError);
    const tooMany = [...tags, { Key: "k50", Value: "v" }];
    expect(() => new Pipeline({ name: "p", steps: [processing("P")], tags: tooMany }).definition()).toThrow(
      /51 tags; the limit is 50/,
    );
    expect(() =>
      new Pipeline({
        name: "p",
        steps: [processing("P")],
        tagPolicy: POLICY,
        tags: [{ Key: "LineOfBusiness", Value: "retail" }],
      }).definition(),
    ).toThrow(/clashes/);
  });
});

describe("build-time errors", () => {
  it("duplicate step names, top level or nested", () => {
    const e = buildError(() =>
      new Pipeline({
        name: "p",
        steps: [processing("A"), new ConditionStep("C", { conditions: [], ifSteps: [processing("A")] })],
      }).definition(),
    );
    expect(e.problem).toBe("duplicate-step");
    expect(e.exitCode).toBe(2);
  });
  it("duplicate parameter names", () => {
    const x = new ParameterString("X");
    expect(
      buildError(() => new Pipeline({ name: "p", parameters: [x, x], steps: [] }).definition()).problem,
    ).toBe("duplicate-parameter");
  });
  it("a parameter used but not declared", () => {
    const e = buildError(() =>
      new Pipeline({
        name: "p",
        steps: [training("T", {}, { mode: new ParameterString("Mode") })],
      }).definition(),
    );
    expect(e.problem).toBe("unknown-parameter");
    expect(e.message).toMatch(/step T uses parameter Mode/);
    const viaStaticTag = buildError(() =>
      new Pipeline({
        name: "p",
        steps: [processing("P")],
        tags: [{ Key: "Team", Value: new ParameterString("Team") }],
      }).definition(),
    );
    expect(viaStaticTag.problem).toBe("unknown-parameter");
  });
  it("unknown steps, in DependsOn or in a property reference, and unknown property files", () => {
    expect(
      buildError(() =>
        new Pipeline({ name: "p", steps: [processing("A", { dependsOn: ["Nope"] })] }).definition(),
      ).problem,
    ).toBe("unknown-step");
    const ghost = processing("Ghost");
    expect(
      buildError(() =>
        new Pipeline({ name: "p", steps: [training("T", {}, { x: ghost.outputUri("o") })] }).definition(),
      ).problem,
    ).toBe("unknown-step");
    const a = processing("A");
    expect(
      buildError(() =>
        new Pipeline({
          name: "p",
          steps: [a, training("T", {}, { x: jsonGet("A", "Missing", "$.x") })],
        }).definition(),
      ).problem,
    ).toBe("unknown-property-file");
  });
  it("cycles, including a condition that reads a step of its own branch", () => {
    const e = buildError(() =>
      new Pipeline({
        name: "p",
        steps: [processing("A", { dependsOn: ["B"] }), processing("B", { dependsOn: ["A"] })],
      }).definition(),
    );
    expect(e.problem).toBe("cycle");
    expect(e.message).toMatch(/A → B → A|B → A → B/);
    const inner = training("Inner");
    const e2 = buildError(() =>
      new Pipeline({
        name: "p",
        steps: [
          new ConditionStep("C", { conditions: [equalTo(inner.modelArtifacts, "x")], ifSteps: [inner] }),
        ],
      }).definition(),
    );
    expect(e2.problem).toBe("cycle");
  });
  it("invalid names and values", () => {
    expect(() => new Pipeline({ name: "bad name", steps: [] })).toThrow(PipelineBuildError);
    expect(() => processing("x".repeat(65))).toThrow(/1–64/);
    expect(() => new ParameterString("a.b")).toThrow(PipelineBuildError);
    expect(() => new ParameterString("L", { defaultValue: "z", enumValues: ["a"] })).toThrow(/not one of/);
  });
});
