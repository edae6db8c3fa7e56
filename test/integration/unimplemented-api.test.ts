/**
 * Against moto 5.2.1, APIs it does not implement answer with an HTML error page. The command line says that the
 * endpoint does not implement the API (exit 3) instead of a JSON parser's "Unexpected token '<'" (issue 13).
 * Seen here: Bedrock ListInferenceProfiles (`profiles list`) and SageMaker Runtime
 * InvokeEndpointWithResponseStream (`invoke --stream`).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ROOT, runCli } from "../support/cli.js";
import { MOTO_ENV, type Moto, startMoto } from "../support/moto.js";

let moto: Moto;
beforeAll(async () => {
  // The SDK's credential chain reads process.env, not the env runCli hands the command.
  for (const [k, v] of Object.entries(MOTO_ENV)) vi.stubEnv(k, v);
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
  vi.unstubAllEnvs();
});

const cli = (args: string[]) =>
  runCli([...args, "--endpoint-url", moto.endpoint, "--region", "us-east-1"], { env: MOTO_ENV });

describe("an API moto does not implement", () => {
  it("profiles list", async () => {
    const r = await cli(["profiles", "list"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("ListInferenceProfiles: the endpoint does not implement this API");
    expect(r.stderr).not.toContain("Unexpected token");
  });

  it("invoke --stream", async () => {
    const r = await cli([
      "invoke",
      "--endpoint-name",
      "shared-llm",
      "--lob",
      "retail",
      "--body",
      '{"inputs":"Hi"}',
      "--stream",
      "--config",
      path.join(ROOT, "examples/smcb.config.json"),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("the endpoint does not implement this API");
    expect(r.stderr).not.toContain("Unexpected token");
  });
});
