/**
 * What both runtimes build from the configuration: the store, the profile lookup, the alert sink and the handler.
 */
import { BedrockClient } from "@aws-sdk/client-bedrock";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { GatewayConfig, LoadedConfig } from "../core/index.js";
import { type AwsOptions, ConfigError, makeClient } from "../core/index.js";
import type { UsageRecorder } from "../inference/index.js";
import { ProfileResolver } from "../inference/index.js";
import type { BudgetAlert } from "./budget.js";
import { DynamoDbGatewayStore } from "./dynamodb-store.js";
import { FileGatewayStore } from "./file-store.js";
import { createGatewayHandler, type GatewayHandler, type GatewayLog } from "./handler.js";
import type { GatewayStore } from "./store.js";

/** The store a `gateway.store` block names. */
export function createGatewayStore(
  store: GatewayConfig["store"],
  dynamodb: () => DynamoDBClient,
): GatewayStore {
  return store.type === "file"
    ? new FileGatewayStore({ path: store.path })
    : new DynamoDbGatewayStore({ client: dynamodb(), table: store.table });
}

/**
 * The application inference profile of a LOB for a Bedrock model: the config's static map (`bedrock.profiles`,
 * one profile per LOB) first, then the LOB's profiles found by their tags whose model is the one asked for.
 */
export function profileLookup(
  resolver: ProfileResolver,
  staticProfiles: Readonly<Record<string, string>>,
  tagKey: string,
): (lob: string, bedrockModel: string) => Promise<string> {
  return async (lob, bedrockModel) => {
    const mapped = staticProfiles[lob];
    if (mapped !== undefined) return mapped;
    const found = (await resolver.find([{ Key: tagKey, Value: lob }])).filter(
      (p) => p.modelId === bedrockModel || p.modelArns.some((a) => a.endsWith(`/${bedrockModel}`)),
    );
    const [first, second] = found;
    if (first === undefined || second !== undefined)
      throw new Error(
        `${found.length} application inference profiles tagged ${tagKey}=${lob} route to ${bedrockModel}`,
      );
    return first.arn;
  };
}

/** An alert sink publishing each soft budget alert to an SNS topic (one message per threshold per month). */
export function snsAlert(client: SNSClient, topicArn: string): (alert: BudgetAlert) => Promise<void> {
  return async (a) => {
    const pct = Math.round(a.threshold * 100);
    await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: `smcb gateway: ${a.scope} ${a.name} at ${pct}% of its ${a.month} budget`.slice(0, 99),
        Message: JSON.stringify({ ...a, spent: a.spent.toString(), limit: a.limit.toString() }),
      }),
    );
  };
}

/** Options of {@link createGatewayRuntime}. */
export interface GatewayRuntimeOptions {
  readonly config: LoadedConfig;
  /** Region, profile and endpoint URL (any Bedrock-compatible endpoint) of the AWS clients. */
  readonly aws: AwsOptions;
  /** Where usage events go. */
  readonly recorder: UsageRecorder;
  /** The store. @default the one the config names */
  readonly store?: GatewayStore | undefined;
  /** Sends soft budget alerts. @default a log line */
  readonly alert?: ((alert: BudgetAlert) => Promise<void>) | undefined;
  readonly log?: GatewayLog | undefined;
}

/** A handler and what to close when the runtime stops. */
export interface GatewayRuntime {
  readonly handle: GatewayHandler;
  readonly store: GatewayStore;
  /** Flushes the recorder and closes the store. */
  close(): Promise<void>;
}

/** Builds the handler of a configuration for a runtime. */
export function createGatewayRuntime(opts: GatewayRuntimeOptions): GatewayRuntime {
  const cfg = opts.config;
  if (cfg.gateway === undefined)
    throw new ConfigError(`${cfg.configFile} has no gateway block.`, [], {
      hint: "Add a gateway block (tenants, models, store); see docs/gateway.md.",
    });
  // Upstream calls are abandoned after timeoutSeconds of silence (the reservation outlives them by a minute).
  const requestHandler = { requestTimeout: cfg.gateway.timeoutSeconds * 1000 };
  const make = <C>(Ctor: new (config: never) => C, extra: object = {}) =>
    makeClient(Ctor as unknown as new (config: unknown) => C, opts.aws, extra as never);
  const store = opts.store ?? createGatewayStore(cfg.gateway.store, () => make(DynamoDBClient));
  const resolver = new ProfileResolver({ client: make(BedrockClient), tagKey: cfg.tagKey });
  const handle = createGatewayHandler({
    config: cfg,
    store,
    recorder: opts.recorder,
    bedrock: make(BedrockRuntimeClient, { requestHandler }),
    sagemaker: make(SageMakerRuntimeClient, { requestHandler }),
    resolveProfile: profileLookup(resolver, cfg.bedrock.profiles, cfg.tagKey),
    alert: opts.alert,
    log: opts.log,
  });
  return {
    handle,
    store,
    close: async () => {
      await opts.recorder.close();
      await store.close();
    },
  };
}
