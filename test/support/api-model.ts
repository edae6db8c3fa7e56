/**
 * Checks request and response objects against botocore's service models (the API models the AWS SDKs are
 * generated from): required members, no unknown members, string patterns and lengths, enums, list and map sizes,
 * number ranges, unions. Python 3 with botocore is on every machine running the tests (docs/architecture.md#test-set-up).
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

interface MemberRef {
  shape: string;
  location?: string;
  locationName?: string;
}
interface Shape {
  type: string;
  required?: string[];
  members?: Record<string, MemberRef>;
  member?: MemberRef;
  key?: MemberRef;
  value?: MemberRef;
  pattern?: string;
  min?: number;
  max?: number;
  enum?: string[];
  union?: boolean;
  document?: boolean;
  eventstream?: boolean;
}
interface Operation {
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string };
}
/** A botocore service model (the parts used here). */
export interface ApiModel {
  readonly metadata: { readonly protocol: string; readonly targetPrefix?: string };
  readonly operations: Record<string, Operation>;
  readonly shapes: Record<string, Shape>;
}

let botocoreDir: string | undefined;

/** Loads `data/<service>/<version>/service-2.json.gz` of the installed botocore (the newest version). */
export function loadApiModel(service: string): ApiModel {
  botocoreDir ??= execFileSync(
    "python3",
    ["-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"],
    {
      encoding: "utf8",
    },
  ).trim();
  const dir = path.join(botocoreDir, "data", service);
  const versions = readdirSync(dir).sort();
  const file = path.join(dir, versions[versions.length - 1] as string, "service-2.json.gz");
  return JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as ApiModel;
}

function anchored(pattern: string): RegExp {
  // AWS patterns are Java regexes matched against the whole value.
  return new RegExp(`^(?:${pattern})$`, "u");
}

/**
 * `sdk`: values as SDK commands take them (timestamps as `Date`, blobs as bytes).
 * `wire`: values as serialized JSON carries them (timestamps as epoch numbers or ISO strings, blobs as base64).
 */
type Form = "sdk" | "wire";

