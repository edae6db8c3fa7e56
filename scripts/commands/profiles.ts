/** `smcb profiles create|list|resolve`: Bedrock application inference profiles per LOB. */
import { UsageError } from "../../core/errors.js";
import { DEFAULT_TAG_KEY, findLobTag, parseTagArgs, type Tag } from "../../core/tags.js";
import type { CommandContext } from "../context.js";
import type { CommandRegistrar } from "../registrar.js";

function tagArgs(values: readonly unknown[] | undefined): Tag[] {
  return parseTagArgs((values ?? []).map(String));
}

async function tagKeyOf(ctx: CommandContext): Promise<string> {
  return (await ctx.optionalConfig())?.tagKey ?? DEFAULT_TAG_KEY;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const CONCURRENCY = {
  type: "number",
  default: 8,
  describe: "Most ListTagsForResource calls in flight",
} as const;

/** Registers `smcb profiles create|list|resolve`. */
export const registerProfiles: CommandRegistrar = (y, run) =>
  y.command("profiles", "Bedrock application inference profiles per LOB", (t) =>
    t
      .command(
        "create",
        "Create an application inference profile tagged with a LOB (idempotent)",
        (c) =>
          c
            .option("lob", {
              type: "string",
              demandOption: true,
              describe: "LOB the profile's cost is charged to",
            })
            .option("model", {
              type: "string",
              demandOption: true,
              describe: "Foundation model id, system inference profile id, or either's ARN",
            })
            .option("name", {
              type: "string",
              describe: "Profile name (default: <lob>-<app>-<model>, ≤ 64 chars)",
            })
            .option("app", {
              type: "string",
              describe: "Application using the profile (part of the derived name)",
            })
            .option("description", { type: "string", describe: "Profile description" })
            .option("tag", { type: "string", array: true, describe: "Extra tag Key=Value (repeatable)" })
            .example(
              "smcb profiles create --lob retail --model anthropic.claude-3-haiku-20240307-v1:0",
              "a profile named retail-anthropic-claude-3-haiku-20240307-v1-0",
            )
            .example(
              "smcb profiles create --lob wealth --app advisor --model us.anthropic.claude-3-5-haiku-20241022-v1:0 --tag CostCenter=1234",
              "cross-region: copies the system-defined profile",
            ),
        run<{
          lob: string;
          model: string;
          name?: string;
          app?: string;
          description?: string;
          tag?: string[];
        }>(async (ctx, argv) => {
          const { createApplicationProfile } = await import("../../inference/bedrock/profiles.js");
          const { BedrockClient } = await import("@aws-sdk/client-bedrock");
          const created = await createApplicationProfile(await ctx.client(BedrockClient), {
            policy: await ctx.tagPolicy(),
            lob: argv.lob,
            model: argv.model,
            name: argv.name,
            application: argv.app,
            description: argv.description,
            tags: tagArgs(argv.tag),
          });
          ctx.log(
            created.created
              ? `Created ${created.name} from ${created.source.arn}.`
              : `${created.name} already exists with the same LOB and model; nothing created.`,
          );
          ctx.print(
            {
              arn: created.arn,
              name: created.name,
              status: created.status,
              created: created.created,
              copyFrom: created.source.arn,
              modelId: created.source.modelId,
              tags: created.tags,
              clientRequestToken: created.clientRequestToken,
            },
            () => created.arn,
          );
          return undefined;
        }),
      )
      .command(
        "list",
        "List application inference profiles with their LOB, model and status",
        (c) =>
          c
            .option("lob", { type: "string", describe: "Only profiles of this LOB" })
            .option("tag", {
              type: "string",
              array: true,
              describe: "Only profiles with tag Key=Value (repeatable)",
            })
            .option("concurrency", CONCURRENCY)
            .example("smcb profiles list", "every application profile in the region")
            .example("smcb profiles list --lob retail --json", "retail's profiles, with all their tags"),
        run<{ lob?: string; tag?: string[]; concurrency: number }>(async (ctx, argv) => {
          const { hasTags, listApplicationProfiles } = await import("../../inference/bedrock/profiles.js");
          const { BedrockClient } = await import("@aws-sdk/client-bedrock");
          const tagKey = await tagKeyOf(ctx);
          const query = [...tagArgs(argv.tag), ...(argv.lob ? [{ Key: tagKey, Value: argv.lob }] : [])];
          const all = await listApplicationProfiles(await ctx.client(BedrockClient), {
            concurrency: argv.concurrency,
          });
          const profiles = all
            .filter((p) => hasTags(p.tags, query))
            .map((p) => ({ ...p, lob: findLobTag({ tagKey }, p.tags) ?? null }));
          ctx.print({ tagKey, profiles }, () =>
            profiles.length === 0
              ? "No application inference profiles."
              : table([
                  ["NAME", "LOB", "MODEL", "STATUS", "ARN", "OTHER TAGS"],
                  ...profiles.map((p) => [
                    p.name,
                    p.lob ?? "-",
                    p.modelId ?? "-",
                    p.status,
                    p.arn,
                    p.tags
                      .filter((t) => t.Key !== tagKey)
                      .map((t) => `${t.Key}=${t.Value}`)
                      .join(" "),
                  ]),
                ]),
          );
          return undefined;
        }),
      )
      .command(
        "resolve",
        "Print the ARN of the one profile with these tags (config's bedrock.profiles first); exit 1 if none or several",
        (c) =>
          c
            .option("tag", {
              type: "string",
              array: true,
              describe: "Tag Key=Value the profile carries (repeatable)",
            })
            .option("lob", { type: "string", describe: "Shorthand for --tag <tagKey>=<lob>" })
            .option("concurrency", CONCURRENCY)
            .example(
              "smcb profiles resolve --tag LineOfBusiness=retail",
              "prints the ARN of retail's profile",
            )
            .example(
              "smcb profiles resolve --lob wealth --tag App=advisor --json",
              "the one wealth profile tagged App=advisor",
            ),
        run<{ tag?: string[]; lob?: string; concurrency: number }>(async (ctx, argv) => {
          const { ProfileResolver } = await import("../../inference/bedrock/profile-resolver.js");
          const { BedrockClient } = await import("@aws-sdk/client-bedrock");
          const cfg = await ctx.optionalConfig();
          const tagKey = cfg?.tagKey ?? DEFAULT_TAG_KEY;
          const query = [...(argv.lob ? [{ Key: tagKey, Value: argv.lob }] : []), ...tagArgs(argv.tag)];
          if (query.length === 0) throw new UsageError("Give --tag K=V (repeatable) or --lob L.");
          const resolver = new ProfileResolver({
            client: await ctx.client(BedrockClient),
            tagKey,
            profiles: cfg?.bedrock.profiles,
            concurrency: argv.concurrency,
          });
          const match = await resolver.resolve(query);
          ctx.print(
            {
              arn: match.arn,
              source: match.source,
              name: match.profile?.name ?? null,
              modelId: match.profile?.modelId ?? null,
            },
            () => match.arn,
          );
          return undefined;
        }),
      )
      .demandCommand(1, "Name a profiles command: create, list or resolve."),
  );
