/**
 * Build-time checks of a rendered definition: unique step and parameter names, references to declared
 * parameters, existing steps, declared property files and known execution variables, and no cycles.
 */
import {
  type DefinitionParameter,
  isJsonObject,
  type JsonValue,
  type LocatedStep,
  type PipelineDefinition,
  walkSteps,
} from "./definition.js";
import { PipelineBuildError, type PipelineBuildProblem } from "./errors.js";
import { EXECUTION_VARIABLE_NAMES } from "./expressions.js";

/** A reference found in a step: what it points at. */
type Reference =
  | { readonly kind: "parameter"; readonly name: string }
  | { readonly kind: "step"; readonly name: string; readonly propertyFile?: string }
  | { readonly kind: "execution"; readonly name: string };

const STEP_GET = /^Steps\.([A-Za-z0-9\-_]+)(.*)$/;
const PROPERTY_FILE = /^\.PropertyFiles\.(.+)$/;

function classify(get: string): Reference | undefined {
  if (get.startsWith("Parameters.")) return { kind: "parameter", name: get.slice("Parameters.".length) };
  if (get.startsWith("Execution.")) return { kind: "execution", name: get.slice("Execution.".length) };
  const m = STEP_GET.exec(get);
  if (!m) return undefined;
  const file = PROPERTY_FILE.exec(m[2] ?? "")?.[1];
  return file === undefined
    ? { kind: "step", name: m[1] as string }
    : { kind: "step", name: m[1] as string, propertyFile: file };
}

function collect(value: JsonValue, out: Reference[]): void {
  if (Array.isArray(value)) for (const v of value) collect(v, out);
  else if (isJsonObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && typeof value.Get === "string") {
      const ref = classify(value.Get);
      if (ref) out.push(ref);
      return;
    }
    for (const v of Object.values(value)) collect(v, out);
  }
}

/** The references a step makes itself (a Condition's nested steps excluded: they are steps of their own). */
function referencesOf(located: LocatedStep): Reference[] {
  const refs: Reference[] = [];
  for (const [key, v] of Object.entries(located.step)) {
    if (key === "Arguments" && located.type === "Condition" && isJsonObject(v)) {
      for (const [ak, av] of Object.entries(v)) if (ak !== "IfSteps" && ak !== "ElseSteps") collect(av, refs);
    } else if (key !== "DependsOn") collect(v, refs);
  }
  return refs;
}

function findCycle(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, "open");
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      const s = state.get(m);
      if (s === "open") return [...stack.slice(stack.indexOf(m)), m];
      if (s === undefined) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, "done");
    return undefined;
  };
  for (const n of edges.keys()) {
    if (state.has(n)) continue;
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

/**
 * Checks a rendered definition; throws a {@link PipelineBuildError} listing every problem.
 *
 * @param definition - what `Pipeline.definition()` rendered
 */
export function validateDefinition(definition: PipelineDefinition): void {
  const problems: { kind: PipelineBuildProblem; text: string }[] = [];
  const params = new Map<string, DefinitionParameter>();
  for (const p of definition.Parameters) {
    if (params.has(p.Name))
      problems.push({ kind: "duplicate-parameter", text: `parameter ${p.Name} is declared twice` });
    params.set(p.Name, p);
  }
  const steps = new Map<string, LocatedStep>();
  const located = [...walkSteps(definition.Steps as unknown as JsonValue[])];
  for (const s of located) {
    if (steps.has(s.name))
      problems.push({ kind: "duplicate-step", text: `step name ${s.name} is used twice` });
    else steps.set(s.name, s);
  }
  const edges = new Map<string, Set<string>>();
  const known = new Set<string>(EXECUTION_VARIABLE_NAMES);
  for (const s of located) {
    const out = edges.get(s.name) ?? new Set<string>();
    edges.set(s.name, out);
    const enclosing = s.branch.at(-1)?.replace(/:(if|else)$/, "");
    if (enclosing) out.add(enclosing);
    const dependsOn = Array.isArray(s.step.DependsOn) ? s.step.DependsOn : [];
    for (const d of dependsOn) {
      if (typeof d !== "string" || !steps.has(d))
        problems.push({ kind: "unknown-step", text: `step ${s.name} depends on unknown step ${String(d)}` });
      else out.add(d);
    }
    for (const r of referencesOf(s)) {
      if (r.kind === "parameter" && !params.has(r.name))
        problems.push({
          kind: "unknown-parameter",
          text: `step ${s.name} uses parameter ${r.name}, which the pipeline does not declare`,
        });
      else if (r.kind === "execution" && !known.has(r.name))
        problems.push({
          kind: "unknown-execution-variable",
          text: `step ${s.name} uses unknown execution variable ${r.name}`,
        });
      else if (r.kind === "step") {
        const target = steps.get(r.name);
        if (!target) {
          problems.push({ kind: "unknown-step", text: `step ${s.name} refers to unknown step ${r.name}` });
          continue;
        }
        out.add(r.name);
        if (r.propertyFile !== undefined) {
          const files = Array.isArray(target.step.PropertyFiles) ? target.step.PropertyFiles : [];
          if (!files.some((f) => isJsonObject(f) && f.PropertyFileName === r.propertyFile))
            problems.push({
              kind: "unknown-property-file",
              text: `step ${s.name} reads property file ${r.propertyFile}, which step ${r.name} does not declare`,
            });
        }
      }
    }
  }
  if (problems.length === 0) {
    const cycle = findCycle(edges);
    if (cycle)
      problems.push({ kind: "cycle", text: `steps depend on each other in a cycle: ${cycle.join(" → ")}` });
  }
  const first = problems[0];
  if (first)
    throw new PipelineBuildError(
      first.kind,
      problems.map((p) => p.text),
    );
}
