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
  runAthenaQuery,
} from "./athena.js";
export { type AthenaCurOptions, readAthenaCurCosts } from "./athena-cur.js";
export { type AthenaUsageOptions, athenaUsageSql, readAthenaUsage } from "./athena-usage.js";
export { type CloudWatchUsageOptions, readCloudWatchUsage } from "./cloudwatch-usage.js";
export { type CostExplorerSourceOptions, readCostExplorerCosts } from "./cost-explorer.js";
export { type CurFilesOptions, readCurFiles } from "./cur-files.js";
export {
  CUR_IN_SCOPE_PRODUCTS,
  CUR_REQUIRED_COLUMNS,
  type CurRelation,
  type CurSqlOptions,
  curSql,
  parseUtcTimestamp,
  type ReadCurLinesOptions,
  readCurLines,
} from "./cur-sql.js";
export {
  type Delivery,
  deliveryFolderOf,
  type ExportManifest,
  parseExecutionFolder,
  pathBelowExport,
  type ResolveDeliveryOptions,
  resolveDelivery,
} from "./deliveries.js";
export { type FileLedgerOptions, ledgerEventsSql, readFileLedger } from "./file-ledger.js";
export { type FocusFilesOptions, readFocusFiles } from "./focus-files.js";
export {
  type FocusBasis,
  type FocusSqlOptions,
  focusLinesSql,
  focusResultFromRows,
  type ReadFocusLinesOptions,
  readFocusLines,
} from "./focus-sql.js";
export { parseS3Uri, S3_CACHE_INDEX } from "./s3-export.js";
export { duckDbEngine, type SqlEngine, type SqlRow } from "./sql-engine.js";
export { usageAggregationSql, usageFromRows } from "./usage-sql.js";
