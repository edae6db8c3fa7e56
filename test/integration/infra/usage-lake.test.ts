import { Duration, Size } from "aws-cdk-lib";
import { Match, type Template } from "aws-cdk-lib/assertions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../core/config.js";
import { usageEventSchema } from "../../../core/usage-event.js";
import { COMPACTED_USAGE_COLUMNS, USAGE_EVENT_COLUMNS, UsageLake } from "../../../infra/index.js";
import { loadApiModel, shapeProblems } from "../../support/api-model.js";

/** Both tables (JSON events and compacted Parquet) are partitioned by day, as the ledger's folders are. */
const DAY_PARTITION_KEYS = [
  { Name: "year", Type: "int" },
  { Name: "month", Type: "int" },
  { Name: "day", Type: "int" },
];

import { problemsOf, stackWith } from "../../support/cdk-nag.js";
import { cdkValidationMessage } from "../../support/cdk-validation.js";

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string };

/** The statements of the policies attached to the role whose logical ID starts with `rolePrefix`. */
function statementsOf(t: Template, rolePrefix: string): Statement[] {
  return Object.values(t.findResources("AWS::IAM::Policy"))
    .map((p) => p.Properties as { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } })
    .filter((p) => p.Roles.some((r) => r.Ref.startsWith(rolePrefix)))
    .flatMap((p) => p.PolicyDocument.Statement);
}
const actions = (ss: Statement[]) =>
  ss.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
const resources = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const getAtt = (prefix: string, attr = "Arn") => ({
  "Fn::GetAtt": [Match.stringLikeRegexp(`^${prefix}`), attr],
});

