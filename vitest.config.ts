import { defineConfig } from "vitest/config";

// One run for every test: unit, integration (real PostgreSQL + Redis), e2e (real Claude Code CLI in
// the local sandbox against the scripted model), browser (Chromium). See README "Tests".
// The CI machine has 2 cores: at most 2 test files run at once, each in its own process; every
// integration file gets its own database and BullMQ queue, so files never share state.
export default defineConfig({
  test: {
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 10_000 } },
      { extends: true, test: { name: "integration", include: ["test/integration/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], testTimeout: 180_000, hookTimeout: 120_000 },
      },
      {
        extends: true,
        test: { name: "browser", include: ["test/browser/**/*.test.ts"], testTimeout: 60_000 },
      },
      // Fault injection: real service processes, private Redis/Postgres proxies (README "Reliability and security").
      {
        extends: true,
        test: {
          name: "fault",
          include: ["test/fault/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      // Thin wrappers around outside services, excluded from coverage (README "Tests" lists the reasons).
      exclude: ["src/bin/**", "src/sandbox/novita*.ts"],
      reporter: ["text-summary", "text"],
    },
  },
});
