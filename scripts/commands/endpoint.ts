/** `smcb endpoint deploy|list|delete`: dedicated and shared endpoints, tagged per DESIGN §3.2. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { UtilizationReport } from "../../chargeback/utilization.js";
import { UsageError } from "../../core/errors.js";
import type { DeployResult } from "../../inference/endpoint-deploy.js";
import type { CommandRegistrar } from "../cli.js";
import type { CommandContext } from "../context.js";

function progress(ctx: CommandContext) {
  return (p: { resource: string; name: string; status: string; elapsedSeconds: number }) =>
    ctx.log(`${p.resource} ${p.name}: ${p.status} (${p.elapsedSeconds}s)`);
}

async function readSpec(ctx: CommandContext, file: string) {
  const abs = path.resolve(ctx.io.cwd, file);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(abs, "utf8"));
  } catch (cause) {
    // A file the user named: a usage error (exit 2), like --config.
    throw new UsageError(`Cannot read endpoint spec ${abs}: ${(cause as Error).message}`, { cause });
  }
  const { parseEndpointSpec } = await import("../../inference/endpoint-spec.js");
  return parseEndpointSpec(raw, `endpoint spec ${abs}`);
}

/** What to do about the strays a deploy kept; undefined when it kept none. */
function strayHint(result: DeployResult): string | undefined {
  const kept = result.strays.filter((s) => !result.pruned.includes(s.name));
  if (kept.length === 0) return undefined;
  return (
    `${kept.length} inference component(s) on ${result.endpointName} are not in the spec and keep running, ` +
    `billing and carrying their LOB tag: ${kept.map((s) => s.name).join(", ")}. ` +
    "Deploy with --prune to delete them (--plan --prune lists them without deploying)."
  );
}

/** The utilization of one endpoint as text: a summary, then one row per day with the 24 hours' use in percent. */
function utilizationText(u: UtilizationReport): string {
  const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);
  const lines = [
    `${u.endpoint} ${u.month}: measured by ${u.source}${u.configuredSource === "tokens" ? " (configured: tokens)" : ""}, ${u.mode}`,
    `instance-hours ${u.instanceHours}, measured utilization ${pct(u.measuredUtilization)}, token-derived ${pct(u.tokenUtilization)}`,
    `hours without a measurement: ${u.missingHours.count} (${u.missingHours.cost})`,
  ];
  if (u.configuredSource === "tokens")
    lines.push(
      `implied capacityTokensPerInstanceHour: ${u.impliedCapacityTokensPerInstanceHour ?? "—"} (configured: ${u.capacityTokensPerInstanceHour ?? "none"}; ${u.weightedTokens} weighted tokens ÷ (${u.instanceHours} instance-hours × ${pct(u.measuredUtilization)}))`,
    );
  lines.push(
    "",
    `day  ${Array.from({ length: 24 }, (_, h) => String(h).padStart(3)).join("")}   (% in use, UTC hours; -- no measurement)`,
  );
  const days = new Map<string, (number | null)[]>();
  for (const h of u.hourly) {
    const row = days.get(h.hour.slice(0, 10)) ?? Array<number | null | undefined>(24).fill(undefined);
    row[Number(h.hour.slice(11, 13))] = h.utilization;
    days.set(h.hour.slice(0, 10), row as (number | null)[]);
  }
  for (const [day, row] of days)
    lines.push(
      `${day.slice(8)}   ${row.map((v) => (v === undefined ? "   " : v === null ? " --" : String(Math.round(v * 100)).padStart(3))).join("")}`,
    );
  return lines.join("\n");
}

function deployText(result: DeployResult, hint: string | undefined): string {
  return [
    `${result.endpointName}: ${result.action} (config ${result.endpointConfigName})`,
    ...result.components.map((c) => `  component ${c.name}: ${c.action}`),
    ...result.strays.map((s) =>
      result.pruned.includes(s.name)
        ? `  component ${s.name}: deleted (not in the spec)`
        : `  component ${s.name}: stray (${s.status}, not in the spec; kept)`,
    ),
    ...(hint ? [`hint: ${hint}`] : []),
  ].join("\n");
}

