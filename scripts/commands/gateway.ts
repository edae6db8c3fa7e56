/**
 * `smcb gateway serve | keys create | keys list | keys revoke`: the tenant gateway on a local HTTP server, and its
 * API keys (printed once, stored as SHA-256 hashes). Domain code is imported inside the handlers so `smcb --help`
 * stays fast.
 */

import type { Argv } from "yargs";
import type { CommandContext, GlobalArgs } from "../context.js";
import type { CommandRegistrar } from "../registrar.js";

interface ServeArgs {
  port: number;
  host: string;
}
interface CreateArgs {
  tenant: string;
  lob?: string;
}
interface RevokeArgs {
  "key-id": string;
}

/** The gateway block of the configuration and its store. */
async function gatewayStore(ctx: CommandContext) {
  const [{ ConfigError }, { createGatewayStore }, { DynamoDBClient }] = await Promise.all([
    import("../../core/errors.js"),
    import("../../gateway/runtime.js"),
    import("@aws-sdk/client-dynamodb"),
  ]);
  const cfg = await ctx.config();
  if (cfg.gateway === undefined)
    throw new ConfigError(`${cfg.configFile} has no gateway block.`, [], {
      hint: "Add gateway.tenants, gateway.models and gateway.store; see docs/gateway.md.",
    });
  const dynamodb = await ctx.client(DynamoDBClient);
  return { cfg, gateway: cfg.gateway, store: createGatewayStore(cfg.gateway.store, () => dynamodb) };
}

