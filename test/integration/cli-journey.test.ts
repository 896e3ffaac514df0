/**
 * The regisseur's whole journey through one case with the `casus` CLI, run as a child
 * process against the real dev server, worker, SMTP server and database, with all
 * durations compressed by configuration (a week lasts 3 seconds).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { DEFAULT_TIMINGS, Timings } from '../../domain/timings';
import { casus, CliRun } from '../../kit/cli';
import { eventually } from '../../kit/eventually';
import { deescalationForm, firstUvoReport, sampleReferral } from '../../kit/referral';
import { startTestStack } from '../../kit/stack';

const WEEK_MS = 3000;
const scale = (ms: number) => Math.max(1, Math.round((ms / (7 * 86_400_000)) * WEEK_MS));
const COMPRESSED: Timings = {
  ...DEFAULT_TIMINGS,
  ...Object.fromEntries(
    Object.entries(DEFAULT_TIMINGS)
      .filter(([k, v]) => typeof v === 'number' && !k.toLowerCase().includes('months'))
      .map(([k, v]) => [k, scale(v as number)]),
  ),
  monthMs: Math.round((WEEK_MS * 30) / 7),
};

let stack: Awaited<ReturnType<typeof startTestStack>>;
let dir: string;
const CN = 'CLI-2027-0001';
const amsterdamToday = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });

beforeAll(async () => {
  stack = await startTestStack({ timings: COMPRESSED });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-cli-'));
});
afterAll(async () => {
  await stack?.stop();
});

function file(name: string, data: unknown): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, name.endsWith('.json') ? JSON.stringify(data) : YAML.stringify(data));
  return p;
}

async function ok(args: string[]): Promise<CliRun> {
  const run = await casus(args, stack.childEnv());
  if (run.code !== 0) throw new Error(`casus ${args.join(' ')} → ${run.code}\n${run.stderr}${run.stdout}`);
  return run;
}

async function json<T = Record<string, unknown>>(args: string[]): Promise<T> {
  return JSON.parse((await ok([...args, '--json'])).stdout) as T;
}

const mailsOf = (kind: RegExp) => stack.smtp.received.filter((m) => kind.test(m.parsed.subject ?? ''));

describe('casus CLI: one case from referral to closing', () => {
  it('aanmelden → beoordelen → uvo-plannen → uvo-verslag → opschalen → opschaling-afronden → afschalen → akkoord → afsluiten', async () => {
    const referral = sampleReferral({
      caseNumber: CN,
      referralDate: amsterdamToday(),
      partners: [
        {
          id: 'politie',
          organisation: 'Politie',
          contactName: 'Wijkagent De Vries',
          email: 'wijkagent@politie.example',
          legalBasis: { ground: 'convenant-jeugd-veiligheid' },
        },
        {
          id: 'leerplicht',
          organisation: 'Leerplicht',
          contactName: 'M. Jansen',
          email: 'leerplicht@gemeente.example',
          legalBasis: { ground: 'convenant-jeugd-veiligheid' },
        },
      ],
    });

    // aanmelden (YAML file), human output
    const aanmelden = await ok(['aanmelden', file('aanmelding.yaml', referral)]);
    expect(aanmelden.stdout).toBe(
      `Aanmelding ontvangen: casus ${CN}. De netwerkregisseur is per e-mail op de hoogte gebracht.\n`,
    );
    await stack.smtp.waitFor(() => mailsOf(/Nieuwe aanmelding/).length === 1);
    expect(mailsOf(/Nieuwe aanmelding/)[0].envelopeTo).toEqual(['regisseur@beverwijk.example']);

    // beoordelen: accepteren
    const accepted = await json<{ result: { state: string; message: string } }>([
      'beoordelen',
      CN,
      'accepteren',
      '--ave',
      '3',
      '--redenen',
      'hulp-ineffectief,samenwerking-stagneert',
    ]);
    expect(accepted.result.state).toBe('actief');
    expect(accepted.result.message).toMatch(new RegExp(`^Aanmelding ${CN} aangenomen`));
    await stack.smtp.waitFor((all) => all.some((m) => m.envelopeTo.includes('wijkagent@politie.example')));

    // uvo-plannen: a few seconds from now (a report can only follow the meeting)
    const start = new Date(Date.now() + 4000);
    const planned = await ok([
      'uvo-plannen',
      CN,
      '--op',
      start.toISOString(),
      '--locatie',
      'Stadhuis Beverwijk',
    ]);
    expect(planned.stdout).toMatch(/^UVO U1 gepland; 2 partner\(s\) en de regisseur uitgenodigd\./);
    const invited = () =>
      stack.smtp.received.filter((m) => m.raw.includes('METHOD:REQUEST')).flatMap((m) => m.envelopeTo);
    await stack.smtp
      .waitFor(() => invited().length >= 3)
      .catch(async (e) => {
        const rows = await stack.db.pool.query('select key, status, error from notifications');
        const desc = await stack.env.client.workflow.getHandle('casus-' + CN).describe();
        throw new Error(
          `${e.message}: ${JSON.stringify(rows.rows)} ${JSON.stringify(desc.raw.pendingActivities?.map((a) => [a.activityType?.name, a.attempt, a.lastFailure?.message]))}`,
        );
      });
    expect(invited().sort()).toEqual([
      'leerplicht@gemeente.example',
      'regisseur@beverwijk.example',
      'wijkagent@politie.example',
    ]);

    // uvo-verslag with the plan van aanpak, from a file, once the UVO has taken place
    await new Promise((r) => setTimeout(r, Math.max(0, start.getTime() - Date.now() + 500)));
    const report = await ok([
      'uvo-verslag',
      CN,
      '--bestand',
      file('verslag.json', {
        attendees: ['politie', 'leerplicht'],
        ...firstUvoReport({ safety: 'politie', other: 'leerplicht' }),
      }),
    ]);
    expect(report.stdout).toMatch(/^Verslag van UVO U1 vastgelegd/);

    // opschalen and opschaling-afronden
    const esc = await json<{ result: { id: string } }>([
      'opschalen',
      CN,
      '--naar',
      'beleid',
      '--reden',
      'Geen passende plek beschikbaar',
    ]);
    expect(esc.result.id).toMatch(/^E\d+$/);
    await stack.smtp.waitFor((all) =>
      all.some((m) => m.envelopeTo.includes('beleid-jeugd@beverwijk.example')),
    );
    let st = await json<{ escalations: { id: string; resolvedAt?: string }[] }>(['status', CN]);
    expect(st.escalations.find((e) => e.id === esc.result.id)?.resolvedAt).toBeUndefined();
    await ok(['opschaling-afronden', CN, esc.result.id, '--tekst', 'Plek geregeld via het MT']);
    st = await json(['status', CN]);
    expect(st.escalations.find((e) => e.id === esc.result.id)?.resolvedAt).toBeDefined();

    // afschalen with the form; both partners are asked by e-mail, then both agree
    await ok(['afschalen', CN, '--bestand', file('afschaal.yaml', deescalationForm(amsterdamToday()))]);
    expect((await json<{ state: string }>(['status', CN])).state).toBe('afschaling');
    await ok(['akkoord', CN, 'politie']);
    const last = await json<{ result: { state: string; message: string } }>(['akkoord', CN, 'leerplicht']);
    // Every partner agreed: the afschaling stands and the regisseur is asked to close.
    expect(last.result.state).toBe('afschaling');
    await stack.smtp.waitFor(() =>
      mailsOf(/akkoord/i).some((m) => m.envelopeTo.includes('regisseur@beverwijk.example')),
    );

    // afsluiten with the afsluitformulier
    const closed = await ok([
      'afsluiten',
      CN,
      '--bestand',
      path.join(__dirname, '..', '..', 'docs', 'voorbeeld-afsluitformulier.yaml'),
    ]);
    expect(closed.stdout).toMatch(new RegExp(`^Casus ${CN} afgesloten \\(doorbraak\\)`));
    await stack.smtp.waitFor(() => mailsOf(/afgesloten/i).length >= 1);

    // The final status, human and JSON; the timeline; the list.
    const final = await json<{ state: string; closing: { kind: string } }>(['status', CN]);
    expect(final).toMatchObject({ state: 'afgesloten', closing: { kind: 'doorbraak' } });
    const human = await ok(['status', CN]);
    expect(human.stdout).toMatch(
      new RegExp(`^Casus ${CN} \\(S\\.T\\.\\) — gemeente beverwijk\\n  Status: +afgesloten`),
    );
    // R17: the closed case waits for its process evaluation; `casus evaluatie` completes the record.
    expect(human.stdout).toContain(
      '  Procesevaluatie:  gepland op 01-07-2027 (leg vast met "casus evaluatie")',
    );
    const evaluated = await ok([
      'evaluatie',
      CN,
      '--goed',
      'Snelle afstemming politie en CJG',
      '--niet-goed',
      'School sloot laat aan',
      '--lessen',
      'School bij het eerste UVO uitnodigen',
    ]);
    expect(evaluated.stdout).toMatch(
      new RegExp(`^Procesevaluatie van casus ${CN} vastgelegd; het casusdossier is compleet\\.`),
    );
    const timeline = await ok(['tijdlijn', CN]);
    expect(timeline.stdout.split('\n').length).toBeGreaterThan(8);
    await eventually(async () => {
      const rows = await json<{ caseNumber: string; state: string }[]>(['lijst', '--status', 'afgesloten']);
      expect(rows).toEqual([expect.objectContaining({ caseNumber: CN, state: 'afgesloten' })]);
    });

    // No personal data in any mail the journey sent.
    for (const m of stack.smtp.received) {
      for (const secret of ['Sem', 'van der Testen', 'Verzuimt', 'overlast'])
        expect(m.raw).not.toContain(secret);
    }
  });

  it('refuses a command in the wrong state with the workflow code, one to an ended case, and an unknown case', async () => {
    await ok([
      'aanmelden',
      file('derde.yaml', sampleReferral({ caseNumber: 'CLI-2027-0003', referralDate: amsterdamToday() })),
    ]);
    const wrong = await casus(
      ['uvo-plannen', 'CLI-2027-0003', '--op', '01-12-2030 10:00', '--locatie', 'Stadhuis'],
      stack.childEnv(),
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^Geweigerd: .+ \[WRONG_STATE\]\n$/);
    const ended = await casus(['beoordelen', CN, 'accepteren', '--ave', '3'], stack.childEnv());
    expect(ended).toMatchObject({
      code: 1,
      stderr: `Geweigerd: Casus ${CN} is beëindigd (afgesloten); er kunnen geen opdrachten meer worden gegeven. [CASE_ENDED]\n`,
    });
    const unknown = await casus(['status', 'BESTAAT-NIET-1'], stack.childEnv());
    expect(unknown).toMatchObject({
      code: 1,
      stderr: 'Geweigerd: Casus BESTAAT-NIET-1 bestaat niet. [CASE_NOT_FOUND]\n',
    });
    const badFile = await casus(
      ['aanmelden', file('kapot.json', { caseNumber: 'CLI-2027-0009' })],
      stack.childEnv(),
    );
    expect(badFile.code).toBe(1);
    expect(badFile.stderr).toMatch(
      /^Geweigerd: De aanmelding is niet compleet of niet juist\. \[INVALID_REFERRAL\]\n {2}- gemeente: ontbreekt\n/,
    );
  });

  it('a command given while the worker is down waits (exit 3, never "Geweigerd"), is carried out once when it returns, and giving it again does not double it', async () => {
    await ok([
      'aanmelden',
      file('tweede.yaml', sampleReferral({ caseNumber: 'CLI-2027-0002', referralDate: amsterdamToday() })),
    ]);
    await eventually(async () =>
      expect((await json<{ state: string }>(['status', 'CLI-2027-0002'])).state).toBe('aangemeld'),
    );
    await stack.stopWorker();
    const env = { ...stack.childEnv(), CASUS_ANSWER_TIMEOUT: '3s' };
    const accept = ['beoordelen', 'CLI-2027-0002', 'accepteren', '--ave', '3'];
    const contact = [
      'contact',
      'CLI-2027-0002',
      '--soort',
      'telefonisch',
      '--met',
      'ouders',
      '--notitie',
      'belafspraak',
    ];
    const waiting = await casus(accept, env);
    expect(waiting.code).toBe(3);
    expect(waiting.stderr).toMatch(
      /^In behandeling: De opdracht wacht op de worker: die gaf binnen 3 s geen antwoord\./,
    );
    expect(waiting.stderr).not.toMatch(/Geweigerd/);
    // The regisseur tries again (the same command): still waiting, and it will not be doubled.
    expect((await casus(accept, env)).code).toBe(3);
    expect((await casus(contact, env)).code).toBe(3);
    expect((await casus(contact, env)).code).toBe(3);
    await stack.startWorker();
    // Given once more with the worker back: the answer of the one Update that ran.
    const again = await ok(contact);
    expect(again.stdout).toMatch(/contact/i);
    await ok(accept);
    const st = await json<{ state: string; contacts: unknown[]; timeline: { kind: string }[] }>([
      'status',
      'CLI-2027-0002',
    ]);
    expect(st.state).toBe('actief');
    expect(st.contacts).toHaveLength(1);
    expect(st.timeline.filter((t) => t.kind === 'aangenomen')).toHaveLength(1);
  });
});