function check(
  model: ApiModel,
  shapeName: string,
  value: unknown,
  at: string,
  out: string[],
  form: Form,
): void {
  const shape = model.shapes[shapeName];
  if (!shape) {
    out.push(`${at}: unknown shape ${shapeName}`);
    return;
  }
  if (value === undefined || value === null) return;
  switch (shape.type) {
    case "structure": {
      if (shape.document) return;
      if (typeof value !== "object" || Array.isArray(value)) {
        out.push(`${at}: expected an object (${shapeName})`);
        return;
      }
      const obj = value as Record<string, unknown>;
      const members = shape.members ?? {};
      for (const k of Object.keys(obj)) {
        if (k === "$metadata" || k === "$unknown") continue;
        if (!(k in members)) out.push(`${at}.${k}: not a member of ${shapeName}`);
      }
      for (const r of shape.required ?? [])
        if (obj[r] === undefined || obj[r] === null) out.push(`${at}.${r}: required by ${shapeName}`);
      if (shape.union) {
        const set = Object.keys(obj).filter((k) => obj[k] !== undefined && k in members);
        if (set.length !== 1)
          out.push(`${at}: union ${shapeName} must set exactly one member, got ${set.length}`);
      }
      for (const [k, m] of Object.entries(members)) check(model, m.shape, obj[k], `${at}.${k}`, out, form);
      return;
    }
    case "list": {
      if (!Array.isArray(value)) {
        out.push(`${at}: expected a list (${shapeName})`);
        return;
      }
      if (shape.min !== undefined && value.length < shape.min)
        out.push(`${at}: fewer than ${shape.min} items`);
      if (shape.max !== undefined && value.length > shape.max)
        out.push(`${at}: more than ${shape.max} items`);
      for (const [i, v] of value.entries())
        check(model, (shape.member as MemberRef).shape, v, `${at}[${i}]`, out, form);
      return;
    }
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) {
        out.push(`${at}: expected a map (${shapeName})`);
        return;
      }
      const entries = Object.entries(value as Record<string, unknown>);
      if (shape.min !== undefined && entries.length < shape.min)
        out.push(`${at}: fewer than ${shape.min} entries`);
      if (shape.max !== undefined && entries.length > shape.max)
        out.push(`${at}: more than ${shape.max} entries`);
      for (const [k, v] of entries) {
        check(model, (shape.key as MemberRef).shape, k, `${at} key ${JSON.stringify(k)}`, out, form);
        check(model, (shape.value as MemberRef).shape, v, `${at}[${JSON.stringify(k)}]`, out, form);
      }
      return;
    }
    case "string": {
      if (typeof value !== "string") {
        out.push(`${at}: expected a string (${shapeName})`);
        return;
      }
      const len = [...value].length;
      if (shape.min !== undefined && len < shape.min)
        out.push(`${at}: shorter than ${shape.min} (${shapeName})`);
      if (shape.max !== undefined && len > shape.max)
        out.push(`${at}: longer than ${shape.max} (${shapeName})`);
      if (shape.pattern !== undefined && !anchored(shape.pattern).test(value))
        out.push(`${at}: ${JSON.stringify(value)} does not match ${shapeName} /${shape.pattern}/`);
      if (shape.enum && !shape.enum.includes(value))
        out.push(`${at}: ${value} is not one of ${shape.enum.join("|")}`);
      return;
    }
    case "integer":
    case "long":
    case "float":
    case "double": {
      if (typeof value !== "number") {
        out.push(`${at}: expected a number (${shapeName})`);
        return;
      }
      if ((shape.type === "integer" || shape.type === "long") && !Number.isInteger(value))
        out.push(`${at}: expected an integer`);
      if (shape.min !== undefined && value < shape.min) out.push(`${at}: below ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) out.push(`${at}: above ${shape.max}`);
      return;
    }
    case "boolean":
      if (typeof value !== "boolean") out.push(`${at}: expected a boolean`);
      return;
    case "timestamp":
      if (form === "sdk" ? !(value instanceof Date) : typeof value !== "number" && typeof value !== "string")
        out.push(`${at}: expected a ${form === "sdk" ? "Date" : "timestamp"}`);
      return;
    case "blob":
      if (!(value instanceof Uint8Array) && typeof value !== "string") out.push(`${at}: expected bytes`);
      return;
    default:
      out.push(`${at}: unsupported shape type ${shape.type}`);
  }
}

/** Every way `value` breaks `operation`'s input (`"input"`) or output (`"output"`) shape; empty when it conforms. */
export function shapeProblems(
  model: ApiModel,
  operation: string,
  direction: "input" | "output",
  value: unknown,
): string[] {
  const op = model.operations[operation];
  const ref = op?.[direction];
  if (!ref) return [`${operation} has no ${direction} shape`];
  const out: string[] = [];
  check(model, ref.shape, value, operation, out, "sdk");
  return out;
}

/** A request as it went over the wire. */
export interface WireRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string | string[] | null>;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/**
 * Maps a wire request back to its operation in `model` and checks its parameters against the input shape:
 * `json` protocol by the `X-Amz-Target` header and the JSON body; `rest-json` by method and path, with query string
 * members by their `locationName`.
 * @returns the operation name and every problem found
 */
export function checkWireRequest(
  model: ApiModel,
  req: WireRequest,
): { operation: string; problems: string[] } {
  const wireProblems = (op: Operation, params: unknown): string[] => {
    const out: string[] = [];
    check(model, op.input?.shape as string, params, "input", out, "wire");
    return out;
  };
  if (model.metadata.protocol === "json") {
    const target = req.headers["x-amz-target"] ?? "";
    const operation = target.slice(`${model.metadata.targetPrefix}.`.length);
    const op = model.operations[operation];
    if (!target.startsWith(`${model.metadata.targetPrefix}.`) || !op)
      return { operation, problems: [`unknown target ${target}`] };
    return { operation, problems: wireProblems(op, JSON.parse(req.body ?? "{}")) };
  }
  const entry = Object.entries(model.operations).find(
    ([, o]) => o.http.method === req.method && o.http.requestUri.split("?")[0] === req.path,
  );
  if (!entry) return { operation: "", problems: [`no operation for ${req.method} ${req.path}`] };
  const [operation, op] = entry;
  const input = model.shapes[op.input?.shape as string] as Shape;
  const params: Record<string, unknown> = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
  const problems: string[] = [];
  for (const k of Object.keys(params)) {
    const location = input.members?.[k]?.location;
    if (location) problems.push(`body ${k}: belongs in the ${location}`);
  }
  for (const [q, v] of Object.entries(req.query)) {
    const member = Object.entries(input.members ?? {}).find(
      ([, m]) => m.location === "querystring" && m.locationName === q,
    );
    if (!member) problems.push(`query ${q}: not a querystring member of ${operation}`);
    else {
      const shape = model.shapes[member[1].shape];
      params[member[0]] = shape?.type === "integer" ? Number(v) : v;
    }
  }
  problems.push(...wireProblems(op, params));
  return { operation, problems };
}
