/**
 * Shared checks of the fault tests: a client with the worker process's encryption keys, an
 * accepted case to start from, and the checks every fault test ends with — mail per
 * notification key, and no case stuck. The worker process itself is kit/worker-process.ts.
 */
import crypto from 'node:crypto';
import type { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import { Runtime } from '@temporalio/worker';
import { CasusClient } from '../../client/casus-client';
import { caseWorkflowId, statusQuery, updates } from '../../domain/contract';
import { eventually } from '../../kit/eventually';
import { sampleReferral } from '../../kit/referral';
import type { ReceivedMail } from '../../kit/smtp';
import { mapLimit } from '../../kit/map-limit';
import { faultDataConverter } from '../../kit/worker-process';

export async function connectClient(address: string, namespace: string): Promise<CasusClient> {
  return CasusClient.connect({
    address,
    namespace,
    dataConverter: faultDataConverter(),
    answerTimeoutMs: 30_000,
  });
}

export const today = () => new Date().toISOString().slice(0, 10);

/** Submits a referral (today) with one partner, and accepts it: an active case. */
export async function startAcceptedCase(client: CasusClient, caseNumber: string): Promise<void> {
  await client.submitReferral(sampleReferral({ caseNumber, referralDate: today() }));
  await ready(client, caseNumber);
  await client.command(caseNumber, updates.assess, {
    decision: 'accepteren',
    referrerDiscussed: { on: today() },
    avePhase: 3,
    aveReasons: { helpIneffective: true },
  });
}

/**
 * Waits until the case answers its status query. workflows/case.ts registers its handlers only
 * after the `caseTimings` activity returned: an update sent before that is rejected by the SDK
 * with "No registered handler for update" (reported; see the report of issue 8).
 */
export async function ready(client: CasusClient, caseNumber: string): Promise<void> {
  await eventually(() => client.status(caseNumber), 30_000, 100);
}

/** Plans the first UVO of an active case at `start` (ms). */
export async function planUvoAt(client: CasusClient, caseNumber: string, start: number): Promise<void> {
  await client.command(caseNumber, updates.planUvo, {
    action: 'plan',
    start: new Date(start).toISOString(),
    location: 'Stadhuis Beverwijk',
  });
}

/** The value of a mail's `X-Casusregie-Key` header for a notification key (activities/mail/mailer.ts). */
export const keyHeader = (key: string) => crypto.createHash('sha256').update(key).digest('hex').slice(0, 16);

export function mailsByHeader(received: ReceivedMail[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of received) {
    const h = String(m.parsed.headers.get('x-casusregie-key') ?? '');
    counts.set(h, (counts.get(h) ?? 0) + 1);
  }
  return counts;
}

export interface NotificationRow {
  key: string;
  case_number: string;
  kind: string;
  status: string;
}

export async function notificationRows(
  pool: Pool,
  where = 'TRUE',
  params: unknown[] = [],
): Promise<NotificationRow[]> {
  const { rows } = await pool.query(
    `SELECT key, case_number, kind, status FROM notifications WHERE ${where} ORDER BY key`,
    params,
  );
  return rows as NotificationRow[];
}

/** Waits until exactly `count` mails of `kind` are sent (the notification log), looking every `everyMs`. */
export async function waitForSent(
  pool: Pool,
  kind: string,
  count: number,
  timeoutMs: number,
  everyMs: number,
): Promise<void> {
  await eventually(
    async () => {
      const sent = (await notificationRows(pool, `kind = $1 AND status = 'sent'`, [kind])).length;
      if (sent !== count) throw new Error(`${sent} van ${count} e-mails "${kind}" verstuurd`);
    },
    timeoutMs,
    everyMs,
  );
}

/**
 * Exactly once, checked from both sides: every mail at the SMTP server belongs to one row of
 * the notification log; no key arrived twice; every `sent` key arrived once. An `uncertain` key
 * (the worker died between the first byte of the message and the recorded 250: see
 * docs/architecture.md) arrived at most once, and the regisseur was told. Returns a summary.
 */
export function exactlyOnceProblems(rows: NotificationRow[], received: ReceivedMail[]): string[] {
  const problems: string[] = [];
  const counts = mailsByHeader(received);
  const byHeader = new Map(rows.map((r) => [keyHeader(r.key), r]));
  for (const [h, n] of counts) {
    if (!byHeader.has(h))
      problems.push(`a mail with key header ${h} (${n}×) has no row in the notification log`);
  }
  const keys = new Set(rows.map((r) => r.key));
  for (const r of rows) {
    const n = counts.get(keyHeader(r.key)) ?? 0;
    if (n > 1) problems.push(`${r.key}: arrived ${n} times`);
    if (r.status === 'sent' && n !== 1) problems.push(`${r.key}: status sent but arrived ${n} times`);
    if (r.status === 'uncertain' && !keys.has(`${r.key}:melding-onzeker`))
      problems.push(`${r.key}: uncertain without a notice to the regisseur`);
    if (r.status !== 'sent' && r.status !== 'uncertain') problems.push(`${r.key}: status ${r.status}`);
  }
  return problems;
}

/**
 * No case stuck: each answers its status query, has nothing in flight (no pending activity),
 * no failed notification, and no WorkflowTaskFailed event in its history.
 */
export async function stuckCases(raw: Client, caseNumbers: string[]): Promise<string[]> {
  const problems: string[] = [];
  await mapLimit(caseNumbers, 10, async (cn) => {
    const handle = raw.workflow.getHandle(caseWorkflowId(cn));
    try {
      const status = await raw.withDeadline(Date.now() + 15_000, () => handle.query(statusQuery));
      if (status.failedNotifications.length > 0)
        problems.push(`${cn}: failed notifications ${JSON.stringify(status.failedNotifications)}`);
      const d = await handle.describe();
      if (d.status.name !== 'RUNNING') problems.push(`${cn}: ${d.status.name}`);
      if ((d.raw.pendingActivities ?? []).length > 0)
        problems.push(`${cn}: ${d.raw.pendingActivities!.length} activities pending`);
      const history = await handle.fetchHistory();
      const failedTasks = (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes).length;
      if (failedTasks > 0) problems.push(`${cn}: ${failedTasks} failed workflow task(s)`);
    } catch (err) {
      problems.push(`${cn}: ${(err as Error).message}`);
    }
  });
  return problems;
}

/**
 * The in-process worker logs every failed activity attempt at WARN: in a fault test those are
 * the fault itself. Drops them (for this test file's runtime); errors still show.
 */
export function quietActivityWarnings(): void {
  const logger = Runtime.instance().logger as unknown as {
    logFunction?: (entry: { level: string; message: string }) => void;
  };
  const original = logger.logFunction;
  if (!original) return;
  logger.logFunction = (entry) => {
    if (entry.level === 'WARN' && /Activity failed|Workflow task failed|poll/i.test(entry.message)) return;
    original(entry);
  };
}
