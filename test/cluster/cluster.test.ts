/**
 * Casusregie on the production topology: the Temporal server as separate processes (frontend,
 * matching, two history nodes with 8 shards, the internal worker) on PostgreSQL, two Casusregie
 * worker processes, the records on PostgreSQL, the Web UI server with the codec endpoint
 * (kit/cluster.ts). The tests share one cluster and run in order:
 *
 * 1. one case through its whole life with `casus` (referral → accept → UVO → reminder →
 *    afschaling → close);
 * 2. SIGKILL of the history node owning the most shards during a burst of commands and due
 *    reminders: its shards move to the other node, every command lands once, every reminder
 *    arrives once, the timers fire while the node is gone;
 * 3. SIGKILL of one Casusregie worker during commands and due reminders: the other carries on;
 * 4. every Temporal process stopped and started again: every open case takes commands, timers
 *    due during the stop fire once;
 * 5. every case's history replays with today's workflow code.
 *
 * Bounded (each wait has its deadline) and self-stopping: afterAll kills every process, also
 * after a failure. The figures (failover times) are printed as one line "cluster: {...}".
 * Skipped, with the reason, without TEST_POSTGRES_URL or the server binaries (`npm run setup:cluster`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import YAML from 'yaml';
import { Worker } from '@temporalio/worker';
import { CasusError } from '../../client/casus-client';
import { caseWorkflowId, updates, type CommandResult } from '../../domain/contract';
import { casus, type CliRun } from '../../kit/cli';
import { clusterSkipReason, promMetric, startTestCluster } from '../helpers/cluster';
import { eventually } from '../../kit/eventually';
import { deescalationForm, firstUvoReport, sampleReferral } from '../../kit/referral';
import { mapLimit } from '../../kit/map-limit';
import { faultDataConverter } from '../../kit/worker-process';
import {
  exactlyOnceProblems,
  notificationRows,
  planUvoAt,
  startAcceptedCase,
  stuckCases,
} from '../faults/kit';

const REMINDER_BEFORE_MS = 20_000;
const skip = clusterSkipReason();
if (skip) console.warn(`test/cluster: overgeslagen, ${skip}`);
const maybe = skip ? it.skip : it;

let h: Awaited<ReturnType<typeof startTestCluster>>;
const figures: Record<string, unknown> = {};
const allCases: string[] = [];
/** What a killed worker process wrote, checked for nondeterminism at the end. */
const killedWorkerOutput: string[] = [];
const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  if (skip) return;
  const t0 = performance.now();
  h = await startTestCluster({ timings: { TIMING_ATTENDEE_REMINDER: `${REMINDER_BEFORE_MS / 1000}s` } });
  figures.clusterStartMs = Math.round(performance.now() - t0);
  figures.temporalReadyMs = h.cluster.temporalStartMs;
}, 5 * 60_000);

afterAll(async () => {
  if (Object.keys(figures).length) console.log(`cluster: ${JSON.stringify(figures)}`);
  await h?.stop();
}, 2 * 60_000);

/** A command given as `casus` gives it: its own id, and given again with that id while it waits. */
interface Sent {
  caseNumber: string;
  note: string;
  commandId: string;
  attempts: number;
  startedAt: number;
  answeredAt?: number;
  answered?: CommandResult;
  refused?: string;
}

async function give(s: Sent, deadlineMs = 4 * 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    s.attempts++;
    try {
      s.answered = await h.client.command(
        s.caseNumber,
        updates.logContact,
        { on: today(), kind: 'telefonisch', with: ['ouders'], note: s.note },
        { commandId: s.commandId },
      );
      s.answeredAt = Date.now();
      return;
    } catch (err) {
      const pending = err instanceof CasusError && err.outcome === 'pending';
      const unavailable = /UNAVAILABLE|niet bereikbaar|deadline/i.test((err as Error).message);
      if ((pending || unavailable) && Date.now() < deadline) {
        await sleep(500);
        continue;
      }
      s.refused = `${(err as CasusError).code ?? ''} ${(err as Error).message}`;
      return;
    }
  }
}

