/**
 * On the real dev server, SMTP and database: payloads are encrypted in Temporal's history, each
 * case under its own data key; the codec endpoint decodes them with the token; the forms and UVO
 * reports are kept as documents with the case; and the retention schedule anonymises the records
 * of an ended case, deletes its history and destroys its key, after which every copy of that
 * history is unreadable while other cases still decode.
 */
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CasusClient } from '../../client/casus-client';
import { parseKeyRing } from '../../runtime/config';
import { AesGcmPayloadCodec, CaseKeyStore, casusDataConverter } from '../../runtime';
import { caseWorkflowId, updates } from '../../domain/contract';
import { startCodecServer, RunningCodecServer } from '../../worker/codec-server';
import { ensureRetentionSchedule, RETENTION_SCHEDULE_ID } from '../../worker/retention-schedule';
import { findBinaries } from '../../scripts/tools';
import { startTestDatabase } from '../../kit/db';
import { eventually } from '../../kit/eventually';
import { closingAfterDeescalation, sampleReferral } from '../../kit/referral';
import { startSmtpCatcher } from '../../kit/smtp';
import { createTestWorker, startParts } from '../../kit/parts';
import { samplePlan } from '../../kit/case-harness';

const ring = parseKeyRing(`test-1:${crypto.randomBytes(32).toString('base64')}`, undefined).ring!;
/** The case keys in the test's records database, as the worker keeps them (worker/main.ts). */
const caseKeys = new CaseKeyStore(() => db.pool, ring);
const dataConverter = casusDataConverter(ring, caseKeys);
const TOKEN = crypto.randomBytes(32).toString('hex');
/** Personal data of the sample referral that must never be readable in Temporal. */
const SECRETS = [
  'Sem',
  'van der Testen',
  'Petra Voorbeeld',
  'p.voorbeeld@jb.example',
  'anna@ouders.example',
  'uitbuiting',
  'Verzuimt',
  '2011-05-14',
];

let env: TestWorkflowEnvironment;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let db: Awaited<ReturnType<typeof startTestDatabase>>;
let worker: Worker;
let running: Promise<void>;
let client: CasusClient;
let codecServer: RunningCodecServer;

beforeAll(async () => {
  ({ env, smtp, db } = await startParts());
  worker = await createTestWorker(
    { connection: env.nativeConnection, pool: db.pool, smtpUrl: smtp.url },
    {
      dataConverter,
      caseKeys,
      retention: { text: '2y', interval: '2 years' },
    },
  );
  running = worker.run();
  client = await CasusClient.connect({
    address: env.address,
    namespace: env.namespace ?? 'default',
    dataConverter,
  });
  codecServer = await startCodecServer({
    codec: new AesGcmPayloadCodec(ring, caseKeys),
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    corsOrigins: ['http://localhost:8233'],
  });
});

afterAll(async () => {
  await client?.close();
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), smtp?.close(), db?.stop(), codecServer?.close()]);
});

/** The history as the server stores it, from the Temporal CLI, without any codec. */
function rawHistory(workflowId: string): { events: Record<string, unknown>[] } {
  const out = execFileSync(
    findBinaries().cli!.path,
    [
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      '--address',
      env.address,
      '--namespace',
      env.namespace ?? 'default',
      '--output',
      'json',
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out);
}

/** Every string in the JSON, and for base64 strings their decoded text too. */
function readableTexts(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') {
    into.push(value);
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0)
      into.push(Buffer.from(value, 'base64').toString('utf8'));
  } else if (Array.isArray(value)) value.forEach((v) => readableTexts(v, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => readableTexts(v, into));
  return into;
}

