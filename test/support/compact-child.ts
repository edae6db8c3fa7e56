/**
 * A compaction in a child process that stops after a step and waits to be killed (for the crash test):
 *   tsx test/support/compact-child.ts <ledger> <step>
 * Prints `<step> <file>` on stdout when the step is done, then waits.
 */
import type { CompactionStep } from "../../chargeback/sources/ledger-compact.js";
import { compactLedger } from "../../chargeback/sources/ledger-compact.js";

const [root, stopAfter] = process.argv.slice(2) as [string, CompactionStep];
await compactLedger({
  path: root,
  now: new Date("2026-12-04T12:00:00Z"),
  onStep: async (step, file) => {
    if (step !== stopAfter) return;
    process.stdout.write(`${step} ${file}\n`);
    await new Promise(() => setInterval(() => undefined, 1000)); // until killed
  },
});
