/**
 * Signalen voor beleid on the time-skipping server, with the real activities on a real SMTP server
 * and a migrated PGlite. Seed 004: the regisseur has a "Signaleringsfunctie: Adviseur van/
 * afstemming met beleid"; the Overleg programma Jeugd & Veiligheid meets "1 x per 2 weken", and
 * there "signalen worden neergelegd … meer op structuur/ systeem/ keten".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { createTransport } from '../../activities/mail/mailer';
import { createSignalActivities } from '../../activities/signals';
import { CaseRecords } from '../../activities/records';
import {
  DEFAULT_SIGNAL_AGENDA_INTERVAL_MS,
  signalsQuery,
  signalsWorkflowId,
  signalUpdates,
  type RecordSignalPayload,
  type SignalFollowUpPayload,
} from '../../domain/signals';
import { HISTORIES_DIR } from '../../kit/case-harness';
import { startTestDatabase } from '../../kit/db';
import { historyToJSON } from '../../kit/history-json';
import { eventually } from '../../kit/eventually';
import { TEST_CONTACTS_FILE, TEST_MAIL_FROM } from '../../kit/parts';
import { sampleRecordEvent, sampleReferral } from '../../kit/referral';
import { startSmtpCatcher } from '../../kit/smtp';
import { createTimeSkippingEnv } from '../../kit/temporal';
import { policySignalsWorkflow } from '../../workflows/signals';

const TASK_QUEUE = 'signalen-test';
let env: TestWorkflowEnvironment;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let db: Awaited<ReturnType<typeof startTestDatabase>>;
let worker: Worker;
let running: Promise<void>;
let bundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;

beforeAll(async () => {
  const [e, s, d, b] = await Promise.all([
    createTimeSkippingEnv(),
    startSmtpCatcher(),
    startTestDatabase('pglite'),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quiet }),
  ]);
  env = e;
  smtp = s;
  db = d;
  bundle = b;
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: bundle,
    activities: createSignalActivities({
      pool: db.pool,
      transport: createTransport(smtp.url),
      mailFrom: TEST_MAIL_FROM,
      contactsFile: TEST_CONTACTS_FILE,
    }),
  });
  running = worker.run();
});

afterAll(async () => {
  // With RECORD_HISTORIES=1 (npm run record-histories) the histories go to test/histories/signals/
  // for test/replay.test.ts.
  if (process.env.RECORD_HISTORIES === '1' && env) {
    const dir = path.join(HISTORIES_DIR, 'signals');
    fs.mkdirSync(dir, { recursive: true });
    for (const m of ['beverwijk', 'heemskerk', 'velsen']) {
      const history = await env.client.workflow.getHandle(signalsWorkflowId(m)).fetchHistory();
      fs.writeFileSync(path.join(dir, `${signalsWorkflowId(m)}.json`), historyToJSON(history));
    }
  }
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), smtp?.close(), db?.stop()]);
});

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

/** As the CLI gives it: an Update with start of the municipality's signals workflow, with an update id. */
function give<N extends 'recordPolicySignal' | 'recordSignalFollowUp'>(
  municipality: string,
  name: N,
  payload: N extends 'recordPolicySignal' ? RecordSignalPayload : SignalFollowUpPayload,
  updateId: string,
  extra: { historyEventLimit?: number } = {},
  taskQueue = TASK_QUEUE,
) {
  return env.client.workflow.executeUpdateWithStart(signalUpdates[name] as never, {
    args: [{ ...payload, actor: 'regisseur.test' }] as never,
    updateId,
    startWorkflowOperation: new WithStartWorkflowOperation(policySignalsWorkflow, {
      workflowId: signalsWorkflowId(municipality),
      taskQueue,
      args: [{ municipality, ...extra }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    }),
  }) as Promise<{ message: string; id: string; state: string }>;
}

const refusalOf = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
  return { type: cause.type, message: cause.message };
};

const rows = async (municipality: string) =>
  (
    await db.pool.query<{
      signal_id: string;
      state: string;
      theme: string;
      case_number: string | null;
      agendas: number[];
      follow_ups: unknown[];
    }>(
      'SELECT signal_id, state, theme, case_number, agendas, follow_ups FROM policy_signals WHERE municipality = $1 ORDER BY signal_id',
      [municipality],
    )
  ).rows;

