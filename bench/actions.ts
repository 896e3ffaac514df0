/**
 * Benchmark: how much history a case makes, and what it would cost on Temporal Cloud, which
 * bills per action. On the time-skipping server, with the recording activities:
 * - an accepted case at rest: referral, accepted after a day, then nothing to do (its events);
 * - the complete 9-month case of bench/nine-months.ts (its events and actions, per kind).
 *
 *   npx tsx bench/actions.ts            # this tree
 *
 * Run the same file in a checkout of an earlier commit to compare (docs/benchmarks.md shows how).
 *
 * Actions are counted from the history as Temporal Cloud counts them (docs.temporal.io,
 * "Temporal Cloud Actions"): a workflow start (also continue-as-new), every activity attempt,
 * the local activities of one workflow task together as one, every timer, every accepted Update,
 * every search-attribute upsert except one that only sets TemporalChangeVersion (attributes set
 * at the start are free), every signal. Version markers are events but no action. Not in the
 * history, so not counted: queries (every `casus status` is one), refused Updates.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DAY } from '../domain/duration';
import { accept, settled, startHarness } from '../kit/case-harness';
import { PARTNERS } from '../kit/referral';
import { uvoReportPayloadSchema } from '../domain/chapters/uvo-report';
import { nineMonthCase } from './nine-months';

const T = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface Tally {
  events: number;
  actions: number;
  byKind: Record<string, number>;
}

/** The actions of one history, per kind (see the header). */
export function countActions(events: HistoryEvent[]): Tally {
  const byKind: Record<string, number> = {};
  const add = (kind: string, n = 1) => (byKind[kind] = (byKind[kind] ?? 0) + n);
  let localInTask = false;
  for (const e of events) {
    switch (e.eventType) {
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        add('start');
        break;
      case T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        localInTask = false;
        break;
      case T.EVENT_TYPE_ACTIVITY_TASK_STARTED:
        add('activiteit', Number(e.activityTaskStartedEventAttributes?.attempt ?? 1));
        break;
      case T.EVENT_TYPE_TIMER_STARTED:
        add('timer');
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        add('update');
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        add('signaal');
        break;
      case T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const fields = Object.keys(
          e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {},
        );
        add(
          fields.some((f) => f !== 'TemporalChangeVersion')
            ? 'zoekattribuut'
            : 'versie-zoekattribuut (gratis)',
        );
        break;
      }
      case T.EVENT_TYPE_MARKER_RECORDED: {
        const name = e.markerRecordedEventAttributes?.markerName ?? '';
        if (name === 'core_local_activity') {
          if (!localInTask) add('lokale activiteit');
          localInTask = true;
        } else add(`marker ${name} (gratis)`);
        break;
      }
    }
  }
  // Free kinds are listed with their event count, not counted as actions.
  const actions = Object.entries(byKind)
    .filter(([k]) => !k.endsWith('(gratis)'))
    .reduce((sum, [, n]) => sum + n, 0);
  return { events: events.length, actions, byKind };
}

/** Every run of a case (continue-as-new), oldest first. */
async function allRuns(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  const runs: HistoryEvent[][] = [];
  let runId: string | undefined = (await handle.describe()).runId;
  while (runId) {
    const history = await handle.client.getHandle(handle.workflowId, runId).fetchHistory();
    const events: HistoryEvent[] = history.events ?? [];
    runs.unshift(events);
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return runs.flat();
}

function line(title: string, t: Tally): string {
  const kinds = Object.entries(t.byKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return `${title}: ${t.events} events, ${t.actions} acties (${kinds})`;
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const h = await startHarness();
  try {
    // Started as the CLI starts a case: without timings (the worker gives them, with the check eerder bekend).
    const atRest = await h.startCase(
      'BENCH-2027-0100',
      { partners: [PARTNERS.politie, PARTNERS.cjg] },
      { timings: undefined },
    );
    await h.env.sleep(DAY);
    await accept(h, atRest);
    await settled(atRest);
    console.log(line('Aangenomen casus in rust', countActions(await allRuns(atRest))));

    const { handle } = await nineMonthCase(h, 'BENCH-2027-0101');
    await handle.result();
    console.log(line('Casus van 9 maanden (+1 verlenging)', countActions(await allRuns(handle))));

    // The same case, each UVO recorded in one command (where this tree knows how).
    if ('completedActions' in uvoReportPayloadSchema.shape) {
      const one = await nineMonthCase(h, 'BENCH-2027-0102', { inOne: true });
      await one.handle.result();
      const sentSeparately = h.sent('BENCH-2027-0101').length;
      const sentInOne = h.sent('BENCH-2027-0102').length;
      console.log(
        line(
          `Dezelfde casus, elk UVO in één opdracht (${sentInOne} meldingen, los: ${sentSeparately})`,
          countActions(await allRuns(one.handle)),
        ),
      );
    }
  } finally {
    await h.teardown();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
