/**
 * Example: a customer-churn model pipeline built with the builder —
 * prepare data (Processing) → baseline model (Training) → hyperparameter search (Tuning) →
 * register the best model when its validation AUC reaches `MinAuc` (Condition → RegisterModel, else Fail).
 *
 * Every job step carries `LineOfBusiness = {"Get": "Parameters.LineOfBusiness"}`: the LOB is chosen per
 * execution (`smcb pipeline start --name churn --lob retail`), and the tuning job's tag reaches the training
 * jobs it launches. Print it with `smcb pipeline synth pipelines/examples/churn.ts`.
 *
 * Replace the role, bucket and images with yours (these are placeholders for us-east-1).
 */
import {
  ConditionStep,
  ExecutionVariables,
  FailStep,
  greaterThanOrEqualTo,
  join,
  ParameterFloat,
  ParameterInteger,
  ParameterString,
  Pipeline,
  ProcessingStep,
  RegisterModelStep,
  TrainingStep,
  TuningStep,
} from "../index.js";

const ROLE = "arn:aws:iam::111122223333:role/SageMakerChurnJobs";
const BUCKET = "example-ml-bucket";
const SKLEARN = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3";
const XGBOOST = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";

const inputData = new ParameterString("InputDataUri", { defaultValue: `s3://${BUCKET}/churn/raw/churn.csv` });
const processingInstanceType = new ParameterString("ProcessingInstanceType", {
  defaultValue: "ml.m5.xlarge",
});
const trainingInstanceType = new ParameterString("TrainingInstanceType", { defaultValue: "ml.m5.xlarge" });
const maxTuningJobs = new ParameterInteger("MaxTuningJobs", { defaultValue: 6 });
const minAuc = new ParameterFloat("MinAuc", { defaultValue: 0.8 });
const approval = new ParameterString("ModelApprovalStatus", {
  defaultValue: "PendingManualApproval",
  enumValues: ["PendingManualApproval", "Approved"],
});

/** `s3://<bucket>/churn/<execution id>/<parts…>`: each execution writes to its own prefix. */
const executionPath = (...parts: string[]) =>
  join("/", ["s3:/", BUCKET, "churn", ExecutionVariables.PipelineExecutionId, ...parts]);

const output = (name: string) => ({
  OutputName: name,
  AppManaged: false,
  S3Output: {
    S3Uri: executionPath("prepare", name),
    LocalPath: `/opt/ml/processing/${name}`,
    S3UploadMode: "EndOfJob" as const,
  },
});

const prepare = new ProcessingStep("PrepareData", {
  request: {
    ProcessingResources: {
      ClusterConfig: { InstanceType: processingInstanceType, InstanceCount: 1, VolumeSizeInGB: 30 },
    },
    AppSpecification: {
      ImageUri: SKLEARN,
      ContainerEntrypoint: ["python3", "/opt/ml/processing/input/code/prepare.py"],
    },
    RoleArn: ROLE,
    ProcessingInputs: [
      {
        InputName: "raw",
        AppManaged: false,
        S3Input: {
          S3Uri: inputData,
          LocalPath: "/opt/ml/processing/input",
          S3DataType: "S3Prefix",
          S3InputMode: "File",
          S3DataDistributionType: "FullyReplicated",
          S3CompressionType: "None",
        },
      },
      {
        InputName: "code",
        AppManaged: false,
        S3Input: {
          S3Uri: `s3://${BUCKET}/churn/code/prepare.py`,
          LocalPath: "/opt/ml/processing/input/code",
          S3DataType: "S3Prefix",
          S3InputMode: "File",
          S3DataDistributionType: "FullyReplicated",
          S3CompressionType: "None",
        },
      },
    ],
    ProcessingOutputConfig: { Outputs: [output("train"), output("validation")] },
  },
  cacheConfig: { enabled: true, expireAfter: "P7D" },
});

const channel = (name: "train" | "validation") => ({
  ChannelName: name,
  ContentType: "text/csv",
  DataSource: {
    S3DataSource: {
      S3DataType: "S3Prefix" as const,
      S3Uri: prepare.outputUri(name),
      S3DataDistributionType: "FullyReplicated" as const,
    },
  },
});

