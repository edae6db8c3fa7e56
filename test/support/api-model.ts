/**
 * Checks request inputs against botocore's API model (the service-2.json.gz Python's botocore ships):
 * required members present, no unknown members, string lengths, patterns and enums, list and number bounds.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

interface Shape {
  type: string;
  required?: string[];
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}

/** A botocore service model. */
export interface ApiModel {
  operations: Record<string, { input?: { shape: string } }>;
  shapes: Record<string, Shape>;
}

/** Loads botocore's model of a service (`sagemaker`, `s3`, …). */
export function loadApiModel(service: string): ApiModel {
  const botocore = execFileSync(
    "python3",
    ["-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"],
    {
      encoding: "utf8",
    },
  ).trim();
  const dir = path.join(botocore, "data", service);
  const version = readdirSync(dir).sort().at(-1);
  if (!version) throw new Error(`no botocore model for ${service}`);
  return JSON.parse(gunzipSync(readFileSync(path.join(dir, version, "service-2.json.gz"))).toString("utf8"));
}

function check(model: ApiModel, shapeName: string, value: unknown, at: string, out: string[]): void {
  const shape = model.shapes[shapeName];
  if (!shape) {
    out.push(`${at}: unknown shape ${shapeName}`);
    return;
  }
  const bounds = (n: number, what: string) => {
    if (shape.min !== undefined && n < shape.min) out.push(`${at}: ${what} ${n} < min ${shape.min}`);
    if (shape.max !== undefined && n > shape.max) out.push(`${at}: ${what} ${n} > max ${shape.max}`);
  };
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        out.push(`${at}: expected a structure`);
        return;
      }
      const v = value as Record<string, unknown>;
      for (const r of shape.required ?? [])
        if (v[r] === undefined) out.push(`${at}.${r}: required member missing`);
      for (const [k, mv] of Object.entries(v)) {
        if (mv === undefined) continue;
        const m = shape.members?.[k];
        if (!m) out.push(`${at}.${k}: unknown member`);
        else check(model, m.shape, mv, `${at}.${k}`, out);
      }
      return;
    }
    case "list":
      if (!Array.isArray(value)) {
        out.push(`${at}: expected a list`);
        return;
      }
      bounds(value.length, "length");
      value.forEach((x, i) => {
        check(model, shape.member?.shape ?? "", x, `${at}[${i}]`, out);
      });
      return;
    case "map":
      if (typeof value !== "object" || value === null) {
        out.push(`${at}: expected a map`);
        return;
      }
      for (const [k, x] of Object.entries(value)) {
        check(model, shape.key?.shape ?? "", k, `${at} key ${k}`, out);
        check(model, shape.value?.shape ?? "", x, `${at}.${k}`, out);
      }
      return;
    case "string":
      if (typeof value !== "string") {
        out.push(`${at}: expected a string`);
        return;
      }
      bounds([...value].length, "length");
      if (shape.pattern && !new RegExp(`^(?:${shape.pattern})$`, "u").test(value))
        out.push(`${at}: "${value.slice(0, 60)}" does not match ${shape.pattern}`);
      if (shape.enum && !shape.enum.includes(value))
        out.push(`${at}: "${value}" not in ${shape.enum.join("|")}`);
      return;
    case "integer":
    case "long":
      if (!Number.isInteger(value)) out.push(`${at}: expected an integer`);
      else bounds(value as number, "value");
      return;
    case "float":
    case "double":
      if (typeof value !== "number") out.push(`${at}: expected a number`);
      return;
    case "boolean":
      if (typeof value !== "boolean") out.push(`${at}: expected a boolean`);
      return;
    case "blob":
      return;
    case "timestamp":
      if (!(value instanceof Date)) out.push(`${at}: expected a Date`);
      return;
    default:
      out.push(`${at}: unhandled type ${shape.type}`);
  }
}

/** Every problem of `input` as the input of `operation`; empty when it conforms. */
export function inputProblems(model: ApiModel, operation: string, input: unknown): string[] {
  const op = model.operations[operation];
  if (!op?.input) return [`unknown operation ${operation}`];
  const out: string[] = [];
  check(model, op.input.shape, input, operation, out);
  return out;
}
