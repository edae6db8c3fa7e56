import {
  BedrockClient,
  ConflictException,
  CreateInferenceProfileCommand,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  ListInferenceProfilesCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  ValidationException,
} from "@aws-sdk/client-bedrock";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AwsError, TagPolicyError, UsageError } from "../../../../core/errors.js";
import { resolveModelSource } from "../../../../inference/bedrock/model-source.js";
import { createApplicationProfile, listApplicationProfiles } from "../../../../inference/bedrock/profiles.js";
import { loadApiModel, shapeProblems } from "../../../support/api-model.js";
import { appProfileSummary } from "../../../support/bedrock-fixtures.js";

const api = loadApiModel("bedrock");
const mock = mockClient(BedrockClient);
const client = new BedrockClient({
  region: "us-east-1",
  credentials: { accessKeyId: "x", secretAccessKey: "y" },
});
const POLICY = { tagKey: "LineOfBusiness", lobs: ["retail", "wealth"] };

const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const HAIKU_ARN = `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`;
const US_HAIKU = `us.${HAIKU}`;
const US_HAIKU_ARN = `arn:aws:bedrock:us-east-1:111122223333:inference-profile/${US_HAIKU}`;
const US_MODELS = ["us-east-1", "us-east-2", "us-west-2"].map(
  (r) => `arn:aws:bedrock:${r}::foundation-model/${HAIKU}`,
);
const APP_ARN = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6";

function notFound(): ResourceNotFoundException {
  return new ResourceNotFoundException({ message: "not found", $metadata: {} });
}

function mockFoundationModel(types: string[] = ["ON_DEMAND"]): void {
  const out = {
    modelDetails: {
      modelArn: HAIKU_ARN,
      modelId: HAIKU,
      modelName: "Claude 3 Haiku",
      providerName: "Anthropic",
      inferenceTypesSupported: types as never,
    },
  };
  mock.on(GetFoundationModelCommand, { modelIdentifier: HAIKU }).resolves(out);
  mock.on(GetFoundationModelCommand, { modelIdentifier: HAIKU_ARN }).resolves(out);
}

function mockSystemProfile(): void {
  const out = {
    inferenceProfileName: "US Anthropic Claude 3 Haiku",
    inferenceProfileArn: US_HAIKU_ARN,
    inferenceProfileId: US_HAIKU,
    models: US_MODELS.map((modelArn) => ({ modelArn })),
    status: "ACTIVE" as const,
    type: "SYSTEM_DEFINED" as const,
  };
  expect(shapeProblems(api, "GetInferenceProfile", "output", out)).toEqual([]);
  mock.on(GetInferenceProfileCommand, { inferenceProfileIdentifier: US_HAIKU }).resolves(out);
  mock.on(GetInferenceProfileCommand, { inferenceProfileIdentifier: US_HAIKU_ARN }).resolves(out);
}

const summary = (i: number, modelArn = HAIKU_ARN) => appProfileSummary(`p${i}`, modelArn);

beforeEach(() => {
  mock.reset();
  mock
    .on(GetFoundationModelCommand)
    .rejects(new ValidationException({ message: "invalid id", $metadata: {} }));
  mock.on(GetInferenceProfileCommand).rejects(notFound());
});
afterEach(() => mock.reset());

describe("the API-model check itself", () => {
  it("catches what the service would reject", () => {
    expect(
      shapeProblems(api, "CreateInferenceProfile", "input", {
        inferenceProfileName: "bad--name",
        modelSource: { copyFrom: HAIKU_ARN, other: 1 },
        tags: [{ key: "Équipe" }],
        extra: true,
      }),
    ).toEqual([
      "CreateInferenceProfile.extra: not a member of CreateInferenceProfileRequest",
      expect.stringMatching(
        /^CreateInferenceProfile\.inferenceProfileName: "bad--name" does not match InferenceProfileName/,
      ),
      "CreateInferenceProfile.modelSource.other: not a member of InferenceProfileModelSource",
      "CreateInferenceProfile.tags[0].value: required by Tag",
      expect.stringMatching(/^CreateInferenceProfile\.tags\[0\]\.key: "Équipe" does not match TagKey/),
    ]);
    expect(shapeProblems(api, "CreateInferenceProfile", "input", {})).toEqual([
      "CreateInferenceProfile.inferenceProfileName: required by CreateInferenceProfileRequest",
      "CreateInferenceProfile.modelSource: required by CreateInferenceProfileRequest",
    ]);
    expect(
      shapeProblems(api, "CreateInferenceProfile", "input", { inferenceProfileName: "x", modelSource: {} }),
    ).toEqual([
      "CreateInferenceProfile.modelSource: union InferenceProfileModelSource must set exactly one member, got 0",
    ]);
  });
});