export const registerEndpoint: CommandRegistrar = (y, run) =>
  y.command("endpoint", "Deploy, list and delete dedicated and shared SageMaker endpoints", (t) =>
    t
      .command(
        "deploy <spec>",
        "Create or update an endpoint from a JSON spec (idempotent: an unchanged spec changes nothing)",
        (c) =>
          c
            .positional("spec", { type: "string", demandOption: true, describe: "Endpoint spec (JSON file)" })
            .option("plan", {
              type: "boolean",
              describe:
                "Print the resources the spec renders to; deploy nothing (with --prune, also the stray components it would delete)",
            })
            .option("prune", {
              type: "boolean",
              describe:
                "Delete the endpoint's inference components that the spec does not name, after the spec's components are in service",
            })
            .option("poll-seconds", { type: "number", default: 30, describe: "Seconds between status polls" })
            .example(
              "smcb endpoint deploy endpoints/retail-llm.json",
              "dedicated endpoint tagged LineOfBusiness=retail",
            )
            .example("smcb endpoint deploy endpoints/shared-llm.json --plan --json", "what would be created")
            .example(
              "smcb endpoint deploy endpoints/shared-llm.json --prune",
              "also delete the components of LOBs dropped from the spec",
            )
            .example(
              "smcb endpoint deploy endpoints/shared-llm.json --plan --prune --json",
              "what would be created, and the stray components --prune would delete",
            ),
        run<{ spec: string; plan?: boolean; prune?: boolean; "poll-seconds": number }>(async (ctx, argv) => {
          const { planEndpoint } = await import("../../inference/endpoint-plan.js");
          const { deployEndpoint, findStrayComponents } = await import("../../inference/endpoint-deploy.js");
          const { SageMakerClient } = await import("@aws-sdk/client-sagemaker");
          const cfg = await ctx.config();
          const plan = planEndpoint(await readSpec(ctx, argv.spec), { tagKey: cfg.tagKey, lobs: cfg.lobs });
          if (argv.plan) {
            const out = argv.prune
              ? { ...plan, strays: await findStrayComponents(plan, await ctx.client(SageMakerClient)) }
              : plan;
            ctx.print(out, () => JSON.stringify(out, null, 2));
            return undefined;
          }
          const result = await deployEndpoint(
            plan,
            {
              sagemaker: await ctx.client(SageMakerClient),
              ...(plan.scaling
                ? {
                    autoscaling: await ctx.client(
                      (await import("@aws-sdk/client-application-auto-scaling")).ApplicationAutoScalingClient,
                    ),
                  }
                : {}),
              onProgress: progress(ctx),
              pollSeconds: argv["poll-seconds"],
            },
            { prune: argv.prune === true },
          );
          const hint = strayHint(result);
          ctx.print(hint ? { ...result, hint } : result, () => deployText(result, hint));
          return undefined;
        }),
      )
      .command(
        "list",
        "List endpoints with mode, owner/LOB, status, tags and inference components",
        (c) =>
          c.example("smcb endpoint list", "a table").example("smcb endpoint list --json", "with every tag"),
        run(async (ctx) => {
          const { listEndpoints } = await import("../../inference/endpoint-list.js");
          const { SageMakerClient } = await import("@aws-sdk/client-sagemaker");
          const cfg = await ctx.optionalConfig();
          const endpoints = await listEndpoints(await ctx.client(SageMakerClient), {
            tagKey: cfg?.tagKey ?? "LineOfBusiness",
          });
          ctx.print({ endpoints }, () =>
            endpoints.length === 0
              ? "No endpoints."
              : [
                  "name\tmode\tlob\tstatus",
                  ...endpoints.flatMap((e) => [
                    `${e.name}\t${e.mode}\t${e.lob ?? "(untagged)"}\t${e.status}`,
                    ...e.components.map(
                      (ic) => `  ${ic.name}\tcomponent\t${ic.lob ?? "(untagged)"}\t${ic.status}`,
                    ),
                  ]),
                ].join("\n"),
          );
          return undefined;
        }),
      )
      .command(
        "delete",
        "Delete an endpoint with its inference components, endpoint config and models (needs --yes)",
        (c) =>
          c
            .option("name", { type: "string", demandOption: true, describe: "Endpoint name" })
            .option("yes", { type: "boolean", describe: "Confirm the deletion" })
            .option("poll-seconds", { type: "number", default: 30, describe: "Seconds between status polls" })
            .example("smcb endpoint delete --name retail-llm --yes", "deletes it and what it uses"),
        run<{ name: string; yes?: boolean; "poll-seconds": number }>(async (ctx, argv) => {
          if (!argv.yes)
            throw new UsageError(`Refusing to delete ${argv.name} without --yes.`, {
              hint: "Add --yes to confirm: the endpoint, its components, config and models are deleted.",
            });
          const { deleteEndpoint } = await import("../../inference/endpoint-deploy.js");
          const { SageMakerClient } = await import("@aws-sdk/client-sagemaker");
          const result = await deleteEndpoint(argv.name, {
            sagemaker: await ctx.client(SageMakerClient),
            onProgress: progress(ctx),
            pollSeconds: argv["poll-seconds"],
          });
          ctx.print(result, () =>
            result.deleted
              ? `Deleted ${result.endpointName}, config ${result.endpointConfigName ?? "-"}, ` +
                `${result.components.length} component(s), model(s): ${result.models.join(", ") || "-"}.`
              : `No endpoint ${result.endpointName}: nothing to delete.`,
          );
          return undefined;
        }),
      )
      .command(
        "utilization",
        "Measured utilization of a shared endpoint, hour by hour, and the capacity it implies for capacityTokensPerInstanceHour",
        (c) =>
          c
            .option("name", {
              type: "string",
              demandOption: true,
              describe: "Shared endpoint name (as in the config)",
            })
            .option("month", { type: "string", demandOption: true, describe: "The month, YYYY-MM (UTC)" })
            .example(
              "smcb endpoint utilization --name shared-llm --month 2026-10",
              "hour-of-day × day grid of measured use, and the implied capacity",
            )
            .example(
              "smcb endpoint utilization --name shared-llm --month 2026-10 --json",
              "every hour as JSON",
            ),
        run<{ name: string; month: string }>(async (ctx, argv) => {
          const { measureUtilization } = await import("../../chargeback/utilization.js");
          const u = await measureUtilization(
            {
              config: await ctx.config(),
              month: argv.month,
              awsOptions: await ctx.awsOptions(),
              onProgress: (m) => ctx.log(m),
            },
            argv.name,
          );
          for (const w of u.warnings) ctx.log(`warning: ${w}`);
          ctx.print(u, () => utilizationText(u));
          return undefined;
        }),
      )
      .demandCommand(1, "Name an endpoint command: deploy, list, delete or utilization."),
  );