export const registerGateway: CommandRegistrar = (y, run) =>
  y.command(
    "gateway",
    "The tenant gateway: an OpenAI-compatible API with per-tenant keys, budgets and metering",
    (g) =>
      (g as Argv<GlobalArgs>)
        .command(
          "serve",
          "Serve the gateway on a local HTTP server (the config's gateway block; usage to the config's recorder)",
          (c) =>
            c
              .option("port", { type: "number", default: 8787, describe: "Port (0 picks a free one)" })
              .option("host", { type: "string", default: "127.0.0.1", describe: "Address to listen on" })
              .example("smcb gateway serve", "http://127.0.0.1:8787/v1, Bedrock in the config's region")
              .example(
                "smcb gateway serve --port 9000 --endpoint-url http://127.0.0.1:4010",
                "any Bedrock-compatible runtime endpoint",
              ),
          run<ServeArgs>(async (ctx, argv) => {
            const [{ CloudWatchClient }, { FirehoseClient }, { makeClient }, { createUsageRecorder }, gw] =
              await Promise.all([
                import("@aws-sdk/client-cloudwatch"),
                import("@aws-sdk/client-firehose"),
                import("../../core/aws.js"),
                import("../../inference/recorders/create-usage-recorder.js"),
                import("../../gateway/index.js"),
              ]);
            const { cfg, store } = await gatewayStore(ctx);
            const aws = await ctx.awsOptions();
            const recorder = createUsageRecorder(cfg.usage, {
              cloudWatch: () => makeClient(CloudWatchClient, aws),
              firehose: () => makeClient(FirehoseClient, aws),
            });
            const runtime = gw.createGatewayRuntime({
              config: cfg,
              aws,
              recorder,
              store,
              log: (entry) => ctx.io.stderr.write(`${JSON.stringify(entry)}\n`),
            });
            const server = await gw.serveGateway(runtime.handle, { port: argv.port, host: argv.host });
            ctx.print({ url: `${server.url}/v1` }, () => `smcb gateway listening on ${server.url}/v1`);
            await new Promise<void>((resolve) => {
              const stop = () => resolve();
              process.once("SIGINT", stop);
              process.once("SIGTERM", stop);
            });
            ctx.log("smcb gateway: stopping (calls in flight are settled, usage flushed)");
            await server.close();
            await runtime.close();
            return undefined;
          }),
        )
        .command("keys", "API keys of the gateway's tenants", (k) =>
          (k as Argv<GlobalArgs>)
            .command(
              "create",
              "Make a key for a tenant: printed once, stored only as its SHA-256 hash",
              (c) =>
                c
                  .option("tenant", {
                    type: "string",
                    demandOption: true,
                    describe: "A tenant of gateway.tenants",
                  })
                  .option("lob", {
                    type: "string",
                    describe: "The tenant's LOB (checked against the config)",
                  })
                  .example("smcb gateway keys create --tenant fraud-team", "prints smcb-… once")
                  .example("smcb gateway keys create --tenant fraud-team --lob payments --json", "as JSON"),
              run<CreateArgs>(async (ctx, argv) => {
                const [{ UsageError }, { newKey }] = await Promise.all([
                  import("../../core/errors.js"),
                  import("../../gateway/keys.js"),
                ]);
                const { gateway, store } = await gatewayStore(ctx);
                const tenant = gateway.tenants.find((t) => t.name === argv.tenant);
                if (tenant === undefined)
                  throw new UsageError(`No tenant "${argv.tenant}" in gateway.tenants.`, {
                    hint: `Tenants: ${gateway.tenants.map((t) => t.name).join(", ") || "(none)"}.`,
                  });
                if (argv.lob !== undefined && argv.lob !== tenant.lob)
                  throw new UsageError(
                    `Tenant "${tenant.name}" is in LOB "${tenant.lob}", not "${argv.lob}".`,
                  );
                const { key, record } = newKey(tenant.name, tenant.lob);
                await store.putKey(record);
                await store.close();
                ctx.print(
                  {
                    key,
                    keyId: record.keyId,
                    tenant: record.tenant,
                    lob: record.lob,
                    createdAt: record.createdAt,
                  },
                  () =>
                    `${key}\n(key id ${record.keyId}, tenant ${record.tenant}, LOB ${record.lob}; shown once, only its hash is stored)`,
                );
                return undefined;
              }),
            )
            .command(
              "list",
              "List keys (id, tenant, LOB, created, revoked); never the keys themselves",
              (c) => c.example("smcb gateway keys list --json", "as JSON"),
              run(async (ctx) => {
                const { store } = await gatewayStore(ctx);
                const keys = (await store.listKeys()).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
                await store.close();
                const rows = keys.map(({ keyId, tenant, lob, createdAt, revokedAt }) => ({
                  keyId,
                  tenant,
                  lob,
                  createdAt,
                  revokedAt: revokedAt ?? null,
                }));
                ctx.print(rows, () =>
                  rows.length === 0
                    ? "no keys"
                    : rows
                        .map(
                          (r) =>
                            `${r.keyId}  ${r.tenant}  ${r.lob}  ${r.createdAt}${r.revokedAt ? `  revoked ${r.revokedAt}` : ""}`,
                        )
                        .join("\n"),
                );
                return undefined;
              }),
            )
            .command(
              "revoke <key-id>",
              "Revoke a key by its id (from `keys list`); its next request gets 401",
              (c) =>
                c
                  .positional("key-id", { type: "string", demandOption: true, describe: "The key id" })
                  .example("smcb gateway keys revoke 3f9a1c0b7d2e", "revoke one key"),
              run<RevokeArgs>(async (ctx, argv) => {
                const { UsageError } = await import("../../core/errors.js");
                const { store } = await gatewayStore(ctx);
                const found = await store.revokeKey(argv["key-id"], new Date());
                await store.close();
                if (!found)
                  throw new UsageError(`No key with id ${argv["key-id"]}.`, {
                    hint: "See `smcb gateway keys list`.",
                  });
                ctx.print({ keyId: argv["key-id"], revoked: true }, () => `revoked ${argv["key-id"]}`);
                return undefined;
              }),
            )
            .demandCommand(1, "Name a keys command: create, list or revoke."),
        )
        .demandCommand(1, "Name a gateway command: serve or keys."),
  );