/** Commands to `cases`, round after round, until `stop()`; every command waited for. */
function burst(cases: string[], prefix: string) {
  const sent: Sent[] = [];
  let running = true;
  let n = 0;
  const done = (async () => {
    while (running) {
      await mapLimit(cases, 8, async (cn) => {
        const i = ++n;
        const s: Sent = {
          caseNumber: cn,
          note: `${prefix} ${i}`,
          commandId: `${prefix}-${i}`,
          attempts: 0,
          startedAt: Date.now(),
        };
        sent.push(s);
        await give(s);
      });
      await sleep(200);
    }
  })();
  return {
    sent,
    async stop() {
      running = false;
      await done;
    },
  };
}

/** Each answered command is in its case once; none refused. */
async function commandProblems(sent: Sent[]): Promise<string[]> {
  const problems = sent.filter((s) => s.refused).map((s) => `${s.caseNumber} ${s.note}: ${s.refused}`);
  const byCase = new Map<string, Sent[]>();
  for (const s of sent) byCase.set(s.caseNumber, [...(byCase.get(s.caseNumber) ?? []), s]);
  for (const [cn, list] of byCase) {
    const st = await h.client.status(cn);
    for (const s of list.filter((x) => x.answered)) {
      const k = st.contacts.filter((c) => c.note === s.note).length;
      if (k !== 1) problems.push(`${cn} ${s.note}: ${k} times in the case`);
    }
  }
  return problems;
}

/** Accepted cases, each with a UVO whose attendee reminders fall due from `firstDueInMs` on, `spacingMs` apart. */
async function casesWithDueReminders(prefix: string, n: number, firstDueInMs: number, spacingMs: number) {
  const cases = Array.from({ length: n }, (_, i) => `${prefix}-2027-${String(i + 1).padStart(4, '0')}`);
  await mapLimit(cases, 4, (cn) => startAcceptedCase(h.client, cn));
  const base = Date.now() + firstDueInMs;
  const due = new Map(cases.map((cn, i) => [cn, base + i * spacingMs]));
  await mapLimit(cases, 4, (cn) => planUvoAt(h.client, cn, due.get(cn)! + REMINDER_BEFORE_MS));
  allCases.push(...cases);
  return { cases, due };
}

const sentReminders = async (cases: string[]) =>
  (
    await h.cluster.records.pool.query(
      `SELECT count(*)::int AS n FROM notifications WHERE kind = 'uvo-herinnering' AND status = 'sent' AND case_number = ANY($1)`,
      [cases],
    )
  ).rows[0].n as number;

/** Every case's two reminders (partner and regisseur) settled, every mail exactly once, nothing stuck. */
async function settledOnce(cases: string[]): Promise<void> {
  const pool = h.cluster.records.pool;
  await eventually(
    async () => {
      const rows = await notificationRows(pool, `kind = 'uvo-herinnering' AND case_number = ANY($1)`, [
        cases,
      ]);
      expect(rows.length).toBe(2 * cases.length);
      expect(rows.filter((r) => r.status !== 'sent' && r.status !== 'uncertain')).toEqual([]);
      expect(await notificationRows(pool, `status NOT IN ('sent', 'uncertain', 'rejected')`)).toEqual([]);
    },
    3 * 60_000,
    500,
  );
  await eventually(async () => expect(await stuckCases(h.client.client, cases)).toEqual([]), 90_000, 1_000);
  expect(exactlyOnceProblems(await notificationRows(pool), h.smtp.received)).toEqual([]);
}

