/**
 * The AutoML, QualityCheck, ClarifyCheck, Lambda, Callback and EMR steps: the JSON each emits (shapes from the
 * SageMaker Python SDK's step classes and the pipeline definition JSON schema), request Arguments checked against
 * botocore's SageMaker model, LOB tagging (cost-bearing ones tagged, the others untouched), lint, idempotent tag,
 * and graph validation.
 */
import { describe, expect, it } from "vitest";
import {
  AutoMLStep,
  CallbackStep,
  ClarifyCheckStep,
  ConditionStep,
  EMRStep,
  equalTo,
  LambdaStep,
  lintDefinition,
  ParameterBoolean,
  ParameterString,
  Pipeline,
  PipelineBuildError,
  type ProcessingRequest,
  QualityCheckStep,
  TrainingStep,
  tagDefinition,
} from "../../../pipelines/index.js";
import { loadApiModel, shapeProblems } from "../../support/api-model.js";

const sagemakerModel = loadApiModel("sagemaker");
const emrModel = loadApiModel("emr");
const POLICY = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] };
const ROLE = "arn:aws:iam::111122223333:role/PipelineRole";
const LOB_TAG = { Key: "LineOfBusiness", Value: { Get: "Parameters.LineOfBusiness" } };
const json = (v: unknown) => JSON.parse(JSON.stringify(v));

const automlRequest = {
  InputDataConfig: [
    {
      TargetAttributeName: "churned",
      ChannelType: "training" as const,
      DataSource: { S3DataSource: { S3DataType: "S3Prefix" as const, S3Uri: "s3://bucket/automl/train" } },
    },
  ],
  OutputDataConfig: { S3OutputPath: "s3://bucket/automl/output" },
  ProblemType: "BinaryClassification" as const,
  AutoMLJobObjective: { MetricName: "F1" as const },
  AutoMLJobConfig: {
    Mode: "ENSEMBLING" as const,
    CompletionCriteria: { MaxCandidates: 10, MaxAutoMLJobRuntimeInSeconds: 7200 },
  },
  RoleArn: ROLE,
};
const automl = (name = "AutoPilot", extra: object = {}) =>
  new AutoMLStep(name, { request: automlRequest, ...extra });

