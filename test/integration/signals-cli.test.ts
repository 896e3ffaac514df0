/**
 * Signalen voor beleid with the `casus` CLI as a child process, against the real dev server, the
 * worker, a real SMTP server and the database. Seed 004: "Signaleringsfunctie: Adviseur van/
 * afstemming met beleid"; at the Overleg programma Jeugd & Veiligheid ("1 x per 2 weken")
 * "signalen worden neergelegd". The agenda interval is compressed to a few seconds here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { casus, CliRun } from '../../kit/cli';
import { sampleReferral } from '../../kit/referral';
import { startTestStack } from '../../kit/stack';

const INTERVAL_MS = 8000;
let stack: Awaited<ReturnType<typeof startTestStack>>;
let dir: string;
const CN = 'SIG-2027-0001';
const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });

beforeAll(async () => {
  stack = await startTestStack({ signalsIntervalMs: INTERVAL_MS });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-signalen-'));
});
afterAll(async () => {
  await stack?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[]) => casus(args, { ...stack.childEnv(), CASUS_REGISSEUR: 'regisseur.test' });
async function ok(args: string[]): Promise<CliRun> {
  const r = await run(args);
  if (r.code !== 0) throw new Error(`casus ${args.join(' ')} → ${r.code}\n${r.stderr}${r.stdout}`);
  return r;
}

describe('casus signaal, signalen and signaal-opvolging (Signaleringsfunctie)', () => {
  it('records signals in and outside a case, lists them, mails the agenda to the Overleg programma and records the follow-up', async () => {
    const referralFile = path.join(dir, 'aanmelding.yaml');
    fs.writeFileSync(referralFile, YAML.stringify(sampleReferral({ caseNumber: CN, referralDate: today() })));
    await ok(['aanmelden', referralFile]);

    const outside = await ok([
      'signaal',
      '--gemeente',
      'beverwijk',
      '--thema',
      'keten',
      '--onderwerp',
      'wachtlijst jeugdhulp',
      '--tekst',
      'Jongeren wachten maanden op een intake',
    ]);
    expect(outside.stdout).toMatch(
      /^Signaal S1 \(keten\) vastgelegd; het staat op de agenda van \d\d-\d\d-\d{4} van het Overleg programma Jeugd & Veiligheid\.\n$/,
    );

    // In a case: the municipality comes from the case; the case's own names are refused.
    const named = await run([
      'signaal',
      '--casus',
      CN,
      '--thema',
      'proces',
      '--onderwerp',
      'school',
      '--tekst',
      'Sem mist school',
    ]);
    expect(named.code).toBe(1);
    expect(named.stderr).toMatch(
      new RegExp(
        `^Geweigerd: Persoonsgegevens van casus ${CN} in het signaal: tekst bevat de naam van de jongere\\. .*\\[PERSONAL_DATA_IN_TEXT\\]\\n$`,
      ),
    );
    const inCase = await ok([
      'signaal',
      '--casus',
      CN,
      '--thema',
      'proces',
      '--onderwerp',
      'overdracht ZVH',
      '--tekst',
      'De overdracht duurt te lang',
    ]);
    expect(inCase.stdout).toMatch(/^Signaal S2 \(proces\) vastgelegd/);
    // The same command again is the same command: applied once.
    expect(
      (
        await ok([
          'signaal',
          '--casus',
          CN,
          '--thema',
          'proces',
          '--onderwerp',
          'overdracht ZVH',
          '--tekst',
          'De overdracht duurt te lang',
        ])
      ).stdout,
    ).toBe(inCase.stdout);

    const list = await ok(['signalen', '--gemeente', 'beverwijk']);
    const lines = list.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^Signalen voor beleid, gemeente beverwijk: 2 open; volgende agenda van het Overleg programma \d\d-\d\d-\d{4}$/,
    );
    expect(lines.filter((l) => /^S\d/.test(l))).toEqual([
      expect.stringMatching(
        /^S1 {4}open {6}keten {3}\d\d-\d\d-\d{4} {2}buiten een casus {2}wachtlijst jeugdhulp$/,
      ),
      expect.stringMatching(
        new RegExp(`^S2 {4}open {6}proces {2}\\d\\d-\\d\\d-\\d{4} {2}casus ${CN} {2}overdracht ZVH$`),
      ),
    ]);

    // "1 x per 2 weken", compressed: the agenda reaches the Overleg programma with the PDF.
    const agendas = () =>
      stack.smtp.received.filter((m) =>
        /^Agenda signalen voor beleid gemeente Beverwijk/.test(m.parsed.subject ?? ''),
      );
    await stack.smtp.waitFor(() => agendas().length >= 1, 30_000);
    expect(agendas()[0].envelopeTo.sort()).toEqual([
      'programma-jv@beverwijk.example',
      'regisseur@beverwijk.example',
    ]);
    expect(agendas()[0].parsed.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
    expect(agendas()[0].parsed.text).not.toMatch(/wachtlijst|overdracht/);

    const followed = await ok([
      'signaal-opvolging',
      'S1',
      '--gemeente',
      'beverwijk',
      '--tekst',
      'Beleid neemt het op in de inkoop',
    ]);
    expect(followed.stdout).toBe('Signaal S1 opgevolgd; het staat niet meer op de agenda.\n');
    const unknown = await run(['signaal-opvolging', 'S7', '--gemeente', 'beverwijk', '--tekst', 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      'Geweigerd: Signaal S7 bestaat niet bij gemeente beverwijk; open zijn S2. [UNKNOWN_SIGNAL]\n',
    );

    const all = JSON.parse(
      (await ok(['signalen', '--gemeente', 'beverwijk', '--alle', '--json'])).stdout,
    ) as {
      signals: {
        id: string;
        state: string;
        caseNumber?: string;
        followUps: { text: string; by: string }[];
        agendas: number[];
      }[];
    };
    expect(
      all.signals.map((s) => [s.id, s.state, s.caseNumber ?? null, s.followUps.map((f) => [f.text, f.by])]),
    ).toEqual([
      ['S1', 'opgevolgd', null, [['Beleid neemt het op in de inkoop', 'regisseur.test']]],
      ['S2', 'open', CN, []],
    ]);
    // S1 was on the first agenda (S2 came on it, or on the next one, depending on the clock).
    expect(all.signals[0].agendas[0]).toBe(1);
    const rows = await stack.db.pool.query<{ signal_id: string; state: string }>(
      `SELECT signal_id, state FROM policy_signals WHERE municipality = 'beverwijk' ORDER BY signal_id`,
    );
    expect(rows.rows).toEqual([
      { signal_id: 'S1', state: 'opgevolgd' },
      { signal_id: 'S2', state: 'open' },
    ]);
  });
});
