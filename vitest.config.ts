import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    // `npm test` runs with --coverage (V8's own counters: no instrumentation pass, so little extra time). The floor
    // below fails the run when coverage of the source folders drops under it; the report goes to coverage/.
    coverage: {
      provider: "v8",
      include: [
        "core/**",
        "pipelines/**",
        "inference/**",
        "chargeback/**",
        "infra/**",
        "audit/**",
        "gateway/**",
        "scripts/**",
      ],
      exclude: ["**/examples/**", "scripts/gen-schema.ts"],
      reporter: ["text-summary", "json-summary", "html"],
      reportOnFailure: true,
      // Measured on the unit project alone: 69.7 % statements, 63.2 % branches, 70.7 % functions, 70.0 % lines.
      thresholds: { lines: 65, functions: 65, branches: 58, statements: 65 },
    },
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 60_000 } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000 },
      },
    ],
  },
});
