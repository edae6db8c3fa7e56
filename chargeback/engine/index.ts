/**
 * The allocation engine: pure functions from cost lines and usage to a chargeback report (DESIGN §3.5).
 * @module
 */
export { type AllocationInput, allocate, IDLE_LOB } from "./allocate.js";
export {
  type ClassifyContext,
  classify,
  type Destination,
  endpointNameOf,
  findLob,
  type LobKeyMatcher,
  type LobTagMatch,
  lobKeyMatcher,
  lobTagOf,
  normalizeCurTagKey,
} from "./classify.js";
export { INSTANCE_SPECS, type InstanceSpec, instanceOf } from "./instance-types.js";
export {
  type AllocationMethod,
  type AllocationMode,
  allocateMeasured,
  hourOf,
  isMeasured,
  type MeasuredAllocation,
  type MeasuredInput,
  type MeasuredSummary,
  type UtilizationSource,
} from "./measured.js";
export { inWindow, type MonthWindow, monthWindow } from "./month.js";
export {
  allocateSharedEndpoint,
  conserve,
  distributeIdle,
  type IdleSplit,
  type SharedEndpointAllocation,
  type SharedEndpointInput,
  type SharedShare,
} from "./shared-endpoint.js";
