/**
 * What the workflow bundle loads once per reused V8 context (worker/bundle-options.ts): zod, so
 * every cached case shares one zod instead of building its own. Named by path, not as 'zod':
 * zod declares itself free of side effects, so webpack drops a bare `require('zod')` whose
 * result is unused (the bundle's preload became `0;`). The call below uses it.
 */
import { z } from 'zod';

void z.object({}).safeParse({});
