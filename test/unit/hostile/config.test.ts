/**
 * Hostile configurations (issue 13): names that collide with the reports' own labels or keys, a `__proto__` LOB
 * (a JSON object keyed by LOB drops it silently), and one validation that lists every problem, typos included.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../core/config.js";
import { ConfigError } from "../../../core/errors.js";

function problems(raw: unknown): readonly string[] {
  try {
    parseConfig(raw, "/ws/smcb.config.json");
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("config names that collide with the reports' labels", () => {
  for (const lob of ["__idle__", "Unallocated", "unallocated", "All LOBs", "__IDLE__", "Total"])
    it(`refuses the LOB "${lob}"`, () => {
      expect(problems({ lobs: ["retail", lob] })).toEqual([
        `lobs[1]: "${lob}" is reserved: the reports use it for a line that is not a LOB`,
      ]);
    });

  it("refuses a LOB named __proto__, which reservations could not hold", () => {
    // JSON.parse keeps "__proto__" as an own key; zod's record then drops it: the reservation would vanish.
    const raw = JSON.parse(
      '{"lobs":["__proto__","retail"],"sharedEndpoints":[{"name":"e","owner":"retail","reservations":{"__proto__":0.3}}]}',
    );
    expect(problems(raw)).toContainEqual(
      'lobs[0]: "__proto__" is reserved: a JSON object keyed by LOB (reservations) cannot hold it',
    );
  });

  it("refuses the shared-endpoint tag key as the LOB tag key", () => {
    expect(problems({ lobs: ["retail"], tagKey: "SharedEndpoint" })).toEqual([
      `tagKey: "SharedEndpoint" is reserved: it names a resource's shared endpoint, not its LOB`,
    ]);
  });

  it("accepts LOBs named like Object.prototype properties", () => {
    expect(
      problems({
        lobs: ["toString", "constructor", "valueOf", "hasOwnProperty"],
        sharedEndpoints: [{ name: "e", owner: "toString", reservations: { constructor: 0.2, valueOf: 0.1 } }],
      }),
    ).toEqual([]);
  });
});

describe("config validation lists every problem at once", () => {
  it("a structural error does not hide the LOB errors behind it", () => {
    expect(
      problems({
        lobs: ["retail", 5],
        costs: { type: "curr" },
        sharedEndpoints: [{ name: "e", owner: "retial", reservations: { welth: 0.5 } }],
      }),
    ).toEqual([
      "lobs[1]: Invalid input: expected string, received number",
      "costs.type: Invalid discriminator value. Expected 'cur' | 'focus' | 'cost-explorer'",
      'sharedEndpoints[0].owner: "retial" is not in lobs; did you mean "retail"?',
      'sharedEndpoints[0].reservations.welth: "welth" is not in lobs',
    ]);
  });

  it("suggests the known key for a mistyped one, at the root and inside", () => {
    expect(
      problems({
        lobs: ["retail"],
        usgae: {},
        sharedEndpoints: [{ name: "e", owner: "retail", idel: "even" }],
      }),
    ).toEqual([
      'sharedEndpoints[0]: Unrecognized key: "idel"; did you mean "idle"?',
      '(root): Unrecognized key: "usgae"; did you mean "usage"?',
    ]);
  });

  it("suggests the known choice for a mistyped value", () => {
    expect(
      problems({ lobs: ["retail"], sharedEndpoints: [{ name: "e", owner: "retail", idle: "evn" }] }),
    ).toEqual([
      'sharedEndpoints[0].idle: Invalid option: expected one of "proportional"|"even"|"owner"|"separate"; did you mean "even"?',
    ]);
  });
});
