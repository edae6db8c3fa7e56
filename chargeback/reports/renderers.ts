/**
 * The file renderers of the chargeback report (the terminal table and JSON live with the command).
 * @module
 */
export { CSV_COLUMNS, renderCsv } from "./csv.js";
export { FOCUS_COLUMNS, type FocusOptions, renderFocus } from "./focus.js";
export { escapeHtml, renderHtml } from "./html.js";
export { escapeMarkdown, renderMarkdown } from "./md.js";
