/**
 * Build step (`npm run build`, after `tsc`): bundles the `smcb` executable so that it starts quickly.
 *
 * Node 20 has no compile cache for ES modules, so every module `smcb` loads at start is located, read and compiled
 * on every run. `smcb tags check` loaded 36 files (zod's eleven among them) before this step and took 320 ms on a
 * quiet machine (`npm run bench:startup`), over issue 13's 300 ms goal. The bundle puts the CLI's own modules,
 * yargs and zod into one entry file (tree-shaken) and each lazily imported command into its own chunk, so the
 * start-up path reads one file.
 *
 * Every other dependency stays external, loaded from `node_modules` as before: they load only when a command that
 * needs them runs (the AWS SDK, DuckDB, vega, tokenizers), and some find their own files or native code at run
 * time (DuckDB, tsx, aws-cdk-lib), which a bundle would break.
 *
 * Output: `dist/scripts/smcb.js` (replacing tsc's entry; the package's `bin`), chunks in `dist/cli-chunks/`, and
 * `dist/cli-chunks/inputs.json`: which of our source files each output file holds.
 * The library entry points (`dist/<folder>/index.js`) are tsc's output, unchanged.
 */
import { readFileSync } from "node:fs";
import { chmod, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Bundled dependencies: those on the start-up path of every command (yargs, zod), and DuckDB's JavaScript API, a
 * CommonJS package of some forty files that Node would otherwise scan one by one for their exports whenever a
 * command reads local files (its native binding, `@duckdb/node-bindings`, stays external).
 */
const BUNDLED = new Set(["yargs", "zod", "@duckdb/node-api"]);

const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};
const external = Object.keys(pkg.dependencies)
  .filter((name) => !BUNDLED.has(name))
  .concat("@duckdb/node-bindings")
  .flatMap((name) => [name, `${name}/*`]);

/**
 * One copy of `string-width`, the one cliui ships (7.x), for yargs too: yargs 18 imports 8.x, whose module builds a
 * `\p{RGI_Emoji}` regular expression at load (about 20 ms of every start-up), where 7.x builds its emoji pattern when
 * a width is first measured. Both measure a string the same way for yargs' help (same signature and options).
 */
const oneStringWidth: Plugin = {
  name: "one-string-width",
  setup(b) {
    let cliuiCopy: Promise<string> | undefined;
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === "cliui-copy") return undefined;
      cliuiCopy ??= (async () => {
        const yargs = await b.resolve("yargs", { resolveDir: ROOT, kind: "import-statement" });
        const cliui = await b.resolve("cliui", {
          resolveDir: path.dirname(yargs.path),
          kind: "import-statement",
        });
        const copy = await b.resolve("string-width", {
          resolveDir: path.dirname(cliui.path),
          kind: "import-statement",
          pluginData: "cliui-copy",
        });
        if (copy.errors.length > 0 || copy.path === "") throw new Error("cliui's string-width not found");
        return copy.path;
      })();
      return { path: await cliuiCopy };
    });
  },
};

await rm(path.join(ROOT, "dist/cli-chunks"), { recursive: true, force: true });
const { metafile } = await build({
  absWorkingDir: ROOT,
  entryPoints: { "scripts/smcb": "scripts/smcb.ts" },
  outdir: "dist",
  chunkNames: "cli-chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  legalComments: "eof",
  // bundled CommonJS code (DuckDB's API) requires its native binding: give every output file a `require`
  banner: {
    js: 'import { createRequire as __smcbRequire } from "node:module"; const require = __smcbRequire(import.meta.url);',
  },
  logLevel: "warning",
  metafile: true,
  plugins: [oneStringWidth],
});
// Which source files each output holds: the e2e test that checks what a command loads reads it.
const inputs = Object.fromEntries(
  Object.entries(metafile.outputs).map(([out, o]) => [
    out,
    Object.keys(o.inputs).filter((i) => !i.includes("node_modules/")),
  ]),
);
await writeFile(path.join(ROOT, "dist/cli-chunks/inputs.json"), `${JSON.stringify(inputs, null, 1)}\n`);
await chmod(path.join(ROOT, "dist/scripts/smcb.js"), 0o755);
