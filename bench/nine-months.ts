/**
 * Benchmark: one complete 9-month case on the time-skipping server — referral, acceptance,
 * a UVO every 5 weeks with its report (plan van aanpak, actions), an escalation with its
 * resolution, the 6- and 8-month warnings, the 9-month termijnsignaal and decision reminder,
 * an extension, afschaling agreed in a UVO, and the close. Reports the wall time (target < 5 s).
 *
 *   npm run bench:nine-months
 *
 * The server and the worker (bundling the workflow code) start before the clock runs.
 */
import { performance } from 'node:perf_hooks';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { updates } from '../domain/contract';
import { DAY, WEEK } from '../domain/duration';
import {
  accept,
  agreeToDeescalation,
  command,
  dayAfter,
  planUvo,
  samplePlan,
  startHarness,
  type Harness,
  status,
  today,
} from '../kit/case-harness';
import { PARTNERS, sampleClosing } from '../kit/referral';

/**
 * The 9-month case of this benchmark, from referral to close, on harness `h`; also counted by
 * bench/actions.ts. Returns the case's handle, its UVO count and when it was accepted.
 *
 * `inOne`: the same case, with what each UVO settles given with its report (the escalation it
 * decides on, the escalation resolved, the next UVO), the first UVO with the acceptance and the
 * UVO of the agreement with the afschaling proposal, instead of as commands of their own: the
 * same meetings, mails and records in fewer commands.
 */
export async function nineMonthCase(h: Harness, cn: string, { inOne = false } = {}) {
  const handle = await h.startCase(cn, { partners: [PARTNERS.politie, PARTNERS.cjg] });
  await h.env.sleep(3 * DAY);
  const at = (ms: number) => ({ start: new Date(ms).toISOString(), location: 'Stadhuis' });
  // The moment of acceptance is workflow time; the first UVO 4 weeks on (with inOne, planned with it).
  const firstUvoAt = (await h.now()) + 4 * WEEK;
  await accept(h, handle, inOne ? { firstUvo: at(firstUvoAt) } : {});
  const acceptedAt = Date.parse((await status(handle)).dates.acceptedAt!);
  const limit = Date.parse((await status(handle)).dates.limitDate!);

  // A UVO every 5 weeks until the limit.
  let uvo = inOne ? firstUvoAt : acceptedAt + 4 * WEEK;
  let n = 0;
  // The impasse met in the second UVO (with inOne, escalated in its report).
  const escalation = { target: 'beleid', reason: 'Wachtlijst' } as const;
  while (uvo < limit - WEEK) {
    if (!inOne) await planUvo(handle, uvo);
    await h.env.sleep(uvo + 2 * 3600_000 - (await h.now()));
    n += 1;
    const next = uvo + 5 * WEEK;
    // The action of this UVO done at once (a command of its own: the report made it).
    const completed = n % 2 === 0 ? [{ id: `A${n}` }] : [];
    const resolved = n === 3 ? [{ id: 'E1', text: 'Plek gevonden' }] : [];
    await command(handle, updates.recordUvoReport, {
      attendees: ['politie', 'cjg'],
      summary: `UVO ${n}`,
      ...(n === 1
        ? { plan: samplePlan('cjg') }
        : { progress: [{ interventionId: 'I1', progress: `Stand na UVO ${n}` }] }),
      actions: [
        { description: `Actie na UVO ${n}`, owner: n % 2 ? 'cjg' : 'politie', due: dayAfter(uvo, 14) },
      ],
      ...(inOne
        ? {
            resolvedEscalations: resolved,
            ...(n === 2 ? { escalation } : {}),
            ...(next < limit - WEEK ? { nextUvo: at(next) } : {}),
          }
        : {}),
    });
    for (const c of completed) await command(handle, updates.completeAction, c);
    if (n === 2 && !inOne) await command(handle, updates.escalate, escalation);
    if (!inOne) for (const r of resolved) await command(handle, updates.resolveEscalation, r);
    uvo = next;
  }
  // The limit: termijnsignaal, a week of reminders, then an extension of 1 month.
  await h.env.sleep(limit + WEEK + 3600_000 - (await h.now()));
  await command(handle, updates.decideLimit, {
    decision: 'verlengen',
    months: 1,
    reason: 'Afronding',
    decidedBy: 'Gezamenlijk MT',
  });
  const last = (await h.now()) + 2 * WEEK;
  await command(handle, updates.proposeDeescalation, {
    breakthrough: 'Hulp loopt',
    regieTo: 'cjg',
    regieToOrganisation: 'CJG',
    agreements: 'CJG neemt de regie terug',
    avePhase: 2,
    referrerDiscussed: { on: await today(h) },
    askByEmail: false,
    // With inOne, the UVO where the partners agree is planned with the proposal.
    ...(inOne ? { uvo: at(last) } : {}),
  });
  if (!inOne) await planUvo(handle, last);
  await h.env.sleep(last + 3600_000 - (await h.now()));
  await agreeToDeescalation(handle, ['politie', 'cjg']);
  await command(
    handle,
    updates.closeCase,
    sampleClosing({ evaluationPlannedOn: dayAfter(await h.now(), 14) }),
  );
  await command(handle, updates.recordEvaluation, {
    heldOn: dayAfter(await h.now(), 0),
    wentWell: 'Eén plan',
    wentBadly: 'Laat gestart',
    lessons: 'Eerder plannen',
  });
  return { handle, uvos: n + 1, acceptedAt };
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const setupStart = performance.now();
  const h = await startHarness();
  const setupMs = performance.now() - setupStart;
  const cn = 'BENCH-2027-0001';
  const t0 = performance.now();
  const { handle, uvos, acceptedAt } = await nineMonthCase(h, cn);
  const result = await handle.result();
  const wallMs = performance.now() - t0;
  const closedAt = Date.parse((await status(handle)).dates.closedAt!);
  const months = (closedAt - acceptedAt) / (30.44 * DAY);
  const sent = h.sent(cn);
  await h.teardown();

  console.log(
    [
      `Een volledige casus van ${months.toFixed(1)} maanden (9 + 1 verlenging, time-skipping): ${(wallMs / 1000).toFixed(2)} s wandkloktijd`,
      `  ${uvos} UVO's, ${sent.length} meldingen, ${h.events.length} vastgelegde gebeurtenissen, eindstatus ${result}`,
      `  (opstart server + worker vooraf: ${(setupMs / 1000).toFixed(2)} s, niet meegeteld)`,
      wallMs < 5000 ? '  doel < 5 s: gehaald' : '  doel < 5 s: NIET gehaald',
    ].join('\n'),
  );
  process.exit(wallMs < 5000 ? 0 : 1);
}

if (require.main === module)
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
