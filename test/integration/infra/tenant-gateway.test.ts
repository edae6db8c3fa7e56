import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CfnParameter, Duration, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as firehose from "aws-cdk-lib/aws-kinesisfirehose";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ConfigInput, parseConfig } from "../../../core/config.js";
import { GATEWAY_ROUTES, TenantGateway, UsageLake } from "../../../infra/index.js";
import { loadApiModel, shapeProblems } from "../../support/api-model.js";
import { problemsOf, stackWith } from "../../support/cdk-nag.js";
import { cdkValidationMessage } from "../../support/cdk-validation.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const EXAMPLE = path.join(ROOT, "examples/smcb.config.json");
// Until gateway/lambda.ts is in this checkout, the construct bundles a streaming handler of the same shape.
const ENTRY = path.join(ROOT, "test/fixtures/gateway/lambda.ts");
const example = JSON.parse(readFileSync(EXAMPLE, "utf8")) as ConfigInput;
const config = parseConfig(example, EXAMPLE);
const PROFILES = Object.values(example.bedrock?.profiles ?? {}).sort();
const ENDPOINTS = (example.sharedEndpoints ?? []).map((e) => e.name).sort();

type Statement = {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Effect: string;
};
const list = <T>(x: T | T[]) => (Array.isArray(x) ? x : [x]);

/** The statements of the handler role's policy. */
function handlerStatements(t: Template): Statement[] {
  return Object.values(t.findResources("AWS::IAM::Policy"))
    .map((p) => p.Properties as { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } })
    .filter((p) => p.Roles.some((r) => r.Ref.startsWith("GatewayHandlerRole")))
    .flatMap((p) => p.PolicyDocument.Statement);
}
/** A `Fn::GetAtt` of `<prefix>…`.Arn, for `Template` matchers. */
const getAtt = (prefix: string) => ({ "Fn::GetAtt": [Match.stringLikeRegexp(`^${prefix}`), "Arn"] });
/** `arn:<partition><rest…>` as CDK renders it (`Fn::Join`). */
const partitionArn = (...rest: unknown[]) => ({
  "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ...rest]],
});
/** The ARN of every system-defined inference profile of the account, in any Region. */
const SYSTEM_PROFILES = partitionArn(":bedrock:*:", { Ref: "AWS::AccountId" }, ":inference-profile/*");
/** What the local bundling put in the Lambda's asset folder: its files (recursively) and its smcb.config.json. */
interface Bundle {
  readonly files: string[];
  readonly config: ConfigInput;
}
/** Reads the gateway's bundle while the app synthesizes (before stackWith removes the cloud assembly). */
function readBundle(stack: Stack, gateway: TenantGateway, into: (b: Bundle) => void): void {
  stack.node.addValidation({
    validate: () => {
      const code = gateway.function.node.findChild("Code") as unknown as { assetPath: string };
      const dir = path.join((stack.node.root as unknown as { outdir: string }).outdir, code.assetPath);
      into({
        files: readdirSync(dir, { recursive: true, encoding: "utf8" }).sort(),
        config: JSON.parse(readFileSync(path.join(dir, "smcb.config.json"), "utf8")) as ConfigInput,
      });
      return [];
    },
  });
}
/** The same, for vitest's `toEqual`. */
const arnOf = (prefix: string) => ({ "Fn::GetAtt": [expect.stringMatching(`^${prefix}`), "Arn"] });

