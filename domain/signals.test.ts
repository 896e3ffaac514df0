/**
 * The pure rules of the signalen voor beleid (seed 004: "Signaleringsfunctie: Adviseur van/
 * afstemming met beleid"; the Overleg programma Jeugd & Veiligheid meets "1 x per 2 weken", where
 * "signalen worden neergelegd").
 */
import {
  agendaDone,
  agendaOf,
  checkSignalCommand,
  DEFAULT_SIGNAL_AGENDA_INTERVAL_MS,
  earlierAnswer,
  findGenericPersonalData,
  newSignalsState,
  nextAgendaAt,
  passesElfproef,
  recordFollowUp,
  recordSignal,
  rememberCommand,
  signalsWorkflowId,
  type SignalsState,
} from './signals';

const NOW = Date.parse('2027-03-01T09:00:00Z');
const DAY = 86_400_000;

function withSignals(n: number): SignalsState {
  const s = newSignalsState('beverwijk');
  s.agenda.nextAt = NOW + 14 * DAY;
  s.agenda.intervalMs = 14 * DAY;
  for (let i = 0; i < n; i++)
    recordSignal(
      s,
      {
        theme: i % 2 ? 'proces' : 'keten',
        subject: `onderwerp ${i + 1}`,
        text: 'Iets in de keten loopt vast.',
      },
      { now: NOW, actor: 'regisseur' },
    );
  return s;
}

describe('the workflow id of the signals', () => {
  it('is signalen-<gemeente>: no personal data', () => {
    expect(signalsWorkflowId('heemskerk')).toBe('signalen-heemskerk');
  });
});

describe('personal data recognised by its form (a signal outside a case)', () => {
  it('a BSN is a 9-digit number that passes the elfproef, also written with dots or spaces', () => {
    expect(passesElfproef('111222333')).toBe(true);
    expect(passesElfproef('123456789')).toBe(false);
    expect(passesElfproef('000000000')).toBe(false);
    expect(findGenericPersonalData('BSN 1112.22.333 dubbel', NOW)).toEqual(['bsn']);
    expect(findGenericPersonalData('nummer 111 222 333', NOW)).toEqual(['bsn']);
    // An ordinary number that fails the elfproef is left alone.
    expect(findGenericPersonalData('Zaaknummer 123456789 bij de gemeente', NOW)).toEqual([]);
  });

  it('a date of birth: a full date after a word of birth, or 10 or more years back; a recent date is fine', () => {
    expect(findGenericPersonalData('geboren 14-05-2011, woont in de wijk', NOW)).toEqual(['geboortedatum']);
    expect(findGenericPersonalData('een jongere van 14 mei 2011', NOW)).toEqual(['geboortedatum']);
    expect(findGenericPersonalData('geb. 2024-01-03', NOW)).toEqual(['geboortedatum']);
    expect(findGenericPersonalData('Sinds 01-02-2027 is de wachtlijst langer dan 3 maanden.', NOW)).toEqual(
      [],
    );
    expect(findGenericPersonalData('Het convenant van 1 maart 2026 regelt dit niet.', NOW)).toEqual([]);
  });

  it('e-mail addresses, Dutch phone numbers and postcodes', () => {
    expect(findGenericPersonalData('mail naar j.jansen@voorbeeld.nl', NOW)).toEqual(['e-mailadres']);
    expect(findGenericPersonalData('bel 06-12345678', NOW)).toEqual(['telefoonnummer']);
    expect(findGenericPersonalData('bel +31 6 1234 5678', NOW)).toEqual(['telefoonnummer']);
    expect(findGenericPersonalData('tel. 0251 123 456', NOW)).toEqual(['telefoonnummer']);
    expect(findGenericPersonalData('woont op 1941 AB nummer 12', NOW)).toEqual(['postcode']);
    expect(findGenericPersonalData('Jongeren tot 23 jaar wachten 12 weken op 2 plekken.', NOW)).toEqual([]);
  });
});

