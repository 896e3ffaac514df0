/**
 * What the regisseur reads and types for groups, acute cases, young adults and AVE down:
 * `casus status` (the group, the letter to a young adult, who holds casusregie and procesregie
 * per AVE phase, Bijlage 2), `casus lijst` and `casus groep` (acute marked), the options of
 * `casus ave` (the afschaal questions) and `casus groep-instellen`, and the search attributes.
 */
import { CLI_COMMANDS } from '../../client/commands';
import { formatGroup, formatList, formatStatus } from '../../client/format';
import { UPDATES } from '../../domain/contract';
import { visibleValues } from '../../domain/case/web-ui';
import { accept, accepted, freshCase, run, T0 } from '../../kit/rules';

describe('casus status: groups, the young adult\'s letter and "wie heeft de casusregie en procesregie" (Bijlage 2)', () => {
  it("shows the group and the regie of each AVE phase, the case's phase marked, and the last afschaal answers", () => {
    const d = accepted();
    run(d, 'setGroup', { label: 'grensgroep' }, T0);
    run(d, 'setAvePhase', { phase: 2, afschaal: { helpEffective: true } }, T0 + 1000);
    const text = formatStatus(d.status, T0 + 2000);
    expect(text).toContain('  Groep:            grensgroep');
    expect(text).toContain('Regie per AVE-fase (Bijlage 2):');
    expect(text).toMatch(
      / {4}AVE 1 \(groen\) +Geen \(burger heeft zelf de regie\) +Geen \(burger heeft zelf de regie\)/,
    );
    expect(text).toMatch(
      / {2}> AVE 2 \(oranje\) +Casusregisseur \(CJG-coach, zet specialistische zorg in\) +CJG/,
    );
    expect(text).toContain('Afgeschaald op 31-01-2027: hulp is effectief: ja');
  });

  it('says where the letter of a young adult went and whether the parents were informed', () => {
    const d = accept(
      freshCase({ youngPerson: { firstName: 'Noor', lastName: 'Voorbeeld', dateOfBirth: '2007-06-01' } }),
    );
    expect(formatStatus(d.status, T0)).toContain(
      'Brief:            aan de jongere (18+); ouders niet geïnformeerd: de jongere stemde niet in',
    );
  });
});

describe('lists: a group with its cases, and acute cases marked ("crisissituaties")', () => {
  const items = [
    {
      caseNumber: 'BEV-2027-0001',
      municipality: 'beverwijk',
      state: 'actief',
      avePhase: 3,
      overdue: false,
      running: true,
      groupLabel: 'grensgroep',
      acute: false,
    },
    {
      caseNumber: 'HEM-2027-0004',
      municipality: 'heemskerk',
      state: 'aangemeld',
      overdue: false,
      running: true,
      groupLabel: 'grensgroep',
      acute: true,
    },
  ];

  it('casus lijst shows the group and marks an acute case', () => {
    const text = formatList(items);
    expect(text.split('\n')[0]).toMatch(/^casus +gemeente +status +groep +AVE/);
    expect(text).toMatch(/HEM-2027-0004 \(acuut\) +heemskerk +aangemeld +grensgroep/);
    expect(text).toMatch(/2 casussen \(1 acuut\)$/);
  });

  it('casus lijst says when more cases match than it shows, and how to narrow it down', () => {
    expect(formatList(items, { limit: 2 })).toMatch(
      /2 casussen \(1 acuut\)\nEr zijn meer dan 2 casussen; alleen de eerste 2 staan hier\. Verfijn met --status, --gemeente/,
    );
    expect(formatList(items, { limit: 2, problems: true })).toMatch(
      /\nMeer dan 2 lopende casussen hebben een probleem; alleen de eerste 2 staan hier\./,
    );
    expect(formatList(items)).not.toContain('meer dan');
  });

  it('casus groep shows every case of the group with its state', () => {
    const text = formatGroup('grensgroep', items);
    expect(text.split('\n')[0]).toBe('Groep grensgroep');
    expect(text).toMatch(/BEV-2027-0001 +beverwijk +actief +3/);
    expect(text).toMatch(/HEM-2027-0004 \(acuut\) +heemskerk +aangemeld \(wacht op beoordeling\)/);
    expect(formatGroup('wijk-oost', [])).toBe('Geen casussen in groep "wijk-oost".');
  });
});

describe('the options of casus ave and casus groep-instellen', () => {
  it('casus ave 2 --hulp-effectief ja gives the afschaal answer of Bijlage 2', () => {
    const payload = CLI_COMMANDS.setAvePhase.payload(['2'], { hulpEffectief: 'ja', onderControle: 'nee' });
    expect(payload).toEqual({ phase: 2, afschaal: { helpEffective: true, situationUnderControl: false } });
    expect(UPDATES.setAvePhase.schema.safeParse(payload).success).toBe(true);
    expect(() => CLI_COMMANDS.setAvePhase.payload(['2'], { hulpEffectief: 'misschien' })).toThrow(
      '--hulp-effectief: verwacht "ja" of "nee" (kreeg "misschien")',
    );
  });

  it('casus groep-instellen sets a label, or with --verwijderen takes the case out of its group', () => {
    expect(CLI_COMMANDS.setGroup.payload(['grensgroep'], {})).toEqual({ label: 'grensgroep' });
    expect(CLI_COMMANDS.setGroup.payload([], { verwijderen: true })).toEqual({ label: null });
    expect(UPDATES.setGroup.schema.safeParse({ label: 'Groep A' }).success).toBe(false);
  });
});

describe('search attributes: CasusGroep and CasusAcuut carry no personal data', () => {
  it('a case of this release shows its group and acute flag; a case of before release 202701 keeps none of them', () => {
    const d = freshCase({ acute: true, groupLabel: 'grensgroep' });
    expect(visibleValues(d)).toMatchObject({ groupLabel: 'grensgroep', acute: true });
    const kept = visibleValues(d, { searchWithoutGroupAndAcute: true });
    expect('groupLabel' in kept || 'acute' in kept).toBe(false);
    expect(visibleValues(freshCase())).toMatchObject({ groupLabel: null, acute: false });
  });
});
