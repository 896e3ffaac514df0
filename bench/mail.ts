/**
 * `npm run bench:mail`: the mail activity with a new SMTP connection per mail against the
 * worker's open connections (SMTP_MAX_CONNECTIONS), side by side in one run.
 *
 * Each round sends N notifications through the real `sendNotification` activity (claim, fence,
 * record, audit trail in PostgreSQL: TEST_POSTGRES_URL) to the benchmarks' smtp-server relay in this process,
 * CONCURRENCY at a time, as the mails of a step go in parallel. Reports mails/s, the latency of
 * one mail (p50, p99), the CPU of this process per mail (the activity and the relay together) and
 * the connections the relay saw. N: BENCH_N (default 400); rounds: BENCH_ROUNDS (default 2).
 */
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { createActivities } from '../activities';
import { createTransport } from '../activities/mail/mailer';
import { DEFAULT_SMTP_CONNECTIONS, PROJECT_ROOT } from '../runtime/config';
import { DEFAULT_TIMINGS } from '../domain/timings';
import { checkReferral } from '../domain/referral';
import { startTestDatabase } from '../kit/db';
import { mapLimit } from '../kit/map-limit';
import { sampleReferral } from '../kit/referral';
import { machineLoad, stampingSmtp } from './stack';
import { machineLine, percentile, writeSection } from './report';

const N = Number(process.env.BENCH_N ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

interface Result {
  name: string;
  seconds: number;
  latencies: number[];
  cpuMsPerMail: number;
  connections: number;
}

async function main() {
  if (!process.env.TEST_POSTGRES_URL)
    throw new Error(
      'Zet TEST_POSTGRES_URL (PostgreSQL), bijvoorbeeld postgres://postgres:postgres@127.0.0.1:5432/postgres',
    );
  const relay = await stampingSmtp();
  const url = relay.url;
  const db = await startTestDatabase('postgres');
  const load = machineLoad();
  const referral = checkReferral(sampleReferral({ caseNumber: 'MAIL-2027-0001' }));
  if (!referral.ok) throw new Error(referral.problems.join('; '));
  const r = referral.referral;

  const round = async (name: string, maxConnections: number | undefined, prefix: string) => {
    const transport = createTransport(url, { maxConnections });
    const activities = createActivities({
      pool: db.pool,
      transport,
      mailFrom: 'Casusregie <casusregie@bench.example>',
      contactsFile: path.join(PROJECT_ROOT, 'config', 'contacts.yaml'),
      timings: DEFAULT_TIMINGS,
    });
    const send = (i: number) =>
      activities.sendNotification({
        key: `${prefix}:${i}`,
        kind: 'uvo-plannen-herinnering',
        caseNumber: r.caseNumber,
        municipality: r.municipality,
        to: [
          { role: 'regisseur' },
          { role: 'aanmelder', email: r.referrer.email, name: r.referrer.contactName },
        ],
        data: { initials: 'J.B.', dueDate: '2027-05-01' },
      });
    const before = relay.connections;
    await mapLimit([0, 1, 2, 3, 4, 5, 6, 7], CONCURRENCY, (i) => send(-1 - i)); // warm-up
    const cpu = process.cpuUsage();
    const latencies: number[] = [];
    const t0 = performance.now();
    await mapLimit(
      Array.from({ length: N }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        const m0 = performance.now();
        const res = await send(i);
        if (res.outcome !== 'verzonden') throw new Error(`mail ${i}: ${res.outcome}`);
        latencies.push(performance.now() - m0);
      },
    );
    const seconds = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu);
    transport.close();
    const result: Result = {
      name,
      seconds,
      latencies: latencies.sort((a, b) => a - b),
      cpuMsPerMail: (used.user + used.system) / 1000 / N,
      connections: relay.connections - before,
    };
    return result;
  };

  const results: Result[] = [];
  try {
    for (let k = 1; k <= ROUNDS; k++) {
      results.push(await round(`a new connection per mail (round ${k})`, undefined, `new-${k}`));
      results.push(
        await round(
          `${DEFAULT_SMTP_CONNECTIONS} open connections (round ${k})`,
          DEFAULT_SMTP_CONNECTIONS,
          `pool-${k}`,
        ),
      );
    }
  } finally {
    await db.stop();
    await relay.close();
  }

  const row = (x: Result) =>
    `| ${x.name} | ${N} | ${x.seconds.toFixed(1)} s | ${(N / x.seconds).toFixed(0)} | ${percentile(x.latencies, 50).toFixed(0)} ms | ${percentile(x.latencies, 99).toFixed(0)} ms | ${x.cpuMsPerMail.toFixed(2)} ms | ${x.connections} |`;
  const body = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}; ${load} at the start.`,
    '',
    `Command: \`TEST_POSTGRES_URL=postgres://… npm run bench:mail\` (BENCH_N=${N}, ${CONCURRENCY} mails in flight, rounds alternating).`,
    'The real `sendNotification` activity (claim, fence, record and audit trail in PostgreSQL) to an smtp-server',
    'relay in the same process, which like MailDev waits 100 ms before its greeting. CPU is that of the one process:',
    'the activity and the relay together. Connections: those the relay saw in the round, its 8 warm-up mails included.',
    '',
    '| transport | mails | wall time | mails/s | mail p50 | p99 | CPU per mail | connections |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(row),
    '',
    "The 100 ms before the greeting is smtp-server's check for clients that talk too early (MailDev, in the",
    "embedded stack, is built on it; Postfix's postscreen pauses longer). Over a new connection every mail",
    'waits for it, and pays a TCP connection, EHLO and QUIT on both sides, and outside this machine STARTTLS',
    "and the login as well. Hence the worker's default of 5 open connections (`SMTP_MAX_CONNECTIONS`,",
    'docs/operations.md).',
  ].join('\n');
  writeSection('Mail over open connections', body);
  console.log(body);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
