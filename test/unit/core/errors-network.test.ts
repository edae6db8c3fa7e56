import { describe, expect, it } from "vitest";
import { AwsError, toAwsError } from "../../../core/errors.js";

describe("toAwsError for network failures", () => {
  it("names the host that could not be resolved", () => {
    const e = toAwsError(
      "ListModels",
      Object.assign(new Error("getaddrinfo ENOTFOUND sagemaker.xx-nowhere-1.amazonaws.com"), {
        code: "ENOTFOUND",
        hostname: "sagemaker.xx-nowhere-1.amazonaws.com",
      }),
    );
    expect(e).toBeInstanceOf(AwsError);
    expect(e.message).toBe(
      "ListModels: cannot reach AWS at sagemaker.xx-nowhere-1.amazonaws.com (ENOTFOUND).",
    );
  });
  it("names the address and port refused, also when the SDK wraps the error as cause", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
      code: "ECONNREFUSED",
      address: "127.0.0.1",
      port: 9,
    });
    expect(toAwsError("ListTags", new Error("wrapped", { cause: refused })).message).toBe(
      "ListTags: cannot reach AWS at 127.0.0.1:9 (ECONNREFUSED).",
    );
  });
  it("says nothing of a place it does not know", () => {
    expect(toAwsError("X", Object.assign(new Error("reset"), { code: "ECONNRESET" })).message).toBe(
      "X: cannot reach AWS (ECONNRESET).",
    );
  });
});
