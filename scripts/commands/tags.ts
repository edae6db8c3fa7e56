/** `smcb tags check <value…>`: validates LOB values against the tag policy. */

import { ExitCode } from "../../core/errors.js";
import { checkLob } from "../../core/tags.js";
import type { CommandRegistrar } from "../registrar.js";

export const registerTags: CommandRegistrar = (y, run) =>
  y.command("tags", "Check LOB tag values against the policy", (t) =>
    t
      .command(
        "check <values..>",
        "Validate LOB values (AWS tag rules and the config's allowlist); exit 1 if any is invalid",
        (c) =>
          c
            .positional("values", {
              type: "string",
              array: true,
              demandOption: true,
              describe: "LOB values to check",
            })
            .example("smcb tags check retail wealth", "both valid: exit 0")
            .example("smcb tags check Retail 'aws:x' --json", "one result per value, with the reason"),
        run<{ values: string[] }>(async (ctx, argv) => {
          const policy = await ctx.tagPolicy();
          const results = argv.values.map((v) => checkLob(policy, String(v)));
          const invalid = results.filter((r) => !r.valid).length;
          ctx.print({ tagKey: policy.tagKey, results, valid: invalid === 0 }, () =>
            results
              .map((r) => (r.valid ? `ok       ${r.value}` : `invalid  ${r.value}: ${r.reason}`))
              .join("\n"),
          );
          return invalid > 0 ? ExitCode.Findings : ExitCode.Ok;
        }),
      )
      .demandCommand(1, "Name a tags command: check."),
  );
