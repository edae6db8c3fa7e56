/** Loads a TypeScript (or JavaScript) module that exports a pipeline, for `smcb pipeline synth`. */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import { DataSourceError, UsageError } from "../core/index.js";
import type { PipelineDefinition } from "./definition.js";

/** What a pipeline module exports: a {@link Pipeline} (or anything with `name` and `definition()`). */
export interface PipelineLike {
  readonly name: string;
  definition(): PipelineDefinition;
}

function isPipelineLike(v: unknown): v is PipelineLike {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as PipelineLike).definition === "function" &&
    typeof (v as PipelineLike).name === "string"
  );
}

/**
 * Imports `file` (TypeScript through tsx) and returns its default export, or its export named `pipeline`.
 *
 * @example
 * ```ts
 * const p = await loadPipelineModule("pipelines/examples/churn.ts");
 * console.log(JSON.stringify(p.definition(), null, 2));
 * ```
 */
export async function loadPipelineModule(file: string): Promise<PipelineLike> {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new UsageError(`No such module: ${file}.`);
  let mod: { default?: unknown; pipeline?: unknown };
  try {
    mod = (await tsImport(pathToFileURL(abs).href, import.meta.url)) as typeof mod;
  } catch (e) {
    throw new DataSourceError(`Cannot load ${file}: ${(e as Error).message}`, { cause: e });
  }
  // A CommonJS-compiled default export arrives as { default: { default, pipeline } }.
  const nested = (mod.default as { default?: unknown; pipeline?: unknown } | undefined) ?? {};
  const candidate = [mod.default, mod.pipeline, nested.default, nested.pipeline].find(isPipelineLike);
  if (!candidate)
    throw new UsageError(`${file} exports no pipeline.`, {
      hint: "Export the Pipeline as the module's default export, or as `export const pipeline = new Pipeline({...})`.",
    });
  return candidate;
}
