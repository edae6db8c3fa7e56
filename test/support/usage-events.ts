/** Usage events for tests and benchmarks. */
import { randomUUID } from "node:crypto";
import type { UsageEvent } from "../../inference/usage-event.js";

/** A valid SageMaker usage event with the given overrides. */
export function usageEvent(over: Partial<UsageEvent> = {}): UsageEvent {
  return {
    v: 1,
    id: randomUUID(),
    ts: new Date().toISOString(),
    lob: "retail",
    kind: "sagemaker",
    endpoint: "shared-llm",
    component: null,
    variant: "AllTraffic",
    profile_arn: null,
    model_id: null,
    input_tokens: 10,
    output_tokens: 5,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    token_source: "reported",
    latency_ms: 12.5,
    status: "ok",
    ...over,
  };
}

/**
 * One ledger line (JSON text) of a minimal SageMaker event on endpoint `e`, LOB `retail`, 2026-10-02, 10 tokens in
 * and 1 out, with the given overrides (any JSON value, to write malformed lines too; `undefined` drops a field).
 */
export function ledgerLine(id: string, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    v: 1,
    id,
    ts: "2026-10-02T00:00:00Z",
    lob: "retail",
    kind: "sagemaker",
    endpoint: "e",
    input_tokens: 10,
    output_tokens: 1,
    ...over,
  });
}
