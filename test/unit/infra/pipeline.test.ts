import { readFileSync } from "node:fs";
import { App, Stack, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as iam from "aws-cdk-lib/aws-iam";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { TaggedPipeline } from "../../../infra/index.js";
import { pipeline as churn } from "../../../pipelines/examples/churn.js";
import { type PipelineDefinition, tagDefinition } from "../../../pipelines/index.js";

const POLICY = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth", "insurance", "platform"] };
const JOB_ROLE = "arn:aws:iam::111122223333:role/SageMakerChurnJobs";

describe("TaggedPipeline with a generated role, under cdk-nag AwsSolutionsChecks", () => {
  let template: Template;
  let app: App;

  beforeAll(() => {
    app = new App();
    const stack = new Stack(app, "ChurnStack");
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new TaggedPipeline(stack, "Churn", {
      pipeline: churn,
      tagPolicy: POLICY,
      ownerLob: "platform",
      tags: { Team: "ds" },
      description: "Churn model",
    });
    template = Template.fromStack(stack);
  }, 60_000);

  it("synthesizes with zero unacknowledged cdk-nag findings", { timeout: 60_000 }, () => {
    // Synthesis fails (throws) when a validation plugin reports an unacknowledged finding.
    expect(() => app.synth()).not.toThrow();
  });

  it("deploys the built definition, tagged, with the generated role", () => {
    template.resourceCountIs("AWS::SageMaker::Pipeline", 1);
    template.hasResourceProperties("AWS::SageMaker::Pipeline", {
      PipelineName: "churn",
      PipelineDescription: "Churn model",
      RoleArn: { "Fn::GetAtt": [Match.stringLikeRegexp("^ChurnRole"), "Arn"] },
      Tags: Match.arrayWith([
        { Key: "LineOfBusiness", Value: "platform" },
        { Key: "Team", Value: "ds" },
      ]),
    });
    const [resource] = Object.values(template.findResources("AWS::SageMaker::Pipeline"));
    const body = (resource as { Properties: { PipelineDefinition: { PipelineDefinitionBody: string } } })
      .Properties.PipelineDefinition.PipelineDefinitionBody;
    expect(JSON.parse(body)).toEqual(JSON.parse(JSON.stringify(churn.definition())));
  });

  it("least privilege: job creation only with a valid LOB tag, PassRole only for the jobs' role, no '*'", () => {
    const policies = template.findResources("AWS::IAM::Policy");
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties
          .PolicyDocument.Statement,
    );
    const create = statements.filter((s) =>
      JSON.stringify(s.Action).match(/sagemaker:Create(Processing|Training|HyperParameterTuning)Job/),
    );
    expect(create).toHaveLength(3);
    for (const s of create)
      expect(s.Condition).toEqual({ StringEquals: { "aws:RequestTag/LineOfBusiness": POLICY.lobs } });
    expect(statements.some((s) => JSON.stringify(s.Action).includes("CreateTransformJob"))).toBe(false);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: "iam:PassRole",
        Resource: JOB_ROLE,
        Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
      }),
    );
    for (const s of statements) {
      expect(s.Resource).not.toBe("*");
      expect(JSON.stringify(s.Action)).not.toMatch(/\*/);
    }
    template.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: "sagemaker.amazonaws.com" } })],
      },
    });
  });
});

describe("the cdk-nag check itself", () => {
  it("fails synthesis on an unacknowledged finding (so the check above can fail)", {
    timeout: 60_000,
  }, () => {
    const app = new App();
    const stack = new Stack(app, "Bad");
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const p = new TaggedPipeline(stack, "Churn", { pipeline: churn, tagPolicy: POLICY });
    (p.role as iam.Role).addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["sagemaker:CreateEndpoint"],
        resources: ["arn:aws:sagemaker:*:*:endpoint/*"],
      }),
    );
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::arn:aws:sagemaker:\*:\*:endpoint\/\*\]/);
  });
});

