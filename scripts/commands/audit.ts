/** `smcb audit tags`: LOB tag coverage of SageMaker and Bedrock resources; `--fix` tags derivable pipeline jobs. */
import type { AuditReport, AuditResourceType, Coverage } from "../../audit/index.js";
import { AUDIT_RESOURCE_TYPES } from "../../audit/types.js";
import { ExitCode, UsageError } from "../../core/errors.js";
import type { CommandRegistrar } from "../registrar.js";

interface AuditArgs {
  since: string;
  fix?: boolean;
  types?: string[];
}

function parseTypes(values: readonly string[] | undefined): AuditResourceType[] | undefined {
  if (values === undefined) return undefined;
  const types = values.flatMap((v) => String(v).split(",")).map((t) => t.trim());
  const unknown = types.filter((t) => !(AUDIT_RESOURCE_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0 || types.length === 0)
    throw new UsageError(`Unknown resource type(s): ${unknown.join(", ") || "(none given)"}.`, {
      hint: `Choose from ${AUDIT_RESOURCE_TYPES.join(", ")}.`,
    });
  return types as AuditResourceType[];
}

function row(label: string, c: Coverage): string {
  const pct = c.percent === null ? "—" : `${c.percent.toFixed(1)}%`;
  return [
    label.padEnd(20),
    ...[c.total, c.present, c.missing, c.invalid].map((n) => String(n).padStart(7)),
    pct.padStart(9),
  ].join(" ");
}

function render(report: AuditReport): string {
  const lines = [
    `LOB tag coverage (${report.tagKey}; jobs created since ${report.since})`,
    "",
    `${"type".padEnd(20)} ${["total", "present", "missing", "invalid"].map((h) => h.padStart(7)).join(" ")} ${"coverage".padStart(9)}`,
    ...report.coverage.byType.map((c) => row(c.type, c)),
    row("all", report.coverage.overall),
  ];
  const findings = report.resources.filter((r) => r.status !== "present");
  if (findings.length > 0) {
    lines.push("", "Findings:");
    for (const r of findings) {
      const why = r.status === "invalid" ? `: ${r.reason}` : "";
      const d = r.derivation;
      const derivable = d ? (d.lob ? ` (fixable: ${d.lob})` : ` (not fixable: ${d.reason})`) : "";
      lines.push(`  ${r.status.padEnd(8)} ${r.type} ${r.name}${why}${derivable}`);
    }
  }
  const fixable = findings.filter((r) => r.derivation?.lob !== undefined).length;
  if (report.fix) lines.push("", `Added ${report.tagKey} to ${report.changes.length} resource(s).`);
  else if (fixable > 0)
    lines.push(
      "",
      `${fixable} missing tag(s) can be derived from pipeline executions: run again with --fix.`,
    );
  return lines.join("\n");
}

export const registerAudit: CommandRegistrar = (y, run) =>
  y.command("audit", "Audit LOB tag coverage", (t) =>
    t
      .command(
        "tags",
        "LOB tag coverage of SageMaker jobs, models, endpoint configs, endpoints, inference components, pipelines " +
          "and Bedrock application inference profiles; exit 1 if any tag is missing or invalid",
        (c) =>
          c
            .option("since", {
              type: "string",
              default: "30d",
              describe:
                "Audit jobs created within this duration (12h, 30d, 2w); other resources whatever their age",
            })
            .option("fix", {
              type: "boolean",
              describe:
                "Add the LOB tag to untagged pipeline jobs, from their execution's parameter (never overwrites)",
            })
            .option("types", {
              type: "string",
              array: true,
              describe: `Resource types to audit, comma-separated (default: all): ${AUDIT_RESOURCE_TYPES.join(", ")}`,
            })
            .example("smcb audit tags", "coverage of the last 30 days' jobs and of every endpoint, model, …")
            .example("smcb audit tags --since 2w --fix", "also tags pipeline jobs whose LOB can be derived")
            .example(
              "smcb audit tags --types training-job,endpoint --json",
              "two types, full detail as JSON",
            ),
        run<AuditArgs>(async (ctx, argv) => {
          const { auditTags, parseDuration } = await import("../../audit/index.js");
          const { BedrockClient } = await import("@aws-sdk/client-bedrock");
          const { SageMakerClient } = await import("@aws-sdk/client-sagemaker");
          const sinceMs = parseDuration(argv.since);
          const types = parseTypes(argv.types);
          const report = await auditTags({
            policy: await ctx.tagPolicy(),
            clients: {
              sagemaker: await ctx.client(SageMakerClient),
              bedrock: await ctx.client(BedrockClient),
            },
            since: new Date(Date.now() - sinceMs),
            types,
            fix: argv.fix === true,
            onChange: (ch) =>
              ctx.log(
                `added ${ch.key}=${ch.value} to ${ch.type} ${ch.name} (from ${ch.pipelineExecutionArn})`,
              ),
          });
          ctx.print(report, () => render(report));
          const { missing, invalid } = report.coverage.overall;
          return missing + invalid > 0 ? ExitCode.Findings : ExitCode.Ok;
        }),
      )
      .demandCommand(1, "Name an audit command: tags."),
  );
