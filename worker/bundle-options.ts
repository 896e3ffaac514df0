/**
 * How the workflow code is bundled, the same for the compiled bundle (scripts/bundle-workflows.ts),
 * a worker that bundles at its start (worker/worker.ts) and the tests (kit/case-harness.ts,
 * test/replay.test.ts), so what is tested is what runs.
 *
 * zod is loaded once in the worker's reused V8 context instead of once per cached case: without
 * this every cached case carried its own copy of zod (about 0.8 MiB of workflow heap each;
 * docs/benchmarks.md, "Worker: geheugen"). zod keeps no state per workflow (the project never
 * sets its global error map), so sharing it cannot leak one case into another.
 */
export const WORKFLOW_BUNDLER_OPTIONS = { preloadModules: [require.resolve('./preload')] } as const;
