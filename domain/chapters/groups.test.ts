/**
 * Groups (groups.ts), pure: "individuele casussen of groepen"; the groepsgerichte aanpak is
 * "gekoppeld aan de persoonsgerichte aanpak". A group label is a code, never personal data.
 */
import { accepted, attempt, freshCase, run, T0 } from '../../kit/rules';
import { sampleReferral } from '../../kit/referral';
import { checkReferral } from '../referral';
import { groupLabelProblem } from './groups';

const notify = (d: ReturnType<typeof accepted>) => d.memory.outbox.filter((e) => e.type === 'notify');

describe('Groups: "individuele casussen of groepen", a label that links the cases of one group', () => {
  it('a group label is set, changed and removed during the case, on the timeline and in the records, without mail', () => {
    const d = accepted();
    expect(run(d, 'setGroup', { label: 'grensgroep' }, T0).message).toBe(
      'Casus TST-2027-0001 hoort nu bij groep "grensgroep".',
    );
    expect(d.status.groupLabel).toBe('grensgroep');
    run(d, 'setGroup', { label: 'wijk-oost-2027', note: 'groep gesplitst' }, T0 + 1);
    expect(d.status.groupLabel).toBe('wijk-oost-2027');
    run(d, 'setGroup', { label: null }, T0 + 2);
    expect(d.status.groupLabel).toBeUndefined();
    expect(d.status.timeline.filter((t) => t.kind === 'groep').map((t) => t.text)).toEqual([
      'Groepslabel "grensgroep" ingesteld',
      'Groepslabel gewijzigd van "grensgroep" in "wijk-oost-2027"',
      'Groepslabel "wijk-oost-2027" verwijderd',
    ]);
    const records = d.memory.outbox.flatMap((e) => (e.type === 'record' ? [e.event] : []));
    expect(records.map((r) => [r.kind, r.details.groupLabel, r.details.previous])).toEqual([
      ['groep-ingesteld', 'grensgroep', undefined],
      ['groep-ingesteld', 'wijk-oost-2027', 'grensgroep'],
      ['groep-ingesteld', null, 'wijk-oost-2027'],
    ]);
    expect(notify(d)).toEqual([]);
  });

  it('may be set already while the referral waits for its assessment', () => {
    const d = freshCase();
    run(d, 'setGroup', { label: 'grensgroep' }, T0);
    expect(d.status.groupLabel).toBe('grensgroep');
  });

  it('a label with a name of the case is refused without repeating it: a label is a code, never personal data', () => {
    const d = accepted();
    const refusal = attempt(d, 'setGroup', { label: 'groep-sem-testen' }, T0);
    expect(refusal).toMatchObject({ code: 'PERSONAL_DATA_IN_TEXT' });
    expect((refusal as { message: string }).message).toContain('de naam van de jongere');
    expect((refusal as { message: string }).message).not.toMatch(/sem-testen/);
    expect(attempt(d, 'setGroup', { label: 'familie-anna-van-der-testen' }, T0)).toMatchObject({
      code: 'PERSONAL_DATA_IN_TEXT',
    });
    expect(d.status.groupLabel).toBeUndefined();
  });

  it('a label that is not a code (spaces, capitals) is refused naming the form', () => {
    const d = accepted();
    expect(attempt(d, 'setGroup', { label: 'Groep A' }, T0)).toMatchObject({
      code: 'INVALID_PAYLOAD',
      message: expect.stringContaining('groepslabel: verwacht een code van 2 tot 40 kleine letters'),
    });
  });

  it('removing a label the case does not have, or setting the same one, is refused', () => {
    const d = accepted();
    expect(attempt(d, 'setGroup', { label: null }, T0)).toMatchObject({ code: 'INVALID_PAYLOAD' });
    run(d, 'setGroup', { label: 'grensgroep' }, T0);
    expect(attempt(d, 'setGroup', { label: 'grensgroep' }, T0)).toMatchObject({
      message: 'Casus TST-2027-0001 hoort al bij groep "grensgroep".',
    });
  });

  it('the door checks the label of a referral the same way; the workflow check alone does not (running cases replay)', () => {
    const named = sampleReferral({ groupLabel: 'sem-en-vrienden' });
    const door = checkReferral(named, { checkGroupLabel: true });
    expect(door.ok).toBe(false);
    expect(!door.ok && door.issues).toEqual([
      { path: 'groupLabel', problem: expect.stringContaining('groepslabel: bevat de naam van de jongere') },
    ]);
    expect(checkReferral(named).ok).toBe(true);
    expect(checkReferral(sampleReferral({ groupLabel: 'grensgroep' }), { checkGroupLabel: true }).ok).toBe(
      true,
    );
  });

  it('groupLabelProblem: a date of birth in a label is found too', () => {
    const r = sampleReferral();
    expect(groupLabelProblem('groep-14-05-2011', r as never)).toContain('de geboortedatum van de jongere');
    expect(groupLabelProblem('wijk-oost', r as never)).toBeUndefined();
  });
});
