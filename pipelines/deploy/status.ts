/**
 * An execution's status: each step, its status, the job it ran and the LOB tag that job carries; and
 * following an execution until it ends.
 */
import {
  DescribePipelineExecutionCommand,
  ListPipelineParametersForExecutionCommand,
  ListTagsCommand,
  type PipelineExecutionStep,
  paginateListPipelineExecutionSteps,
  type SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { findLobTag, mapWithConcurrency, toAwsError } from "../../core/index.js";
import { assertExecutionArn } from "./aws-names.js";

/** One step of an execution. */
export interface ExecutionStep {
  readonly name: string;
  readonly status: string;
  readonly startTime?: string;
  readonly endTime?: string;
  /** The ARN of the job or resource the step made, when it made one. */
  readonly jobArn?: string;
  /** The LOB tag that job carries; `null` when it carries none; absent when there is no job (or no read). */
  readonly lobTag?: string | null;
  /** Why the step failed, or why its tags could not be read. */
  readonly failureReason?: string;
}

/** The status of an execution. */
export interface ExecutionStatus {
  readonly executionArn: string;
  readonly status: string;
  readonly failureReason?: string;
  /** The value of the LOB parameter of the execution, when set. */
  readonly lob?: string;
  /** Steps, most recent first (as ListPipelineExecutionSteps returns them). */
  readonly steps: readonly ExecutionStep[];
}

/** Statuses after which an execution does not change any more. */
export const TERMINAL_EXECUTION_STATUSES: readonly string[] = ["Succeeded", "Failed", "Stopped"];

/** The ARN of the job or resource a step made, from its metadata. */
export function stepJobArn(step: PipelineExecutionStep): string | undefined {
  for (const v of Object.values(step.Metadata ?? {})) {
    if (v && typeof v === "object") {
      const o = v as { Arn?: unknown; CheckJobArn?: unknown };
      if (typeof o.Arn === "string") return o.Arn;
      if (typeof o.CheckJobArn === "string") return o.CheckJobArn;
    }
  }
  return undefined;
}

/** All steps of an execution (paginated). */
export async function listExecutionSteps(
  sagemaker: SageMakerClient,
  executionArn: string,
): Promise<PipelineExecutionStep[]> {
  const steps: PipelineExecutionStep[] = [];
  try {
    for await (const page of paginateListPipelineExecutionSteps(
      { client: sagemaker },
      { PipelineExecutionArn: executionArn },
    ))
      steps.push(...(page.PipelineExecutionSteps ?? []));
  } catch (e) {
    throw toAwsError("ListPipelineExecutionSteps", e);
  }
  return steps;
}

/**
 * The status of an execution, each step with its job and the LOB tag the job carries (ListTags, at most
 * `concurrency` calls at once).
 *
 * @example
 * ```ts
 * const s = await executionStatus(sagemaker, arn, { tagKey: "LineOfBusiness" });
 * for (const step of s.steps) console.log(step.name, step.status, step.jobArn, step.lobTag);
 * ```
 */
export async function executionStatus(
  sagemaker: SageMakerClient,
  executionArn: string,
  policy: { readonly tagKey: string },
  concurrency = 4,
): Promise<ExecutionStatus> {
  const arn = assertExecutionArn(executionArn);
  let described: Awaited<ReturnType<typeof describe>>;
  let parameters: { Name?: string; Value?: string }[];
  try {
    described = await describe(sagemaker, arn);
    parameters =
      (await sagemaker.send(new ListPipelineParametersForExecutionCommand({ PipelineExecutionArn: arn })))
        .PipelineParameters ?? [];
  } catch (e) {
    throw toAwsError("DescribePipelineExecution", e);
  }
  const raw = await listExecutionSteps(sagemaker, arn);
  const steps = await mapWithConcurrency(
    raw,
    async (s): Promise<ExecutionStep> => {
      const jobArn = stepJobArn(s);
      const base = {
        name: s.StepName ?? "?",
        status: s.StepStatus ?? "?",
        ...(s.StartTime ? { startTime: s.StartTime.toISOString() } : {}),
        ...(s.EndTime ? { endTime: s.EndTime.toISOString() } : {}),
        ...(s.FailureReason ? { failureReason: s.FailureReason } : {}),
      };
      if (!jobArn) return base;
      if (!jobArn.includes(":sagemaker:")) return { ...base, jobArn };
      try {
        const tags = await sagemaker.send(new ListTagsCommand({ ResourceArn: jobArn }));
        const found = findLobTag(
          policy,
          (tags.Tags ?? []).map((t) => ({ Key: t.Key ?? "", Value: t.Value ?? "" })),
        );
        return { ...base, jobArn, lobTag: found ?? null };
      } catch (e) {
        return { ...base, jobArn, failureReason: `tags not readable: ${(e as Error).message}` };
      }
    },
    concurrency,
  );
  const lob = parameters.find((p) => p.Name === policy.tagKey)?.Value;
  return {
    executionArn: arn,
    status: described.PipelineExecutionStatus ?? "?",
    ...(described.FailureReason ? { failureReason: described.FailureReason } : {}),
    ...(lob !== undefined ? { lob } : {}),
    steps,
  };
}

function describe(sagemaker: SageMakerClient, arn: string) {
  return sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn }));
}

/** Options of {@link waitForExecution}. */
export interface WaitOptions {
  /** Seconds between polls. @default 15 */
  readonly pollSeconds?: number;
  /** Give up after this many seconds. @default 3600 */
  readonly timeoutSeconds?: number;
  /** Called with one line per change (a step's status, the execution's status). */
  readonly onProgress?: (line: string) => void;
  /** How to wait (tests pass a fake). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The clock (tests pass a fake). @default Date.now */
  readonly now?: () => number;
}

/** How {@link waitForExecution} ended. */
export interface WaitResult {
  /** The last status seen. */
  readonly status: string;
  /** `true` when the timeout came first. */
  readonly timedOut: boolean;
  readonly failureReason?: string;
}

/**
 * Polls an execution (DescribePipelineExecution, ListPipelineExecutionSteps) until it succeeds, fails or stops,
 * or until the timeout; reports each change through `onProgress`.
 */
export async function waitForExecution(
  sagemaker: SageMakerClient,
  executionArn: string,
  options: WaitOptions = {},
): Promise<WaitResult> {
  const arn = assertExecutionArn(executionArn);
  const pollMs = (options.pollSeconds ?? 15) * 1000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + (options.timeoutSeconds ?? 3600) * 1000;
  const seen = new Map<string, string>();
  let last = "";
  for (;;) {
    let d: Awaited<ReturnType<typeof describe>>;
    try {
      d = await describe(sagemaker, arn);
    } catch (e) {
      throw toAwsError("DescribePipelineExecution", e);
    }
    for (const s of (await listExecutionSteps(sagemaker, arn)).reverse()) {
      const key = s.StepName ?? "?";
      const status = s.StepStatus ?? "?";
      if (seen.get(key) !== status) {
        seen.set(key, status);
        options.onProgress?.(`step ${key}: ${status}${s.FailureReason ? ` (${s.FailureReason})` : ""}`);
      }
    }
    const status = d.PipelineExecutionStatus ?? "?";
    if (status !== last) {
      last = status;
      options.onProgress?.(`execution: ${status}`);
    }
    const failure = d.FailureReason ? { failureReason: d.FailureReason } : {};
    if (TERMINAL_EXECUTION_STATUSES.includes(status)) return { status, timedOut: false, ...failure };
    if (now() + pollMs > deadline) return { status, timedOut: true, ...failure };
    await sleep(pollMs);
  }
}