describe("UsageLake (defaults) with a writer and a chargeback role, under cdk-nag AwsSolutions", () => {
  let template: Template;
  let findings: unknown[];
  let cfnLintFindings: unknown[];
  let config: ReturnType<UsageLake["usageConfig"]> | undefined;

  beforeAll(() => {
    const result = stackWith((stack) => {
      const lake = new UsageLake(stack, "UsageLake");
      const writer = new iam.Role(stack, "Writer", { assumedBy: new iam.AccountRootPrincipal() });
      const finops = new iam.Role(stack, "Finops", { assumedBy: new iam.AccountRootPrincipal() });
      lake.grantPutRecords(writer);
      lake.grantQuery(finops);
      config = stack.resolve(lake.usageConfig());
    });
    findings = result.findings;
    cfnLintFindings = problemsOf(result).cfnLint;
    if (!result.template) throw new Error(`cdk-nag findings: ${JSON.stringify(findings)}`);
    template = result.template;
  }, 60_000);

  it("has zero unacknowledged cdk-nag findings and no cfn-lint finding", () => {
    expect(findings).toEqual([]);
    expect(cfnLintFindings).toEqual([]);
  });

  it("lets S3 write access logs through a bucket policy, not the legacy LogDeliveryWrite ACL", () => {
    for (const bucket of Object.values(template.findResources("AWS::S3::Bucket")))
      expect((bucket as { Properties: Record<string, unknown> }).Properties.AccessControl).toBeUndefined();
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      Bucket: { Ref: Match.stringLikeRegexp("^UsageLakeLogsAccessLogs") },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
          }),
        ]),
      },
    });
  });

  it("keeps the events in a KMS-encrypted, versioned, private, TLS-only, access-logged bucket", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: "aws:kms",
              KMSMasterKeyID: getAtt("UsageLakeKey"),
            },
            BucketKeyEnabled: true,
          },
        ],
      },
      VersioningConfiguration: { Status: "Enabled" },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: Match.stringLikeRegexp("^UsageLakeLogsAccessLogs") },
        LogFilePrefix: "events/",
      },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            NoncurrentVersionExpiration: { NoncurrentDays: 90 },
          }),
        ],
      },
    });
    template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
    const denyInsecure = Object.values(template.findResources("AWS::S3::BucketPolicy")).filter((p) =>
      JSON.stringify(p).includes('"aws:SecureTransport":"false"'),
    );
    expect(denyInsecure).toHaveLength(3); // events, results, access logs
  });

  it("delivers with Firehose (DirectPut, SSE with the key) under UTC-date partitions, errors outside the table", () => {
    template.hasResourceProperties("AWS::KinesisFirehose::DeliveryStream", {
      DeliveryStreamType: "DirectPut",
      DeliveryStreamEncryptionConfigurationInput: {
        KeyType: "CUSTOMER_MANAGED_CMK",
        KeyARN: getAtt("UsageLakeKey"),
      },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BucketARN: getAtt("UsageLakeEvents"),
        RoleARN: getAtt("UsageLakeDeliveryRole"),
        Prefix: "usage/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
        ErrorOutputPrefix:
          "errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
        BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 5 },
        CompressionFormat: "GZIP",
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: getAtt("UsageLakeKey") } },
        CloudWatchLoggingOptions: Match.objectLike({ Enabled: true }),
      }),
    });
  });

  it("gives the Firehose role only the bucket, its two prefixes, the key through S3 and its log stream", () => {
    const ss = statementsOf(template, "UsageLakeDeliveryRole");
    expect(actions(ss)).toEqual(
      [
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "logs:PutLogEvents",
        "s3:AbortMultipartUpload",
        "s3:GetBucketLocation",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:ListBucketMultipartUploads",
        "s3:PutObject",
      ].sort(),
    );
    const put = ss.find((s) => actions([s]).includes("s3:PutObject")) as Statement;
    expect(resources(put).map((r) => JSON.stringify(r))).toEqual([
      expect.stringMatching(/UsageLakeEvents.*"\/usage\/\*"/),
      expect.stringMatching(/UsageLakeEvents.*"\/errors\/\*"/),
    ]);
    const key = ss.find((s) => actions([s]).includes("kms:Decrypt")) as Statement;
    const condition = key.Condition as {
      StringEquals: Record<string, unknown>;
      StringLike: Record<string, unknown[]>;
    };
    expect(JSON.stringify(condition.StringEquals["kms:ViaService"])).toContain('"s3."');
    expect(condition.StringLike["kms:EncryptionContext:aws:s3:arn"]?.map((a) => JSON.stringify(a))).toEqual([
      expect.stringMatching(/^\{"Fn::GetAtt":\["UsageLakeEvents[0-9A-F]+","Arn"\]\}$/),
      expect.stringMatching(/UsageLakeEvents.*"\/usage\/\*"/),
      expect.stringMatching(/UsageLakeEvents.*"\/errors\/\*"/),
    ]);
    template.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: "sts:AssumeRole",
            Effect: "Allow",
            Principal: { Service: "firehose.amazonaws.com" },
            Condition: { StringEquals: { "sts:ExternalId": { Ref: "AWS::AccountId" } } },
          },
        ],
      },
    });
    for (const s of ss) expect(resources(s)).not.toContain("*");
  });

  it("defines the compacted days' table: Parquet below <prefix>compacted/, the compacted columns, projected days", () => {
    // the columns of a compacted file (chargeback/sources/ledger-compact.ts, docs/ledger.md): the event's, ts a
    // timestamp, then copies and counted
    expect(COMPACTED_USAGE_COLUMNS.map((c) => c.name)).toEqual([
      ...Object.keys(usageEventSchema.shape),
      "copies",
      "counted",
    ]);
    const location = (tail: string) => ({
      "Fn::Join": ["", ["s3://", { Ref: Match.stringLikeRegexp("^UsageLakeEvents") }, tail]],
    });
    template.hasResourceProperties("AWS::Glue::Table", {
      DatabaseName: "smcb",
      TableInput: {
        Name: "usage_events_compacted",
        TableType: "EXTERNAL_TABLE",
        PartitionKeys: DAY_PARTITION_KEYS,
        Parameters: Match.objectLike({
          classification: "parquet",
          "projection.enabled": "true",
          "storage.location.template": location(
            `/usage/compacted/year=\${year}/month=\${month}/day=\${day}/`,
          ),
        }),
        StorageDescriptor: Match.objectLike({
          Location: location("/usage/compacted/"),
          Columns: Match.arrayWith([
            { Name: "ts", Type: "timestamp" },
            { Name: "copies", Type: "bigint" },
            { Name: "counted", Type: "boolean" },
          ]),
          InputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
          SerdeInfo: { SerializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
        }),
      },
    });
  });

  it("defines the §3.3 columns, the OpenX JSON SerDe and year/month/day partition projection", () => {
    expect(USAGE_EVENT_COLUMNS.map((c) => c.name)).toEqual(Object.keys(usageEventSchema.shape));
    // The columns the chargeback's usage query reads (chargeback/run.ts, usage-sql.ts): text and bigint counts.
    const typeOf = Object.fromEntries(USAGE_EVENT_COLUMNS.map((c) => [c.name, c.type]));
    for (const c of ["id", "ts", "lob", "kind", "endpoint"]) expect(typeOf[c]).toBe("string");
    for (const c of ["input_tokens", "output_tokens"]) expect(typeOf[c]).toBe("bigint");
    template.hasResourceProperties("AWS::Glue::Database", { DatabaseInput: { Name: "smcb" } });
    template.hasResourceProperties("AWS::Glue::Table", {
      DatabaseName: "smcb",
      TableInput: {
        Name: "usage_events",
        TableType: "EXTERNAL_TABLE",
        PartitionKeys: DAY_PARTITION_KEYS,
        Parameters: Match.objectLike({
          "projection.enabled": "true",
          "projection.year.type": "integer",
          "projection.year.range": "2025,2035",
          "projection.month.type": "integer",
          "projection.month.range": "1,12",
          "projection.month.digits": "2",
          "projection.day.type": "integer",
          "projection.day.range": "1,31",
          "projection.day.digits": "2",
          "storage.location.template": {
            "Fn::Join": [
              "",
              [
                "s3://",
                { Ref: Match.stringLikeRegexp("^UsageLakeEvents") },
                `/usage/year=\${year}/month=\${month}/day=\${day}/`,
              ],
            ],
          },
        }),
        StorageDescriptor: Match.objectLike({
          Location: {
            "Fn::Join": ["", ["s3://", { Ref: Match.stringLikeRegexp("^UsageLakeEvents") }, "/usage/"]],
          },
          Columns: [
            { Name: "v", Type: "int" },
            { Name: "id", Type: "string" },
            { Name: "ts", Type: "string" },
            { Name: "lob", Type: "string" },
            { Name: "kind", Type: "string" },
            { Name: "endpoint", Type: "string" },
            { Name: "component", Type: "string" },
            { Name: "variant", Type: "string" },
            { Name: "profile_arn", Type: "string" },
            { Name: "model_id", Type: "string" },
            { Name: "input_tokens", Type: "bigint" },
            { Name: "output_tokens", Type: "bigint" },
            { Name: "cache_read_tokens", Type: "bigint" },
            { Name: "cache_write_tokens", Type: "bigint" },
            { Name: "token_source", Type: "string" },
            { Name: "latency_ms", Type: "double" },
            { Name: "status", Type: "string" },
            { Name: "tenant", Type: "string" },
            { Name: "price_estimate", Type: "string" },
          ],
          InputFormat: "org.apache.hadoop.mapred.TextInputFormat",
          SerdeInfo: {
            SerializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
            Parameters: { "ignore.malformed.json": "true" },
          },
        }),
      },
    });
  });

  it("runs queries in an enforced workgroup with KMS-encrypted results and a bytes-scanned cutoff", () => {
    template.hasResourceProperties("AWS::Athena::WorkGroup", {
      Name: "smcb-usage",
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        ResultConfiguration: {
          OutputLocation: {
            "Fn::Join": [
              "",
              ["s3://", { Ref: Match.stringLikeRegexp("^UsageLakeResults") }, "/athena-results/"],
            ],
          },
          EncryptionConfiguration: { EncryptionOption: "SSE_KMS", KmsKey: getAtt("UsageLakeKey") },
        },
      },
    });
  });

  it("gives the recorder's writers PutRecord/PutRecordBatch on the stream only", () => {
    expect(statementsOf(template, "Writer")).toEqual([
      {
        Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
        Effect: "Allow",
        Resource: { "Fn::GetAtt": [expect.stringMatching(/^UsageLakeDeliveryStream/), "Arn"] },
      },
    ]);
  });

  it("gives the chargeback the workgroup, the table, the lake prefix, the results prefix and the key, no '*'", () => {
    const ss = statementsOf(template, "Finops");
    expect(actions(ss)).toEqual(
      [
        "athena:GetQueryExecution",
        "athena:GetQueryResults",
        "athena:StartQueryExecution",
        "glue:GetDatabase",
        "glue:GetPartitions",
        "glue:GetTable",
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "s3:AbortMultipartUpload",
        "s3:GetBucketLocation",
        "s3:GetObject",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:ListBucket",
        "s3:ListBucketMultipartUploads",
        "s3:ListMultipartUploadParts",
        "s3:PutObject",
      ].sort(),
    );
    const text = JSON.stringify(ss);
    for (const s of ss) expect(resources(s)).not.toContain("*");
    expect(text).toContain(":athena:us-east-1:123456789012:workgroup/smcb-usage");
    expect(text).toContain(':glue:us-east-1:123456789012:table/smcb/usage_events"');
    // and the compacted days' table
    expect(text).toContain(':glue:us-east-1:123456789012:table/smcb/usage_events_compacted"');
    const getDatabase = ss.find((s) => actions([s]).join() === "glue:GetDatabase") as Statement;
    expect(JSON.stringify(getDatabase.Resource)).toMatch(/:catalog".*:database\/default".*:database\/smcb"/);
    const writes = ss.find((s) => actions([s]).includes("s3:PutObject")) as Statement;
    expect(JSON.stringify(writes.Resource)).toMatch(/UsageLakeResults.*\/athena-results\/\*/);
    const lakeRead = ss.find((s) => actions([s]).join() === "s3:GetObject") as Statement;
    expect(JSON.stringify(lakeRead.Resource)).toMatch(/UsageLakeEvents.*\/usage\/\*/);
    const list = ss.find(
      (s) =>
        actions([s]).join() === "s3:ListBucket" && JSON.stringify(s.Resource).includes("UsageLakeEvents"),
    ) as Statement;
    expect(list.Condition).toEqual({ StringLike: { "s3:prefix": ["usage/*"] } });
  });

  it("outputs exactly the config's usage block, which the config schema accepts", () => {
    expect(config).toEqual({
      type: "firehose",
      deliveryStream: { Ref: expect.stringMatching(/^UsageLakeDeliveryStream/) },
      athena: {
        database: "smcb",
        table: "usage_events",
        compactedTable: "usage_events_compacted",
        workgroup: "smcb-usage",
        outputLocation: {
          "Fn::Join": [
            "",
            ["s3://", { Ref: expect.stringMatching(/^UsageLakeResults/) }, "/athena-results/"],
          ],
        },
      },
    });
    const outputs = template.toJSON().Outputs as Record<string, { Description: string }>;
    expect(
      Object.values(outputs)
        .map((o) => o.Description)
        .sort(),
    ).toEqual(
      [
        "the usage block of smcb.config.json",
        "usage.athena.compactedTable",
        "usage.athena.database",
        "usage.athena.outputLocation",
        "usage.athena.table",
        "usage.athena.workgroup",
        "usage.deliveryStream",
      ].sort(),
    );
    const deployed = {
      type: "firehose",
      deliveryStream: "Lake-UsageLakeDeliveryStream-abc",
      athena: {
        database: "smcb",
        table: "usage_events",
        workgroup: "smcb-usage",
        outputLocation: "s3://results/athena-results/",
      },
    };
    expect(parseConfig({ lobs: ["retail"], usage: deployed }).usage).toEqual(deployed);
  });
});

