/**
 * `sagemaker-chargeback/gateway`: the tenant gateway (docs/gateway.md) — one OpenAI-compatible handler (keys → tenant →
 * LOB, hard budgets, rate limits, metering), its two stores (`file`, `dynamodb`), the local HTTP runtime and the
 * Lambda adapter (`gateway/lambda.js`, entry point `handler`).
 * @module
 */
export {
  type BucketState,
  type BudgetAlert,
  type CallTokens,
  costOf,
  monthOf,
  planReservation,
  type ReserveRequest,
  type ReserveResult,
  type SettleRequest,
  type SettleResult,
  type TokenPrices,
  tokenPrices,
} from "./budget.js";
export { DynamoDbGatewayStore, type DynamoDbGatewayStoreOptions } from "./dynamodb-store.js";
export { GatewayError, type GatewayErrorType } from "./errors.js";
export { FileGatewayStore, type FileGatewayStoreOptions } from "./file-store.js";
export {
  createGatewayHandler,
  type GatewayDeps,
  type GatewayHandler,
  type GatewayLog,
  type GatewayRequest,
  type GatewayResponse,
} from "./handler.js";
export { hashKey, KEY_PREFIX, type KeyRecord, newKey } from "./keys.js";
export { type GatewayServer, serveGateway } from "./node-server.js";
export {
  createGatewayRuntime,
  createGatewayStore,
  type GatewayRuntime,
  type GatewayRuntimeOptions,
  profileLookup,
  snsAlert,
} from "./runtime.js";
export { type GatewayStore, type MonthUsage, StoreError } from "./store.js";
