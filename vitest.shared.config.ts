import { defineConfig } from "vitest/config";

// Tests that read ../shared (corpora, docs). They skip with a printed reason when it is absent.
export default defineConfig({
  test: {
    include: ["test/shared/**/*.test.ts"],
    testTimeout: 120_000,
  },
});
