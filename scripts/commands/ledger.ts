/** `smcb ledger compact [--before YYYY-MM-DD]`: closed days of the file ledger into Parquet. */
import { ConfigError } from "../../core/errors.js";
import type { CommandRegistrar } from "../registrar.js";

/** Registers `smcb ledger`. */
export const registerLedger: CommandRegistrar = (y, run) =>
  y.command("ledger", "Maintain the file usage ledger", (l) =>
    l
      .command(
        "compact",
        "Turn closed days of JSON Lines into Parquet (de-duplicated, malformed lines quarantined); the chargeback reads both",
        (c) =>
          c
            .option("before", {
              type: "string",
              describe: "Compact the days before this date, YYYY-MM-DD (UTC)",
              defaultDescription: "today: every closed day",
            })
            .example("smcb ledger compact", "every day before today")
            .example(
              "smcb ledger compact --before 2026-11-01 --json",
              "October and earlier; what was done, as JSON",
            ),
        run<{ before?: string }>(async (ctx, argv) => {
          const config = await ctx.config();
          if (config.usage.type !== "file")
            throw new ConfigError(
              `Configuration ${config.configFile}: usage is of type ${config.usage.type}; only a file ledger is compacted.`,
            );
          const { compactLedger } = await import("../../chargeback/sources/ledger-compact.js");
          const result = await compactLedger({
            path: config.usage.path,
            ...(argv.before ? { before: argv.before } : {}),
            ...(config.duckdb ? { duckdb: config.duckdb } : {}),
            onProgress: (m) => ctx.log(m),
          });
          ctx.print(result, () => {
            const lines = result.days.reduce((t, d) => t + d.lines, 0);
            const malformed = result.days.reduce((t, d) => t + d.malformed, 0);
            return `Compacted ${result.days.length} days before ${result.before} (${lines} lines, ${malformed} malformed lines quarantined); ${result.leftRaw} raw files left as they are.`;
          });
          return undefined;
        }),
      )
      .demandCommand(1, "Name a ledger command: compact."),
  );
