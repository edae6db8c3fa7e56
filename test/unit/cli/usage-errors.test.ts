/**
 * The command line forgives (issue 13): the failing command's own help, "did you mean" for commands, options,
 * config keys and LOB values, exit 2 for every local file the user named, `--out` on a file, impossible months,
 * invoke's JSON body and SMCB_LOB, `smcb init`, and stack traces only behind `--debug`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AwsError, toAwsError } from "../../../core/errors.js";
import { ROOT, runCli } from "../../support/cli.js";

const EXAMPLE = ["--config", path.join(ROOT, "examples/smcb.config.json")];
const dir = mkdtempSync(path.join(tmpdir(), "smcb-usage-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a usage error prints the failing command's help and a suggestion", () => {
  it("unknown command: did you mean, with the top-level help", async () => {
    const r = await runCli(["chargebak"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("smcb: Unknown argument: chargebak (chargebak: did you mean chargeback?)");
  });

  it("unknown subcommand: that command's help, not the top level", async () => {
    const r = await runCli(["pipeline", "lnt"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown argument: lnt (lnt: did you mean lint?)");
    expect(r.stderr).toMatch(/^smcb pipeline\n/);
    expect(r.stderr).not.toContain("smcb chargeback");
  });

  it("unknown option: did you mean, with the command's own help", async () => {
    const r = await runCli(["chargeback", "--month", "2026-10", "--fromat", "csv"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown argument: fromat (--fromat: did you mean --format?)");
    expect(r.stderr).toMatch(/^smcb chargeback\n/);
    expect(r.stderr).toContain("--basis");
  });

  it("unknown LOB value: did you mean", async () => {
    const r = await runCli(["tags", "check", "retial", ...EXAMPLE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('"retial" is not an allowed LOB; did you mean "retail"?');
  });

  it("unknown config key and a structural error beside a LOB error: all listed at once", async () => {
    const file = path.join(dir, "typo.json");
    writeFileSync(
      file,
      JSON.stringify({
        lobs: ["retail"],
        costs: { type: "curr" },
        sharedEndpoints: [{ name: "e", owner: "retial", idel: "even" }],
      }),
    );
    const r = await runCli(["config", "validate", "--config", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sharedEndpoints[0]: Unrecognized key: "idel"; did you mean "idle"?');
    expect(r.stderr).toContain("costs.type: Invalid discriminator value");
    expect(r.stderr).toContain('sharedEndpoints[0].owner: "retial" is not in lobs; did you mean "retail"?');
  });
});

describe("exit codes: local files the user named are usage errors (2)", () => {
  const cases: [string, string[]][] = [
    ["pipeline lint nope.json", ["pipeline", "lint", "nope.json", ...EXAMPLE]],
    ["pipeline tag nope.json", ["pipeline", "tag", "nope.json", ...EXAMPLE]],
    [
      "invoke --body @nope.json",
      ["invoke", "--endpoint-name", "e", "--lob", "retail", "--body", "@nope.json", ...EXAMPLE],
    ],
    [
      "invoke --tokenizer nope",
      [
        "invoke",
        "--endpoint-name",
        "e",
        "--lob",
        "retail",
        "--body",
        "{}",
        "--tokenizer",
        "nope",
        ...EXAMPLE,
      ],
    ],
    ["--config nope.json", ["config", "validate", "--config", "nope.json"]],
    ["endpoint deploy nope.json", ["endpoint", "deploy", "nope.json", "--plan", ...EXAMPLE]],
  ];
  for (const [name, args] of cases)
    it(name, async () => {
      const r = await runCli(args);
      expect(r.stderr).not.toContain("unexpected error");
      expect(r.code).toBe(2);
    });

  it("chargeback --out naming an existing file (before any source is read)", async () => {
    const file = path.join(dir, "report.txt");
    writeFileSync(file, "keep me");
    const r = await runCli(["chargeback", "--month", "2026-10", ...EXAMPLE, "--out", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is a file; it names the folder");
    expect(readFileSync(file, "utf8")).toBe("keep me");
  });

  for (const month of ["0000-01", "1999-12", "2017-10"])
    it(`chargeback --month ${month}: before any SageMaker bill`, async () => {
      const r = await runCli(["chargeback", "--month", month, ...EXAMPLE]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("is before any SageMaker bill");
    });
});

describe("smcb invoke checks its body and reads SMCB_LOB", () => {
  it("refuses a body that is not JSON under a JSON content type", async () => {
    const r = await runCli([
      "invoke",
      "--endpoint-name",
      "e",
      "--lob",
      "retail",
      "--body",
      "{not json",
      ...EXAMPLE,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("The body is not valid JSON");
  });

  it("takes the LOB from SMCB_LOB when --lob is absent (checked against the config)", async () => {
    const r = await runCli(["invoke", "--endpoint-name", "e", "--body", "{}", ...EXAMPLE], {
      env: { SMCB_LOB: "retial" },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"retial" is not an allowed LOB; did you mean "retail"?');
  });

  it("asks for a LOB when neither --lob nor SMCB_LOB is given", async () => {
    const r = await runCli(["invoke", "--endpoint-name", "e", "--body", "{}", ...EXAMPLE], {
      env: { SMCB_LOB: "" },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("No LOB: pass --lob <LOB> or set SMCB_LOB.");
  });
});

describe("smcb init", () => {
  it("writes a starter config that validates, then refuses to overwrite it", async () => {
    const file = path.join(dir, "init", "smcb.config.json");
    rmSync(path.dirname(file), { recursive: true, force: true });
    await import("node:fs").then((fs) => fs.mkdirSync(path.dirname(file), { recursive: true }));
    const first = await runCli(["init", "--config", file, "--lobs", "cards,loans"]);
    expect(first.code).toBe(0);
    expect(JSON.parse(readFileSync(file, "utf8")).lobs).toEqual(["cards", "loans"]);
    expect((await runCli(["config", "validate", "--config", file])).code).toBe(0);
    const again = await runCli(["init", "--config", file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("never overwrites");
    expect(JSON.parse(readFileSync(file, "utf8")).lobs).toEqual(["cards", "loans"]);
  });

  it("is what the missing-config hint names", async () => {
    const r = await runCli(["pipeline", "start", "--name", "churn", "--lob", "retail"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("smcb init");
  });
});

describe("stack traces only behind --debug", () => {
  it("none without --debug, in text or --json", async () => {
    for (const extra of [[], ["--json"]]) {
      const r = await runCli(["config", "validate", "--config", "nope.json", ...extra]);
      expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
      expect(r.stdout).not.toContain('"stack"');
    }
  });

  it("with --debug, on stderr and in the --json error", async () => {
    const text = await runCli(["config", "validate", "--config", "nope.json", "--debug"]);
    expect(text.stderr).toMatch(/ConfigError: Cannot read configuration[\s\S]*\n\s+at /);
    const json = await runCli(["config", "validate", "--config", "nope.json", "--debug", "--json"]);
    expect(JSON.parse(json.stdout).error.stack).toMatch(/\n\s+at /);
  });
});

describe("an endpoint that does not implement an API", () => {
  it("says so instead of a JSON parser's message", () => {
    // What the SDK throws when moto answers an unimplemented API with its HTML error page (seen with
    // ListInferenceProfiles and InvokeEndpointWithResponseStream against moto 5.2.1).
    const sdkError = Object.assign(
      new SyntaxError(`Unexpected token '<', "<!doctype "... is not valid JSON`),
      {
        $metadata: { httpStatusCode: 500 },
        $response: { statusCode: 500, body: "<!doctype html>" },
      },
    );
    const e = toAwsError("ListInferenceProfiles", sdkError);
    expect(e).toBeInstanceOf(AwsError);
    expect(e.message).toBe(
      "ListInferenceProfiles: the endpoint does not implement this API (it answered HTTP 500 with something that is not an AWS response).",
    );
    expect(e.message).not.toContain("Unexpected token");
  });
});
