/** The `ChargebackDashboard` construct: a CloudWatch dashboard of shared-endpoint and Bedrock usage per LOB. */
import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { Construct } from "constructs";
import {
  DEFAULT_METRIC_NAMESPACE,
  profileDimensionValue,
  tagValueProblem,
  USAGE_DIMENSIONS,
  USAGE_METRICS,
} from "../core/index.js";
import { invalidProps, unresolved } from "./construct-errors.js";

/** Props of {@link ChargebackDashboard}. */
export interface ChargebackDashboardProps {
  /** The shared endpoints to chart (names, as in `sharedEndpoints[].name`). */
  readonly endpoints: readonly string[];
  /**
   * The Bedrock application inference profile of each LOB (ARN or id, as in the config's `bedrock.profiles`), charted
   * by the recorder's `InferenceProfileId` dimension. @default none
   */
  readonly bedrockProfiles?: Readonly<Record<string, string>>;
  /** The LOBs to chart (e.g. the config's `lobs`). */
  readonly lobs: readonly string[];
  /** The namespace the `cloudwatch` usage recorder publishes to. @default "SMChargeback" */
  readonly namespace?: string;
  /** The dashboard's name. @default a name CloudFormation generates */
  readonly dashboardName?: string;
  /** The aggregation period of every graph (a whole number of minutes). @default Duration.hours(1) */
  readonly period?: Duration;
  /**
   * Also chart each endpoint's instance utilization (`/aws/sagemaker/Endpoints`: CPU, GPU and GPU memory) for
   * this production variant; `false` leaves it out.
   * @default "AllTraffic"
   */
  readonly utilizationVariant?: string | false;
}

// Metric names and dimension names of the `cloudwatch` usage recorder (docs/contracts.md#usage-ledger-event).
const ENDPOINT_DIMENSION = USAGE_DIMENSIONS.endpoint;
const PROFILE_DIMENSION = USAGE_DIMENSIONS.profile;
const LOB_DIMENSION = USAGE_DIMENSIONS.lob;
const TOKEN_METRICS = [USAGE_METRICS.inputTokens, USAGE_METRICS.outputTokens] as const;
const INVOCATIONS = USAGE_METRICS.invocations;
const ENDPOINT_INSTANCE_NAMESPACE = "/aws/sagemaker/Endpoints";
const UTILIZATION_METRICS = ["CPUUtilization", "GPUUtilization", "GPUMemoryUtilization"] as const;

/** A value safe to put between double quotes inside a single-quoted SEARCH term. */
function searchable(scope: Construct, what: string, value: string): string {
  if (unresolved(value)) return value;
  if (value.length === 0 || /["'\\]/.test(value))
    invalidProps(
      scope,
      `ChargebackDashboard: ${what} ${JSON.stringify(value)} is empty or has quotes or backslashes.`,
    );
  return value;
}

/**
 * A CloudWatch dashboard over the usage the `cloudwatch` recorder publishes: for each shared endpoint, the tokens
 * (input + output) of each LOB stacked, the invocations of each LOB stacked, and the endpoint's instance
 * utilization; and, given `bedrockProfiles`, the tokens and invocations of each LOB's Bedrock application inference
 * profile. Each LOB line is `SUM(SEARCH(…))` over the endpoint's (or profile's) and LOB's series, so calls recorded
 * with an `InferenceComponentName` dimension count as well as calls without one.
 *
 * @example
 * ```ts
 * const config = await loadConfig("smcb.config.json");
 * new ChargebackDashboard(stack, "Usage", {
 *   endpoints: config.sharedEndpoints.map((e) => e.name),
 *   lobs: config.lobs,
 * });
 * ```
 */
export class ChargebackDashboard extends Construct {
  /** The dashboard. */
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ChargebackDashboardProps) {
    super(scope, id);
    const d = this.checkProps(props);
    const widgets: cloudwatch.IWidget[][] = [
      [
        new cloudwatch.TextWidget({
          markdown: `# LOB usage of shared endpoints\nFrom the \`${d.namespace}\` metrics of the usage recorder, summed per ${d.period.toHumanString()}.`,
          width: 24,
          height: 2,
        }),
      ],
    ];
    for (const endpoint of d.endpoints) widgets.push(endpointRow(d, endpoint));
    if (d.profiles.length > 0) widgets.push(profilesRow(d));
    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      ...(props.dashboardName !== undefined ? { dashboardName: props.dashboardName } : {}),
      widgets,
    });
  }

  /** Checks the props (resolved values only) and gives what the widgets are made of. */
  private checkProps(props: ChargebackDashboardProps): DashboardSettings {
    const namespace = searchable(this, "namespace", props.namespace ?? DEFAULT_METRIC_NAMESPACE);
    if (!unresolved(namespace) && (namespace.startsWith(":") || namespace.length > 255))
      invalidProps(this, `ChargebackDashboard: ${JSON.stringify(namespace)} is not a CloudWatch namespace.`);
    const endpoints = [...new Set(props.endpoints.map((e) => searchable(this, "endpoint name", e)))];
    const profiles = Object.entries(props.bedrockProfiles ?? {}).map(
      ([lob, arn]) => [lob, searchable(this, "inference profile", profileDimensionValue(arn))] as const,
    );
    if (endpoints.length === 0 && profiles.length === 0)
      invalidProps(this, "ChargebackDashboard: give at least one endpoint or Bedrock profile.");
    const lobs = [...new Set(props.lobs)];
    for (const lob of lobs) {
      const problem = unresolved(lob) ? undefined : lob.length === 0 ? "LOB is empty" : tagValueProblem(lob);
      if (problem) invalidProps(this, `ChargebackDashboard: invalid LOB ${JSON.stringify(lob)}: ${problem}.`);
      searchable(this, "LOB", lob);
    }
    if (lobs.length === 0) invalidProps(this, "ChargebackDashboard: give at least one LOB.");
    const period = props.period ?? Duration.hours(1);
    const seconds = period.toSeconds();
    // aws-cdk-lib's cloudwatch.Metric itself needs a resolved period: no token here.
    if (seconds <= 0 || seconds % 60 !== 0)
      invalidProps(this, `ChargebackDashboard: period must be a whole number of minutes, got ${seconds} s.`);
    for (const [lob] of profiles)
      if (!lobs.includes(lob))
        invalidProps(
          this,
          `ChargebackDashboard: the Bedrock profile's LOB ${JSON.stringify(lob)} is not in lobs.`,
        );
    return {
      namespace,
      endpoints,
      profiles,
      lobs,
      period,
      seconds,
      variant: props.utilizationVariant ?? "AllTraffic",
    };
  }
}