describe('casus signaal and casus signaal-opvolging: the rules', () => {
  it('a signal gets the next id and is open; the message names the agenda, not the text', () => {
    const s = withSignals(1);
    const { result, write } = recordSignal(
      s,
      { theme: 'beleid', subject: 'nazorg', text: 'Geen nazorg na detentie.', caseNumber: 'BEV-2027-0001' },
      { now: NOW, actor: 'jan' },
    );
    expect(result).toEqual({
      message:
        'Signaal S2 (beleid) vastgelegd; het staat op de agenda van 15-03-2027 van het Overleg programma Jeugd & Veiligheid.',
      id: 'S2',
      state: 'open',
    });
    expect(write.signal).toMatchObject({
      id: 'S2',
      caseNumber: 'BEV-2027-0001',
      recordedBy: 'jan',
      state: 'open',
    });
  });

  it('refuses, naming what is wrong in Dutch: an unknown theme, personal data by its form, an unknown or followed-up signal', () => {
    const s = withSignals(1);
    const theme = checkSignalCommand(
      s,
      'recordPolicySignal',
      { theme: 'geld', subject: 'x', text: 'y' },
      NOW,
    );
    expect(theme.ok).toBe(false);
    if (!theme.ok) {
      expect(theme.refusal.code).toBe('INVALID_PAYLOAD');
      expect(theme.problems).toEqual(['thema: kies uit "beleid", "proces", "keten" (kreeg "geld")']);
    }
    const phone = checkSignalCommand(
      s,
      'recordPolicySignal',
      { theme: 'keten', subject: 'bel 06-12345678', text: 'Geboren 14-05-2011.' },
      NOW,
    );
    expect(phone.ok || phone.refusal.message).toBe(
      'Persoonsgegevens in het signaal: onderwerp bevat een telefoonnummer; tekst bevat een geboortedatum. Een signaal voor beleid gaat over structuur, systeem of keten, niet over personen: laat de persoonsgegevens weg (een casusnummer mag, met --casus).',
    );
    const unknown = checkSignalCommand(s, 'recordSignalFollowUp', { id: 'S7', text: 'besproken' }, NOW);
    expect(unknown.ok || [unknown.refusal.code, unknown.refusal.message]).toEqual([
      'UNKNOWN_SIGNAL',
      'Signaal S7 bestaat niet bij gemeente beverwijk; open zijn S1.',
    ]);
    recordFollowUp(s, { id: 'S1', text: 'Opgepakt door beleid.' }, { now: NOW, actor: 'jan' });
    const again = checkSignalCommand(s, 'recordSignalFollowUp', { id: 'S1', text: 'nog eens' }, NOW);
    expect(again.ok || [again.refusal.code, again.refusal.message]).toEqual([
      'ALREADY_DONE',
      'Signaal S1 is al opgevolgd (01-03-2027).',
    ]);
    const actor = checkSignalCommand(
      s,
      'recordPolicySignal',
      { theme: 'keten', subject: 'x', text: 'y', actor: 'systeem' },
      NOW,
    );
    expect(actor.ok || actor.refusal.code).toBe('INVALID_ACTOR');
  });

  it('a follow-up with --blijft-open keeps the signal on the agenda; without, it is opgevolgd', () => {
    const s = withSignals(2);
    expect(
      recordFollowUp(s, { id: 'S1', text: 'Eerste antwoord.', keepOpen: true }, { now: NOW, actor: 'jan' })
        .result,
    ).toEqual({
      message: 'Opvolging van signaal S1 vastgelegd; het signaal blijft op de agenda.',
      id: 'S1',
      state: 'open',
    });
    recordFollowUp(s, { id: 'S2', text: 'Klaar.', discussedOn: '2027-02-27' }, { now: NOW, actor: 'jan' });
    expect(s.signals.map((x) => [x.id, x.state, x.followUps.map((f) => f.discussedOn)])).toEqual([
      ['S1', 'open', ['2027-03-01']],
      ['S2', 'opgevolgd', ['2027-02-27']],
    ]);
  });

  it('the same update id is answered, not applied, again (exactly once across continue-as-new)', () => {
    const s = withSignals(0);
    const { result } = recordSignal(
      s,
      { theme: 'keten', subject: 'a', text: 'b' },
      { now: NOW, actor: 'jan' },
    );
    rememberCommand(s, 'opdracht-1', result);
    expect(earlierAnswer(s, 'opdracht-1')).toEqual(result);
    expect(earlierAnswer(s, 'opdracht-2')).toBeUndefined();
  });
});

describe('the agenda of the Overleg programma, 1 x per 2 weken', () => {
  it('holds the open signals with counts per theme and how many are new; after it is mailed they carry its number', () => {
    const s = withSignals(3);
    recordFollowUp(s, { id: 'S2', text: 'Klaar.' }, { now: NOW, actor: 'jan' });
    const at = NOW + 14 * DAY;
    const agenda = agendaOf(s, at);
    expect(agenda).toMatchObject({ number: 1, counts: { beleid: 0, proces: 0, keten: 2 }, newCount: 2 });
    expect(agenda.signals.map((x) => x.id)).toEqual(['S1', 'S3']);
    const writes = agendaDone(s, agenda, 'verzonden', at, 14 * DAY);
    expect(writes.map((w) => [w.signal.id, w.signal.agendas])).toEqual([
      ['S1', [1]],
      ['S3', [1]],
    ]);
    expect(s.agenda).toMatchObject({
      next: 2,
      nextAt: NOW + 28 * DAY,
      last: { number: 1, outcome: 'verzonden', signals: 2 },
    });
    expect(agendaOf(s, NOW + 28 * DAY).newCount).toBe(0);
  });

  it('an agenda without open signals is not a mail and keeps its number; one not sent leaves the signals for the next', () => {
    const s = withSignals(0);
    agendaDone(s, agendaOf(s, NOW), 'geen-signalen', NOW, 14 * DAY);
    expect(s.agenda.next).toBe(1);
    recordSignal(s, { theme: 'keten', subject: 'a', text: 'b' }, { now: NOW, actor: 'jan' });
    expect(agendaDone(s, agendaOf(s, NOW), 'niet-verstuurd', NOW, 14 * DAY)).toEqual([]);
    expect(s.agenda.next).toBe(2);
    expect(agendaOf(s, NOW).newCount).toBe(1);
  });

  it('keeps the two-weekly rhythm; after a long pause the next moment is one interval from now', () => {
    const every = DEFAULT_SIGNAL_AGENDA_INTERVAL_MS;
    expect(every).toBe(14 * DAY);
    expect(nextAgendaAt(NOW, every, NOW + DAY)).toBe(NOW + every);
    expect(nextAgendaAt(NOW, every, NOW + 20 * DAY)).toBe(NOW + 20 * DAY + every);
  });
});
