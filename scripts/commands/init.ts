/** `smcb init`: writes a starter `smcb.config.json`; never overwrites one. */
import { UsageError } from "../../core/errors.js";
import type { CommandRegistrar } from "../cli.js";

/** Registers `smcb init`. */
export const registerInit: CommandRegistrar = (y, run) =>
  y.command(
    "init",
    "Write a starter smcb.config.json (or the --config path): tag key, LOBs and a file usage ledger; never overwrites",
    (c) =>
      c
        .option("lobs", {
          type: "string",
          describe: "Your LOBs, comma-separated",
          default: "retail,wealth,insurance,platform",
        })
        .option("tag-key", { type: "string", describe: "The LOB tag key", default: "LineOfBusiness" })
        .example("smcb init", "./smcb.config.json with LOBs retail, wealth, insurance, platform")
        .example("smcb init --lobs cards,loans --config finops/smcb.config.json", "your own LOBs, elsewhere"),
    run<{ lobs: string; "tag-key": string }>(async (ctx, argv) => {
      const { writeStarterConfig } = await import("../../core/config.js");
      const lobs = String(argv.lobs)
        .split(",")
        .map((l) => l.trim())
        .filter((l) => l !== "");
      if (lobs.length === 0) throw new UsageError("--lobs names no LOB.");
      const cfg = await writeStarterConfig(ctx.configPath, { tagKey: argv["tag-key"], lobs });
      ctx.print({ configFile: cfg.configFile, tagKey: cfg.tagKey, lobs: cfg.lobs }, () =>
        [
          `wrote ${cfg.configFile}: tag key ${cfg.tagKey}, LOBs ${cfg.lobs.join(", ")}.`,
          "Next: add your shared endpoints and a cost source (see docs/cli.md); `smcb config validate` checks it.",
        ].join("\n"),
      );
      return undefined;
    }),
  );