describe("TaggedPipeline inputs", () => {
  const sdk = (f: string) => JSON.parse(readFileSync(`test/fixtures/sdk-pipelines/${f}`, "utf8"));

  it("takes a given role and a bare (retro-tagged) definition", () => {
    const stack = new Stack(new App(), "S");
    const role = iam.Role.fromRoleArn(stack, "Given", "arn:aws:iam::111122223333:role/Existing");
    const definition = tagDefinition(sdk("02-processing-tuning-createmodel.json"), POLICY)
      .definition as unknown as PipelineDefinition;
    new TaggedPipeline(stack, "Abalone", {
      pipeline: definition,
      pipelineName: "abalone",
      role,
      tagPolicy: POLICY,
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs("AWS::IAM::Role", 0);
    t.hasResourceProperties("AWS::SageMaker::Pipeline", {
      PipelineName: "abalone",
      RoleArn: "arn:aws:iam::111122223333:role/Existing",
    });
  });

  it("refuses untagged definitions, bad owner LOBs, unnamed definitions and unknown property-file buckets", () => {
    const stack = new Stack(new App(), "S");
    const untagged = sdk("02-processing-tuning-createmodel.json");
    expect(
      () => new TaggedPipeline(stack, "A", { pipeline: untagged, pipelineName: "a", tagPolicy: POLICY }),
    ).toThrow(/lack the LineOfBusiness tag: Process/);
    expect(
      () => new TaggedPipeline(stack, "B", { pipeline: churn, tagPolicy: POLICY, ownerLob: "Platform" }),
    ).toThrow(/did you mean "platform"/);
    expect(() => new TaggedPipeline(stack, "C", { pipeline: untagged })).toThrow(/give pipelineName/);
    const withFiles = tagDefinition(
      sdk("05-sdk-unit-test-steps-processing-training-tuning.json"),
      POLICY,
    ).definition;
    expect(
      () =>
        new TaggedPipeline(stack, "D", {
          pipeline: withFiles as never,
          pipelineName: "d",
          tagPolicy: POLICY,
        }),
    ).toThrow(/reads property files/);
  });
});

describe("TaggedPipeline's generated role for AutoML, check, Lambda and Callback steps", () => {
  const tags = [{ Key: "LineOfBusiness", Value: { Get: "Parameters.LineOfBusiness" } }];
  const job = { RoleArn: JOB_ROLE, Tags: tags };
  const definition = (extra: Record<string, unknown>[] = []) =>
    ({
      Version: "2020-12-01",
      Parameters: [{ Name: "LineOfBusiness", Type: "String", EnumValues: POLICY.lobs }],
      Steps: [
        { Name: "Auto", Type: "AutoML", Arguments: { ...job, AutoMLJobConfig: { Mode: "ENSEMBLING" } } },
        { Name: "DataQuality", Type: "QualityCheck", CheckType: "DATA_QUALITY", Arguments: job },
        { Name: "Bias", Type: "ClarifyCheck", CheckType: "DATA_BIAS", Arguments: job },
        {
          Name: "Gate",
          Type: "Lambda",
          FunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:gate",
          Arguments: {},
        },
        {
          Name: "Export",
          Type: "Callback",
          SqsQueueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/exports",
          Arguments: {},
        },
        ...extra,
      ],
    }) as unknown as PipelineDefinition;
  const statementsOf = (t: Template) =>
    Object.values(t.findResources("AWS::IAM::Policy")).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties
          .PolicyDocument.Statement,
    );

  it("grants each job type once, tag-conditioned, plus InvokeFunction and SendMessage on the named resources; cdk-nag clean", () => {
    const app = new App();
    const stack = new Stack(app, "S");
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new TaggedPipeline(stack, "P", { pipeline: definition(), pipelineName: "p", tagPolicy: POLICY });
    const statements = statementsOf(Template.fromStack(stack));
    const creates = statements.filter((s) => JSON.stringify(s.Action).match(/sagemaker:Create/));
    expect(creates.map((s) => (s.Action as string[])[0]).sort()).toEqual([
      "sagemaker:CreateAutoMLJob",
      "sagemaker:CreateProcessingJob",
    ]);
    for (const s of creates)
      expect(s.Condition).toEqual({ StringEquals: { "aws:RequestTag/LineOfBusiness": POLICY.lobs } });
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: "lambda:InvokeFunction",
        Resource: "arn:aws:lambda:us-east-1:111122223333:function:gate",
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: "sqs:SendMessage",
        Resource: "arn:aws:sqs:us-east-1:111122223333:exports",
      }),
    );
    expect(() => app.synth()).not.toThrow();
  });

  it("asks for a role when permissions cannot be derived: EMR, a Lambda ARN from a parameter, a model package group's baselines", () => {
    const stack = new Stack(new App(), "S");
    const make = (id: string, extra: Record<string, unknown>) => () =>
      new TaggedPipeline(stack, id, { pipeline: definition([extra]), pipelineName: id, tagPolicy: POLICY });
    expect(
      make("emr", { Name: "Spark", Type: "EMR", Arguments: { ClusterId: "j-1", StepConfig: {} } }),
    ).toThrow(/no generated permissions for EMR steps/);
    expect(
      make("fn", {
        Name: "Gate2",
        Type: "Lambda",
        FunctionArn: { Get: "Parameters.Fn" },
        Arguments: {},
      }),
    ).toThrow(/FunctionArn is an expression/);
    expect(
      make("group", {
        Name: "ModelQuality",
        Type: "QualityCheck",
        CheckType: "MODEL_QUALITY",
        ModelPackageGroupName: "churn",
        Arguments: job,
      }),
    ).toThrow(/model package group/);
    expect(make("queue", { Name: "E2", Type: "Callback", SqsQueueUrl: "not-a-url", Arguments: {} })).toThrow(
      /not an SQS queue URL/,
    );
  });
});
