import { defineConfig } from "vitest/config";

// One run for every test: unit, integration (real PostgreSQL + Redis), e2e (real Claude Code CLI in
// the local sandbox against the scripted model), browser (Chromium). See README "Tests".
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      // Thin wrappers around outside services, excluded from coverage (README lists the reasons).
      exclude: ["src/bin/**", "src/sandbox/novita*.ts"],
      reporter: ["text-summary", "text"],
    },
  },
});