/**
 * Replaces the template's intrinsics with deploy-time-like values (pseudo parameters, bucket names, ARNs by
 * resource type), so the properties can be checked against the service APIs' request shapes.
 */
function deployed(t: Template, value: unknown): unknown {
  const resources = t.toJSON().Resources as Record<string, { Type: string }>;
  const pseudo: Record<string, string> = {
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
  };
  const ref = (id: string) => pseudo[id] ?? id.toLowerCase();
  const arn = (id: string) => {
    const type = resources[id]?.Type;
    if (type === "AWS::S3::Bucket") return `arn:aws:s3:::${ref(id)}`;
    if (type === "AWS::KMS::Key")
      return "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    if (type === "AWS::IAM::Role") return `arn:aws:iam::123456789012:role/${id}`;
    throw new Error(`no ARN for ${id} (${type})`);
  };
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== "object" || v === null) return v;
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === "string") return ref(o.Ref);
    const att = o["Fn::GetAtt"] as [string, string] | undefined;
    if (att) return arn(att[0]);
    const join = o["Fn::Join"] as [string, unknown[]] | undefined;
    if (join) return join[1].map(walk).join(join[0]);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
  };
  return walk(value);
}

describe("UsageLake's resources as API requests (botocore models)", () => {
  let template: Template;
  beforeAll(() => {
    const result = stackWith(
      (stack) => new UsageLake(stack, "UsageLake", { deliveryStreamName: "smcb-usage" }),
    );
    if (!result.template) throw new Error(JSON.stringify(result.findings));
    template = result.template;
  }, 60_000);
  const props = (type: string) =>
    deployed(
      template,
      (Object.values(template.findResources(type))[0] as { Properties: unknown }).Properties,
    ) as Record<string, unknown>;

  it("Firehose CreateDeliveryStream accepts the stream's properties", () => {
    const p = props("AWS::KinesisFirehose::DeliveryStream");
    expect(shapeProblems(loadApiModel("firehose"), "CreateDeliveryStream", "input", p)).toEqual([]);
  });

  it("Glue CreateDatabase and CreateTable accept the database's and table's properties", () => {
    const glue = loadApiModel("glue");
    const db = props("AWS::Glue::Database");
    expect(shapeProblems(glue, "CreateDatabase", "input", db)).toEqual([]);
    for (const table of Object.values(template.findResources("AWS::Glue::Table")))
      expect(
        shapeProblems(
          glue,
          "CreateTable",
          "input",
          deployed(template, (table as { Properties: unknown }).Properties),
        ),
      ).toEqual([]);
  });

  it("Athena CreateWorkGroup accepts the workgroup's configuration", () => {
    const { Name, Description, WorkGroupConfiguration } = props("AWS::Athena::WorkGroup");
    const request = { Name, Description, Configuration: WorkGroupConfiguration };
    expect(shapeProblems(loadApiModel("athena"), "CreateWorkGroup", "input", request)).toEqual([]);
  });
});

