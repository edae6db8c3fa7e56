import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, describe, expect, it } from "vitest";
import { type ConfigInput, parseConfig } from "../../../core/config.js";
import { ConfigError } from "../../../core/errors.js";
import { buildGovernanceApp, ChargebackGovernance } from "../../../infra/index.js";
import { problemsOf, stackWith } from "../../support/cdk-nag.js";
import { cfnLint } from "../../support/cfn-lint.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const EXAMPLE = path.join(ROOT, "examples/smcb.config.json");
// Until gateway/lambda.ts is in this checkout, the gateway bundles a streaming handler of the same shape.
const ENTRY = path.join(ROOT, "test/fixtures/gateway/lambda.ts");
const example = JSON.parse(readFileSync(EXAMPLE, "utf8")) as ConfigInput;
const configOf = (raw: unknown) => parseConfig(raw, EXAMPLE);
/** The gateway block (DESIGN §3.9) the deployed handler serves. */
const GATEWAY = {
  tenants: [{ name: "shop-team", lob: "retail", models: ["claude-sonnet"], budget: { monthly: "500.00" } }],
  models: {
    "claude-sonnet": {
      bedrockModel: "anthropic.claude-sonnet-4-5-20250929-v1:0",
      price: { input: "3.00", output: "15.00" },
    },
  },
};
const withInfra = (block: unknown, extra: object = {}) => ({
  ...example,
  gateway: GATEWAY,
  ...extra,
  infra: block,
});

/**
 * Loads the bundle in `$LAMBDA_TASK_ROOT` as the Lambda Node.js runtime does (a global `awslambda` whose
 * `streamifyResponse` passes the handler through and whose `HttpResponseStream.from` takes the metadata prelude),
 * sends `GET /v1/models` without a key, and prints the metadata and the body as JSON on the last line.
 */
const SMOKE = `
import { Writable } from "node:stream";
let meta;
const chunks = [];
globalThis.awslambda = {
  streamifyResponse: (fn) => fn,
  HttpResponseStream: { from: (stream, m) => { meta = m; return stream; } },
};
const { handler } = await import(process.env.LAMBDA_TASK_ROOT + "/index.mjs");
const out = new Writable({ write(c, _e, cb) { chunks.push(Buffer.from(c)); cb(); } });
await handler({ httpMethod: "GET", path: "/v1/models", headers: {}, body: null }, out, {});
process.stdout.write("\\n" + JSON.stringify({ meta, body: Buffer.concat(chunks).toString("utf8") }));
`;

/** The `path: message` lines of the ConfigError `fn` throws. */
function configProblems(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error("no ConfigError");
}

