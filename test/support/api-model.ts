/**
 * Checks request shapes against botocore's service models (the AWS API definitions shipped with botocore, which is
 * installed with moto on every machine and in CI).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

interface Shape {
  type: string;
  members?: Record<string, { shape: string }>;
  required?: string[];
  member?: { shape: string };
  value?: { shape: string };
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
}

interface ServiceModel {
  operations: Record<string, { input?: { shape: string } }>;
  shapes: Record<string, Shape>;
}

const cache = new Map<string, ServiceModel>();

/** botocore's model of a service (e.g. `sagemaker`), newest version. */
export function loadServiceModel(service: string): ServiceModel {
  const hit = cache.get(service);
  if (hit) return hit;
  const root = execFileSync(
    "python3",
    ["-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"],
    {
      encoding: "utf8",
    },
  ).trim();
  const dir = path.join(root, "data", service);
  const version = execFileSync("ls", [dir], { encoding: "utf8" }).trim().split("\n").sort().at(-1) ?? "";
  const model = JSON.parse(
    gunzipSync(readFileSync(path.join(dir, version, "service-2.json.gz"))).toString("utf8"),
  );
  cache.set(service, model);
  return model;
}

/** AWS patterns match the whole value. */
function fullMatch(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern.replace(/^\\A|\\z$/g, "")})$`, "u").test(value);
}

function check(model: ServiceModel, shapeName: string, value: unknown, at: string, out: string[]): void {
  const shape = model.shapes[shapeName];
  if (!shape) {
    out.push(`${at}: unknown shape ${shapeName}`);
    return;
  }
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        out.push(`${at}: expected structure ${shapeName}`);
        return;
      }
      const v = value as Record<string, unknown>;
      for (const r of shape.required ?? [])
        if (v[r] === undefined) out.push(`${at}.${r}: required by ${shapeName}`);
      for (const [k, child] of Object.entries(v)) {
        if (child === undefined) continue;
        const m = shape.members?.[k];
        if (!m) out.push(`${at}.${k}: not a member of ${shapeName}`);
        else check(model, m.shape, child, `${at}.${k}`, out);
      }
      return;
    }
    case "list":
      if (!Array.isArray(value)) out.push(`${at}: expected list`);
      else {
        if (shape.min !== undefined && value.length < shape.min)
          out.push(`${at}: fewer than ${shape.min} items`);
        if (shape.max !== undefined && value.length > shape.max)
          out.push(`${at}: more than ${shape.max} items`);
        for (const [i, x] of value.entries()) check(model, shape.member?.shape ?? "", x, `${at}[${i}]`, out);
      }
      return;
    case "map":
      if (typeof value !== "object" || value === null) out.push(`${at}: expected map`);
      else
        for (const [k, x] of Object.entries(value))
          check(model, shape.value?.shape ?? "", x, `${at}.${k}`, out);
      return;
    case "string":
      if (typeof value !== "string") out.push(`${at}: expected string`);
      else {
        if (shape.enum && !shape.enum.includes(value)) out.push(`${at}: "${value}" not in ${shapeName} enum`);
        if (shape.min !== undefined && value.length < shape.min) out.push(`${at}: shorter than ${shape.min}`);
        if (shape.max !== undefined && value.length > shape.max) out.push(`${at}: longer than ${shape.max}`);
        if (shape.pattern && !fullMatch(shape.pattern, value))
          out.push(`${at}: "${value}" does not match ${shape.pattern}`);
      }
      return;
    case "integer":
    case "long":
      if (!Number.isInteger(value)) out.push(`${at}: expected integer`);
      else {
        if (shape.min !== undefined && (value as number) < shape.min) out.push(`${at}: below ${shape.min}`);
        if (shape.max !== undefined && (value as number) > shape.max) out.push(`${at}: above ${shape.max}`);
      }
      return;
    case "float":
    case "double":
      if (typeof value !== "number") out.push(`${at}: expected number`);
      return;
    case "boolean":
      if (typeof value !== "boolean") out.push(`${at}: expected boolean`);
      return;
    case "blob":
    case "timestamp":
      return;
    default:
      out.push(`${at}: unchecked shape type ${shape.type}`);
  }
}

/** Every way `input` breaks the input shape of `operation` (empty when it fits). */
export function requestShapeProblems(service: string, operation: string, input: unknown): string[] {
  const model = loadServiceModel(service);
  const op = model.operations[operation];
  if (!op) return [`${service} has no operation ${operation}`];
  const out: string[] = [];
  if (op.input) check(model, op.input.shape, input, operation, out);
  return out;
}
