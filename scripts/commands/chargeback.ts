/** `smcb chargeback --month YYYY-MM [--format …] [--out dir]`: the monthly chargeback. */
import { stat } from "node:fs/promises";
import path from "node:path";
import { COST_BASES, type CostBasis } from "../../chargeback/model.js";
import { FORMAT_NAMES, type FormatName } from "../../chargeback/reports/formats.js";
import { UsageError } from "../../core/errors.js";
import type { CommandRegistrar } from "../registrar.js";

/** Registers `smcb chargeback`. */
export const registerChargeback: CommandRegistrar = (y, run) =>
  y.command(
    "chargeback",
    "The monthly chargeback: costs by LOB, shared endpoints split by usage, reconciled to the bill",
    (c) =>
      c
        .option("month", { type: "string", demandOption: true, describe: "The month, YYYY-MM (UTC)" })
        .option("format", {
          type: "string",
          array: true,
          choices: FORMAT_NAMES,
          describe: "Report format(s); with --out, every available format when omitted",
          defaultDescription: "table",
        })
        .option("out", { type: "string", describe: "Write chargeback-YYYY-MM.<ext> files into this folder" })
        .option("basis", {
          type: "string",
          choices: COST_BASES,
          describe: "Cost basis, instead of the config's costs.basis",
          defaultDescription: "costs.basis, else net-amortized",
        })
        .example("smcb chargeback --month 2026-10", "the terminal table")
        .example("smcb chargeback --month 2026-10 --json", "the JSON report (DESIGN §3.6) on stdout")
        .example("smcb chargeback --month 2026-10 --out out", "every format into out/, the table on stdout")
        .example(
          "smcb chargeback --month 2026-10 --basis unblended",
          "list prices before Savings Plans and discounts",
        ),
    run<{ month: string; format?: FormatName[]; out?: string; basis?: CostBasis }>(async (ctx, argv) => {
      const { runChargeback } = await import("../../chargeback/run.js");
      // the renderers load while the sources are read (a JSON report on stdout needs none)
      const load = () => import("../../chargeback/reports/index.js");
      const renderers = ctx.json && argv.out === undefined ? undefined : load();
      renderers?.catch(() => undefined); // a failure to load is met where it is awaited
      const reports = () => renderers ?? load();
      const config = await ctx.config();
      const requested = argv.format ?? [];
      if (argv.out === undefined && requested.length > 1)
        throw new UsageError("Several --format values need --out <dir>.");
      if (argv.out !== undefined) {
        // Checked before any source is read: a folder, or a path to create.
        const out = await stat(path.resolve(ctx.io.cwd, argv.out)).catch(() => undefined);
        if (out !== undefined && !out.isDirectory())
          throw new UsageError(
            `--out ${argv.out} is a file; it names the folder the reports are written into.`,
            {
              hint: "Pass a folder (it is created when missing), e.g. --out reports.",
            },
          );
      }
      const report = await runChargeback({
        config,
        month: argv.month,
        awsOptions: await ctx.awsOptions(),
        ...(argv.basis ? { basis: argv.basis } : {}),
        onProgress: (m) => ctx.log(m),
      });
      for (const w of report.warnings ?? []) ctx.log(`warning: ${w}`);
      if (argv.out !== undefined) {
        const { renderTable, writeReports } = await reports();
        await writeReports(report, {
          dir: path.resolve(ctx.io.cwd, argv.out),
          formats: requested,
          tagKey: config.tagKey,
          onWrite: (file) => ctx.log(`wrote ${path.relative(ctx.io.cwd, file) || file}`),
        });
        ctx.print(report, () => renderTable(report));
        return undefined;
      }
      if (ctx.json) {
        ctx.print(report, () => "");
        return undefined;
      }
      const { REPORT_FORMATS, renderTable } = await reports();
      const only = requested[0];
      if (only !== undefined)
        ctx.io.stdout.write(await REPORT_FORMATS[only].render(report, { tagKey: config.tagKey }));
      else ctx.print(report, () => renderTable(report));
      return undefined;
    }),
  );