describe("TenantGateway (defaults) on a UsageLake, under cdk-nag AwsSolutions and cfn-lint", () => {
  let template: Template;
  let json: Record<string, unknown>;
  let findings: unknown[];
  let cfnLintFindings: unknown[];
  let bundle: Bundle | undefined;

  beforeAll(() => {
    // Any Docker bundling would run this missing binary and fail: the bundle below is esbuild's, run locally.
    vi.stubEnv("CDK_DOCKER", path.join(ROOT, "no-docker-here"));
    const result = stackWith((stack) => {
      const lake = new UsageLake(stack, "UsageLake");
      const gateway = new TenantGateway(stack, "Gateway", { config, usageStream: lake, entry: ENTRY });
      readBundle(stack, gateway, (b) => {
        bundle = b;
      });
    });
    findings = result.findings;
    cfnLintFindings = problemsOf(result).cfnLint;
    if (!result.template || !result.json) throw new Error(`cdk-nag findings: ${JSON.stringify(findings)}`);
    template = result.template;
    json = result.json;
  }, 120_000);
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  it("has zero unacknowledged cdk-nag findings and no cfn-lint finding", () => {
    expect(findings).toEqual([]);
    expect(cfnLintFindings).toEqual([]);
  });

  it("bundles the handler locally with esbuild (no Docker) as index.mjs, with the config as smcb.config.json", () => {
    // The synth above ran with CDK_DOCKER pointing at no binary: NodejsFunction used the esbuild devDependency.
    expect(bundle?.files).toEqual(["index.mjs", "index.mjs.map", "smcb.config.json"]);
    expect(parseConfig(bundle?.config, EXAMPLE)).toMatchObject({
      lobs: example.lobs,
      bedrock: { profiles: example.bedrock?.profiles },
    });
  });

  it("runs the handler on Node.js 22 (arm64) with the table, stream and topic in its environment", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Runtime: "nodejs22.x",
      Handler: "index.handler",
      Architectures: ["arm64"],
      Timeout: 900,
      Environment: {
        Variables: {
          SMCB_GATEWAY_TABLE: { Ref: Match.stringLikeRegexp("^GatewayTable") },
          SMCB_USAGE_STREAM: { Ref: Match.stringLikeRegexp("^UsageLakeDeliveryStream") },
          SMCB_ALERT_TOPIC_ARN: { Ref: Match.stringLikeRegexp("^GatewayAlertsTopic") },
          NODE_OPTIONS: "--enable-source-maps",
        },
      },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp("^GatewayHandlerLogs") } },
    });
  });

  it("keeps keys, counters and budgets in a pk/sk table with TTL expiresAt, KMS, PITR, on demand, retained", () => {
    template.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: {
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
        ],
        BillingMode: "PAY_PER_REQUEST",
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: "KMS", KMSMasterKeyId: getAtt("GatewayKey") },
        DeletionProtectionEnabled: true,
      },
    });
    template.hasResourceProperties("AWS::KMS::Key", {
      EnableKeyRotation: true,
      Description: Match.stringLikeRegexp("^Tenant gateway"),
    });
  });

  it("is a regional REST API with the four OpenAI routes and nothing else", () => {
    template.hasResourceProperties("AWS::ApiGateway::RestApi", {
      EndpointConfiguration: { Types: ["REGIONAL"] },
    });
    const methods = Object.values(template.findResources("AWS::ApiGateway::Method")).map(
      (m) => (m.Properties as { HttpMethod: string }).HttpMethod,
    );
    expect(methods.sort()).toEqual(GATEWAY_ROUTES.map((r) => r.method).sort());
    const parts = Object.values(template.findResources("AWS::ApiGateway::Resource"))
      .map((r) => (r.Properties as { PathPart: string }).PathPart)
      .sort();
    expect(parts).toEqual(["chat", "completions", "embeddings", "models", "usage", "v1"]);
  });

  it("streams every route: ResponseTransferMode STREAM through Lambda's response-streaming-invocations", () => {
    // AWS::ApiGateway::Method Integration.ResponseTransferMode (BUFFERED | STREAM) and the Lambda proxy URI
    // `arn:aws:apigateway:<region>:lambda:path/2021-11-15/functions/<function ARN>/response-streaming-invocations`:
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html
    // Timeouts up to 15 minutes with streaming:
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html
    const methods = template.findResources("AWS::ApiGateway::Method");
    expect(Object.keys(methods)).toHaveLength(GATEWAY_ROUTES.length);
    for (const m of Object.values(methods))
      expect(m.Properties.Integration).toEqual({
        Type: "AWS_PROXY",
        IntegrationHttpMethod: "POST",
        ResponseTransferMode: "STREAM",
        TimeoutInMillis: 900_000,
        Uri: partitionArn(
          ":apigateway:us-east-1:lambda:path/2021-11-15/functions/",
          arnOf("GatewayHandler"),
          "/response-streaming-invocations",
        ),
      });
  });

  it("authenticates in the handler: no authorizer, no API key, no usage plan", () => {
    for (const m of Object.values(template.findResources("AWS::ApiGateway::Method"))) {
      expect(m.Properties.AuthorizationType).toBe("NONE");
      expect(m.Properties.ApiKeyRequired).toBeUndefined();
    }
    template.resourceCountIs("AWS::ApiGateway::UsagePlan", 0);
    template.resourceCountIs("AWS::ApiGateway::ApiKey", 0);
    template.resourceCountIs("AWS::ApiGateway::Authorizer", 0);
  });

  it("access-logs the stage to an encrypted log group without headers, throttles it, logs errors", () => {
    template.hasResourceProperties("AWS::ApiGateway::Stage", {
      StageName: "prod",
      AccessLogSetting: {
        DestinationArn: getAtt("GatewayAccessLogs"),
        Format: Match.stringLikeRegexp('"status":"\\$context.status"'),
      },
      MethodSettings: [
        {
          HttpMethod: "*",
          ResourcePath: "/*",
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
          LoggingLevel: "ERROR",
          DataTraceEnabled: false,
          MetricsEnabled: true,
        },
      ],
    });
    const [stage] = Object.values(template.findResources("AWS::ApiGateway::Stage"));
    const format = (stage as { Properties: { AccessLogSetting: { Format: string } } }).Properties
      .AccessLogSetting.Format;
    expect(format).not.toMatch(/authorization|api-key|caller|\$context\.identity\.user\b/i);
    template.hasResourceProperties("AWS::Logs::LogGroup", {
      KmsKeyId: getAtt("GatewayKey"),
      RetentionInDays: 365,
    });
    expect(Object.keys(template.findResources("AWS::Logs::LogGroup"))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GatewayAccessLogs/),
        expect.stringMatching(/^GatewayHandlerLogs/),
      ]),
    );
  });

  it("answers API Gateway's own errors in the OpenAI error shape (429 when throttled)", () => {
    template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
      ResponseType: "THROTTLED",
      StatusCode: "429",
      ResponseTemplates: {
        "application/json":
          '{"error":{"message":$context.error.messageString,"type":"requests","code":"rate_limit_exceeded"}}',
      },
    });
    for (const type of ["DEFAULT_4XX", "DEFAULT_5XX"])
      template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
        ResponseType: type,
        ResponseTemplates: { "application/json": Match.stringLikeRegexp('^\\{"error":\\{"message":') },
      });
  });

  it("associates no web ACL by default", () => {
    template.resourceCountIs("AWS::WAFv2::WebACLAssociation", 0);
  });

  it("lets the handler invoke the LOBs' application inference profiles only, and models only through them", () => {
    // A call through an application inference profile is authorized on the profile and on the foundation model in
    // each Region it routes to; `bedrock:InferenceProfileArn` limits the model grant to calls through a profile
    // (Bedrock user guide, "Prerequisites for inference profiles":
    // https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html; the condition key as
    // AWS's knowledge center uses it: https://repost.aws/knowledge-center/bedrock-access-denied-exception).
    const ss = handlerStatements(template);
    const bedrock = ss.filter((s) => list(s.Action).some((a) => a.startsWith("bedrock:")));
    expect(bedrock).toEqual([
      {
        Sid: "InvokeLobProfiles",
        Effect: "Allow",
        Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
        Resource: PROFILES,
      },
      {
        Sid: "InvokeModelsOnlyThroughLobProfiles",
        Effect: "Allow",
        Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
        Resource: [partitionArn(":bedrock:*::foundation-model/*"), SYSTEM_PROFILES],
        Condition: { StringEquals: { "bedrock:InferenceProfileArn": PROFILES } },
      },
    ]);
  });

  it("lets the handler invoke the configured shared endpoints only", () => {
    const sagemaker = handlerStatements(template).filter((s) =>
      list(s.Action).some((a) => a.startsWith("sagemaker:")),
    );
    expect(sagemaker).toEqual([
      {
        Sid: "InvokeSharedEndpoints",
        Effect: "Allow",
        Action: ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"],
        Resource: ENDPOINTS.map((e) => partitionArn(`:sagemaker:us-east-1:123456789012:endpoint/${e}`)),
      },
    ]);
  });

  it("scopes table, key, stream, topic and log permissions to exactly those resources", () => {
    const ss = handlerStatements(template);
    const of = (prefix: string) => ss.filter((s) => list(s.Action).some((a) => a.startsWith(prefix)));
    expect(of("dynamodb:")).toEqual([
      {
        Effect: "Allow",
        Action: [
          "dynamodb:GetItem",
          "dynamodb:BatchGetItem",
          "dynamodb:Query",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:DeleteItem",
        ],
        Resource: [arnOf("GatewayTable")],
      },
    ]);
    expect(of("firehose:")).toEqual([
      {
        Effect: "Allow",
        Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
        Resource: arnOf("UsageLakeDeliveryStream"),
      },
    ]);
    expect(of("sns:")).toEqual([
      {
        Effect: "Allow",
        Action: "sns:Publish",
        Resource: { Ref: expect.stringMatching("^GatewayAlertsTopic") },
      },
    ]);
    expect(of("logs:")).toEqual([
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: arnOf("GatewayHandlerLogs"),
      },
    ]);
    const kms = of("kms:");
    expect(kms.map((s) => s.Resource)).toEqual([arnOf("GatewayKey"), arnOf("GatewayAlertsKey")]);
    // Nothing else: every statement is one of the above.
    expect(ss).toHaveLength(2 + 1 + 1 + 1 + 1 + 1 + kms.length);
    expect(ss.every((s) => s.Effect === "Allow" && list(s.Resource).every((r) => r !== "*"))).toBe(true);
  });

  it("has a role with no managed policy", () => {
    template.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: "lambda.amazonaws.com" } })],
      },
      ManagedPolicyArns: Match.absent(),
    });
  });

  it("API Gateway PutIntegration accepts the integration (botocore's model), STREAM included", () => {
    const model = loadApiModel("apigateway");
    const [method] = Object.values(template.findResources("AWS::ApiGateway::Method"));
    const i = (method as { Properties: { Integration: Record<string, unknown> } }).Properties.Integration;
    const request = {
      restApiId: "a1b2c3d4e5",
      resourceId: "abc123",
      httpMethod: "POST",
      type: i.Type,
      integrationHttpMethod: i.IntegrationHttpMethod,
      uri: "arn:aws:apigateway:us-east-1:lambda:path/2021-11-15/functions/arn:aws:lambda:us-east-1:123456789012:function:f/response-streaming-invocations",
      timeoutInMillis: i.TimeoutInMillis,
      responseTransferMode: i.ResponseTransferMode,
    };
    expect(shapeProblems(model, "PutIntegration", "input", request)).toEqual([]);
    expect(
      shapeProblems(model, "PutIntegration", "input", { ...request, responseTransferMode: "CHUNKED" }),
    ).not.toEqual([]);
  });

  it("DynamoDB CreateTable accepts the table's properties (botocore's model)", () => {
    const t = Object.values(template.findResources("AWS::DynamoDB::Table"))[0]?.Properties as Record<
      string,
      unknown
    >;
    const sse = t.SSESpecification as Record<string, unknown>;
    const request = {
      TableName: "smcb-gateway",
      KeySchema: t.KeySchema,
      AttributeDefinitions: t.AttributeDefinitions,
      BillingMode: t.BillingMode,
      DeletionProtectionEnabled: t.DeletionProtectionEnabled,
      SSESpecification: { Enabled: sse.SSEEnabled, SSEType: sse.SSEType, KMSMasterKeyId: "alias/smcb" },
    };
    expect(shapeProblems(loadApiModel("dynamodb"), "CreateTable", "input", request)).toEqual([]);
    const ttl = { TableName: "smcb-gateway", TimeToLiveSpecification: t.TimeToLiveSpecification };
    expect(shapeProblems(loadApiModel("dynamodb"), "UpdateTimeToLive", "input", ttl)).toEqual([]);
  });

  it("outputs the OpenAI base URL (<stage URL>v1)", () => {
    const outputs = (json.Outputs ?? {}) as Record<string, { Value: unknown; Description?: string }>;
    const base = Object.entries(outputs).find(([k]) => k.startsWith("GatewayBaseUrl"))?.[1];
    expect(base?.Description).toBe("the OpenAI base URL of the gateway");
    expect(base?.Value).toEqual({
      "Fn::Join": [
        "",
        [
          "https://",
          { Ref: expect.stringMatching("^GatewayApi") },
          ".execute-api.us-east-1.",
          { Ref: "AWS::URLSuffix" },
          "/",
          { Ref: expect.stringMatching("^GatewayApiDeploymentStageprod") },
          "/v1",
        ],
      ],
    });
  });
});

