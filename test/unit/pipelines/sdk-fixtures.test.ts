/**
 * The builder rebuilds the two SDK-made definitions in test/fixtures/sdk-pipelines/ (literal output of the
 * SageMaker Python SDK v2.257.6): every part it models compares equal, structurally.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ExecutionVariables,
  join,
  ModelStep,
  ParameterBoolean,
  ParameterInteger,
  ParameterString,
  Pipeline,
  ProcessingStep,
  propertyFile,
  TrainingStep,
  TuningStep,
} from "../../../pipelines/index.js";

const fixture = (f: string) => JSON.parse(readFileSync(`test/fixtures/sdk-pipelines/${f}`, "utf8"));

const ROLE = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole";
const XGB = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3";
const BUCKET = "example-mlops-bucket";

function abalone(): Pipeline {
  const trainingInstanceType = new ParameterString("TrainingInstanceType", { defaultValue: "ml.m5.xlarge" });
  const maxTuningJobs = new ParameterInteger("MaxTuningJobs", { defaultValue: 3 });
  const s3Input = (uri: string, local: string) => ({
    S3Uri: uri,
    LocalPath: local,
    S3DataType: "S3Prefix" as const,
    S3InputMode: "File" as const,
    S3DataDistributionType: "FullyReplicated" as const,
    S3CompressionType: "None" as const,
  });
  const output = (name: string) => ({
    OutputName: name,
    AppManaged: false,
    S3Output: {
      S3Uri: join("/", [
        "s3:/",
        BUCKET,
        "AbaloneTuningPipeline",
        ExecutionVariables.PipelineExecutionId,
        "Process",
        "output",
        name,
      ]),
      LocalPath: `/opt/ml/processing/${name}`,
      S3UploadMode: "EndOfJob" as const,
    },
  });
  const process = new ProcessingStep("Process", {
    request: {
      ProcessingResources: {
        ClusterConfig: { InstanceType: "ml.m5.xlarge", InstanceCount: 1, VolumeSizeInGB: 30 },
      },
      AppSpecification: {
        ImageUri: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:0.23-1-cpu-py3",
        ContainerEntrypoint: ["python3", "/opt/ml/processing/input/code/preprocessing.py"],
      },
      RoleArn: ROLE,
      ProcessingInputs: [
        {
          InputName: "input-1",
          AppManaged: false,
          S3Input: s3Input(`s3://${BUCKET}/abalone/abalone-dataset.csv`, "/opt/ml/processing/input"),
        },
        {
          InputName: "code",
          AppManaged: false,
          S3Input: s3Input(`s3://${BUCKET}/code/preprocessing.py`, "/opt/ml/processing/input/code"),
        },
      ],
      ProcessingOutputConfig: { Outputs: [output("train"), output("validation")] },
    },
  });
  const channel = (name: string) => ({
    DataSource: {
      S3DataSource: {
        S3DataType: "S3Prefix" as const,
        S3Uri: process.outputUri(name),
        S3DataDistributionType: "FullyReplicated" as const,
      },
    },
    ContentType: "text/csv",
    ChannelName: name,
  });
  const range = (name: string) => ({
    Name: name,
    MinValue: "0.01",
    MaxValue: "10",
    ScalingType: "Logarithmic" as const,
  });
  const tuning = new TuningStep("HPTuning", {
    request: {
      HyperParameterTuningJobConfig: {
        Strategy: "Random",
        ResourceLimits: { MaxNumberOfTrainingJobs: maxTuningJobs, MaxParallelTrainingJobs: 3 },
        TrainingJobEarlyStoppingType: "Off",
        HyperParameterTuningJobObjective: { Type: "Minimize", MetricName: "validation:rmse" },
        ParameterRanges: {
          ContinuousParameterRanges: [range("alpha"), range("lambda")],
          CategoricalParameterRanges: [],
          IntegerParameterRanges: [],
        },
      },
      TrainingJobDefinition: {
        StaticHyperParameters: {
          eval_metric: "rmse",
          objective: "reg:squarederror",
          num_round: 50,
          max_depth: 5,
          eta: 0.2,
          gamma: 4,
          min_child_weight: 6,
          subsample: 0.7,
          silent: 0,
        },
        RoleArn: ROLE,
        OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/abalone/AbaloneTrain` },
        StoppingCondition: { MaxRuntimeInSeconds: 86400 },
        HyperParameterTuningResourceConfig: {
          InstanceCount: 1,
          InstanceType: trainingInstanceType,
          VolumeSizeInGB: 30,
        },
        AlgorithmSpecification: { TrainingInputMode: "File", TrainingImage: XGB },
        InputDataConfig: [channel("train"), channel("validation")],
      },
    },
    retryPolicies: [{ exceptionTypes: ["SageMaker.CAPACITY_ERROR"], intervalSeconds: 30, maxAttempts: 3 }],
    cacheConfig: { enabled: true, expireAfter: "P30d" },
  });
  const model = new ModelStep("CreateBestModel-CreateModel", {
    request: {
      ExecutionRoleArn: ROLE,
      PrimaryContainer: {
        Image: XGB,
        Environment: {},
        ModelDataUrl: tuning.topModelS3Uri(0, BUCKET, "abalone/AbaloneTrain"),
      },
    },
  });
  return new Pipeline({
    name: "AbaloneTuningPipeline",
    parameters: [trainingInstanceType, maxTuningJobs],
    steps: [process, tuning, model],
  });
}

function sdkUnitTest(): Pipeline {
  const processingInputDataUri = new ParameterString("ProcessingInputDataUri", {
    defaultValue: "s3://my-bucket/processing_manifest",
  });
  const instanceType = new ParameterString("InstanceType", { defaultValue: "ml.m4.4xlarge" });
  const instanceCount = new ParameterInteger("InstanceCount", { defaultValue: 1 });
  const trainingInstanceType = new ParameterString("TrainingInstanceType", { defaultValue: "c4.4xlarge" });
  const trainingInstanceCount = new ParameterInteger("TrainingInstanceCount", { defaultValue: 1 });
  const dataSourceS3Uri = new ParameterString("DataSourceS3Uri", {
    defaultValue: "s3://my-bucket/train_manifest",
  });
  const epochs = new ParameterInteger("TrainingEpochs", { defaultValue: 5 });
  const batchSize = new ParameterInteger("TrainingBatchSize", { defaultValue: 500 });
  const useSpot = new ParameterBoolean("UseSpotInstances", { defaultValue: false });
  const cache = { enabled: true, expireAfter: "PT1H" };
  const processing = new ProcessingStep("MyProcessingStep", {
    request: {
      ProcessingResources: {
        ClusterConfig: { InstanceType: instanceType, InstanceCount: instanceCount, VolumeSizeInGB: 30 },
      },
      AppSpecification: { ImageUri: "fakeimage" },
      RoleArn: "DummyRole",
      ProcessingInputs: [
        {
          InputName: "input-1",
          AppManaged: false,
          S3Input: {
            S3Uri: processingInputDataUri,
            LocalPath: "processing_manifest",
            S3DataType: "S3Prefix",
            S3InputMode: "File",
            S3DataDistributionType: "FullyReplicated",
            S3CompressionType: "None",
          },
        },
      ],
    },
    displayName: "MyProcessingStep",
    description: "ProcessingStep description",
    cacheConfig: cache,
    propertyFiles: [propertyFile("EvaluationReport", "evaluation", "evaluation.json")],
  });
  const s3ab = join("/", ["s3:/", "a", "b"]);
  const trainingChannel = {
    DataSource: {
      S3DataSource: {
        S3DataType: "S3Prefix" as const,
        S3Uri: dataSourceS3Uri,
        S3DataDistributionType: "FullyReplicated" as const,
      },
    },
    ChannelName: "training",
  };
  const training = new TrainingStep("MyTrainingStep", {
    request: {
      AlgorithmSpecification: { TrainingInputMode: "File", TrainingImage: "fakeimage" },
      OutputDataConfig: { S3OutputPath: s3ab },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
      ResourceConfig: {
        VolumeSizeInGB: 30,
        InstanceCount: trainingInstanceCount,
        InstanceType: trainingInstanceType,
      },
      RoleArn: "DummyRole",
      InputDataConfig: [trainingChannel],
      HyperParameters: { "batch-size": batchSize, epochs },
      EnableManagedSpotTraining: useSpot,
      DebugHookConfig: { S3OutputPath: s3ab, CollectionConfigurations: [] },
      ProfilerConfig: { S3OutputPath: s3ab, DisableProfiler: false, ProfilingIntervalInMilliseconds: 500 },
    },
    dependsOn: [processing],
    displayName: "MyTrainingStep",
    description: "TrainingStep description",
    cacheConfig: cache,
  });
  const auto = (name: string, min: string, max: string) => ({
    Name: name,
    MinValue: min,
    MaxValue: max,
    ScalingType: "Auto" as const,
  });
  const tuning = new TuningStep("MyTuningStep", {
    request: {
      HyperParameterTuningJobConfig: {
        Strategy: "Bayesian",
        ResourceLimits: { MaxNumberOfTrainingJobs: 5, MaxParallelTrainingJobs: 2 },
        // The SDK writes "OFF" here (the API's enum is "Off"); kept to match the fixture literally.
        TrainingJobEarlyStoppingType: "OFF" as "Off",
        HyperParameterTuningJobObjective: { Type: "Maximize", MetricName: "val:accuracy" },
        ParameterRanges: {
          ContinuousParameterRanges: [
            auto("learning_rate", "0.0001", "0.05"),
            auto("momentum", "0.0", "0.99"),
            auto("weight_decay", "0.0", "0.99"),
          ],
          CategoricalParameterRanges: [],
          IntegerParameterRanges: [],
        },
      },
      TrainingJobDefinition: {
        StaticHyperParameters: {
          num_layers: 18,
          image_shape: "3,224,224",
          num_classes: 257,
          num_training_samples: 15420,
          mini_batch_size: 128,
          epochs: 10,
          optimizer: "sgd",
          top_k: 2,
          precision_dtype: "float32",
          augmentation_type: "crop",
        },
        RoleArn: "DummyRole",
        OutputDataConfig: { S3OutputPath: "s3://my-bucket/" },
        StoppingCondition: { MaxRuntimeInSeconds: 86400 },
        HyperParameterTuningResourceConfig: {
          InstanceCount: 1,
          InstanceType: "ml.c5.4xlarge",
          VolumeSizeInGB: 30,
        },
        AlgorithmSpecification: { TrainingInputMode: "File", TrainingImage: "fakeimage" },
        InputDataConfig: [trainingChannel],
        EnableManagedSpotTraining: useSpot,
      },
      WarmStartConfig: {
        WarmStartType: "IdenticalDataAndAlgorithm",
        ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: "parent-hpo" }],
      },
    },
  });
  return new Pipeline({
    name: "MyPipeline",
    parameters: [
      processingInputDataUri,
      instanceType,
      instanceCount,
      trainingInstanceType,
      trainingInstanceCount,
      dataSourceS3Uri,
      epochs,
      batchSize,
      useSpot,
    ],
    steps: [processing, training, tuning],
  });
}

describe("the builder rebuilds SDK-made definitions", () => {
  it.each([
    ["02-processing-tuning-createmodel.json", abalone],
    ["05-sdk-unit-test-steps-processing-training-tuning.json", sdkUnitTest],
  ])("%s", (file, build) => {
    const want = fixture(file);
    const got = JSON.parse(JSON.stringify(build().definition()));
    // Compare part by part first, so a failure names the part, then the whole.
    expect(got.Version).toBe(want.Version);
    expect(got.Parameters).toEqual(want.Parameters);
    expect(got.PipelineExperimentConfig).toEqual(want.PipelineExperimentConfig);
    expect(got.Steps.map((s: { Name: string }) => s.Name)).toEqual(
      want.Steps.map((s: { Name: string }) => s.Name),
    );
    for (const [i, step] of want.Steps.entries()) expect(got.Steps[i]).toEqual(step);
    expect(got).toEqual(want);
  });
});