/** A baselining job as the SDK's DefaultModelMonitor describes it (Model Monitor analyzer image and environment). */
const monitorJob: ProcessingRequest = {
  ProcessingInputs: [
    {
      InputName: "baseline_dataset_input",
      AppManaged: false,
      S3Input: {
        S3Uri: "s3://bucket/baseline/train.csv",
        LocalPath: "/opt/ml/processing/input/baseline_dataset_input",
        S3DataType: "S3Prefix",
        S3InputMode: "File",
        S3DataDistributionType: "FullyReplicated",
        S3CompressionType: "None",
      },
    },
  ],
  ProcessingOutputConfig: {
    Outputs: [
      {
        OutputName: "quality_check_output",
        AppManaged: false,
        S3Output: {
          S3Uri: "s3://bucket/model-monitor/baselining/results",
          LocalPath: "/opt/ml/processing/output",
          S3UploadMode: "EndOfJob",
        },
      },
    ],
  },
  ProcessingResources: {
    ClusterConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1, VolumeSizeInGB: 30 },
  },
  StoppingCondition: { MaxRuntimeInSeconds: 1800 },
  AppSpecification: {
    ImageUri: "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer",
  },
  RoleArn: ROLE,
  Environment: {
    dataset_format: '{"csv": {"header": true, "output_columns_position": "START"}}',
    dataset_source: "/opt/ml/processing/input/baseline_dataset_input",
    output_path: "/opt/ml/processing/output",
    publish_cloudwatch_metrics: "Disabled",
  },
};
const clarifyJob: ProcessingRequest = {
  ...monitorJob,
  AppSpecification: {
    ImageUri: "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0",
  },
  Environment: {},
};
const sparkStep = {
  HadoopJarStep: {
    Jar: "command-runner.jar",
    Args: ["spark-submit", "s3://bucket/code/features.py"],
    Properties: [{ Key: "spark.executor.memory", Value: "4g" }],
  },
};
const emrCluster = {
  ReleaseLabel: "emr-7.1.0",
  Applications: [{ Name: "Spark" }],
  Instances: {
    InstanceGroups: [
      { InstanceRole: "MASTER", InstanceType: "m5.xlarge", InstanceCount: 1 },
      { InstanceRole: "CORE", InstanceType: "m5.xlarge", InstanceCount: 2 },
    ],
  },
  JobFlowRole: "EMR_EC2_DefaultRole",
  ServiceRole: "EMR_DefaultRole",
  Tags: [{ Key: "Team", Value: "ds" }],
};
const training = (name: string, hyper: object = {}) =>
  new TrainingStep(name, {
    request: {
      AlgorithmSpecification: { TrainingInputMode: "File", TrainingImage: "img" },
      RoleArn: ROLE,
      OutputDataConfig: { S3OutputPath: "s3://b/o" },
      ResourceConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      HyperParameters: { ...hyper },
    },
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
/** Arguments of a step that are a Create* request without its name, as the API takes them. */
const conformsTo = (operation: string, nameMember: string, args: unknown) =>
  shapeProblems(sagemakerModel, operation, "input", { ...(args as object), [nameMember]: "x" });

describe("AutoMLStep", () => {
  it("emits Type AutoML, the CreateAutoMLJob request without the job name, cache and retries", () => {
    const step = automl("AutoPilot", {
      dependsOn: ["Prepare"],
      cacheConfig: { expireAfter: "P7D" },
      retryPolicies: [{ exceptionTypes: ["SageMaker.CAPACITY_ERROR"], maxAttempts: 3 }],
      displayName: "Autopilot",
    });
    const req = json(step.toRequest());
    expect(req).toEqual({
      Name: "AutoPilot",
      Type: "AutoML",
      Arguments: json(automlRequest),
      DependsOn: ["Prepare"],
      DisplayName: "Autopilot",
      RetryPolicies: [
        { BackoffRate: 2, IntervalSeconds: 1, MaxAttempts: 3, ExceptionType: ["SageMaker.CAPACITY_ERROR"] },
      ],
      CacheConfig: { Enabled: true, ExpireAfter: "P7D" },
    });
    expect(conformsTo("CreateAutoMLJob", "AutoMLJobName", req.Arguments)).toEqual([]);
    // with the literal tags a static tag or a LOB literal gives, still a valid request
    expect(
      conformsTo("CreateAutoMLJob", "AutoMLJobName", { ...req.Arguments, Tags: [{ Key: "k", Value: "v" }] }),
    ).toEqual([]);
  });

  it("properties follow DescribeAutoMLJob, plus the BestCandidateProperties SageMaker adds", () => {
    const step = automl();
    expect(json(step.bestModelDataUrl)).toEqual({
      Get: "Steps.AutoPilot.BestCandidate.InferenceContainers[0].ModelDataUrl",
    });
    expect(json(step.bestCandidateName)).toEqual({ Get: "Steps.AutoPilot.BestCandidate.CandidateName" });
    expect(
      json(step.properties.BestCandidate.InferenceContainers.get(0).Environment.get("MODEL_NAME")),
    ).toEqual({
      Get: "Steps.AutoPilot.BestCandidate.InferenceContainers[0].Environment['MODEL_NAME']",
    });
    expect(json(step.properties.BestCandidateProperties.ExplainabilityJsonReportPath)).toEqual({
      Get: "Steps.AutoPilot.BestCandidateProperties.ExplainabilityJsonReportPath",
    });
    expect(json(step.properties.AutoMLJobArtifacts.CandidateDefinitionNotebookLocation)).toEqual({
      Get: "Steps.AutoPilot.AutoMLJobArtifacts.CandidateDefinitionNotebookLocation",
    });
  });

  it("refuses a mode other than ENSEMBLING and the members a pipeline cannot take", () => {
    const bad = (request: object) => () => new AutoMLStep("A", { request: request as never });
    expect(bad({ ...automlRequest, AutoMLJobConfig: { Mode: "HYPERPARAMETER_TUNING" } })).toThrow(
      /Mode must be "ENSEMBLING"/,
    );
    expect(bad({ ...automlRequest, AutoMLJobConfig: {} })).toThrow(PipelineBuildError);
    expect(bad({ ...automlRequest, GenerateCandidateDefinitionsOnly: true })).toThrow(
      /cannot take GenerateCandidateDefinitionsOnly/,
    );
  });
});

describe("QualityCheckStep and ClarifyCheckStep", () => {
  it("emit the processing request as Arguments and the check settings beside them", () => {
    const group = new ParameterString("ModelPackageGroup", { defaultValue: "churn" });
    const skip = new ParameterBoolean("SkipDataQuality", { defaultValue: false });
    const dq = new QualityCheckStep("DataQuality", {
      checkType: "DATA_QUALITY",
      request: monitorJob,
      skipCheck: skip,
      modelPackageGroupName: group,
      suppliedBaselineStatistics: "s3://bucket/baseline/statistics.json",
      suppliedBaselineConstraints: "s3://bucket/baseline/constraints.json",
      cacheConfig: { expireAfter: "PT1H" },
    });
    expect(json(dq.toRequest())).toEqual({
      Name: "DataQuality",
      Type: "QualityCheck",
      Arguments: json(monitorJob),
      CacheConfig: { Enabled: true, ExpireAfter: "PT1H" },
      CheckType: "DATA_QUALITY",
      SkipCheck: { Get: "Parameters.SkipDataQuality" },
      RegisterNewBaseline: false,
      ModelPackageGroupName: { Get: "Parameters.ModelPackageGroup" },
      SuppliedBaselineConstraints: "s3://bucket/baseline/constraints.json",
      SuppliedBaselineStatistics: "s3://bucket/baseline/statistics.json",
    });
    expect(conformsTo("CreateProcessingJob", "ProcessingJobName", dq.toRequest().Arguments)).toEqual([]);

    const bias = new ClarifyCheckStep("ModelBias", {
      checkType: "MODEL_BIAS",
      modelName: "churn-model",
      request: clarifyJob,
      registerNewBaseline: true,
      dependsOn: [dq],
    });
    expect(json(bias.toRequest())).toEqual({
      Name: "ModelBias",
      Type: "ClarifyCheck",
      Arguments: json(clarifyJob),
      DependsOn: ["DataQuality"],
      CheckType: "MODEL_BIAS",
      SkipCheck: false,
      RegisterNewBaseline: true,
      ModelName: "churn-model",
    });
    expect(conformsTo("CreateProcessingJob", "ProcessingJobName", bias.toRequest().Arguments)).toEqual([]);
    const dataBias = new ClarifyCheckStep("DataBias", { checkType: "DATA_BIAS", request: clarifyJob });
    expect(dataBias.toRequest()).not.toHaveProperty("ModelName");
  });

  it("expose the baselines they compute and check against", () => {
    const dq = new QualityCheckStep("DQ", { checkType: "MODEL_QUALITY", request: monitorJob });
    const cc = new ClarifyCheckStep("CC", { checkType: "DATA_BIAS", request: clarifyJob });
    expect(json(dq.properties.CalculatedBaselineStatistics)).toEqual({
      Get: "Steps.DQ.CalculatedBaselineStatistics",
    });
    expect(json(dq.properties.BaselineUsedForDriftCheckConstraints)).toEqual({
      Get: "Steps.DQ.BaselineUsedForDriftCheckConstraints",
    });
    expect(json(cc.properties.CalculatedBaselineConstraints)).toEqual({
      Get: "Steps.CC.CalculatedBaselineConstraints",
    });
    expect(dq.checkType).toBe("MODEL_QUALITY");
  });

  it("a model clarify check needs the model; a data bias check has none", () => {
    expect(
      () => new ClarifyCheckStep("X", { checkType: "MODEL_EXPLAINABILITY", request: clarifyJob } as never),
    ).toThrow(/needs modelName/);
    expect(
      () =>
        new ClarifyCheckStep("X", { checkType: "DATA_BIAS", modelName: "m", request: clarifyJob } as never),
    ).toThrow(/leave modelName out/);
  });
});

describe("LambdaStep and CallbackStep", () => {
  it("emit FunctionArn / SqsQueueUrl and OutputParameters beside the inputs (Arguments)", () => {
    const train = training("Train");
    const gate = new LambdaStep("Gate", {
      functionArn: "arn:aws:lambda:us-east-1:111122223333:function:gate",
      inputs: { model: train.modelArtifacts, threshold: 0.8, tags: ["a", "b"], nested: { on: true } },
      outputs: [{ name: "approved", type: "Boolean" }, { name: "reason" }],
      dependsOn: [train],
    });
    expect(json(gate.toRequest())).toEqual({
      Name: "Gate",
      Type: "Lambda",
      Arguments: {
        model: { Get: "Steps.Train.ModelArtifacts.S3ModelArtifacts" },
        threshold: 0.8,
        tags: ["a", "b"],
        nested: { on: true },
      },
      DependsOn: ["Train"],
      FunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:gate",
      OutputParameters: [
        { OutputName: "approved", OutputType: "Boolean" },
        { OutputName: "reason", OutputType: "String" },
      ],
    });
    const queue = new ParameterString("ExportQueue");
    const cb = new CallbackStep("Export", {
      sqsQueueUrl: queue,
      outputs: [{ name: "rows", type: "Integer" }],
    });
    expect(json(cb.toRequest())).toEqual({
      Name: "Export",
      Type: "Callback",
      Arguments: {},
      SqsQueueUrl: { Get: "Parameters.ExportQueue" },
      OutputParameters: [{ OutputName: "rows", OutputType: "Integer" }],
    });
  });

  it("outputs are read by name and keep their type (a non-string one is joined as a hyperparameter)", () => {
    const cb = new CallbackStep("Export", {
      sqsQueueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/q",
      outputs: [
        { name: "rows", type: "Integer" },
        { name: "path", type: "String" },
      ],
    });
    expect(json(cb.output("rows"))).toEqual({ Get: "Steps.Export.OutputParameters['rows']" });
    const t = training("T", { rows: cb.output("rows"), path: cb.output("path") });
    expect(json(t.toRequest().Arguments?.HyperParameters)).toEqual({
      rows: { "Std:Join": { On: "", Values: [{ Get: "Steps.Export.OutputParameters['rows']" }] } },
      path: { Get: "Steps.Export.OutputParameters['path']" },
    });
    expect(() => cb.output("nope")).toThrow(/declares no output nope/);
    expect(
      () =>
        new LambdaStep("L", {
          functionArn: "arn:aws:lambda:us-east-1:111122223333:function:f",
          outputs: [{ name: "x" }, { name: "x", type: "Float" }],
        }),
    ).toThrow(/declares output x twice/);
  });
});

describe("EMRStep", () => {
  it("emits ClusterId (with ExecutionRoleArn) or ClusterConfig, and StepConfig, as the SDK does", () => {
    const onCluster = new EMRStep("Features", {
      clusterId: "j-1ABCDEFGHIJKL",
      executionRoleArn: "arn:aws:iam::111122223333:role/EmrRuntime",
      stepConfig: sparkStep,
      cacheConfig: { expireAfter: "P1D" },
    });
    const req = json(onCluster.toRequest());
    expect(req).toEqual({
      Name: "Features",
      Type: "EMR",
      Arguments: {
        ClusterId: "j-1ABCDEFGHIJKL",
        ExecutionRoleArn: "arn:aws:iam::111122223333:role/EmrRuntime",
        StepConfig: sparkStep,
      },
      CacheConfig: { Enabled: true, ExpireAfter: "P1D" },
    });
    // what SageMaker sends EMR: AddJobFlowSteps on the cluster, the step named at run time
    expect(
      shapeProblems(emrModel, "AddJobFlowSteps", "input", {
        JobFlowId: req.Arguments.ClusterId,
        ExecutionRoleArn: req.Arguments.ExecutionRoleArn,
        Steps: [{ ...req.Arguments.StepConfig, Name: "x" }],
      }),
    ).toEqual([]);
    const newCluster = new EMRStep("Batch", { clusterConfig: emrCluster, stepConfig: sparkStep });
    const args = json(newCluster.toRequest()).Arguments;
    expect(args).toEqual({ ClusterConfig: emrCluster, StepConfig: sparkStep });
    // RunJobFlow with the name SageMaker gives
    expect(shapeProblems(emrModel, "RunJobFlow", "input", { ...args.ClusterConfig, Name: "x" })).toEqual([]);
  });

  it("properties are EMR's Step", () => {
    const s = new EMRStep("Features", { clusterId: "j-1ABCDEFGHIJKL", stepConfig: sparkStep });
    expect(json(s.properties.Status.State)).toEqual({ Get: "Steps.Features.Status.State" });
    const shapes = emrModel.shapes;
    const memberShape = (shape: string, member: string) => shapes[shape]?.members?.[member]?.shape;
    for (const path of ["Id", "Name", "ActionOnFailure", "Status.State"]) {
      let shape: string | undefined = "Step";
      for (const part of path.split(".")) shape = shape ? memberShape(shape, part) : undefined;
      expect(shape, `Step.${path} in botocore's EMR model`).toBeDefined();
    }
  });

  it("refuses what the SDK refuses: both or neither target, a role without a cluster id, cluster members SageMaker sets", () => {
    const bad = (props: object) => () => new EMRStep("E", { stepConfig: sparkStep, ...props } as never);
    expect(bad({})).toThrow(/exactly one of clusterId or clusterConfig/);
    expect(bad({ clusterId: "j-1", clusterConfig: emrCluster })).toThrow(/exactly one/);
    expect(bad({ clusterConfig: emrCluster, executionRoleArn: "arn:aws:iam::111122223333:role/r" })).toThrow(
      /executionRoleArn needs clusterId/,
    );
    const e = buildError(
      bad({
        clusterConfig: {
          ...emrCluster,
          Name: "n",
          Steps: [],
          Instances: { ...emrCluster.Instances, InstanceFleets: [], TerminationProtected: true },
        },
      }),
    );
    expect(e.details).toEqual([
      "EMR step E: clusterConfig cannot have Name",
      "EMR step E: clusterConfig cannot have Steps",
      "EMR step E: clusterConfig.Instances cannot have TerminationProtected",
      "EMR step E: clusterConfig.Instances needs exactly one of InstanceGroups or InstanceFleets",
    ]);
    expect(bad({ clusterConfig: { ReleaseLabel: "emr-7.1.0" } })).toThrow(/needs Instances/);
  });
});

describe("a pipeline with every new step", () => {
  const build = (tagPolicy?: typeof POLICY) => {
    const skip = new ParameterBoolean("SkipChecks", { defaultValue: false });
    const auto = automl("AutoPilot", { dependsOn: ["DataQuality"] });
    const dq = new QualityCheckStep("DataQuality", {
      checkType: "DATA_QUALITY",
      request: monitorJob,
      skipCheck: skip,
    });
    const explain = new ClarifyCheckStep("Explainability", {
      checkType: "MODEL_EXPLAINABILITY",
      modelName: "churn-model",
      request: { ...clarifyJob, Tags: [{ Key: "Team", Value: "ds" }] },
      dependsOn: [auto],
    });
    const gate = new LambdaStep("Gate", {
      functionArn: "arn:aws:lambda:us-east-1:111122223333:function:gate",
      inputs: { report: explain.properties.CalculatedBaselineConstraints },
      outputs: [{ name: "approved", type: "Boolean" }],
    });
    const notify = new CallbackStep("Notify", {
      sqsQueueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/q",
      inputs: { model: auto.bestModelDataUrl },
    });
    const modelQuality = new QualityCheckStep("ModelQuality", {
      checkType: "MODEL_QUALITY",
      request: monitorJob,
    });
    const features = new EMRStep("Features", { clusterConfig: emrCluster, stepConfig: sparkStep });
    const check = new ConditionStep("Approved", {
      conditions: [equalTo(gate.output("approved"), true)],
      ifSteps: [notify, modelQuality],
    });
    return new Pipeline({
      name: "automl-churn",
      parameters: [skip],
      steps: [features, dq, auto, explain, gate, check],
      ...(tagPolicy ? { tagPolicy } : {}),
      tags: [{ Key: "Project", Value: "churn" }],
    });
  };

  it("tags the cost-bearing ones (nested too) and leaves Lambda, Callback and EMR untouched", () => {
    const d = json(build(POLICY).definition());
    const byName = new Map<string, { Type: string; Arguments: { Tags?: unknown } }>();
    for (const s of d.Steps) byName.set(s.Name, s);
    for (const s of d.Steps[5].Arguments.IfSteps) byName.set(s.Name, s);
    const project = { Key: "Project", Value: "churn" };
    expect(byName.get("AutoPilot")?.Arguments.Tags).toEqual([project, LOB_TAG]);
    expect(byName.get("DataQuality")?.Arguments.Tags).toEqual([project, LOB_TAG]);
    expect(byName.get("Explainability")?.Arguments.Tags).toEqual([
      project,
      { Key: "Team", Value: "ds" },
      LOB_TAG,
    ]);
    expect(byName.get("ModelQuality")?.Arguments.Tags).toEqual([project, LOB_TAG]);
    expect(byName.get("Features")?.Arguments).toEqual({ ClusterConfig: emrCluster, StepConfig: sparkStep });
    expect(byName.get("Gate")?.Arguments).toEqual({
      report: { Get: "Steps.Explainability.CalculatedBaselineConstraints" },
    });
    expect(byName.get("Notify")?.Arguments).toEqual({
      model: { Get: "Steps.AutoPilot.BestCandidate.InferenceContainers[0].ModelDataUrl" },
    });
    const lint = lintDefinition(d, POLICY);
    expect(lint).toMatchObject({ ok: true, steps: 8, costBearingSteps: 4 });
    const again = tagDefinition(d, POLICY);
    expect(again.changes).toEqual([]);
    expect(again.parameterAdded).toBe(false);
    expect(again.definition).toEqual(d);
  });

  it("untagged, lint names exactly the cost-bearing new steps; tag repairs them and is idempotent", () => {
    const d = json(build().definition());
    const lint = lintDefinition(d, POLICY);
    expect(lint.findings.map((f) => `${f.step}:${f.type}:${f.problem}`).sort()).toEqual([
      "AutoPilot:AutoML:missing-tag",
      "DataQuality:QualityCheck:missing-tag",
      "Explainability:ClarifyCheck:missing-tag",
      "ModelQuality:QualityCheck:missing-tag",
    ]);
    const once = tagDefinition(d, POLICY);
    expect(once.changes.map((c) => c.step).sort()).toEqual([
      "AutoPilot",
      "DataQuality",
      "Explainability",
      "ModelQuality",
    ]);
    expect(lintDefinition(once.definition, POLICY).ok).toBe(true);
    const twice = tagDefinition(once.definition, POLICY);
    expect(twice.changes).toEqual([]);
    expect(twice.definition).toEqual(once.definition);
    // the builder's own tagging gives the same definition
    expect(once.definition).toEqual(json(build(POLICY).definition()));
  });

  it("graph validation sees references in the new members: unknown steps and undeclared parameters", () => {
    const ghost = new LambdaStep("Ghost", {
      functionArn: "arn:aws:lambda:us-east-1:111122223333:function:g",
      outputs: [{ name: "x" }],
    });
    const reader = new CallbackStep("Reader", {
      sqsQueueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/q",
      inputs: { x: ghost.output("x") },
    });
    const e = buildError(() => new Pipeline({ name: "p", steps: [reader] }).definition());
    expect(e.problem).toBe("unknown-step");
    expect(e.message).toMatch(/step Reader refers to unknown step Ghost/);
    const dependsOnGhost = automl("A", { dependsOn: ["Ghost"] });
    expect(buildError(() => new Pipeline({ name: "p", steps: [dependsOnGhost] }).definition()).problem).toBe(
      "unknown-step",
    );
    const undeclared = new QualityCheckStep("Q", {
      checkType: "DATA_QUALITY",
      request: monitorJob,
      modelPackageGroupName: new ParameterString("Group"),
    });
    const e2 = buildError(() => new Pipeline({ name: "p", steps: [undeclared] }).definition());
    expect(e2.problem).toBe("unknown-parameter");
    expect(e2.message).toMatch(/step Q uses parameter Group/);
    const lambdaFn = new LambdaStep("L", { functionArn: new ParameterString("Fn") });
    expect(buildError(() => new Pipeline({ name: "p", steps: [lambdaFn] }).definition()).problem).toBe(
      "unknown-parameter",
    );
    // a cycle through a Lambda output
    const a = new LambdaStep("LA", {
      functionArn: "arn:aws:lambda:us-east-1:111122223333:function:a",
      outputs: [{ name: "o" }],
      dependsOn: ["LB"],
    });
    const b = new LambdaStep("LB", {
      functionArn: "arn:aws:lambda:us-east-1:111122223333:function:b",
      inputs: { o: a.output("o") },
    });
    expect(buildError(() => new Pipeline({ name: "p", steps: [a, b] }).definition()).problem).toBe("cycle");
  });
});