describe("UsageLake props", () => {
  it("takes the key, buckets, names, buffering, lifecycle, cutoff and SerDe setting you give, cdk-nag clean", () => {
    const { template, findings } = stackWith((stack) => {
      const key = new kms.Key(stack, "MyKey", { enableKeyRotation: true });
      const logs = s3.Bucket.fromBucketName(stack, "OrgLogs", "org-access-logs");
      const results = s3.Bucket.fromBucketName(stack, "OrgResults", "org-athena-results");
      const lake = new UsageLake(stack, "UsageLake", {
        encryptionKey: key,
        accessLogsBucket: logs,
        resultsBucket: results,
        resultsPrefix: "smcb/",
        lifecycleRules: [{ expiration: Duration.days(3650) }],
        deliveryStreamName: "smcb-usage",
        bufferingInterval: Duration.seconds(60),
        bufferingSize: Size.mebibytes(64),
        prefix: "events/v1/",
        databaseName: "finops",
        tableName: "usage",
        workgroupName: "finops-usage",
        bytesScannedCutoffPerQuery: Size.gibibytes(1),
        projectionYears: { first: 2026, last: 2030 },
        ignoreMalformedJson: false,
      });
      lake.grantQuery(new iam.Role(stack, "Finops", { assumedBy: new iam.AccountRootPrincipal() }));
    });
    expect(findings).toEqual([]);
    const t = template as Template;
    t.resourceCountIs("AWS::KMS::Key", 1);
    t.resourceCountIs("AWS::S3::Bucket", 1);
    t.hasResourceProperties("AWS::S3::Bucket", {
      LoggingConfiguration: { DestinationBucketName: "org-access-logs", LogFilePrefix: "events/" },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 3650 })] },
    });
    t.hasResourceProperties("AWS::KinesisFirehose::DeliveryStream", {
      DeliveryStreamName: "smcb-usage",
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix: "events/v1/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
        BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 64 },
      }),
    });
    t.hasResourceProperties("AWS::Glue::Table", {
      DatabaseName: "finops",
      TableInput: Match.objectLike({
        Name: "usage",
        Parameters: Match.objectLike({ "projection.year.range": "2026,2030" }),
        StorageDescriptor: Match.objectLike({
          SerdeInfo: Match.objectLike({ Parameters: { "ignore.malformed.json": "false" } }),
        }),
      }),
    });
    t.hasResourceProperties("AWS::Athena::WorkGroup", {
      Name: "finops-usage",
      WorkGroupConfiguration: Match.objectLike({
        BytesScannedCutoffPerQuery: 1024 ** 3,
        ResultConfiguration: Match.objectLike({ OutputLocation: "s3://org-athena-results/smcb/" }),
      }),
    });
  });

  it("acknowledges only its own prefixes' wildcards on the grantee: another wildcard stays a finding", () => {
    const { findings } = stackWith((stack) => {
      const lake = new UsageLake(stack, "UsageLake");
      const role = new iam.Role(stack, "Finops", { assumedBy: new iam.AccountRootPrincipal() });
      lake.grantQuery(role);
      lake.bucket.grantRead(role, "errors/*");
    });
    expect(JSON.stringify(findings)).toMatch(
      /AwsSolutions-IAM5\[Resource::<UsageLakeEvents[0-9A-F]+\.Arn>\/errors\/\*\]/,
    );
    expect(JSON.stringify(findings)).not.toContain("/usage/*]");
  });

  it.each([
    [{ bufferingInterval: Duration.seconds(901) }, /bufferingInterval/],
    [{ bufferingSize: Size.mebibytes(129) }, /bufferingSize/],
    [{ prefix: "usage" }, /prefix/],
    [{ prefix: "/usage/" }, /prefix/],
    [{ prefix: "data/", errorOutputPrefix: "data/errors/" }, /outside prefix/],
    [{ bytesScannedCutoffPerQuery: Size.mebibytes(1) }, /at least 10 MB/],
    [{ projectionYears: { first: 2030, last: 2025 } }, /projectionYears/],
    [{ databaseName: "FinOps" }, /databaseName "FinOps" must be lower-case/],
    [{ tableName: "usage-events" }, /tableName/],
    [{ workgroupName: "finops usage" }, /workgroupName/],
    [{ deliveryStreamName: "x".repeat(65) }, /deliveryStreamName/],
  ])("refuses %o", (props, message) => {
    expect(
      cdkValidationMessage(() => stackWith((stack) => new UsageLake(stack, "UsageLake", props))),
    ).toMatch(message);
  });
});