describe('payload encryption in Temporal', () => {
  it('the raw history holds none of the referral in plaintext; the codec endpoint decodes it with the token only', async () => {
    const { workflowId } = await client.submitReferral(sampleReferral({ caseNumber: 'ENC-2027-0001' }));
    await smtp.waitFor((m) => m.some((mail) => mail.parsed.subject?.includes('ENC-2027-0001')));
    // The case itself works through the encrypted payloads: the status query decodes.
    expect(await client.status('ENC-2027-0001')).toMatchObject({ state: 'aangemeld', initials: 'S.T.' });

    const history = rawHistory(workflowId);
    expect(history.events.length).toBeGreaterThan(3);
    const texts = readableTexts(history).join('\n');
    for (const secret of SECRETS) expect(texts).not.toContain(secret);
    expect(texts).toContain('binary/encrypted');
    // Under the case's own data key, named in the payload so the codec endpoint finds it.
    const raw = JSON.stringify(history);
    expect(raw).toContain('"encryption-key-kind"');
    expect(texts).toContain('casus-ENC-2027-0001');

    // Decode the start input through the codec endpoint, as the Web UI does.
    const started = history.events[0] as {
      workflowExecutionStartedEventAttributes: { input: { payloads: unknown[] } };
    };
    const body = JSON.stringify({ payloads: started.workflowExecutionStartedEventAttributes.input.payloads });
    const post = (headers: Record<string, string>) =>
      fetch(`${codecServer.url}/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
        body,
      });

    const refused = await post({});
    expect(refused.status).toBe(401);
    const decoded = await post({ Authorization: `Bearer ${TOKEN}` });
    expect(decoded.status).toBe(200);
    const { payloads } = (await decoded.json()) as { payloads: { data: string }[] };
    const input = JSON.parse(Buffer.from(payloads[0].data, 'base64').toString('utf8'));
    expect(input.referral.youngPerson).toMatchObject({ firstName: 'Sem', lastName: 'van der Testen' });
  });

  it('a client without the key cannot read the case', async () => {
    const raw = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    const desc = await raw.workflow.getHandle(caseWorkflowId('ENC-2027-0001')).describe();
    // The summary is encrypted too (it carries no personal data, but the codec cannot tell).
    await expect(desc.staticSummary()).rejects.toThrow();
  });
});

describe('retention', () => {
  const decline = async (caseNumber: string) => {
    const today = new Date().toISOString().slice(0, 10);
    await client.submitReferral(sampleReferral({ caseNumber, referralDate: today }));
    const handle = client.client.workflow.getHandle(caseWorkflowId(caseNumber));
    // As a regisseur would: assess once the referral has arrived.
    await eventually(() => client.status(caseNumber));
    await handle.executeUpdate(updates.assess, {
      args: [
        {
          decision: 'afwijzen',
          referrerDiscussed: { on: today, note: 'Besproken' },
          reason: 'Past niet',
          advice: 'Natuurlijke regisseur',
        },
      ],
    });
    await handle.result();
  };

  /** A whole trajectory, as a regisseur runs it: accepted, one UVO, de-escalated, closed with a breakthrough. */
  const runToBreakthrough = async (caseNumber: string) => {
    const today = new Date().toISOString().slice(0, 10);
    await client.submitReferral(sampleReferral({ caseNumber }));
    const handle = client.client.workflow.getHandle(caseWorkflowId(caseNumber));
    await eventually(() => client.status(caseNumber));
    await handle.executeUpdate(updates.assess, {
      args: [
        {
          decision: 'accepteren',
          referrerDiscussed: { on: today, note: 'Besproken' },
          avePhase: 3,
          aveReasons: { helpIneffective: true, cooperationStalling: true },
        },
      ],
    });
    await new Promise((r) => setTimeout(r, 1100)); // the UVO is held after the acceptance
    await handle.executeUpdate(updates.recordUvoReport, {
      args: [
        {
          heldAt: new Date().toISOString(),
          attendees: ['politie'],
          summary: 'Plan van aanpak vastgesteld met de wijkagent',
          actions: [{ description: 'Huisbezoek plannen', owner: 'politie', due: today }],
          plan: samplePlan(),
        },
      ] as never,
    });
    await handle.executeUpdate(updates.proposeDeescalation, {
      args: [
        {
          breakthrough: 'Hulp loopt, geen incidenten',
          regieTo: 'cjg',
          regieToOrganisation: 'CJG',
          agreements: 'CJG houdt de regie; politie blijft betrokken',
          avePhase: 2,
          referrerDiscussed: { on: today },
          votes: [{ partnerId: 'politie', vote: 'akkoord' }],
          askByEmail: false,
        },
      ] as never,
    });
    await handle.executeUpdate(updates.closeCase, {
      args: [
        closingAfterDeescalation(new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10)),
      ] as never,
    });
    // The process evaluation completes the record (R17); then the workflow ends.
    await handle.executeUpdate(updates.recordEvaluation, {
      args: [{ heldOn: today, wentWell: 'Snel', wentBadly: 'Laat', lessons: 'Eerder' }] as never,
    });
    await handle.result();
  };

  const decodeAtEndpoint = (payloads: unknown[]) =>
    fetch(`${codecServer.url}/decode`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Namespace': 'default',
        Authorization: `Bearer ${TOKEN}`,
      },
      body: JSON.stringify({ payloads }),
    });
  const startInput = (history: { events: Record<string, unknown>[] }) =>
    (history.events[0] as { workflowExecutionStartedEventAttributes: { input: { payloads: unknown[] } } })
      .workflowExecutionStartedEventAttributes.input.payloads;

  it('the schedule anonymises ended cases past the retention period, deletes their history and destroys their key; others stay', async () => {
    await decline('RET-2027-0001'); // closed "3 years ago": expired
    await decline('RET-2027-0002'); // closed now: kept
    await client.submitReferral(sampleReferral({ caseNumber: 'RET-2027-0003' })); // running: kept
    await runToBreakthrough('RET-2027-0004'); // closed "3 years ago": expired
    await eventually(async () => {
      const { rows } = await db.pool.query(
        `SELECT case_number, state FROM cases WHERE case_number LIKE 'RET-%' ORDER BY 1`,
      );
      expect(rows.map((r) => r.state)).toEqual(['afgewezen', 'afgewezen', 'aangemeld', 'afgesloten']);
    });

    // The forms and the UVO report are kept with the case in the records database, with their content.
    const forms = await eventually(async () => {
      const { rows } = await db.pool.query(
        `SELECT kind, filename, data FROM documents WHERE case_number = 'RET-2027-0004' AND kind <> 'ouderbrief' ORDER BY id`,
      );
      expect(rows.map((r) => r.kind)).toEqual([
        'uvo-verslag',
        'afschaalformulier',
        'afsluitformulier',
        'procesevaluatie',
      ]);
      return rows;
    });
    expect(forms[0]).toMatchObject({
      filename: 'uvo-verslag-RET-2027-0004-U1.json',
      data: {
        uvoId: 'U1',
        attendees: ['politie'],
        summary: 'Plan van aanpak vastgesteld met de wijkagent',
        actions: [expect.objectContaining({ description: 'Huisbezoek plannen', owner: 'politie' })],
        plan: expect.objectContaining({ version: 1 }),
      },
    });
    expect(forms[1].data).toMatchObject({
      breakthrough: 'Hulp loopt, geen incidenten',
      regieToOrganisation: 'CJG',
      agreements: 'CJG houdt de regie; politie blijft betrokken',
      avePhase: 2,
    });
    expect(forms[2].data).toMatchObject({
      kind: 'doorbraak',
      regieHeldBy: 'CJG',
      aftercare: { needed: true, arrangement: 'CJG-coach volgt 3 maanden' },
      remainingRisks: { content: 'Terugval mogelijk' },
    });
    // The audit trail refers to each document, without its content.
    const refs = await db.pool.query(
      `SELECT details->'document' AS d FROM audit_events WHERE case_number = 'RET-2027-0004' AND jsonb_typeof(details->'document') = 'object' ORDER BY id`,
    );
    expect(refs.rows.map((r) => r.d.kind)).toEqual([
      'uvo-verslag',
      'afschaalformulier',
      'afsluitformulier',
      'procesevaluatie',
    ]);
    expect(JSON.stringify(refs.rows)).not.toContain('Huisbezoek');

    // No personal data in the keys of the notification log and the audit trail (the parents' letter went out).
    const keys = await db.pool.query(
      `SELECT key AS k FROM notifications WHERE case_number LIKE 'RET-%'
       UNION ALL SELECT event_key FROM audit_events WHERE case_number LIKE 'RET-%'`,
    );
    expect(keys.rows.some((r) => /:ouderbrief:ouder-1/.test(r.k))).toBe(true);
    expect(keys.rows.filter((r) => /@|anna|Testen/i.test(r.k))).toEqual([]);

    // Before retention the expired case's history decodes at the codec endpoint.
    const historyBefore = rawHistory(caseWorkflowId('RET-2027-0004'));
    const keptHistory = rawHistory(caseWorkflowId('RET-2027-0002'));
    expect((await decodeAtEndpoint(startInput(historyBefore))).status).toBe(200);

    await db.pool.query(
      `UPDATE cases SET closed_at = now() - interval '3 years', record_complete_at = now() - interval '3 years' WHERE case_number IN ('RET-2027-0001', 'RET-2027-0004')`,
    );
    const before = await db.pool.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE case_number = 'RET-2027-0001'`,
    );
    expect(before.rows[0].n).toBeGreaterThan(1);

    expect(await ensureRetentionSchedule(env.connection, env.namespace ?? 'default', dataConverter)).toBe(
      'aangemaakt',
    );
    expect(await ensureRetentionSchedule(env.connection, env.namespace ?? 'default', dataConverter)).toBe(
      'bestond al',
    );
    await client.client.schedule.getHandle(RETENTION_SCHEDULE_ID).trigger();

    await eventually(async () => {
      const { rows } = await db.pool.query(
        `SELECT anonymised_at FROM cases WHERE case_number = 'RET-2027-0001'`,
      );
      expect(rows[0].anonymised_at).not.toBeNull();
    }, 30_000);

    // Records: the referral, documents and addresses are gone; the audit trail keeps kind, time and legal basis.
    const kase = await db.pool.query(
      `SELECT referral, state, municipality FROM cases WHERE case_number = 'RET-2027-0001'`,
    );
    expect(kase.rows[0]).toMatchObject({ referral: null, state: 'afgewezen', municipality: 'beverwijk' });
    const trail = await db.pool.query(
      `SELECT kind, details FROM audit_events WHERE case_number = 'RET-2027-0001' ORDER BY id`,
    );
    expect(trail.rows.length).toBe(before.rows[0].n + 1);
    expect(
      trail.rows.slice(0, -1).every((r) => JSON.stringify(r.details) === '{"geanonimiseerd":true}'),
    ).toBe(true);
    expect(trail.rows.at(-1)).toEqual({
      kind: 'bewaartermijn-verstreken',
      details: { bewaartermijn: '2y', casussleutel: 'vernietigd' },
    });
    const mails = await db.pool.query(
      `SELECT recipients, subject FROM notifications WHERE case_number = 'RET-2027-0001'`,
    );
    expect(mails.rows.length).toBeGreaterThan(0);
    expect(mails.rows.every((r) => r.recipients.length === 0 && r.subject === '(geanonimiseerd)')).toBe(true);
    const docs = await db.pool.query(
      `SELECT count(*)::int AS n FROM documents WHERE case_number = 'RET-2027-0001'`,
    );
    expect(docs.rows[0].n).toBe(0);
    const everything = JSON.stringify(
      (
        await db.pool.query(
          `SELECT c.*, (SELECT json_agg(a) FROM audit_events a WHERE a.case_number = c.case_number) AS a FROM cases c WHERE case_number = 'RET-2027-0001'`,
        )
      ).rows,
    );
    for (const secret of SECRETS) expect(everything).not.toContain(secret);

    // Temporal: the case's history is gone (the server deletes asynchronously, here in about half a minute).
    await eventually(
      async () => {
        await expect(
          client.client.workflow.getHandle(caseWorkflowId('RET-2027-0001')).describe(),
        ).rejects.toBeInstanceOf(WorkflowNotFoundError);
      },
      90_000,
      1000,
    );

    // Crypto-shredding: every copy of the expired case's history (here the one read before
    // retention, as a backup would hold it) is unreadable now; the endpoint says so in Dutch.
    await eventually(async () => {
      const { rows } = await db.pool.query(
        `SELECT wrapped_key, destroyed_at FROM case_data_keys WHERE workflow_id = 'casus-RET-2027-0004'`,
      );
      expect(rows[0]).toMatchObject({ wrapped_key: null, destroyed_at: expect.any(Date) });
    });
    const shredded = await decodeAtEndpoint(startInput(historyBefore));
    expect(shredded.status).toBe(422);
    expect(((await shredded.json()) as { fout: string }).fout).toMatch(
      /casus-RET-2027-0004 zijn na de bewaartermijn onleesbaar gemaakt/,
    );
    // The endpoint goes on serving: a kept case still decodes.
    const still = await decodeAtEndpoint(startInput(keptHistory));
    expect(still.status).toBe(200);
    const { payloads: kept0 } = (await still.json()) as { payloads: { data: string }[] };
    expect(JSON.parse(Buffer.from(kept0[0].data, 'base64').toString('utf8')).referral.caseNumber).toBe(
      'RET-2027-0002',
    );
    const docsAfter = await db.pool.query(
      `SELECT count(*)::int AS n FROM documents WHERE case_number = 'RET-2027-0004'`,
    );
    expect(docsAfter.rows[0].n).toBe(0);

    // The others are untouched.
    const kept = await db.pool.query(
      `SELECT case_number FROM cases WHERE referral IS NOT NULL AND case_number LIKE 'RET-%' ORDER BY 1`,
    );
    expect(kept.rows.map((r) => r.case_number)).toEqual(['RET-2027-0002', 'RET-2027-0003']);
    await client.client.workflow.getHandle(caseWorkflowId('RET-2027-0002')).describe();

    // Outside the retention run the audit trail stays append-only.
    await expect(
      db.pool.query(
        `UPDATE audit_events SET details = '{"geanonimiseerd": true}' WHERE case_number = 'RET-2027-0002'`,
      ),
    ).rejects.toThrow(/append-only/);
  });
});