/** What the dashboard's widgets are made of, checked. */
interface DashboardSettings {
  readonly namespace: string;
  readonly endpoints: readonly string[];
  /** LOB → the profile's dimension value. */
  readonly profiles: readonly (readonly [string, string])[];
  readonly lobs: readonly string[];
  readonly period: Duration;
  readonly seconds: number;
  readonly variant: string | false;
}

/** The `SEARCH` term of the token metrics. */
const TOKENS_TERM = `(${TOKEN_METRICS.map((m) => `MetricName="${m}"`).join(" OR ")})`;

/** One line: the sum of a LOB's series of `metricTerm` on one endpoint or profile. */
function line(d: DashboardSettings, lob: string, dimension: string, value: string, metricTerm: string) {
  return new cloudwatch.MathExpression({
    expression: `SUM(SEARCH('Namespace="${d.namespace}" ${metricTerm} ${dimension}="${value}" ${LOB_DIMENSION}="${lob}"', 'Sum', ${d.seconds}))`,
    usingMetrics: {},
    label: lob,
    period: d.period,
  });
}

/** An endpoint's row: tokens and invocations per LOB (stacked), and its instances' utilization. */
function endpointRow(d: DashboardSettings, endpoint: string): cloudwatch.IWidget[] {
  const perLob = (metricTerm: string) =>
    d.lobs.map((lob) => line(d, lob, ENDPOINT_DIMENSION, endpoint, metricTerm));
  const row: cloudwatch.IWidget[] = [
    new cloudwatch.GraphWidget({
      title: `${endpoint}: tokens (input + output) per LOB`,
      left: perLob(TOKENS_TERM),
      stacked: true,
      width: d.variant === false ? 12 : 8,
    }),
    new cloudwatch.GraphWidget({
      title: `${endpoint}: invocations per LOB`,
      left: perLob(`MetricName="${INVOCATIONS}"`),
      stacked: true,
      width: d.variant === false ? 12 : 8,
    }),
  ];
  const variant = d.variant;
  if (variant !== false)
    row.push(
      new cloudwatch.GraphWidget({
        title: `${endpoint}: instance utilization (${variant})`,
        left: UTILIZATION_METRICS.map(
          (metricName) =>
            new cloudwatch.Metric({
              namespace: ENDPOINT_INSTANCE_NAMESPACE,
              metricName,
              dimensionsMap: { [ENDPOINT_DIMENSION]: endpoint, VariantName: variant },
              statistic: "Average",
              period: d.period,
            }),
        ),
        leftYAxis: { label: "%", showUnits: false, min: 0 },
        width: 8,
      }),
    );
  return row;
}

/** The Bedrock profiles' row: tokens and invocations per LOB. */
function profilesRow(d: DashboardSettings): cloudwatch.IWidget[] {
  return [
    new cloudwatch.GraphWidget({
      title: "Bedrock application inference profiles: tokens (input + output) per LOB",
      left: d.profiles.map(([lob, id]) => line(d, lob, PROFILE_DIMENSION, id, TOKENS_TERM)),
      stacked: true,
      width: 12,
    }),
    new cloudwatch.GraphWidget({
      title: "Bedrock application inference profiles: invocations per LOB",
      left: d.profiles.map(([lob, id]) => line(d, lob, PROFILE_DIMENSION, id, `MetricName="${INVOCATIONS}"`)),
      stacked: true,
      width: 12,
    }),
  ];
}