describe('Casusregie on a Temporal cluster (separate services on PostgreSQL)', () => {
  maybe(
    'one case through its whole life with `casus`: referral → accept → UVO → reminder → afschaling → close',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-cluster-cli-'));
      const file = (name: string, data: unknown) => {
        const p = path.join(dir, name);
        fs.writeFileSync(p, name.endsWith('.json') ? JSON.stringify(data) : YAML.stringify(data));
        return p;
      };
      const ok = async (args: string[]): Promise<CliRun> => {
        const run = await casus(args, h.cliEnv(), 60_000);
        if (run.code !== 0)
          throw new Error(`casus ${args.join(' ')} → ${run.code}\n${run.stderr}${run.stdout}`);
        return run;
      };
      const json = async <T>(args: string[]) => JSON.parse((await ok([...args, '--json'])).stdout) as T;
      const CN = 'CLU-2027-0001';
      allCases.push(CN);
      const mailsTo = (address: string) => h.smtp.received.filter((m) => m.envelopeTo.includes(address));
      const t0 = performance.now();

      expect(
        (
          await ok([
            'aanmelden',
            file('aanmelding.yaml', sampleReferral({ caseNumber: CN, referralDate: today() })),
          ])
        ).stdout,
      ).toBe(`Aanmelding ontvangen: casus ${CN}. De netwerkregisseur is per e-mail op de hoogte gebracht.\n`);
      await h.smtp.waitFor(() => mailsTo('regisseur@beverwijk.example').length >= 1);

      const accepted = await json<{ result: { state: string } }>([
        'beoordelen',
        CN,
        'accepteren',
        '--ave',
        '3',
        '--redenen',
        'hulp-ineffectief',
      ]);
      expect(accepted.result.state).toBe('actief');
      await h.smtp.waitFor(() => mailsTo('wijkagent@politie.example').length >= 1);

      // The UVO 25 s from now: its reminders (20 s before) fall due in 5 s.
      const start = new Date(Date.now() + 25_000);
      const planned = await ok([
        'uvo-plannen',
        CN,
        '--op',
        start.toISOString(),
        '--locatie',
        'Stadhuis Beverwijk',
      ]);
      expect(planned.stdout).toMatch(/^UVO U1 gepland; 1 partner\(s\) en de regisseur uitgenodigd\./);
      await eventually(async () => expect(await sentReminders([CN])).toBe(2), 90_000, 500);

      await sleep(Math.max(0, start.getTime() - Date.now() + 500));
      const report = await ok([
        'uvo-verslag',
        CN,
        '--bestand',
        file('verslag.json', {
          attendees: ['politie'],
          ...firstUvoReport({ safety: 'politie', other: 'politie' }),
        }),
      ]);
      expect(report.stdout).toMatch(/^Verslag van UVO U1 vastgelegd/);

      await ok(['afschalen', CN, '--bestand', file('afschaal.yaml', deescalationForm(today()))]);
      expect((await json<{ state: string }>(['status', CN])).state).toBe('afschaling');
      await ok(['akkoord', CN, 'politie']);
      const closed = await ok([
        'afsluiten',
        CN,
        '--bestand',
        path.join(__dirname, '..', '..', 'docs', 'voorbeeld-afsluitformulier.yaml'),
      ]);
      expect(closed.stdout).toMatch(new RegExp(`^Casus ${CN} afgesloten \\(doorbraak\\)`));
      expect(await json<{ state: string }>(['status', CN])).toMatchObject({ state: 'afgesloten' });
      // R17: the closed case waits for its process evaluation; `casus evaluatie` completes the record.
      const evaluated = await ok([
        'evaluatie',
        CN,
        '--goed',
        'Snelle afstemming',
        '--niet-goed',
        'School laat betrokken',
        '--lessen',
        'School eerder uitnodigen',
      ]);
      expect(evaluated.stdout).toMatch(new RegExp(`^Procesevaluatie van casus ${CN} vastgelegd`));
      await eventually(async () =>
        expect((await h.client.client.workflow.getHandle(caseWorkflowId(CN)).describe()).status.name).toBe(
          'COMPLETED',
        ),
      );
      // Visibility on PostgreSQL: the list finds the closed case.
      await eventually(async () => {
        const rows = await json<{ caseNumber: string }[]>(['lijst', '--status', 'afgesloten']);
        expect(rows.map((r) => r.caseNumber)).toContain(CN);
      });
      figures.lifecycleMs = Math.round(performance.now() - t0);

      // The Web UI server (when built) lists the case through the cluster, with the codec endpoint set.
      const ui = h.cluster.ui();
      if (ui) {
        const settings = (await (await fetch(`${ui.url}/api/v1/settings`)).json()) as {
          Codec?: { Endpoint?: string };
        };
        expect(settings.Codec?.Endpoint).toBe(ui.codecEndpoint);
        const list = (await (
          await fetch(
            `${ui.url}/api/v1/namespaces/${h.cluster.namespace}/workflows?query=${encodeURIComponent(`WorkflowId="${caseWorkflowId(CN)}"`)}`,
          )
        ).json()) as { executions?: unknown[] };
        expect(list.executions).toHaveLength(1);
        figures.webUi = 'ja';
      } else figures.webUi = 'niet gebouwd';
    },
  );

  maybe(
    'SIGKILL of a history node during commands and due reminders: its shards move, nothing lost, nothing twice, timers fire',
    async () => {
      const { cases, due } = await casesWithDueReminders('HIST', 12, 12_000, 600);
      const nodes = h.cluster.historyNodes();
      const shardsOf = (n: (typeof nodes)[number]) =>
        promMetric(n.env.PROMETHEUS_ENDPOINT, 'numshards_gauge');
      const before = await Promise.all(nodes.map(shardsOf));
      figures.shardsBefore = before;
      const victim = nodes[before[0]! >= (before[1] ?? 0) ? 0 : 1];
      const survivor = nodes.find((n) => n !== victim)!;
      expect((await shardsOf(victim)) ?? 0).toBeGreaterThan(0);

      const load = burst(cases, 'hist');
      // Kill once the reminders have begun: the rest fall due while the node is gone.
      await eventually(async () => expect(await sentReminders(cases)).toBeGreaterThanOrEqual(2), 90_000, 100);
      await victim.stop('SIGKILL');
      const killedAt = Date.now();
      const dueAfterKill = [...due.values()].filter((t) => t > killedAt).length;

      // Failover: until the survivor owns every shard, and until every case answers again.
      const probe = (async () => {
        let allShardsAt: number | undefined;
        let answersAt: number | undefined;
        while (Date.now() - killedAt < 180_000 && (!allShardsAt || !answersAt)) {
          if (!allShardsAt && (await shardsOf(survivor)) === h.cluster.shards) allShardsAt = Date.now();
          if (!answersAt) {
            const results = await Promise.allSettled(
              cases.map((cn) =>
                h.client.client.withDeadline(Date.now() + 2_000, () =>
                  h.client.client.workflow.getHandle(caseWorkflowId(cn)).describe(),
                ),
              ),
            );
            if (results.every((r) => r.status === 'fulfilled')) answersAt = Date.now();
          }
          await sleep(250);
        }
        return {
          allShardsMs: allShardsAt && allShardsAt - killedAt,
          answersMs: answersAt && answersAt - killedAt,
        };
      })();
      const failover = await probe;
      await sleep(5_000); // commands keep coming on the one history node left
      await load.stop();
      expect(victim.running).toBe(false);

      const afterKill = load.sent.filter((s) => s.startedAt > killedAt && s.answered);
      const latencies = load.sent.filter((s) => s.answeredAt).map((s) => s.answeredAt! - s.startedAt);
      figures.historyKill = {
        cases: cases.length,
        commands: load.sent.length,
        answeredAfterKill: afterKill.length,
        attempts: load.sent.reduce((a, s) => a + s.attempts, 0),
        remindersDueAfterKill: dueAfterKill,
        survivorOwnsAllShardsMs: failover.allShardsMs,
        allCasesAnswerMs: failover.answersMs,
        slowestCommandMs: Math.max(...latencies),
        // The first command given after the kill that was answered: how long commands stalled.
        commandsThroughAgainMs: afterKill.length
          ? Math.min(...afterKill.map((s) => s.answeredAt!)) - killedAt
          : undefined,
      };
      expect(failover.allShardsMs).toBeDefined();
      expect(failover.answersMs).toBeDefined();
      expect(afterKill.length).toBeGreaterThan(0);
      expect(dueAfterKill).toBeGreaterThan(0);
      expect(await commandProblems(load.sent)).toEqual([]);
      await settledOnce(cases);
      // Every reminder was sent while the node was still down: the timers fired on the survivor.
      expect(victim.running).toBe(false);

      victim.start();
      await h.cluster.waitReady();
      await eventually(async () => expect((await shardsOf(victim)) ?? 0).toBeGreaterThan(0), 90_000, 500);
    },
  );

  maybe(
    'SIGKILL of one Casusregie worker during commands and due reminders: the other carries on',
    async () => {
      const { cases, due } = await casesWithDueReminders('WORK', 8, 10_000, 500);
      const [first, second] = h.cluster.workers;
      const load = burst(cases, 'work');
      await eventually(async () => expect(await sentReminders(cases)).toBeGreaterThanOrEqual(2), 90_000, 100);
      await first.kill();
      const killedAt = Date.now();
      const dueAfterKill = [...due.values()].filter((t) => t > killedAt).length;
      await eventually(
        () =>
          expect(load.sent.filter((s) => s.startedAt > killedAt && s.answered).length).toBeGreaterThanOrEqual(
            cases.length,
          ),
        120_000,
        250,
      );
      await sleep(3_000);
      await load.stop();
      const afterKill = load.sent.filter((s) => s.startedAt > killedAt && s.answered);
      figures.workerKill = {
        cases: cases.length,
        commands: load.sent.length,
        remindersDueAfterKill: dueAfterKill,
        commandsThroughAgainMs: Math.min(...afterKill.map((s) => s.answeredAt!)) - killedAt,
        slowestCommandMs: Math.max(
          ...load.sent.filter((s) => s.answeredAt).map((s) => s.answeredAt! - s.startedAt),
        ),
      };
      expect(dueAfterKill).toBeGreaterThan(0);
      expect(await commandProblems(load.sent)).toEqual([]);
      await settledOnce(cases);
      expect(first.running).toBe(false);
      expect(second.running).toBe(true);
      killedWorkerOutput.push(first.output);
      await h.cluster.startWorker(0);
    },
  );

  maybe(
    'every Temporal process stopped and started again: every open case continues, timers due meanwhile fire once',
    async () => {
      const open = [];
      for (const cn of allCases) {
        const d = await h.client.client.workflow.getHandle(caseWorkflowId(cn)).describe();
        if (d.status.name === 'RUNNING') open.push(cn);
      }
      // Every case of the tests before, but the one the journey closed.
      expect(open.length).toBe(allCases.length - 1);
      // New cases whose reminders fall due while the whole cluster is down (15 s from the stop).
      const { cases, due } = await casesWithDueReminders('HERST', 6, 6_000, 500);
      open.push(...cases);
      const restart = await h.cluster.restartTemporal(15_000);
      const dueWhileDown = [...due.values()].filter(
        (t) => t > restart.stoppedAt && t < restart.startedAt,
      ).length;
      // Every open case takes a command after the restart (given as `casus` would, again while it waits).
      const sent: Sent[] = open.map((cn, i) => ({
        caseNumber: cn,
        note: `na herstart ${i}`,
        commandId: `herstart-${i}`,
        attempts: 0,
        startedAt: Date.now(),
      }));
      await mapLimit(sent, 8, (s) => give(s));
      figures.clusterRestart = {
        openCases: open.length,
        stopMs: restart.stopMs,
        downMs: restart.startedAt - restart.stoppedAt,
        readyAfterStartMs: restart.readyMs,
        allOpenCasesAnsweredAfterStartMs:
          Math.max(...sent.map((s) => s.answeredAt ?? NaN)) - restart.startedAt,
        attempts: sent.reduce((a, s) => a + s.attempts, 0),
        remindersDueWhileDown: dueWhileDown,
      };
      expect(await commandProblems(sent)).toEqual([]);
      await settledOnce(cases);
      expect(dueWhileDown).toBeGreaterThan(0);
    },
  );

  maybe(
    "afterwards every case's history replays with today's code; no nondeterminism in any worker",
    async () => {
      const histories = await Promise.all(
        allCases.map(async (cn) => ({
          workflowId: caseWorkflowId(cn),
          history: await h.client.client.workflow.getHandle(caseWorkflowId(cn)).fetchHistory(),
        })),
      );
      const errors: string[] = [];
      for await (const r of Worker.runReplayHistories(
        { workflowsPath: require.resolve('../../workflows'), dataConverter: faultDataConverter() },
        histories,
      ))
        if (r.error) errors.push(`${r.workflowId}: ${r.error.message}`);
      figures.replayed = histories.length;
      expect(errors).toEqual([]);
      // Every mail of the whole suite, the journey's included, arrived exactly once.
      const rows = await notificationRows(h.cluster.records.pool);
      figures.mails = h.smtp.received.length;
      expect(exactlyOnceProblems(rows, h.smtp.received)).toEqual([]);
      const outputs = [...killedWorkerOutput, ...h.cluster.workers.map((w) => w.output)];
      const nondeterminism = outputs.flatMap((o) => o.split('\n').filter((l) => l.includes('TMPRL1100')));
      expect(nondeterminism).toEqual([]);
      expect(histories.length).toBe(allCases.length);
    },
  );
});
