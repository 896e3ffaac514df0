/**
 * `npm run bench:timers`: timer accuracy. With compressed durations
 * (TIMING_ATTENDEE_REMINDER=30s), BENCH_TIMER_CASES accepted cases (default 100) each get a UVO
 * planned so that the attendee reminders (partner and regisseur) fall due spread over 30
 * seconds. Measured: the lag from each reminder's due moment (UVO start − 30 s) to the mail's
 * arrival at the SMTP server. Target: p99 under 2 s.
 */
import crypto from 'node:crypto';
import { updates } from '../domain/contract';
import { mapLimit } from '../kit/map-limit';
import { machineLoad, startBenchStack, submitAndAccept } from './stack';
import { machineLine, percentile, writeSection } from './report';

const N = Number(process.env.BENCH_TIMER_CASES ?? 100);
const BEFORE = 30_000;
const SPREAD = 30_000;
const header = (key: string) => crypto.createHash('sha256').update(key).digest('hex').slice(0, 16);

async function main() {
  const stack = await startBenchStack({ timings: { TIMING_ATTENDEE_REMINDER: `${BEFORE / 1000}s` } });
  const loadBefore = machineLoad();
  const casus = await stack.connectClient(60_000);
  const today = new Date().toISOString().slice(0, 10);
  const cases = Array.from({ length: N }, (_, i) => `TIMER-2026-${String(i + 1).padStart(4, '0')}`);
  try {
    await mapLimit(cases, 8, (caseNumber) => submitAndAccept(casus, caseNumber, today));
    // Let the acceptance mail go out first, so the reminders are measured on a quiet worker … mostly.
    await stack.waitForSentMails(N * 4, 500);
    const base = Date.now() + 15_000;
    const due = new Map<string, number>();
    await mapLimit(cases, 8, async (cn, i) => {
      const at = base + Math.round((i * SPREAD) / N);
      due.set(cn, at);
      await casus.command(cn, updates.planUvo, {
        action: 'plan',
        start: new Date(at + BEFORE).toISOString(),
        location: 'Stadhuis',
      });
    });
    // Wait for every reminder (two per case).
    const deadline = Date.now() + SPREAD + 15_000 + 120_000;
    for (;;) {
      const { rows } = await stack.db.pool.query(
        `SELECT count(*)::int AS n FROM notifications WHERE kind = 'uvo-herinnering' AND status = 'sent'`,
      );
      if (rows[0].n >= 2 * N || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const { rows } = await stack.db.pool.query(
      `SELECT key, case_number FROM notifications WHERE kind = 'uvo-herinnering'`,
    );
    const arrivals = new Map(stack.smtp.arrivals.map((a) => [a.key, a.at]));
    const lags = rows
      .map(
        (r: { key: string; case_number: string }) =>
          (arrivals.get(header(r.key)) ?? NaN) - due.get(r.case_number)!,
      )
      .filter((x: number) => Number.isFinite(x))
      .sort((a: number, b: number) => a - b);
    const missing = 2 * N - lags.length;
    const p50 = percentile(lags, 50);
    const p99 = percentile(lags, 99);
    const body = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine()}; ${loadBefore} at the start.`,
      '',
      `Command: \`TEST_POSTGRES_URL=postgres://… npm run bench:timers\` (BENCH_TIMER_CASES=${N}).`,
      `The worker (\`bin/casus-worker\`, compiled, own process) runs with TIMING_ATTENDEE_REMINDER=${BEFORE / 1000}s; ${N} accepted cases get a UVO`,
      `planned so that their ${2 * N} attendee reminders (partner and regisseur) fall due spread over ${SPREAD / 1000} s. Lag = arrival of the`,
      'mail at the SMTP server (stamped by the server) − the due moment (UVO start − reminder time). It covers the durable',
      'timer firing on the dev server, the workflow task, the activity (database claim, rendering, SMTP) and the audit records.',
      '',
      '| reminders | arrived | lag p50 | p90 | p99 | max |',
      '| --- | --- | --- | --- | --- | --- |',
      `| ${2 * N} | ${lags.length} | ${p50.toFixed(0)} ms | ${percentile(lags, 90).toFixed(0)} ms | ${p99.toFixed(0)} ms | ${lags[lags.length - 1]?.toFixed(0)} ms |`,
      '',
      `Target p99 < 2 s: **${p99 < 2000 && missing === 0 ? 'met' : 'not met'}**${missing ? ` (${missing} reminders did not arrive in time)` : ''}.`,
    ].join('\n');
    writeSection('Timer accuracy: from due moment to mail at the SMTP server', body);
    console.log(body);
  } finally {
    await casus.close();
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
