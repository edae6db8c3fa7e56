/**
 * Cost and usage sources: the readers of the bill (CUR 2.0 files, FOCUS 1.2, Cost Explorer, Athena) and of
 * usage (file ledger, CloudWatch, the Athena usage lake), and the export deliveries they read.
 * @module
 */
export {
  type AthenaQueryOptions,
  type AthenaRows,
  athenaColumnsSql,
  athenaEngine,
  athenaTableColumns,
  runAthenaQuery,
} from "./athena.js";
export { type AthenaCurOptions, readAthenaCurCosts } from "./athena-cur.js";
export { type AthenaUsageOptions, athenaUsageSql, readAthenaUsage } from "./athena-usage.js";
export { type CloudWatchUsageOptions, readCloudWatchUsage } from "./cloudwatch-usage.js";
export {
  COMPONENTS_NAMESPACE,
  ENDPOINTS_NAMESPACE,
  readCloudWatchUtilization,
  type UtilizationRequest,
} from "./cloudwatch-utilization.js";
export { type CostExplorerSourceOptions, readCostExplorerCosts } from "./cost-explorer.js";
export { type CurFilesOptions, curFormatOf, readCurFiles } from "./cur-files.js";
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
} from "./cur-sql.js";
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
} from "./deliveries.js";
export { DEFAULT_MEMORY_LIMIT, type DuckDbSettings } from "./duckdb.js";
export {
  compactedEventsSql,
  type FileLedgerOptions,
  type LedgerEventsOptions,
  ledgerEventsSql,
  MALFORMED_SAMPLES,
  readFileLedger,
} from "./file-ledger.js";
export { type FocusFilesOptions, readFocusFiles } from "./focus-files.js";
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
} from "./focus-sql.js";
export { type DescribedComponent, describeComponents } from "./inference-components.js";
export {
  type CompactedDay,
  type CompactionResult,
  type CompactionStep,
  type CompactLedgerOptions,
  compactLedger,
} from "./ledger-compact.js";
export { parseS3Uri, resolveS3Export, S3_CACHE_INDEX, type S3ExportOptions } from "./s3-export.js";
export { duckDbEngine, type SqlEngine, type SqlRow } from "./sql-engine.js";
export { lakeEventsSql, usageAggregationSql, usageFromRows } from "./usage-sql.js";
export { readUtilizationFile } from "./utilization-file.js";
