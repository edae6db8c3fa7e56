/**
 * botocore's API models (DESIGN §4 / preamble): checks that the requests we send have the shape AWS defines.
 * Python 3.11 with botocore is on every machine, CI included; the models are read straight from its data folder.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

interface Member {
  shape: string;
  location?: string;
  locationName?: string;
}

/** One shape of a botocore service model (the fields the checks use). */
export interface Shape {
  type: string;
  members?: Record<string, Member>;
  required?: string[];
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  member?: { shape: string };
}

/** A botocore service model. */
export interface ServiceModel {
  metadata: { protocol: string; targetPrefix?: string };
  operations: Record<string, { http: { method: string; requestUri: string }; input?: { shape: string } }>;
  shapes: Record<string, Shape>;
}

let dataDir: string | undefined;

/** Loads `data/<service>/<latest version>/service-2.json.gz` of the installed botocore. */
export function loadServiceModel(service: string): ServiceModel {
  dataDir ??= path.join(
    execFileSync("python3", ["-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"], {
      encoding: "utf8",
    }).trim(),
    "data",
  );
  const versions = readdirSync(path.join(dataDir, service)).sort();
  const dir = path.join(dataDir, service, versions.at(-1) as string);
  return JSON.parse(gunzipSync(readFileSync(path.join(dir, "service-2.json.gz"))).toString("utf8"));
}

/** botocore patterns are Java regexes: most compile as Unicode JS regexes (`\\p{L}`), the rest without the flag. */
function javaPattern(pattern: string): RegExp {
  const anchored = `^(?:${pattern})$`;
  try {
    return new RegExp(anchored, "u");
  } catch {
    return new RegExp(anchored);
  }
}

/** Every way `value` breaks `shapeName` of `model`; empty when it conforms. */
export function shapeProblems(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  at = "input",
): string[] {
  const shape = model.shapes[shapeName];
  if (!shape) return [`${at}: unknown shape ${shapeName}`];
  const problems: string[] = [];
  switch (shape.type) {
    case "structure": {
      if (typeof value !== "object" || value === null) return [`${at}: expected an object`];
      const obj = value as Record<string, unknown>;
      for (const req of shape.required ?? [])
        if (obj[req] === undefined) problems.push(`${at}.${req}: required`);
      for (const [k, v] of Object.entries(obj)) {
        if (v === undefined) continue;
        const m = shape.members?.[k];
        if (!m) problems.push(`${at}.${k}: not a member of ${shapeName}`);
        else problems.push(...shapeProblems(model, m.shape, v, `${at}.${k}`));
      }
      break;
    }
    case "list":
      if (!Array.isArray(value)) return [`${at}: expected a list`];
      value.forEach((v, i) => {
        problems.push(...shapeProblems(model, shape.member?.shape as string, v, `${at}[${i}]`));
      });
      break;
    case "string": {
      if (typeof value !== "string") return [`${at}: expected a string`];
      if (shape.enum && !shape.enum.includes(value))
        problems.push(`${at}: "${value}" not in ${shape.enum.join("|")}`);
      if (shape.min !== undefined && value.length < shape.min)
        problems.push(`${at}: shorter than ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max)
        problems.push(`${at}: longer than ${shape.max}`);
      if (shape.pattern && !javaPattern(shape.pattern).test(value))
        problems.push(`${at}: "${value}" does not match ${shape.pattern}`);
      break;
    }
    case "integer":
    case "long":
      if (!Number.isInteger(value)) return [`${at}: expected an integer`];
      if (shape.min !== undefined && (value as number) < shape.min)
        problems.push(`${at}: below ${shape.min}`);
      if (shape.max !== undefined && (value as number) > shape.max)
        problems.push(`${at}: above ${shape.max}`);
      break;
    case "timestamp":
      if (typeof value !== "number" && typeof value !== "string")
        problems.push(`${at}: expected a timestamp`);
      break;
    default:
      break;
  }
  return problems;
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
  model: ServiceModel,
  req: WireRequest,
): { operation: string; problems: string[] } {
  if (model.metadata.protocol === "json") {
    const target = req.headers["x-amz-target"] ?? "";
    const operation = target.slice(`${model.metadata.targetPrefix}.`.length);
    const op = model.operations[operation];
    if (!target.startsWith(`${model.metadata.targetPrefix}.`) || !op)
      return { operation, problems: [`unknown target ${target}`] };
    const body = JSON.parse(req.body ?? "{}") as unknown;
    return { operation, problems: shapeProblems(model, op.input?.shape as string, body) };
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
  problems.push(...shapeProblems(model, op.input?.shape as string, params));
  return { operation, problems };
}
