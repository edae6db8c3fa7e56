/**
 * Flushes live usage recorders when the process is about to end: on `beforeExit`, `SIGINT` and `SIGTERM`.
 * The process keeps its own signal behaviour: when nothing else listens to the signal, it is raised again after
 * the flush (so the process ends as it would have); when the application has its own listeners, they decide.
 */

/** What the exit hook flushes. */
export interface ExitFlushable {
  /** Whether anything is waiting to be written. */
  hasPending(): boolean;
  /** Writes what is pending quickly, spilling to local storage what cannot be sent now. */
  flushForExit(): Promise<void>;
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
/** How long a signal waits for the flush before the process goes on ending. */
export const EXIT_FLUSH_TIMEOUT_MS = 10_000;

const live = new Set<ExitFlushable>();
let installed = false;

function flushAll(): Promise<unknown> {
  return Promise.allSettled([...live].filter((r) => r.hasPending()).map((r) => r.flushForExit()));
}

function onBeforeExit(): void {
  // Only schedules work when something is pending, so `beforeExit` does not fire forever.
  if ([...live].some((r) => r.hasPending())) void flushAll();
}

function onSignal(signal: NodeJS.Signals): void {
  process.removeListener(signal, onSignal);
  const othersListen = process.listenerCount(signal) > 0;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, EXIT_FLUSH_TIMEOUT_MS);
  });
  void Promise.race([flushAll(), timeout]).finally(() => {
    clearTimeout(timer);
    if (othersListen) {
      if (installed) process.on(signal, onSignal);
    } else process.kill(process.pid, signal);
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("beforeExit", onBeforeExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener("beforeExit", onBeforeExit);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/** Registers a recorder to be flushed at exit. */
export function registerExitFlush(r: ExitFlushable): void {
  live.add(r);
  install();
}

/** Unregisters a recorder; the hooks are removed when none is left. */
export function unregisterExitFlush(r: ExitFlushable): void {
  live.delete(r);
  if (live.size === 0) uninstall();
}
