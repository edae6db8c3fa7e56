/**
 * The data scientist's client: `SharedEndpointClient` (invoke a shared endpoint as a LOB, usage recorded),
 * token-usage extraction from model answers and the token counters that estimate what an answer does not report.
 * @module
 */
export { MAX_CUSTOM_ATTRIBUTES_LENGTH, mergeCustomAttributes } from "./custom-attributes.js";
export {
  type InvokeRequest,
  type InvokeResult,
  type InvokeStreamResult,
  SharedEndpointClient,
  type SharedEndpointClientOptions,
} from "./shared-endpoint-client.js";
export { type StreamEvent, StreamLineDecoder } from "./stream-lines.js";
export { loadDefaultTokenCounter, loadHfTokenCounter, type TokenCounter } from "./token-counter.js";
export { extractTokenUsage, type TokenCounts, type TokenUsage, type TokenUsageInput } from "./token-usage.js";