describe("resolveModelSource", () => {
  it("resolves a foundation model id to its ARN in the region", async () => {
    mockFoundationModel();
    const src = await resolveModelSource(client, HAIKU);
    expect(src).toEqual({ arn: HAIKU_ARN, kind: "foundation-model", modelArns: [HAIKU_ARN], modelId: HAIKU });
    const call = mock.commandCalls(GetFoundationModelCommand)[0]?.args[0].input;
    expect(shapeProblems(api, "GetFoundationModel", "input", call)).toEqual([]);
    expect(mock.commandCalls(GetInferenceProfileCommand)).toHaveLength(0);
  });
  it("resolves a system-defined profile id to its ARN, with the models behind it", async () => {
    mockSystemProfile();
    const src = await resolveModelSource(client, US_HAIKU);
    expect(src).toEqual({
      arn: US_HAIKU_ARN,
      kind: "inference-profile",
      modelArns: US_MODELS,
      modelId: HAIKU,
    });
    const call = mock.commandCalls(GetInferenceProfileCommand)[0]?.args[0].input;
    expect(shapeProblems(api, "GetInferenceProfile", "input", call)).toEqual([]);
  });
  it("accepts either ARN when it is in the client's region", async () => {
    mockFoundationModel();
    mockSystemProfile();
    expect((await resolveModelSource(client, HAIKU_ARN)).arn).toBe(HAIKU_ARN);
    expect((await resolveModelSource(client, US_HAIKU_ARN)).arn).toBe(US_HAIKU_ARN);
  });
  it("rejects an ARN of another region before calling AWS", async () => {
    const other = HAIKU_ARN.replace("us-east-1", "eu-west-1");
    await expect(resolveModelSource(client, other)).rejects.toThrow(
      /is in region eu-west-1, but profiles are created in us-east-1/,
    );
    expect(mock.calls()).toHaveLength(0);
  });
  it("rejects an application profile as a source", async () => {
    await expect(resolveModelSource(client, APP_ARN)).rejects.toThrow(/is an application inference profile/);
    mock.on(GetInferenceProfileCommand, { inferenceProfileIdentifier: "a1b2c3d4e5f6" }).resolves({
      ...summary(1),
      inferenceProfileId: "a1b2c3d4e5f6",
    });
    await expect(resolveModelSource(client, "a1b2c3d4e5f6")).rejects.toThrow(
      /is an application inference profile/,
    );
  });
  it("says clearly when a model is unknown in the region", async () => {
    const e = await resolveModelSource(client, "anthropic.claude-9-v1:0").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).message).toBe(
      'Model "anthropic.claude-9-v1:0" is neither a foundation model nor a system-defined inference profile in us-east-1.',
    );
    expect((e as UsageError).hint).toMatch(/list-foundation-models --region us-east-1/);
    expect((e as UsageError).exitCode).toBe(2);
  });
  it("rejects a model that cannot be invoked on demand, pointing at system profiles", async () => {
    mockFoundationModel(["INFERENCE_PROFILE"]);
    const e = (await resolveModelSource(client, HAIKU).catch((x: unknown) => x)) as UsageError;
    expect(e.message).toMatch(/cannot be invoked on demand \(it supports INFERENCE_PROFILE\)/);
    expect(e.hint).toMatch(/us\.<model id>/);
  });
  it("asks for a region when the client has none", async () => {
    vi.stubEnv("AWS_REGION", undefined);
    vi.stubEnv("AWS_DEFAULT_REGION", undefined);
    vi.stubEnv("AWS_PROFILE", undefined);
    vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/aws-config");
    const noRegion = new BedrockClient({ credentials: { accessKeyId: "x", secretAccessKey: "y" } });
    try {
      const e = (await resolveModelSource(noRegion, HAIKU).catch((x: unknown) => x)) as UsageError;
      expect(e).toBeInstanceOf(UsageError);
      expect(e.hint).toMatch(/--region/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
  it("rejects malformed input without calling AWS", async () => {
    await expect(resolveModelSource(client, "claude 3 haiku")).rejects.toThrow(/is not a model id/);
    expect(mock.calls()).toHaveLength(0);
  });
  it("turns other AWS failures into an AwsError", async () => {
    mock
      .on(GetFoundationModelCommand)
      .rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    await expect(resolveModelSource(client, HAIKU)).rejects.toThrow(AwsError);
  });
});

describe("createApplicationProfile", () => {
  beforeEach(() => {
    mockFoundationModel();
    mockSystemProfile();
    mock.on(CreateInferenceProfileCommand).resolves({ inferenceProfileArn: APP_ARN, status: "ACTIVE" });
  });

  it("copies from the resolved ARN, tags the LOB, derives the name, sends a deterministic token", async () => {
    const p = await createApplicationProfile(client, {
      policy: POLICY,
      lob: "retail",
      model: US_HAIKU,
      application: "chat",
      tags: [{ Key: "CostCenter", Value: "1234" }],
    });
    expect(p).toMatchObject({
      arn: APP_ARN,
      created: true,
      status: "ACTIVE",
      name: "retail-chat-us-anthropic-claude-3-haiku-20240307-v1-0",
    });
    const input = mock.commandCalls(CreateInferenceProfileCommand)[0]?.args[0].input;
    expect(input).toEqual({
      inferenceProfileName: "retail-chat-us-anthropic-claude-3-haiku-20240307-v1-0",
      clientRequestToken: p.clientRequestToken,
      modelSource: { copyFrom: US_HAIKU_ARN },
      tags: [
        { key: "CostCenter", value: "1234" },
        { key: "LineOfBusiness", value: "retail" },
      ],
    });
    expect(shapeProblems(api, "CreateInferenceProfile", "input", input)).toEqual([]);
    const again = await createApplicationProfile(client, {
      policy: POLICY,
      lob: "retail",
      model: US_HAIKU,
      application: "chat",
      tags: [{ Key: "CostCenter", Value: "1234" }],
    });
    expect(again.clientRequestToken).toBe(p.clientRequestToken);
  });

  it("passes a given name and description through, both valid per the API model", async () => {
    await createApplicationProfile(client, {
      policy: POLICY,
      lob: "wealth",
      model: HAIKU,
      name: "wealth advisor",
      description: "Wealth advisor: claude 3 haiku",
    });
    const input = mock.commandCalls(CreateInferenceProfileCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      inferenceProfileName: "wealth advisor",
      description: "Wealth advisor: claude 3 haiku",
    });
    expect(shapeProblems(api, "CreateInferenceProfile", "input", input)).toEqual([]);
  });

  it("rejects an invalid tag, LOB, name or description before any AWS call", async () => {
    const base = { policy: POLICY, lob: "retail", model: HAIKU };
    await expect(
      createApplicationProfile(client, { ...base, tags: [{ Key: "Équipe", Value: "x" }] }),
    ).rejects.toThrow(TagPolicyError);
    await expect(
      createApplicationProfile(client, { ...base, tags: [{ Key: "aws:x", Value: "x" }] }),
    ).rejects.toThrow(/must not start with "aws:"/);
    await expect(createApplicationProfile(client, { ...base, lob: "marketing" })).rejects.toThrow(
      /not an allowed LOB/,
    );
    await expect(createApplicationProfile(client, { ...base, name: "bad--name" })).rejects.toThrow(
      /Invalid profile name/,
    );
    await expect(createApplicationProfile(client, { ...base, description: "a, b" })).rejects.toThrow(
      /Invalid description/,
    );
    expect(mock.calls()).toHaveLength(0);
  });

  it("fails with the unknown-model error and creates nothing", async () => {
    await expect(
      createApplicationProfile(client, { policy: POLICY, lob: "retail", model: "meta.llama9-v1:0" }),
    ).rejects.toThrow(/neither a foundation model nor a system-defined inference profile in us-east-1/);
    expect(mock.commandCalls(CreateInferenceProfileCommand)).toHaveLength(0);
  });

  it("returns an existing profile of the same name, LOB and models on a conflict", async () => {
    const name = "retail-anthropic-claude-3-haiku-20240307-v1-0";
    mock
      .on(CreateInferenceProfileCommand)
      .rejects(new ConflictException({ message: "exists", $metadata: {} }));
    mock.on(ListInferenceProfilesCommand).resolves({
      inferenceProfileSummaries: [
        summary(1),
        { ...summary(2), inferenceProfileName: name, inferenceProfileArn: APP_ARN },
      ],
    });
    mock
      .on(ListTagsForResourceCommand, { resourceARN: APP_ARN })
      .resolves({ tags: [{ key: "LineOfBusiness", value: "retail" }] });
    const p = await createApplicationProfile(client, { policy: POLICY, lob: "retail", model: HAIKU });
    expect(p).toMatchObject({ arn: APP_ARN, created: false, name });
    mock
      .on(ListTagsForResourceCommand, { resourceARN: APP_ARN })
      .resolves({ tags: [{ key: "LineOfBusiness", value: "wealth" }] });
    await expect(
      createApplicationProfile(client, { policy: POLICY, lob: "retail", model: HAIKU }),
    ).rejects.toThrow(/already exists .* with LOB wealth/);
  });

  it("on a conflict, refuses a same-named profile of other models, and passes on a conflict it cannot explain", async () => {
    const name = "retail-anthropic-claude-3-haiku-20240307-v1-0";
    mock
      .on(CreateInferenceProfileCommand)
      .rejects(new ConflictException({ message: "exists", $metadata: {} }));
    mock.on(ListInferenceProfilesCommand).resolves({
      inferenceProfileSummaries: [
        { ...summary(2, US_MODELS[1]), inferenceProfileName: name, inferenceProfileArn: APP_ARN },
      ],
    });
    mock.on(ListTagsForResourceCommand).resolves({ tags: [{ key: "LineOfBusiness", value: "retail" }] });
    await expect(
      createApplicationProfile(client, { policy: POLICY, lob: "retail", model: HAIKU }),
    ).rejects.toThrow(/already exists .* with LOB retail and model anthropic/);
    mock.on(ListInferenceProfilesCommand).resolves({ inferenceProfileSummaries: [] });
    const e = await createApplicationProfile(client, { policy: POLICY, lob: "retail", model: HAIKU }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(AwsError);
    expect((e as AwsError).message).toMatch(/CreateInferenceProfile failed: ConflictException/);
  });

  it("wraps other creation failures", async () => {
    mock
      .on(CreateInferenceProfileCommand)
      .rejects(Object.assign(new Error("slow down"), { name: "ThrottlingException" }));
    await expect(
      createApplicationProfile(client, { policy: POLICY, lob: "retail", model: HAIKU }),
    ).rejects.toThrow(/CreateInferenceProfile failed: ThrottlingException/);
  });
});

describe("listApplicationProfiles", () => {
  it("asks for APPLICATION profiles, follows every page, and reads each profile's tags", async () => {
    const pages = [
      { inferenceProfileSummaries: [summary(1), summary(2)], nextToken: "t1" },
      { inferenceProfileSummaries: [summary(3)], nextToken: "t2" },
      { inferenceProfileSummaries: [summary(4, US_MODELS[1])] },
    ];
    for (const p of pages) expect(shapeProblems(api, "ListInferenceProfiles", "output", p)).toEqual([]);
    // The paginator reuses one input object across pages: copy each request as it is sent.
    const lists: Array<Record<string, unknown>> = [];
    mock.on(ListInferenceProfilesCommand).callsFake(async (input: Record<string, unknown>) => {
      lists.push({ ...input });
      return pages[lists.length - 1];
    });
    mock.on(ListTagsForResourceCommand).callsFake(async (input: { resourceARN: string }) => ({
      tags: [{ key: "LineOfBusiness", value: input.resourceARN.endsWith("p2") ? "wealth" : "retail" }],
    }));
    const profiles = await listApplicationProfiles(client);
    expect(profiles.map((p) => p.name)).toEqual(["name-p1", "name-p2", "name-p3", "name-p4"]);
    expect(profiles[1]).toEqual({
      name: "name-p2",
      arn: "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/p2",
      id: "p2",
      status: "ACTIVE",
      description: undefined,
      modelArns: [HAIKU_ARN],
      modelId: HAIKU,
      tags: [{ Key: "LineOfBusiness", Value: "wealth" }],
      createdAt: "2026-11-01T00:00:00.000Z",
    });
    expect(lists.map((i) => [i.typeEquals, i.maxResults, i.nextToken])).toEqual([
      ["APPLICATION", 100, undefined],
      ["APPLICATION", 100, "t1"],
      ["APPLICATION", 100, "t2"],
    ]);
    for (const i of lists) expect(shapeProblems(api, "ListInferenceProfiles", "input", i)).toEqual([]);
    for (const c of mock.commandCalls(ListTagsForResourceCommand))
      expect(shapeProblems(api, "ListTagsForResource", "input", c.args[0].input)).toEqual([]);
  });

  it("keeps at most `concurrency` tag reads in flight", async () => {
    mock
      .on(ListInferenceProfilesCommand)
      .resolves({ inferenceProfileSummaries: Array.from({ length: 20 }, (_, i) => summary(i)) });
    let inFlight = 0;
    let peak = 0;
    mock.on(ListTagsForResourceCommand).callsFake(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return { tags: [] };
    });
    const profiles = await listApplicationProfiles(client, { concurrency: 3 });
    expect(profiles).toHaveLength(20);
    expect(peak).toBe(3);
  });

  it("wraps a listing failure", async () => {
    mock
      .on(ListInferenceProfilesCommand)
      .rejects(Object.assign(new Error("no"), { name: "AccessDeniedException" }));
    await expect(listApplicationProfiles(client)).rejects.toThrow(
      /ListInferenceProfiles failed: AccessDeniedException/,
    );
  });
});
