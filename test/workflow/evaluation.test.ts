/**
 * The process evaluation on the time-skipping server (R17), with its mail through the real SMTP
 * server and its records in a real database. The seed: "Beleggen van een evaluatie (in ieder
 * geval op proces). Input hiervan kan netwerkregisseur meenemen naar de beleidstafel".
 */
import { caseWorkflowId, SEARCH_ATTRIBUTES, updates } from '../../domain/contract';
import { DAY, WEEK } from '../../domain/duration';
import { accept, command, dayAfter, near, status, today } from '../../kit/case-harness';
import { sampleClosing } from '../../kit/referral';
import { MailHarness, startMailHarness } from '../helpers/mail-harness';
import { workHourAround } from '../helpers/work-hour';

let m: MailHarness;
beforeAll(async () => {
  m = await startMailHarness();
});
afterAll(async () => {
  await m?.teardown();
});

/** A case moved away (no breakthrough needed), closed with the evaluation `days` ahead. */
const closing = (evaluationPlannedOn: string) =>
  sampleClosing({ kind: 'verhuisd', explanation: 'Gezin verhuisd', evaluationPlannedOn });

const EVALUATION = {
  wentWell: 'Politie en CJG stemden snel af',
  wentBadly: 'De school sloot pas laat aan',
  lessons: 'School direct bij het eerste UVO uitnodigen',
};

describe('R17: "Beleggen van een evaluatie (in ieder geval op proces)"', () => {
  it('planned at closing: the case shows afgesloten and waits; the regisseur is reminded by mail on its day; recorded with a signal for policy ("input … naar de beleidstafel"), the record is complete and the workflow ends', async () => {
    const { h } = m;
    const cn = 'TST-EVAL-1';
    const handle = await h.startCase(cn);
    await accept(h, handle);
    const planned = dayAfter(await h.now(), 14);
    const closed = await command(handle, updates.closeCase, closing(planned));
    expect(closed.state).toBe('afgesloten');
    expect(closed.message).toContain('Procesevaluatie gepland op');

    // Closed, and visible as closed, while the evaluation is open.
    const st = await status(handle);
    expect(st.state).toBe('afgesloten');
    expect(st.evaluation).toEqual({ plannedOn: planned });
    const desc = await h.env.client.workflow.getHandle(caseWorkflowId(cn)).describe();
    expect(desc.status.name).toBe('RUNNING');
    expect(desc.typedSearchAttributes.get(SEARCH_ATTRIBUTES.state)).toBe('afgesloten');
    const meta = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toContain('Procesevaluatie gepland op');

    // On the planned day the regisseur gets the reminder, through the real mail server.
    await h.env.sleep(15 * DAY);
    const reminder = await m.mailOf(`${cn}:evaluatie-herinnering:1`);
    expect(reminder.envelopeTo).toEqual(['regisseur@beverwijk.example']);
    expect(reminder.parsed.subject).toMatch(new RegExp(`^Procesevaluatie: casus ${cn} \\(`));
    expect(reminder.parsed.text).toContain('casus evaluatie');
    expect(reminder.parsed.text).toContain('herinnering 1 van 3');
    const [entry] = (await status(handle)).timeline.filter((t) => t.kind === 'evaluatie-herinnering');
    expect(near(Date.parse(entry.at), workHourAround(`${planned}T12:00:00Z`, 0))).toBe(true);

    const recorded = await command(handle, updates.recordEvaluation, {
      heldOn: await today(h),
      ...EVALUATION,
      signaalVoorBeleid: 'Wachtlijst jeugdhulp vertraagt elke casus',
    });
    expect(recorded.message).toContain('casusdossier is compleet');
    expect(await handle.result()).toBe('afgesloten');
    expect((await status(handle)).evaluation).toMatchObject({ outcome: 'vastgelegd', ...EVALUATION });

    // The records: the evaluation as a document, the signal for policy, the record complete.
    const pool = m.rig.db.pool;
    const audit = await pool.query<{ kind: string }>(
      'SELECT kind FROM audit_events WHERE case_number = $1 ORDER BY id',
      [cn],
    );
    expect(audit.rows.map((r) => r.kind)).toEqual(
      expect.arrayContaining(['casus-afgesloten', 'signaal-voor-beleid', 'procesevaluatie']),
    );
    const row = await pool.query(
      'SELECT follow_up_pending, record_complete_at FROM cases WHERE case_number = $1',
      [cn],
    );
    expect(row.rows[0].follow_up_pending).toBe(false);
    expect(row.rows[0].record_complete_at).toBeInstanceOf(Date);
    const docs = await m.rig.db.pool.query('SELECT kind FROM documents WHERE case_number = $1', [cn]);
    expect(docs.rows.map((r) => r.kind)).toContain('procesevaluatie');

    // Nothing more after the evaluation.
    await h.env.sleep(4 * WEEK);
    expect(m.mailsOf(cn).filter((x) => /Procesevaluatie/.test(x.parsed.subject ?? ''))).toHaveLength(1);
  });

  it('without an answer: reminded on its day and after 1 and 2 weeks, then told it is still open; the record closes without it and the workflow ends', async () => {
    const { h } = m;
    const cn = 'TST-EVAL-2';
    const handle = await h.startCase(cn);
    await accept(h, handle);
    const planned = dayAfter(await h.now(), 7);
    await command(handle, updates.closeCase, closing(planned));
    await h.env.sleep(7 * DAY + 3 * WEEK + DAY);
    expect(await handle.result()).toBe('afgesloten');

    const open = await m.mailOf(`${cn}:evaluatie-open`);
    expect(open.envelopeTo).toEqual(['regisseur@beverwijk.example']);
    expect(open.parsed.subject).toMatch(/^Procesevaluatie niet vastgelegd/);
    expect(open.parsed.text).toContain('staat nog open');
    for (const n of [1, 2, 3]) await m.mailOf(`${cn}:evaluatie-herinnering:${n}`);

    const st = await status(handle);
    expect(st.evaluation?.outcome).toBe('niet-vastgelegd');
    const first = workHourAround(`${planned}T12:00:00Z`, 0);
    const at = st.timeline
      .filter((t) => t.kind === 'evaluatie-herinnering' || t.kind === 'evaluatie-open')
      .map((t) => Date.parse(t.at));
    expect(at).toHaveLength(4);
    [0, 7, 14, 21].forEach((days, i) =>
      expect(near(at[i], workHourAround(`${planned}T12:00:00Z`, days))).toBe(true),
    );
    expect(near(at[0], first)).toBe(true);
    const audit = await m.rig.db.pool.query<{ kind: string; actor: string }>(
      `SELECT kind, actor FROM audit_events WHERE case_number = $1 AND kind = 'procesevaluatie-niet-vastgelegd'`,
      [cn],
    );
    expect(audit.rows).toEqual([{ kind: 'procesevaluatie-niet-vastgelegd', actor: 'systeem' }]);
  });

  it('a case of an earlier release (202612) ends at closing, as before: no evaluation waited for', async () => {
    const { h } = m;
    const cn = 'TST-EVAL-3';
    const handle = await h.startCase(cn, {}, { release: 202612 });
    await accept(h, handle);
    await command(handle, updates.closeCase, closing(dayAfter(await h.now(), 14)));
    expect(await handle.result()).toBe('afgesloten');
    expect((await status(handle)).evaluation).toBeUndefined();
  });
});
