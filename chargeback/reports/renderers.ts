/**
 * The file renderers of the chargeback report (the terminal table and JSON live with the command).
 * @module
 */
export { CSV_COLUMNS, neutralizeCell, renderCsv } from "./csv.js";
export {
  FOCUS_COLUMNS,
  type FocusChargeCategory,
  type FocusOptions,
  focusChargeCategory,
  isAmortizedBasis,
  renderFocus,
} from "./focus.js";
export { escapeHtml, renderHtml } from "./html.js";
export { escapeMarkdown, renderMarkdown } from "./md.js";
