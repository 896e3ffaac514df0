/**
 * The retention run, started daily by the schedule `casusregie-bewaartermijn`
 * (worker/retention-schedule.ts): finds ended cases past the retention period, deletes
 * their workflow histories from Temporal, anonymises their records and destroys their data
 * keys (crypto-shredding), and at the end rewrites the touched tables. Its own history holds
 * only case numbers and counts, no personal data.
 */
import { continueAsNew, log, proxyActivities, setCurrentDetails } from '@temporalio/workflow';

/** The retention activities (activities/retention.ts; the worker checks they match this). */
export interface RetentionActivityContract {
  /** Case numbers (no personal data) of ended cases past the retention period, not yet anonymised. */
  findExpiredCases(limit: number): Promise<string[]>;
  deleteCaseHistory(caseNumber: string): Promise<{ deleted: number }>;
  anonymiseCase(caseNumber: string): Promise<void>;
  /** Rewrites the touched tables, so no old row version stays readable in the database files. */
  scrubRecords(): Promise<{ tables: number; pglite: boolean }>;
}

export const RETENTION_WORKFLOW_TYPE = 'retentionWorkflow';

const { findExpiredCases, deleteCaseHistory, anonymiseCase, scrubRecords } =
  proxyActivities<RetentionActivityContract>({
    startToCloseTimeout: '2 minutes',
    retry: {
      initialInterval: '10 seconds',
      backoffCoefficient: 2,
      maximumInterval: '10 minutes',
      maximumAttempts: 10,
    },
  });

/** VACUUM FULL of the records tables: minutes on a large database. */
const SCRUB_OPTIONS = {
  startToCloseTimeout: '1 hour',
  retry: {
    initialInterval: '1 minute',
    backoffCoefficient: 2,
    maximumInterval: '30 minutes',
    maximumAttempts: 5,
  },
} as const;

const BATCH = 50;
/** Keeps one run's history small; the rest continues as new. */
const PER_RUN = 500;

export interface RetentionResult {
  anonymised: number;
}

export async function retentionWorkflow(
  previous: RetentionResult = { anonymised: 0 },
): Promise<RetentionResult> {
  let done = 0;
  for (;;) {
    const batch = await findExpiredCases(BATCH);
    if (batch.length === 0) break;
    for (const caseNumber of batch) {
      // History first: a case counts as anonymised only once Temporal holds nothing of it either.
      await deleteCaseHistory(caseNumber);
      await anonymiseCase(caseNumber);
      done++;
    }
    setCurrentDetails(`Bewaartermijn: ${previous.anonymised + done} casussen geanonimiseerd in deze ronde.`);
    if (done >= PER_RUN) {
      await scrubRecords.executeWithOptions({ ...SCRUB_OPTIONS, summary: 'Tabellen herschrijven' }, []);
      await continueAsNew<typeof retentionWorkflow>({ anonymised: previous.anonymised + done });
    }
  }
  // Also when none were anonymised now: it rewrites only what an earlier run left (a failed rewrite).
  await scrubRecords.executeWithOptions({ ...SCRUB_OPTIONS, summary: 'Tabellen herschrijven' }, []);
  log.info('retention run finished', { anonymised: previous.anonymised + done });
  return { anonymised: previous.anonymised + done };
}
