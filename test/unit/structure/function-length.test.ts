/**
 * Units a reader can hold (issue 14): no function of the source has more than 80 lines of its own (lines of nested
 * functions count for those functions, not for the one around them) unless it is listed below with its reason and
 * the length it has today, which it must not exceed. A new long function fails this test; so does a listed one
 * that grows. Split a listed one and remove its line here.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const MAX_OWN_LINES = 80;
/** Folders that are not the source: tests, dependencies, build output. */
const SKIPPED = new Set(["test", "node_modules", "dist", "coverage", "cdk.out", "docs"]);

/** The TypeScript files of the source below `dir` (relative to the root, `/`-separated), declarations aside. */
function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir === "" ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory()) return SKIPPED.has(e.name) || e.name.startsWith(".") ? [] : sourceFiles(rel);
    return e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [rel] : [];
  });
}

/** `file#function` → its length today and why it is longer than {@link MAX_OWN_LINES}. */
const ALLOWED: Record<string, { lines: number; why: string }> = {
  "examples/generate.ts#baseLines": { lines: 322, why: "example data: one literal bill line after another" },
  "examples/generate.ts#focusRows": {
    lines: 117,
    why: "example data: the FOCUS rows, one literal per column",
  },
  "examples/generate.ts#generateLedger": { lines: 93, why: "example data: the ledger's event mix" },
  "examples/generate.ts#curRow": { lines: 90, why: "example data: one CUR 2.0 row, one literal per column" },
};

type FunctionLike = ts.FunctionLikeDeclaration;

function isFunction(n: ts.Node): n is FunctionLike {
  return (
    ts.isFunctionDeclaration(n) ||
    ts.isMethodDeclaration(n) ||
    ts.isArrowFunction(n) ||
    ts.isFunctionExpression(n) ||
    ts.isConstructorDeclaration(n) ||
    ts.isGetAccessorDeclaration(n) ||
    ts.isSetAccessorDeclaration(n)
  );
}

function nameOf(n: FunctionLike): string {
  if (ts.isConstructorDeclaration(n)) return "constructor";
  if (n.name) return n.name.getText();
  if (ts.isVariableDeclaration(n.parent)) return n.parent.name.getText();
  return "<anonymous>";
}

/** Every function of the source with more than {@link MAX_OWN_LINES} lines of its own: `file#name` → lines. */
function longFunctions(): Map<string, number> {
  const files = sourceFiles("");
  const long = new Map<string, number>();
  for (const file of files) {
    const src = ts.createSourceFile(
      file,
      readFileSync(path.join(ROOT, file), "utf8"),
      ts.ScriptTarget.Latest,
      true,
    );
    const lines = (n: ts.Node) =>
      src.getLineAndCharacterOfPosition(n.getEnd()).line -
      src.getLineAndCharacterOfPosition(n.getStart()).line +
      1;
    const visit = (n: ts.Node): void => {
      if (isFunction(n)) {
        let nested = 0;
        const inner = (m: ts.Node): void => {
          if (isFunction(m)) nested += lines(m);
          else ts.forEachChild(m, inner);
        };
        ts.forEachChild(n, inner);
        const own = lines(n) - nested;
        if (own > MAX_OWN_LINES) {
          const key = `${file}#${nameOf(n)}`;
          long.set(key, Math.max(own, long.get(key) ?? 0));
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return long;
}

describe("function length", () => {
  const long = longFunctions();

  it(`has no function over ${MAX_OWN_LINES} lines of its own that is not listed with a reason`, () => {
    expect([...long.keys()].filter((k) => !(k in ALLOWED))).toEqual([]);
  });

  it("lets no listed function grow", () => {
    const grown = [...long].filter(([k, n]) => n > (ALLOWED[k]?.lines ?? Number.POSITIVE_INFINITY));
    expect(grown).toEqual([]);
  });

  it("lists only functions that are still long (a split one leaves the list)", () => {
    expect(Object.keys(ALLOWED).filter((k) => !long.has(k))).toEqual([]);
  });
});
