/**
 * `UsageLake` takes late-bound names (issue 14): a `CfnParameter` is known only at deploy time, so only resolved
 * values are checked (`Token.isUnresolved`), as aws-cdk-lib's own constructs do; a resolved bad name still fails.
 */
import { App, CfnParameter, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../core/index.js";
import { UsageLake } from "../../../infra/index.js";

describe("UsageLake with deploy-time names", () => {
  it("accepts CfnParameters as database, table, workgroup, stream name and prefixes, and renders their Refs", () => {
    const stack = new Stack(new App(), "Lake");
    const p = (id: string) => new CfnParameter(stack, id, { type: "String" }).valueAsString;
    new UsageLake(stack, "UsageLake", {
      databaseName: p("Database"),
      tableName: p("Table"),
      workgroupName: p("WorkGroup"),
      deliveryStreamName: p("Stream"),
      prefix: p("Prefix"),
      errorOutputPrefix: p("ErrorPrefix"),
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties("AWS::Glue::Database", { DatabaseInput: { Name: { Ref: "Database" } } });
    t.hasResourceProperties("AWS::Glue::Table", {
      DatabaseName: { Ref: "Database" },
      TableInput: { Name: { Ref: "Table" } },
    });
    t.hasResourceProperties("AWS::Athena::WorkGroup", { Name: { Ref: "WorkGroup" } });
    t.hasResourceProperties("AWS::KinesisFirehose::DeliveryStream", {
      DeliveryStreamName: { Ref: "Stream" },
    });
  }, 120_000); // a whole synth: slow on a busy machine

  it("still refuses a resolved name that breaks the rule", () => {
    const stack = new Stack(new App(), "Lake");
    expect(() => new UsageLake(stack, "UsageLake", { databaseName: "FinOps" })).toThrow(UsageError);
  });
});
