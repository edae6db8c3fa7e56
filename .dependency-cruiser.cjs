/**
 * The import rules of this repository (issue 14), checked by `npm run lint:deps` (part of `npm test`).
 *
 * A top-level source folder (core, pipelines, inference, chargeback, infra, audit, scripts, gateway, and any new one)
 * is used by the others only through its `index.ts`; inside a folder, a subfolder (inference/endpoints,
 * pipelines/steps, chargeback/sources, …) is used by its siblings and its parent only through its own `index.ts`.
 * A subfolder may use its parent folder's own files (the shared model, e.g. pipelines/definition.ts). Tests
 * (`test/`) and the example workspace may import anything. A new folder needs no change here.
 *
 * Two exceptions keep `smcb` quick to start (scripts/commands/index.ts): the CLI imports statically the
 * dependency-free modules below (LIGHT: no zod, SDK, DuckDB…; core/index.ts would load zod), and loads everything
 * else inside its handlers with `await import(...)` of exactly the module it needs. Likewise a folder's own file may
 * load a module of its subfolder lazily (`await import()`): chargeback/run.ts loads only the sources a run reads
 * (chargeback/sources/index.ts would load every AWS SDK client and the inference folder, ~0.4 s, issue 15).
 * @type {import('dependency-cruiser').IConfiguration}
 */
const LIGHT =
  "^(core/(errors|tags|aws|config-file|suggest)|chargeback/model|chargeback/reports/formats|audit/types)\\.ts$";

module.exports = {
  forbidden: [
    {
      name: "folder-internals",
      comment:
        "Import another top-level folder through its index.ts (its public surface), not its internal files.",
      severity: "error",
      from: { path: "^([^/]+)/", pathNot: "^(test|examples|scripts)/" },
      to: { dependencyTypes: ["local"], path: "^[^/]+/", pathNot: ["^$1/", "^[^/]+/index\\.ts$"] },
    },
    {
      name: "cli-folder-internals",
      comment:
        "The CLI too goes through index.ts, except for the LIGHT modules and the lazy `await import()` of its handlers.",
      severity: "error",
      from: { path: "^scripts/" },
      to: {
        dependencyTypes: ["local"],
        dependencyTypesNot: ["dynamic-import"],
        path: "^[^/]+/",
        pathNot: ["^scripts/", "^[^/]+/index\\.ts$", LIGHT],
      },
    },
    {
      name: "subfolder-internals",
      comment: "Import a sibling subfolder through its index.ts.",
      severity: "error",
      from: { path: "^([^/]+)/([^/]+)/", pathNot: "^(test|examples)/" },
      to: { path: "^$1/[^/]+/", pathNot: ["^$1/$2/", "^$1/[^/]+/index\\.ts$"] },
    },
    {
      name: "parent-into-subfolder",
      comment:
        "A folder's own files use its subfolders through their index.ts, except for a lazy `await import()` of exactly the module a run needs.",
      severity: "error",
      from: { path: "^([^/]+)/[^/]+\\.ts$", pathNot: "^(test|examples)/" },
      to: { path: "^$1/[^/]+/", pathNot: "^$1/[^/]+/index\\.ts$", dependencyTypesNot: ["dynamic-import"] },
    },
    {
      name: "no-circular",
      comment:
        "No import cycles, type-only ones included (e.g. the CLI and its command modules). A lazy `await import()` " +
        "(loading the S3 code only for an s3:// export) does not make a load-time cycle and is allowed.",
      severity: "error",
      from: { pathNot: "^(test|examples)/" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["dynamic-import"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist|out|cdk\\.out|coverage|docs/api)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
