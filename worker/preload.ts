/**
 * What the workflow bundle loads once per reused V8 context (worker/bundle-options.ts), shared by
 * every cached case instead of built again for each: zod, and the case's pure rules and contract
 * (the payload schemas, the chapters' command and timer tables). Without this every cached case
 * carried its own copy of them (docs/benchmarks.md, "Worker: memory …").
 *
 * Shared is safe only for modules that keep no state of their own: no module-level `let`, no
 * cache or registry filled while a case runs, no clock or random number read while loading. The
 * domain modules are written that way (test/unit/preload.test.ts checks it for each module named
 * here); a case's state lives in its CaseData, never in a module.
 *
 * Named by path, and used below: zod declares itself free of side effects, so webpack drops a
 * bare `require('zod')` whose result is unused (the bundle's preload became `0;`).
 */
import { z } from 'zod';
import * as contract from '../domain/contract';
import * as registry from '../domain/case/registry';
import * as command from '../domain/case/command';
import * as outbox from '../domain/case/outbox';
import * as privacy from '../domain/case/privacy';
import * as recipients from '../domain/case/recipients';
import * as state from '../domain/case/state';
import * as terms from '../domain/case/terms';
import * as time from '../domain/case/time';
import * as webUi from '../domain/case/web-ui';
import * as intake from '../domain/chapters/intake';
import * as knownBefore from '../domain/chapters/known-before';
import * as referral from '../domain/referral';
import * as signals from '../domain/signals';
import * as timings from '../domain/timings';

/**
 * The worker freezes what is shared (the SDK's deep freeze, so no case can change it for
 * another), but a zod object schema works out its shape at its first use and stores it, and an
 * enum its set of values: done now, for every schema the shared modules hold, before the freeze.
 */
function prepareSchemas(value: unknown, seen = new WeakSet<object>()): void {
  // The same walk as the freeze: every own property of every object it reaches, read as it reads them.
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (value instanceof z.ZodObject) value._getCached();
  if (value instanceof z.ZodEnum) value.safeParse(value.options[0]); // its set of values
  if (value instanceof z.ZodNativeEnum) value.safeParse(Object.values(value.enum)[0]);
  for (const key of Reflect.ownKeys(value)) {
    try {
      prepareSchemas((value as Record<string | symbol, unknown>)[key], seen);
    } catch {
      // A property that cannot be read is not frozen either.
    }
  }
}

for (const shared of [
  contract,
  registry,
  command,
  outbox,
  privacy,
  recipients,
  state,
  terms,
  time,
  webUi,
  intake,
  knownBefore,
  referral,
  signals,
  timings,
])
  prepareSchemas(shared);
