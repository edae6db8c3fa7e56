/**
 * A fake Cost Explorer (aws-sdk-client-mock) answering `GetCostAndUsage` for a month with a given number of LOBs,
 * `groupsPerPage` groups per page, so tests and benchmarks can count the calls the cost source makes.
 */
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandInput,
  type Group,
} from "@aws-sdk/client-cost-explorer";
import { mockClient } from "aws-sdk-client-mock";

/** What the fake was asked. */
export interface FakeCostExplorer {
  readonly client: CostExplorerClient;
  /** Every request, in order. */
  readonly requests: GetCostAndUsageCommandInput[];
  restore(): void;
}

function groups(input: GetCostAndUsageCommandInput, lobs: number, endpoints: number): Group[] {
  const tag = input.GroupBy?.[0]?.Key ?? "";
  const metric = (cost: string, qty: string) => ({
    UnblendedCost: { Amount: cost, Unit: "USD" },
    UsageQuantity: { Amount: qty, Unit: "Hrs" },
  });
  if (tag === "SharedEndpoint")
    return Array.from({ length: endpoints }, (_, i) => ({
      Keys: [`SharedEndpoint$shared-${i}`, "USE1-Host:ml.g5.2xlarge"],
      Metrics: metric("720.00", "720"),
    }));
  const bedrock = JSON.stringify(input.Filter).includes("Bedrock");
  return Array.from({ length: lobs }, (_, i) => ({
    Keys: [`${tag}$lob-${i}`, bedrock ? "USE1-Claude-input-tokens" : "USE1-Train:ml.m5.xlarge"],
    Metrics: metric(`${(i % 97) + 1}.25`, "3"),
  }));
}

/**
 * Installs the fake on every `CostExplorerClient`.
 *
 * @param lobs - LOB tag values present in the month
 * @param endpoints - shared endpoints
 * @param groupsPerPage - groups per page (Cost Explorer pages large groupings)
 */
export function fakeCostExplorer(lobs: number, endpoints: number, groupsPerPage = 1000): FakeCostExplorer {
  const mock = mockClient(CostExplorerClient);
  const requests: GetCostAndUsageCommandInput[] = [];
  mock.on(GetCostAndUsageCommand).callsFake((input: GetCostAndUsageCommandInput) => {
    requests.push(input);
    const all = groups(input, lobs, endpoints);
    const page = Number(input.NextPageToken ?? "0");
    const next = (page + 1) * groupsPerPage < all.length ? String(page + 1) : undefined;
    return {
      ResultsByTime: [
        {
          TimePeriod: input.TimePeriod,
          Total: {},
          Groups: all.slice(page * groupsPerPage, (page + 1) * groupsPerPage),
          Estimated: false,
        },
      ],
      NextPageToken: next,
    };
  });
  return {
    client: new CostExplorerClient({
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
    }),
    requests,
    restore: () => mock.restore(),
  };
}
