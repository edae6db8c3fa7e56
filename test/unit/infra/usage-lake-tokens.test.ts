/**
 * `UsageLake` takes late-bound names (issue 14): a `CfnParameter` is known only at deploy time, so only resolved
 * values are checked (`Token.isUnresolved`), as aws-cdk-lib's own constructs do; a resolved bad name still fails.
 */
import { App, CfnParameter, Duration, Size, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { UsageLake } from "../../../infra/index.js";
import { cdkValidationMessage } from "../../support/cdk-validation.js";

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

  it("accepts deploy-time numbers: buffering, cutoff, projection years", () => {
    const stack = new Stack(new App(), "Lake");
    const n = (id: string) => new CfnParameter(stack, id, { type: "Number" }).valueAsNumber;
    new UsageLake(stack, "UsageLake", {
      bufferingInterval: Duration.seconds(n("Interval")),
      bufferingSize: Size.mebibytes(n("Size")),
      bytesScannedCutoffPerQuery: Size.bytes(n("Cutoff")),
      projectionYears: { first: n("First"), last: n("Last") },
    });
    Template.fromStack(stack).hasResourceProperties("AWS::Athena::WorkGroup", {
      WorkGroupConfiguration: { BytesScannedCutoffPerQuery: { Ref: "Cutoff" } },
    });
  }, 120_000);

  it("still refuses a resolved value that breaks the rule, with aws-cdk-lib's validation error", () => {
    const stack = new Stack(new App(), "Lake");
    const cases: [object, RegExp][] = [
      [{ databaseName: "FinOps" }, /databaseName "FinOps" must be/],
      [{ bufferingInterval: Duration.seconds(901) }, /bufferingInterval must be 0–900 s/],
      [{ prefix: "usage/", errorOutputPrefix: "usage/errors/" }, /errorOutputPrefix must lie outside prefix/],
      [{ projectionYears: { first: 2030, last: 2025 } }, /projectionYears/],
    ];
    for (const [i, [props, message]] of cases.entries()) {
      expect(cdkValidationMessage(() => new UsageLake(stack, `Lake${i}`, props))).toMatch(message);
    }
  });
});
