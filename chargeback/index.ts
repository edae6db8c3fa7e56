/**
 * `sagemaker-chargeback/chargeback`: the monthly chargeback — sources, the allocation engine, reports.
 * @module
 */
export {
  type AllocationInput,
  allocate,
  allocateMeasured,
  allocateSharedEndpoint,
  IDLE_LOB,
  INSTANCE_SPECS,
  type InstanceSpec,
  type MeasuredAllocation,
  type MeasuredSummary,
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
  type AthenaQueryOptions,
  type AthenaRows,
  athenaColumnsSql,
  athenaEngine,
  athenaTableColumns,
  runAthenaQuery,
} from "./sources/athena.js";
export { type AthenaCurOptions, readAthenaCurCosts } from "./sources/athena-cur.js";
export { type AthenaUsageOptions, athenaUsageSql, readAthenaUsage } from "./sources/athena-usage.js";
export {
  COMPONENTS_NAMESPACE,
  ENDPOINTS_NAMESPACE,
  readCloudWatchUtilization,
  type UtilizationRequest,
} from "./sources/cloudwatch-utilization.js";
export { type CurFilesOptions, curFormatOf, readCurFiles } from "./sources/cur-files.js";
export {
  CUR_AMORTIZED_COLUMNS,
  CUR_IN_SCOPE_PRODUCTS,
  CUR_REQUIRED_COLUMNS,
  type CurRelation,
  type CurRowsResult,
  type CurSqlOptions,
  curColumnProblems,
  curResultFromRows,
  curSql,
  MARKETPLACE_BEDROCK_SUFFIX,
  parseTagMap,
  parseUtcTimestamp,
  type ReadCurLinesOptions,
  readCurLines,
  timestampLiteral,
} from "./sources/cur-sql.js";
export {
  type ChosenDelivery,
  chooseDelivery,
  type Delivery,
  dataFileFormat,
  deliveryFolderOf,
  type ExecutionFolder,
  type ExportListing,
  type ExportManifest,
  type ExportObject,
  exportManifestSchema,
  isManifestName,
  parseExecutionFolder,
  parseExportManifest,
  partitionPeriod,
  pathBelowExport,
  type ResolveDeliveryOptions,
  resolveDelivery,
} from "./sources/deliveries.js";
export { DEFAULT_MEMORY_LIMIT, type DuckDbSettings } from "./sources/duckdb.js";
export {
  compactedEventsSql,
  type FileLedgerOptions,
  type LedgerEventsOptions,
  ledgerEventsSql,
  MALFORMED_SAMPLES,
  readFileLedger,
} from "./sources/file-ledger.js";
export { type FocusFilesOptions, readFocusFiles } from "./sources/focus-files.js";
export {
  assertFocusBasis,
  FOCUS_USAGE_TYPE_COLUMNS,
  type FocusBasis,
  type FocusRowsResult,
  type FocusSqlOptions,
  focusLinesSql,
  focusRequiredColumns,
  focusResultFromRows,
  type ReadFocusLinesOptions,
  readFocusLines,
} from "./sources/focus-sql.js";
export { type DescribedComponent, describeComponents } from "./sources/inference-components.js";
export {
  type CompactedDay,
  type CompactionResult,
  type CompactionStep,
  type CompactLedgerOptions,
  compactLedger,
} from "./sources/ledger-compact.js";
export { parseS3Uri, resolveS3Export, S3_CACHE_INDEX, type S3ExportOptions } from "./sources/s3-export.js";
export { duckDbEngine, type SqlEngine, type SqlRow } from "./sources/sql-engine.js";
export { lakeEventsSql, usageAggregationSql, usageFromRows } from "./sources/usage-sql.js";
export { readUtilizationFile } from "./sources/utilization-file.js";
export { measureUtilization, type UtilizationReport } from "./utilization.js";
