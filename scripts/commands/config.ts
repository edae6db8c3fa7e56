/** `smcb config validate` and `smcb config schema`. */
import type { CommandRegistrar } from "../registrar.js";

export const registerConfig: CommandRegistrar = (y, run) =>
  y.command("config", "Validate the configuration or print its JSON Schema", (t) =>
    t
      .command(
        "validate",
        "Validate the configuration file; exit 2 listing every problem as path: message",
        (c) =>
          c
            .example("smcb config validate", "checks ./smcb.config.json")
            .example("smcb config validate --config examples/smcb.config.json --json", "machine-readable"),
        run(async (ctx) => {
          const cfg = await ctx.config();
          ctx.print(
            {
              valid: true,
              configFile: cfg.configFile,
              tagKey: cfg.tagKey,
              lobs: cfg.lobs,
              sharedEndpoints: cfg.sharedEndpoints.map((e) => e.name),
            },
            () =>
              `${cfg.configFile} is valid: tag key ${cfg.tagKey}, ${cfg.lobs.length} LOBs, ` +
              `${cfg.sharedEndpoints.length} shared endpoint(s).`,
          );
          return undefined;
        }),
      )
      .command(
        "schema",
        "Print the JSON Schema of smcb.config.json (for editors)",
        (c) => c,
        run(async (ctx) => {
          const { configJsonSchema } = await import("../../core/config.js");
          ctx.io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
          return undefined;
        }),
      )
      .demandCommand(1, "Name a config command: validate or schema."),
  );
