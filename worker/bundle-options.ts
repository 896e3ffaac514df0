/**
 * How the workflow code is bundled, the same for the compiled bundle (scripts/bundle-workflows.ts),
 * a worker that bundles at its start (worker/worker.ts) and the tests (kit/case-harness.ts,
 * test/replay.test.ts), so what is tested is what runs.
 *
 * zod and the case's pure rules and contract are loaded once in the worker's reused V8 context
 * instead of once per cached case (worker/preload.ts): without this every cached case carried its
 * own copy of them (docs/benchmarks.md, "Worker: memory …"). The worker freezes what is shared,
 * and those modules keep no state of their own (test/unit/preload.test.ts), so sharing them
 * cannot leak one case into another.
 */
export const WORKFLOW_BUNDLER_OPTIONS = { preloadModules: [require.resolve('./preload')] } as const;
