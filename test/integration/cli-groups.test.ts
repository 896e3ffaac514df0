/**
 * Groups, acute cases and AVE down with the `casus` CLI against the real dev server (its
 * visibility answers the search attributes): "individuele casussen of groepen" — `casus
 * groep-instellen`, `casus lijst --groep`, `casus groep`; an acute referral marked in lists
 * ("crisissituaties"); and a lower AVE phase that asks the afschaal questions of Bijlage 2.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { CasusClient } from '../../client/casus-client';
import { casus, CliRun } from '../../kit/cli';
import { eventually } from '../../kit/eventually';
import { sampleReferral } from '../../kit/referral';
import { startTestStack } from '../../kit/stack';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let dir: string;
const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Amsterdam' });

beforeAll(async () => {
  stack = await startTestStack();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casus-groups-'));
});
afterAll(async () => {
  await stack?.stop();
});

const run = (args: string[]): Promise<CliRun> => casus(args, stack.childEnv());
async function ok(args: string[]): Promise<CliRun> {
  const r = await run(args);
  if (r.code !== 0) throw new Error(`casus ${args.join(' ')} → ${r.code}\n${r.stderr}${r.stdout}`);
  return r;
}
function referralFile(name: string, data: unknown): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, YAML.stringify(data));
  return p;
}
const listed = async (args: string[]) =>
  (JSON.parse((await ok([...args, '--json'])).stdout) as { caseNumber: string; acute?: boolean }[])
    .map((i) => `${i.caseNumber}${i.acute ? ' acuut' : ''}`)
    .sort();

describe('casus CLI: groups ("de groepsgerichte aanpak gekoppeld aan de persoonsgerichte aanpak"), acute, AVE down', () => {
  it('groep-instellen, lijst --groep, groep and lijst --acuut answer from the search attributes', async () => {
    await ok([
      'aanmelden',
      referralFile(
        'a.yaml',
        sampleReferral({ caseNumber: 'GRP-2027-0001', referralDate: today(), groupLabel: 'grensgroep' }),
      ),
    ]);
    await ok([
      'aanmelden',
      referralFile(
        'b.yaml',
        sampleReferral({ caseNumber: 'GRP-2027-0002', referralDate: today(), acute: true }),
      ),
    ]);
    await ok([
      'aanmelden',
      referralFile('c.yaml', sampleReferral({ caseNumber: 'GRP-2027-0003', referralDate: today() })),
    ]);
    const set = await ok(['groep-instellen', 'GRP-2027-0002', 'grensgroep']);
    expect(set.stdout).toBe('Casus GRP-2027-0002 hoort nu bij groep "grensgroep".\n');

    expect(
      await eventually(async () => {
        const found = await listed(['lijst', '--groep', 'grensgroep']);
        if (found.length < 2) throw new Error(`not yet: ${found.join(', ')}`);
        return found;
      }),
    ).toEqual(['GRP-2027-0001', 'GRP-2027-0002 acuut']);
    expect(await listed(['lijst', '--acuut'])).toEqual(['GRP-2027-0002 acuut']);

    const group = await ok(['groep', 'grensgroep']);
    expect(group.stdout).toMatch(/^Groep grensgroep\n/);
    expect(group.stdout).toMatch(/GRP-2027-0002 \(acuut\) +beverwijk +aangemeld \(wacht op beoordeling\)/);
    expect(group.stdout).toContain('2 casussen, waarvan 2 lopend');
    expect(group.stdout).not.toContain('GRP-2027-0003');

    const status = await ok(['status', 'GRP-2027-0001']);
    expect(status.stdout).toContain('  Groep:            grensgroep');
  });

  it('a list cut off at its limit says that more cases match (casus lijst leaves no case out unsaid)', async () => {
    const client = await CasusClient.connect({
      address: stack.address,
      namespace: stack.namespace,
      dataConverter: stack.dataConverter,
    });
    try {
      const cut = await client.listPage({ groupLabel: 'grensgroep' }, 1);
      expect(cut.items).toHaveLength(1);
      expect(cut.more).toBe(true);
      const whole = await client.listPage({ groupLabel: 'grensgroep' }, 2);
      expect(whole.items.map((i) => i.caseNumber).sort()).toEqual(['GRP-2027-0001', 'GRP-2027-0002']);
      expect(whole.more).toBe(false);
    } finally {
      await client.close();
    }
  });

  it("a group label with the young person's name is refused at the door, before anything is sent", async () => {
    const r = await run([
      'aanmelden',
      referralFile(
        'd.yaml',
        sampleReferral({ caseNumber: 'GRP-2027-0004', referralDate: today(), groupLabel: 'sem-en-vrienden' }),
      ),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('groepslabel: bevat de naam van de jongere');
    expect(r.stderr).not.toContain('sem-en-vrienden');
  });

  it('casus ave to a lower phase asks the afschaal questions of Bijlage 2 ("Maatregelen genomen", "Situatie is onder controle")', async () => {
    await ok([
      'aanmelden',
      referralFile('e.yaml', sampleReferral({ caseNumber: 'GRP-2027-0005', referralDate: today() })),
    ]);
    await ok(['beoordelen', 'GRP-2027-0005', 'accepteren', '--ave', '4']);
    const refused = await run(['ave', 'GRP-2027-0005', '3']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'Ontbreekt: "Maatregelen genomen" (--maatregelen-genomen ja|nee), "Situatie is onder controle" (--onder-controle ja|nee). [INVALID_PAYLOAD]',
    );
    await ok(['ave', 'GRP-2027-0005', '3', '--maatregelen-genomen', 'ja', '--onder-controle', 'ja']);
    const status = await ok(['status', 'GRP-2027-0005']);
    expect(status.stdout).toContain('Regie per AVE-fase (Bijlage 2):');
    expect(status.stdout).toMatch(/> AVE 3 \(rood\) +Netwerkregisseur \(neemt de regie over\)/);
    expect(status.stdout).toMatch(
      /Afgeschaald op \d\d-\d\d-\d{4}: maatregelen genomen: ja, situatie onder controle: ja/,
    );
  });
});