describe('Signaleringsfunctie: signalen worden neergelegd bij het Overleg programma Jeugd & Veiligheid, 1 x per 2 weken', () => {
  it('signals recorded in and outside a case are mailed as the two-weekly agenda (PDF attached, body only counts), once; a follow-up takes a signal off the next agenda', async () => {
    const M = 'beverwijk';
    // A case in the records database, so --casus can be checked against its own personal data.
    await new CaseRecords(db.pool).recordEvent(
      'sig-case-1',
      sampleRecordEvent({
        caseNumber: 'BEV-2027-0101',
        fields: { referral: sampleReferral({ caseNumber: 'BEV-2027-0101' }) as never },
      }),
    );
    const start = await env.currentTimeMs();

    const s1 = await give(
      M,
      'recordPolicySignal',
      {
        theme: 'keten',
        subject: 'wachtlijst jeugdhulp',
        text: 'Jongeren wachten maanden op een intake bij de specialistische jeugdhulp; de keten loopt vast.',
      },
      'sig-1',
    );
    expect(s1).toMatchObject({ id: 'S1', state: 'open' });
    expect(s1.message).toMatch(
      /^Signaal S1 \(keten\) vastgelegd; het staat op de agenda van \d\d-\d\d-\d{4} van het Overleg programma Jeugd & Veiligheid\.$/,
    );

    const s2 = await give(
      M,
      'recordPolicySignal',
      {
        theme: 'proces',
        subject: 'overdracht ZVH',
        text: 'De overdracht naar de procesregie van het ZVH duurt te lang.',
        caseNumber: 'BEV-2027-0101',
      },
      'sig-2',
    );
    expect(s2.id).toBe('S2');

    // The same command again (same update id): answered as before, applied once.
    expect(
      await give(
        M,
        'recordPolicySignal',
        {
          theme: 'proces',
          subject: 'overdracht ZVH',
          text: 'De overdracht naar de procesregie van het ZVH duurt te lang.',
          caseNumber: 'BEV-2027-0101',
        },
        'sig-2',
      ),
    ).toEqual(s2);

    // The case's own personal data in a signal with --casus: refused, naming what, never the value.
    const named = await refusalOf(
      give(
        M,
        'recordPolicySignal',
        {
          theme: 'proces',
          subject: 'school',
          text: 'Sem kreeg geen plek op school.',
          caseNumber: 'BEV-2027-0101',
        },
        'sig-naam',
      ),
    );
    expect(named.type).toBe('PERSONAL_DATA_IN_TEXT');
    expect(named.message).toMatch(
      /^Persoonsgegevens van casus BEV-2027-0101 in het signaal: tekst bevat de naam van de jongere\./,
    );
    expect(named.message).not.toMatch(/Sem|Testen/);
    // Outside a case, by their form: a BSN and an e-mail address.
    const bsn = await refusalOf(
      give(
        M,
        'recordPolicySignal',
        {
          theme: 'beleid',
          subject: 'registratie',
          text: 'BSN 111222333 staat dubbel geregistreerd; mail naar iemand@voorbeeld.nl',
        },
        'sig-bsn',
      ),
    );
    expect(bsn).toEqual({
      type: 'PERSONAL_DATA_IN_TEXT',
      message:
        'Persoonsgegevens in het signaal: tekst bevat een burgerservicenummer (BSN) en een e-mailadres. Een signaal voor beleid gaat over structuur, systeem of keten, niet over personen: laat de persoonsgegevens weg (een casusnummer mag, met --casus).',
    });
    // A case the records do not hold.
    expect(
      (
        await refusalOf(
          give(
            M,
            'recordPolicySignal',
            {
              theme: 'proces',
              subject: 'x',
              text: 'Iets in de keten.',
              caseNumber: 'BEV-2027-9999',
            },
            'sig-onbekend',
          ),
        )
      ).type,
    ).toBe('CASE_NOT_FOUND');

    // Written to the records database.
    await eventually(async () =>
      expect(await rows(M)).toMatchObject([
        { signal_id: 'S1', state: 'open', theme: 'keten', case_number: null },
        { signal_id: 'S2', state: 'open', theme: 'proces', case_number: 'BEV-2027-0101' },
      ]),
    );

    // "1 x per 2 weken": after 14 days the agenda goes to the Overleg programma (and the regisseur).
    await env.sleep(DEFAULT_SIGNAL_AGENDA_INTERVAL_MS + 60_000);
    const [agenda] = await smtp.waitFor((m) =>
      m.some((x) => /^Agenda signalen voor beleid/.test(x.parsed.subject ?? '')),
    );
    const agendas = () =>
      smtp.received.filter((x) => /^Agenda signalen voor beleid/.test(x.parsed.subject ?? ''));
    const first = agendas()[0] ?? agenda;
    expect(first.envelopeTo.sort()).toEqual([
      'programma-jv@beverwijk.example',
      'regisseur@beverwijk.example',
    ]);
    expect(first.parsed.subject).toMatch(/^Agenda signalen voor beleid gemeente Beverwijk, \d\d-\d\d-\d{4}$/);
    const body = first.parsed.text ?? '';
    expect(body).toContain('2 open signalen voor beleid neer (agenda 1,');
    expect(body).toContain('beleid 0, proces 1, keten 1; 2 nieuw sinds de vorige agenda');
    expect(body).toContain('Gevraagd: bespreek de signalen in het overleg');
    // SPEC §6: the signals' texts and subjects are in the PDF, not in the body.
    expect(body).not.toMatch(/wachtlijst|intake|overdracht/i);
    expect(first.parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['agenda-signalen-beverwijk-1.pdf', 'application/pdf'],
    ]);
    expect(first.parsed.attachments[0].content.subarray(0, 5).toString()).toBe('%PDF-');
    const view = await env.client.workflow.getHandle(signalsWorkflowId(M)).query(signalsQuery);
    expect(view.lastAgenda).toMatchObject({ number: 1, outcome: 'verzonden', signals: 2 });
    expect(Date.parse(view.nextAgendaAt!) - start).toBeGreaterThanOrEqual(
      2 * DEFAULT_SIGNAL_AGENDA_INTERVAL_MS - 60_000,
    );
    await eventually(async () => expect((await rows(M)).map((r) => r.agendas)).toEqual([[1], [1]]));

    // The follow-up from the overleg: S1 done, S2 discussed and kept open.
    const f1 = await give(
      M,
      'recordSignalFollowUp',
      { id: 'S1', text: 'Beleid neemt het op in de inkoop.' },
      'opv-1',
    );
    expect(f1).toEqual({
      message: 'Signaal S1 opgevolgd; het staat niet meer op de agenda.',
      id: 'S1',
      state: 'opgevolgd',
    });
    const f2 = await give(
      M,
      'recordSignalFollowUp',
      { id: 'S2', text: 'ZVH zoekt het uit.', keepOpen: true },
      'opv-2',
    );
    expect(f2.state).toBe('open');
    expect(
      await refusalOf(give(M, 'recordSignalFollowUp', { id: 'S1', text: 'nog eens' }, 'opv-3')),
    ).toMatchObject({ type: 'ALREADY_DONE' });
    expect(await refusalOf(give(M, 'recordSignalFollowUp', { id: 'S9', text: 'onbekend' }, 'opv-4'))).toEqual(
      {
        type: 'UNKNOWN_SIGNAL',
        message: 'Signaal S9 bestaat niet bij gemeente beverwijk; open zijn S2.',
      },
    );
    await eventually(async () =>
      expect((await rows(M)).map((r) => [r.signal_id, r.state, r.follow_ups.length])).toEqual([
        ['S1', 'opgevolgd', 1],
        ['S2', 'open', 1],
      ]),
    );

    // Two weeks later: agenda 2 holds only the open signal, mailed once.
    await env.sleep(DEFAULT_SIGNAL_AGENDA_INTERVAL_MS);
    await smtp.waitFor(() => agendas().length >= 2);
    const second = agendas()[1];
    expect(second.parsed.text).toContain('1 open signalen voor beleid neer (agenda 2,');
    expect(second.parsed.text).toContain('beleid 0, proces 1, keten 0; 0 nieuw sinds de vorige agenda');
    expect(second.parsed.attachments[0].filename).toBe('agenda-signalen-beverwijk-2.pdf');
    const keys = await db.pool.query<{ key: string; status: string }>(
      `SELECT key, status FROM notifications WHERE case_number = 'signalen-beverwijk' ORDER BY key`,
    );
    expect(keys.rows).toEqual([
      { key: 'signalen:beverwijk:agenda-1', status: 'sent' },
      { key: 'signalen:beverwijk:agenda-2', status: 'sent' },
    ]);
  });

  it('continues as new when the history grows, keeping the signals, the agenda and the update ids', async () => {
    const M = 'heemskerk';
    const limit = { historyEventLimit: 40 };
    let firstRun: string | undefined;
    for (let i = 1; i <= 8; i++) {
      const r = await give(
        M,
        'recordPolicySignal',
        {
          theme: 'beleid',
          subject: `hiaat ${i}`,
          text: 'Hiaten in beleid en proces rond de nazorg.',
        },
        `heem-${i}`,
        limit,
      );
      expect(r.id).toBe(`S${i}`);
      firstRun ??= (await env.client.workflow.getHandle(signalsWorkflowId(M)).describe()).runId;
    }
    const handle = env.client.workflow.getHandle(signalsWorkflowId(M));
    await eventually(async () => expect((await handle.describe()).runId).not.toBe(firstRun));
    // A command given again after continue-as-new is still applied once.
    expect(
      (
        await give(
          M,
          'recordPolicySignal',
          { theme: 'beleid', subject: 'hiaat 1', text: 'Hiaten in beleid en proces rond de nazorg.' },
          'heem-1',
          limit,
        )
      ).id,
    ).toBe('S1');
    const view = await handle.query(signalsQuery);
    expect(view.signals.map((s) => s.id)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8']);
    expect(view.nextAgendaAt).toBeDefined();
    await eventually(async () => expect((await rows(M)).length).toBe(8));
    // Not mailed early: the agenda keeps its two-weekly moment across the new run.
    expect(smtp.received.filter((m) => /Heemskerk/.test(m.parsed.subject ?? ''))).toEqual([]);
  });
  it('an agenda that cannot reach the Overleg programma (no overlegProgramma in the contacts file) is told to the regisseur; the signals stay open', async () => {
    // A municipality whose contacts have no Overleg programma.
    const contacts = YAML.parse(fs.readFileSync(TEST_CONTACTS_FILE, 'utf8'));
    const velsen = { ...contacts.municipalities.beverwijk };
    delete velsen.overlegProgramma;
    contacts.municipalities.velsen = {
      ...velsen,
      name: 'Velsen',
      regisseur: { ...velsen.regisseur, email: 'regisseur@velsen.example' },
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signalen-contacten-'));
    const contactsFile = path.join(dir, 'contacts.yaml');
    fs.writeFileSync(contactsFile, YAML.stringify(contacts));
    const queue = 'signalen-test-zonder-overleg';
    const second = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: queue,
      workflowBundle: bundle,
      activities: createSignalActivities({
        pool: db.pool,
        transport: createTransport(smtp.url),
        mailFrom: TEST_MAIL_FROM,
        contactsFile,
      }),
    });
    await second.runUntil(async () => {
      await give(
        'velsen',
        'recordPolicySignal',
        { theme: 'beleid', subject: 'nazorg', text: 'Geen nazorg na detentie.' },
        'vel-1',
        {},
        queue,
      );
      await env.sleep(DEFAULT_SIGNAL_AGENDA_INTERVAL_MS + 60_000);
      const [told] = (
        await smtp.waitFor((m) => m.some((x) => /niet verstuurd$/.test(x.parsed.subject ?? '')))
      ).filter((x) => /niet verstuurd$/.test(x.parsed.subject ?? ''));
      expect(told.envelopeTo).toEqual(['regisseur@velsen.example']);
      expect(told.parsed.subject).toMatch(
        /^Agenda signalen voor beleid gemeente Velsen \(\d\d-\d\d-\d{4}\) niet verstuurd$/,
      );
      expect(told.parsed.text).toContain('[NO_OVERLEG_CONTACTS]');
      expect(told.parsed.text).toContain(
        'zet de contacten van het overleg onder "overlegProgramma" bij gemeente Velsen',
      );
      expect(told.parsed.text).not.toMatch(/nazorg|detentie/);
      const view = await env.client.workflow.getHandle(signalsWorkflowId('velsen')).query(signalsQuery);
      expect(view.lastAgenda).toMatchObject({ number: 1, outcome: 'niet-verstuurd', signals: 1 });
      expect(view.signals.map((x) => [x.id, x.state, x.agendas])).toEqual([['S1', 'open', []]]);
      // Nothing reached anyone but the regisseur.
      expect(smtp.received.filter((m) => /Velsen/.test(m.parsed.subject ?? '')).length).toBe(1);
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
