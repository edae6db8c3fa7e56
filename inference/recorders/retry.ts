/**
 * Retries beyond the SDK's own attempts: exponential backoff with full jitter, and which errors deserve it.
 */

/** How long and how often to keep trying. */
export interface RetryPolicy {
  /** Attempts of our own (each one an SDK call with its own retries), first included. @default 6 */
  readonly maxAttempts?: number;
  /** First backoff ceiling. @default 500 */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling. @default 20000 */
  readonly maxDelayMs?: number;
}

/** The resolved policy. */
export function retryPolicy(p: RetryPolicy = {}): Required<RetryPolicy> {
  return {
    maxAttempts: p.maxAttempts ?? 6,
    baseDelayMs: p.baseDelayMs ?? 500,
    maxDelayMs: p.maxDelayMs ?? 20_000,
  };
}

/** The wait before retry number `attempt` (1-based): uniform in `[0, min(max, base × 2^(attempt-1))]`. */
export function backoffDelay(attempt: number, p: Required<RetryPolicy>): number {
  return Math.random() * Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (attempt - 1));
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const THROTTLING = /throttl|slowdown|toomanyrequests|requestlimitexceeded|serviceunavailable/i;

/**
 * Whether a failed AWS call may succeed later: throttling, 5xx, 429, timeouts and network errors are transient;
 * other 4xx (a malformed request, missing permissions) are not.
 */
export function isTransient(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e?.$metadata?.httpStatusCode;
  if (THROTTLING.test(e?.name ?? "") || e?.$retryable) return true;
  if (status === undefined) return true; // no HTTP answer: connection refused, reset, timed out
  return status === 429 || status >= 500;
}

/** What {@link deliver} could not deliver. */
export interface DeliveryOutcome<T> {
  /** Items still failing transiently after every attempt: spill them. */
  readonly unsent: T[];
  /** Items refused for good (a non-transient error): count them as dropped. */
  readonly rejected: T[];
}

/**
 * Sends items with retries. `attempt` sends some items and resolves to those that must be tried again
 * (for per-record failures); when it throws, all its items are retried if the error is transient.
 */
export async function deliver<T>(
  items: T[],
  attempt: (items: T[]) => Promise<T[]>,
  policy: Required<RetryPolicy>,
  onError: (error: unknown) => void,
): Promise<DeliveryOutcome<T>> {
  let todo = items;
  for (let n = 1; todo.length > 0; n++) {
    try {
      todo = await attempt(todo);
    } catch (error) {
      onError(error);
      if (!isTransient(error)) return { unsent: [], rejected: todo };
    }
    if (todo.length === 0) break;
    if (n >= policy.maxAttempts) return { unsent: todo, rejected: [] };
    await sleep(backoffDelay(n, policy));
  }
  return { unsent: [], rejected: [] };
}