describe("ChargebackGovernance with infra.gateway", () => {
  it("adds the gateway on the usage lake's stream with the block's settings, cdk-nag and cfn-lint clean", () => {
    const config = configOf(
      withInfra({
        usageLake: { deliveryStreamName: "smcb-usage" },
        gateway: {
          stageName: "live",
          throttle: { rateLimit: 20, burstLimit: 40 },
          memoryMiB: 512,
          timeoutSeconds: 600,
          tableName: "smcb-gateway",
          logRetentionDays: 90,
          removalPolicy: "destroy",
        },
      }),
    );
    const result = stackWith((s) => {
      const g = new ChargebackGovernance(s, "Governance", { config, gatewayEntry: ENTRY });
      expect(g.gateway).toBeDefined();
      expect(g.usageLake).toBeDefined();
    });
    expect(problemsOf(result)).toEqual({ nag: [], cfnLint: [] });
    const t = result.template as Template;
    t.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Delete",
      Properties: Match.objectLike({ TableName: "smcb-gateway", DeletionProtectionEnabled: false }),
    });
    t.hasResourceProperties("AWS::Lambda::Function", {
      Runtime: "nodejs22.x",
      MemorySize: 512,
      Timeout: 600,
      Environment: {
        Variables: Match.objectLike({
          SMCB_USAGE_STREAM: { Ref: Match.stringLikeRegexp("^GovernanceUsageLakeDeliveryStream") },
        }),
      },
    });
    t.hasResourceProperties("AWS::ApiGateway::Stage", {
      StageName: "live",
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 })],
    });
    t.hasResourceProperties("AWS::Logs::LogGroup", { RetentionInDays: 90 });
    t.resourceCountIs("AWS::ApiGateway::Method", 4);
    // The dashboard and the lake are still there; the gateway adds its own alert topic.
    t.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    t.resourceCountIs("AWS::KinesisFirehose::DeliveryStream", 1);
    t.resourceCountIs("AWS::SNS::Topic", 1);
  }, 120_000);

  it("records on the firehose usage block's stream when there is no lake; a gateway alone is enough to deploy", () => {
    const { bedrock: _b, ...noProfiles } = example;
    const config = configOf({
      ...noProfiles,
      gateway: { ...GATEWAY, tenants: [] },
      sharedEndpoints: [],
      usage: { type: "firehose", deliveryStream: "org-usage" },
      infra: { dashboard: { enabled: false }, gateway: {} },
    });
    const result = stackWith((s) => {
      new ChargebackGovernance(s, "Governance", { config, gatewayEntry: ENTRY });
    });
    expect(problemsOf(result).nag).toEqual([]);
    const t = result.template as Template;
    t.resourceCountIs("AWS::KinesisFirehose::DeliveryStream", 0);
    t.resourceCountIs("AWS::CloudWatch::Dashboard", 0);
    t.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ SMCB_USAGE_STREAM: "org-usage" }) },
    });
    t.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
            Resource: {
              "Fn::Join": [
                "",
                [
                  "arn:",
                  { Ref: "AWS::Partition" },
                  ":firehose:us-east-1:123456789012:deliverystream/org-usage",
                ],
              ],
            },
          }),
        ]),
      },
    });
  }, 120_000);
});

describe("buildGovernanceApp with infra.gateway", () => {
  const outdir = mkdtempSync(path.join(tmpdir(), "smcb-gov-gw-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("synthesizes the stack with the real gateway/lambda.ts bundled, cdk-nag on, cfn-lint clean", () => {
    const config = configOf(withInfra({ usageLake: {}, gateway: {} }));
    const { app, stack } = buildGovernanceApp(config, {
      outdir,
      account: "123456789012",
    });
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(path.join(outdir, "validation-report.json"), "utf8"));
    expect(report.pluginReports).toEqual([]);
    const artifact = assembly.getStackArtifact(stack.artifactId);
    const json = artifact.template as Record<string, unknown>;
    expect(cfnLint(json)).toEqual([]);
    const t = Template.fromJSON(json);
    t.resourceCountIs("AWS::ApiGateway::RestApi", 1);
    t.resourceCountIs("AWS::DynamoDB::Table", 1);
    // The Lambda's code is a file asset of the assembly: the bundle, config included.
    const bundles = readdirSync(outdir).filter(
      (d) => d.startsWith("asset.") && existsSync(path.join(outdir, d, "smcb.config.json")),
    );
    expect(bundles).toHaveLength(1);
    expect(readdirSync(path.join(outdir, bundles[0] ?? "")).sort()).toEqual([
      "index.mjs",
      "index.mjs.map",
      "smcb.config.json",
    ]);
    const bundled = JSON.parse(
      readFileSync(path.join(outdir, bundles[0] ?? "", "smcb.config.json"), "utf8"),
    ) as ConfigInput;
    expect(configOf(bundled).infra?.gateway?.stageName).toBe("prod");
    expect(configOf(bundled).gateway?.tenants.map((t) => t.name)).toEqual(["shop-team"]);
    // The handler's own bundle: the streaming entry of gateway/lambda.ts, not a stand-in.
    const code = readFileSync(path.join(outdir, bundles[0] ?? "", "index.mjs"), "utf8");
    expect(code).toContain("SMCB_GATEWAY_TABLE");
    expect(code).toContain("streamifyResponse");
    // The bundle runs: loaded as the Lambda runtime loads it (ESM, its `awslambda` global), in a process of its
    // own, it answers a request without a key with the OpenAI 401 — before any AWS call.
    const bundle = path.join(outdir, bundles[0] ?? "");
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", SMOKE], {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        LAMBDA_TASK_ROOT: bundle,
        SMCB_GATEWAY_TABLE: "smcb-gateway",
        SMCB_USAGE_STREAM: "smcb-usage",
        AWS_REGION: "us-east-1",
        // This machine runs Node 20; the Lambda runs Node 22 (the SDK warns about Node 20 on stderr).
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      },
      timeout: 60_000,
    });
    expect(run.stderr).toBe("");
    // The handler logs one JSON line per request before it; the answer is the last line.
    const answer = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "") as {
      meta: { statusCode: number };
      body: string;
    };
    expect(answer.meta.statusCode).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { type: "authentication_error", code: "invalid_api_key" },
    });
  }, 120_000);
});

