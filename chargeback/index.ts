/**
 * `sagemaker-chargeback/chargeback`: the monthly chargeback — sources, the allocation engine, reports.
 * @module
 */
export {
  type AllocationInput,
  allocate,
  allocateSharedEndpoint,
  IDLE_LOB,
  type MonthWindow,
  monthWindow,
  type SharedEndpointAllocation,
  type SharedEndpointInput,
  type SharedShare,
} from "./engine/index.js";
export type * from "./model.js";
export {
  FORMAT_NAMES,
  type FormatName,
  REPORT_FORMATS,
  type ReportFormat,
  renderJson,
  renderTable,
  type WriteReportsOptions,
  writeReports,
} from "./reports/index.js";
export {
  type ChargebackClients,
  type CostSource,
  type RunChargebackOptions,
  runChargeback,
  type UsageSource,
  type UtilizationSource,
} from "./run.js";
export {
  type AthenaCurOptions,
  type AthenaQueryOptions,
  type AthenaUsageOptions,
  type CompactedDay,
  type CompactionResult,
  type CompactionStep,
  type CompactLedgerOptions,
  type CurFilesOptions,
  compactLedger,
  DEFAULT_MEMORY_LIMIT,
  type DuckDbSettings,
  type FileLedgerOptions,
  type FocusFilesOptions,
  readAthenaCurCosts,
  readAthenaUsage,
  readCloudWatchUtilization,
  readCurFiles,
  readFileLedger,
  readFocusFiles,
  readUtilizationFile,
  resolveS3Export,
  type S3ExportOptions,
  type UtilizationRequest,
} from "./sources/index.js";
export {
  measureUtilization,
  type UtilizationReport,
} from "./utilization.js";