const baseHyperParameters = { objective: "binary:logistic", eval_metric: "auc", num_round: 200 };
const capacityRetry = [
  {
    exceptionTypes: ["SageMaker.CAPACITY_ERROR" as const],
    intervalSeconds: 60,
    backoffRate: 2,
    maxAttempts: 3,
  },
];

const baseline = new TrainingStep("TrainBaseline", {
  request: {
    AlgorithmSpecification: { TrainingImage: XGBOOST, TrainingInputMode: "File" },
    RoleArn: ROLE,
    HyperParameters: { ...baseHyperParameters, max_depth: 5, eta: 0.2 },
    InputDataConfig: [channel("train"), channel("validation")],
    OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/churn/baseline` },
    ResourceConfig: { InstanceType: trainingInstanceType, InstanceCount: 1, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
  },
  retryPolicies: capacityRetry,
});

const TUNING_OUTPUT_PREFIX = "churn/tuning";

const tune = new TuningStep("TuneXGBoost", {
  request: {
    HyperParameterTuningJobConfig: {
      Strategy: "Bayesian",
      HyperParameterTuningJobObjective: { Type: "Maximize", MetricName: "validation:auc" },
      ResourceLimits: { MaxNumberOfTrainingJobs: maxTuningJobs, MaxParallelTrainingJobs: 2 },
      TrainingJobEarlyStoppingType: "Auto",
      ParameterRanges: {
        ContinuousParameterRanges: [
          { Name: "eta", MinValue: "0.05", MaxValue: "0.5", ScalingType: "Auto" },
          { Name: "min_child_weight", MinValue: "1", MaxValue: "10", ScalingType: "Auto" },
        ],
        IntegerParameterRanges: [{ Name: "max_depth", MinValue: "3", MaxValue: "10", ScalingType: "Auto" }],
        CategoricalParameterRanges: [],
      },
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: { TrainingImage: XGBOOST, TrainingInputMode: "File" },
      RoleArn: ROLE,
      StaticHyperParameters: baseHyperParameters,
      InputDataConfig: [channel("train"), channel("validation")],
      OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/${TUNING_OUTPUT_PREFIX}` },
      ResourceConfig: { InstanceType: trainingInstanceType, InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    },
  },
  dependsOn: [baseline],
  retryPolicies: capacityRetry,
});

const register = new RegisterModelStep("RegisterChurnModel", {
  request: {
    ModelPackageGroupName: "churn",
    ModelApprovalStatus: approval,
    ModelPackageDescription: join(" ", ["Churn XGBoost from", ExecutionVariables.PipelineExecutionArn]),
    InferenceSpecification: {
      Containers: [{ Image: XGBOOST, ModelDataUrl: tune.topModelS3Uri(0, BUCKET, TUNING_OUTPUT_PREFIX) }],
      SupportedContentTypes: ["text/csv"],
      SupportedResponseMIMETypes: ["text/csv"],
      SupportedRealtimeInferenceInstanceTypes: ["ml.m5.large", "ml.m5.xlarge"],
      SupportedTransformInstanceTypes: ["ml.m5.xlarge"],
    },
  },
});

const bestAuc = tune.properties.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value;

const checkQuality = new ConditionStep("CheckAuc", {
  conditions: [greaterThanOrEqualTo(bestAuc, minAuc)],
  ifSteps: [register],
  elseSteps: [
    new FailStep("AucTooLow", { errorMessage: join(" ", ["Best validation AUC is below", minAuc]) }),
  ],
});

/** The churn pipeline; `smcb pipeline synth pipelines/examples/churn.ts` prints its definition. */
export const pipeline = new Pipeline({
  name: "churn",
  parameters: [inputData, processingInstanceType, trainingInstanceType, maxTuningJobs, minAuc, approval],
  steps: [prepare, baseline, tune, checkQuality],
  tagPolicy: { tagKey: "LineOfBusiness", lobs: ["retail", "wealth", "insurance", "platform"] },
  tags: [{ Key: "Project", Value: "churn" }],
});

export default pipeline;