describe("config: infra.gateway", () => {
  it("fills the defaults", () => {
    expect(configOf(withInfra({ usageLake: {}, gateway: {} })).infra?.gateway).toEqual({
      stageName: "prod",
      throttle: { rateLimit: 50, burstLimit: 100 },
      executionLogging: true,
      logRetentionDays: 365,
      memoryMiB: 1024,
      timeoutSeconds: 900,
      removalPolicy: "retain",
    });
  });

  it("needs the gateway block it deploys, and a Lambda that outlives an upstream call", () => {
    const { gateway: _g, ...noGateway } = withInfra({ usageLake: {}, gateway: {} });
    expect(configProblems(() => configOf(noGateway))).toEqual([
      "infra.gateway: deploys the gateway of the gateway block (tenants, models, prices): add it",
    ]);
    const slow = { ...GATEWAY, timeoutSeconds: 600 };
    expect(
      configProblems(() =>
        configOf(withInfra({ usageLake: {}, gateway: { timeoutSeconds: 300 } }, { gateway: slow })),
      ),
    ).toEqual([
      "infra.gateway.timeoutSeconds: must be at least gateway.timeoutSeconds (600): the Lambda must outlive an upstream call to settle it",
    ]);
  });

  it("needs a Firehose stream to record usage on", () => {
    expect(configProblems(() => configOf(withInfra({ gateway: {} })))).toEqual([
      "infra.gateway: the gateway records usage on a Firehose stream: add infra.usageLake, or use a firehose usage block",
    ]);
  });

  it("refuses a bad gateway block field by field", () => {
    const problems = configProblems(() =>
      configOf(
        withInfra({
          usageLake: {},
          gateway: {
            stageName: "a/b",
            throttle: { rateLimit: 0, burstLimit: 1.5 },
            webAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/0a1b",
            logRetentionDays: 364,
            timeoutSeconds: 901,
            foundationModelIds: [],
          },
        }),
      ),
    );
    expect(problems).toEqual([
      "infra.gateway.stageName: must be 1–128 letters, digits, '-' or '_'",
      "infra.gateway.throttle.rateLimit: Too small: expected number to be >0",
      "infra.gateway.throttle.burstLimit: Invalid input: expected int, received number",
      "infra.gateway.webAclArn: must be a REGIONAL wafv2 web ACL ARN",
      "infra.gateway.logRetentionDays: Invalid option: expected one of 1|3|5|7|14|30|60|90|120|150|180|365|400|545|731|1096|1827|2192|2557|2922|3288|3653",
      "infra.gateway.timeoutSeconds: Too big: expected number to be <=900",
      "infra.gateway.foundationModelIds: Too small: expected array to have >=1 items",
    ]);
  });
});