describe("TenantGateway props", () => {
  it("associates the given web ACL with the stage; takes a stream, a topic, a stage, throttling and model IDs", () => {
    const webAclArn =
      "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/smcb/0a1b2c3d-0000-1111-2222-333344445555";
    const { template, findings } = stackWith((stack) => {
      const stream = firehose.DeliveryStream.fromDeliveryStreamName(stack, "Stream", "org-usage");
      const topic = new sns.Topic(stack, "OrgAlerts", {
        enforceSSL: true,
        masterKey: new kms.Key(stack, "OrgKey", { enableKeyRotation: true }),
      });
      new TenantGateway(stack, "Gateway", {
        config,
        usageStream: stream,
        alertTopic: topic,
        entry: ENTRY,
        webAclArn,
        stageName: "live",
        throttlingRateLimit: 5,
        throttlingBurstLimit: 10,
        timeout: Duration.minutes(5),
        foundationModelIds: ["anthropic.claude-sonnet-4-5-20250929-v1:0"],
        executionLogging: false,
      });
    });
    expect(findings).toEqual([]);
    if (!template) throw new Error("no template");
    const t = template;
    t.hasResourceProperties("AWS::WAFv2::WebACLAssociation", {
      WebACLArn: webAclArn,
      ResourceArn: partitionArn(
        ":apigateway:us-east-1::/restapis/",
        { Ref: Match.stringLikeRegexp("^GatewayApi") },
        "/stages/",
        { Ref: Match.stringLikeRegexp("^GatewayApiDeploymentStagelive") },
      ),
    });
    t.hasResourceProperties("AWS::ApiGateway::Stage", {
      StageName: "live",
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 })],
    });
    // No execution logging: no account-wide CloudWatch role is set.
    t.resourceCountIs("AWS::ApiGateway::Account", 0);
    t.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: 300,
      Environment: { Variables: Match.objectLike({ SMCB_USAGE_STREAM: "org-usage" }) },
    });
    const ss = handlerStatements(t);
    expect(ss.find((s) => s.Sid === "InvokeModelsOnlyThroughLobProfiles")?.Resource).toEqual([
      partitionArn(":bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0"),
      SYSTEM_PROFILES,
    ]);
    expect(ss.find((s) => list(s.Action).includes("firehose:PutRecord"))?.Resource).toEqual(
      partitionArn(":firehose:us-east-1:123456789012:deliverystream/org-usage"),
    );
    for (const m of Object.values(t.findResources("AWS::ApiGateway::Method")))
      expect((m.Properties as { Integration: { TimeoutInMillis: number } }).Integration.TimeoutInMillis).toBe(
        300_000,
      );
  }, 120_000);

  it("grants the gateway block's foundation models; bundles each shared endpoint's tokenizer beside the config", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "smcb-gw-tok-"));
    try {
      mkdirSync(path.join(dir, "llm"));
      writeFileSync(path.join(dir, "llm/tokenizer.json"), '{"model":{}}');
      writeFileSync(path.join(dir, "llm/tokenizer_config.json"), "{}");
      writeFileSync(path.join(dir, "reranker.json"), '{"model":{}}');
      const raw = {
        ...example,
        sharedEndpoints: [
          { name: "shared-llm", owner: "platform", tokenizer: "llm" },
          { name: "shared-reranker", owner: "retail", tokenizer: "reranker.json" },
        ],
        gateway: {
          tenants: [{ name: "shop-team", lob: "retail", models: ["claude-sonnet", "titan-embed"] }],
          models: {
            // A cross-Region profile ID names the foundation model behind its geographic prefix.
            "claude-sonnet": { bedrockModel: "us.anthropic.claude-sonnet-4-5-20250929-v1:0" },
            "titan-embed": { bedrockModel: "amazon.titan-embed-text-v2:0", kind: "embedding" },
          },
        },
      };
      const cfg = parseConfig(raw, path.join(dir, "smcb.config.json"));
      let bundle: Bundle | undefined;
      const { template, findings } = stackWith((stack) => {
        const lake = new UsageLake(stack, "UsageLake");
        const gateway = new TenantGateway(stack, "Gateway", { config: cfg, usageStream: lake, entry: ENTRY });
        readBundle(stack, gateway, (b) => {
          bundle = b;
        });
      });
      expect(findings).toEqual([]);
      const ss = handlerStatements(template ?? (undefined as never));
      expect(ss.find((s) => s.Sid === "InvokeModelsOnlyThroughLobProfiles")?.Resource).toEqual([
        ...["amazon.titan-embed-text-v2:0", "anthropic.claude-sonnet-4-5-20250929-v1:0"].map((m) =>
          partitionArn(`:bedrock:*::foundation-model/${m}`),
        ),
        SYSTEM_PROFILES,
      ]);
      expect(bundle?.files).toEqual([
        "index.mjs",
        "index.mjs.map",
        "smcb.config.json",
        "tokenizers",
        "tokenizers/shared-llm",
        "tokenizers/shared-llm/tokenizer.json",
        "tokenizers/shared-llm/tokenizer_config.json",
        "tokenizers/shared-reranker",
        "tokenizers/shared-reranker/tokenizer.json",
      ]);
      // In the Lambda the config's folder is the bundle's root: the tokenizers resolve inside it.
      const inLambda = parseConfig(bundle?.config, "/var/task/smcb.config.json");
      expect(inLambda.sharedEndpoints.map((e) => e.tokenizer)).toEqual([
        "/var/task/tokenizers/shared-llm/tokenizer.json",
        "/var/task/tokenizers/shared-reranker/tokenizer.json",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("grants no Bedrock or SageMaker action when the config has no profile and no shared endpoint", () => {
    const bare = parseConfig({ lobs: ["retail"] }, EXAMPLE);
    const { template, findings } = stackWith((stack) => {
      const lake = new UsageLake(stack, "UsageLake");
      new TenantGateway(stack, "Gateway", { config: bare, usageStream: lake, entry: ENTRY });
    });
    expect(findings).toEqual([]);
    const actions = handlerStatements(template ?? (undefined as never)).flatMap((s) => list(s.Action));
    expect(actions.filter((a) => /^(bedrock|sagemaker):/.test(a))).toEqual([]);
  }, 120_000);

  it("refuses a missing handler file, a timeout over 15 minutes and bad throttling", () => {
    const make = (extra: object) => () => {
      const stack = new Stack();
      new TenantGateway(stack, "Gateway", {
        config,
        usageStream: new UsageLake(stack, "UsageLake"),
        entry: ENTRY,
        ...extra,
      });
    };
    cdkValidationMessage(make({ entry: path.join(ROOT, "no/such/lambda.ts") }));
    expect(make({ entry: path.join(ROOT, "no/such/lambda.ts") })).toThrow(/does not exist/);
    expect(make({ timeout: Duration.minutes(16) })).toThrow(/timeout must be 1 s to 15 minutes/);
    expect(make({ throttlingBurstLimit: 0 })).toThrow(/throttling/);
    expect(make({ foundationModelIds: [] })).toThrow(/foundationModelIds/);
  });

  it("takes deploy-time throttling and timeout (CfnParameters): only resolved values are checked", () => {
    const stack = new Stack();
    const n = (id: string) => new CfnParameter(stack, id, { type: "Number" }).valueAsNumber;
    new TenantGateway(stack, "Gateway", {
      config,
      usageStream: new UsageLake(stack, "UsageLake"),
      entry: ENTRY,
      throttlingRateLimit: n("Rate"),
      throttlingBurstLimit: n("Burst"),
      timeout: Duration.seconds(n("Timeout")),
    });
    Template.fromStack(stack).hasResourceProperties("AWS::ApiGateway::Stage", {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ThrottlingRateLimit: { Ref: "Rate" }, ThrottlingBurstLimit: { Ref: "Burst" } }),
      ]),
    });
  }, 120_000);
});
