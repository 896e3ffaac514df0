/**
 * The `casus` options that record a UVO in one command: `uvo-verslag --afgerond --opschalen-naar
 * --volgende-…` (the actions the UVO found done, the escalation it decided on, the next UVO),
 * `beoordelen accepteren --uvo-…` (the first UVO with the acceptance) and `afschalen --uvo-…` (the
 * UVO where the partners decide, with the proposal) become payloads the contract's schemas accept; a wrong moment names
 * its option, and a UVO without its place is refused by the schema, naming the field.
 */
import { CLI_COMMANDS } from '../../client/commands';
import { PAYLOAD_LABELS, UPDATES } from '../../domain/contract';
import { describeIssues } from '../../domain/validation';

describe('casus uvo-verslag --afgerond --volgende-op and beoordelen --uvo-op', () => {
  it('uvo-verslag: the actions found done and the next UVO', () => {
    const payload = CLI_COMMANDS.recordUvoReport.payload([], {
      aanwezig: 'politie,cjg',
      samenvatting: 'Tweede UVO',
      afgerond: 'A1, A3',
      volgendeOp: '16-04-2027 14:00',
      volgendeLocatie: 'Stadhuis Beverwijk',
    });
    expect(payload).toEqual({
      attendees: ['politie', 'cjg'],
      summary: 'Tweede UVO',
      completedActions: [{ id: 'A1' }, { id: 'A3' }],
      nextUvo: { start: '2027-04-16T12:00:00.000Z', location: 'Stadhuis Beverwijk' },
    });
    expect(UPDATES.recordUvoReport.schema.safeParse(payload).success).toBe(true);
    // Without the options: as before, nothing else in the report.
    expect(CLI_COMMANDS.recordUvoReport.payload([], { samenvatting: 'x' })).toEqual({ summary: 'x' });
  });

  it('a wrong moment names its option; a next UVO without a place is refused naming the field', () => {
    expect(() => CLI_COMMANDS.recordUvoReport.payload([], { volgendeOp: '31-04-2027 14:00' })).toThrow(
      /--volgende-op: "31-04-2027 14:00" bestaat niet in de kalender/,
    );
    const payload = CLI_COMMANDS.recordUvoReport.payload([], {
      aanwezig: 'politie',
      samenvatting: 'x',
      volgendeOp: '16-04-2027 14:00',
    });
    const parsed = UPDATES.recordUvoReport.schema.safeParse(payload);
    expect(parsed.success).toBe(false);
    if (!parsed.success)
      expect(describeIssues(parsed.error, PAYLOAD_LABELS)).toEqual(['locatie volgende UVO: ontbreekt']);
  });

  it('beoordelen accepteren --uvo-op --uvo-locatie --uvo-duur: the first UVO with the acceptance', () => {
    const payload = CLI_COMMANDS.assess.payload(['accepteren'], {
      besprokenOp: '01-02-2027',
      ave: '3',
      uvoOp: '12-02-2027 10:00',
      uvoLocatie: 'Stadhuis',
      uvoDuur: '60',
    });
    expect(payload).toMatchObject({
      decision: 'accepteren',
      firstUvo: { start: '2027-02-12T09:00:00.000Z', location: 'Stadhuis', durationMinutes: 60 },
    });
    expect(UPDATES.assess.schema.safeParse(payload).success).toBe(true);
    expect(() => CLI_COMMANDS.assess.payload(['accepteren'], { uvoDuur: 'lang' })).toThrow(
      /--uvo-duur: verwacht een heel getal/,
    );
  });

  it('uvo-verslag --opschalen-naar --opschaling-reden: the escalation the UVO decided on', () => {
    const payload = CLI_COMMANDS.recordUvoReport.payload([], {
      aanwezig: 'politie',
      samenvatting: 'Derde UVO',
      opschalenNaar: 'management',
      opschalingReden: 'Geen plek in de regio',
      opschalingOverslaanReden: 'Beleid kan niet beslissen',
    });
    expect(payload).toMatchObject({
      escalation: {
        target: 'management',
        reason: 'Geen plek in de regio',
        skipReason: 'Beleid kan niet beslissen',
      },
    });
    expect(UPDATES.recordUvoReport.schema.safeParse(payload).success).toBe(true);
    // A reason without a level: the schema names the missing level.
    const parsed = UPDATES.recordUvoReport.schema.safeParse(
      CLI_COMMANDS.recordUvoReport.payload([], { samenvatting: 'x', opschalingReden: 'Impasse' }),
    );
    expect(parsed.success).toBe(false);
    if (!parsed.success)
      expect(describeIssues(parsed.error, PAYLOAD_LABELS).join('; ')).toMatch(/^opschaling naar: /);
  });

  it('afschalen --uvo-op --uvo-locatie: the UVO of the agreement with the proposal', () => {
    const payload = CLI_COMMANDS.proposeDeescalation.payload([], {
      uvoOp: '26-03-2027 14:00',
      uvoLocatie: 'Stadhuis Beverwijk',
    });
    expect(payload).toEqual({ uvo: { start: '2027-03-26T13:00:00.000Z', location: 'Stadhuis Beverwijk' } });
    // Without the options, nothing: the form comes from --bestand.
    expect(CLI_COMMANDS.proposeDeescalation.payload([], {})).toEqual({});
  });
});
