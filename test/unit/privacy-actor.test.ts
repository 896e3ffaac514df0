/**
 * Who gave a command, pure: the client's actor (CASUS_REGISSEUR or the OS user), checked by the
 * workflow's validators apart from the command's own payload, and recorded as the person in the
 * audit trail and the timeline; what timers do stays "systeem".
 */
import { withActor } from '../../client/actor';
import { checkActor } from '../../domain/actor';
import { commandActor, ConfigError, loadConfig } from '../../runtime/config';
import { ErrorCode } from '../../domain/contract';
import { COMMANDS } from '../../domain/case/registry';
import type { Ctx } from '../../domain/case/outbox';
import { newCase } from '../../domain/chapters/intake';
import { checkCommand } from '../../domain/case/command';
import type { CaseData, Effect } from '../../domain/case/state';
import { fireDue } from '../../domain/case/registry';
import { checkReferral } from '../../domain/referral';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { sampleReferral } from '../../kit/referral';

const T0 = Date.parse('2027-01-31T09:00:00Z');
const ctx: Ctx = { now: T0, timings: DEFAULT_TIMINGS };
const ASSESS = { decision: 'accepteren', referrerDiscussed: { on: '2027-01-30' }, avePhase: 3 };

function freshCase(): CaseData {
  const r = checkReferral(sampleReferral({ referralDate: '2027-01-30' }));
  if (!r.ok) throw new Error(r.problems.join('; '));
  return newCase(r.referral, T0 - 60_000);
}

/** Checks and applies a command as the workflow's handler does: the actor goes into the Ctx. */
function give(d: CaseData, name: keyof typeof COMMANDS, payload: unknown, at = ctx) {
  const checked = checkCommand(d, COMMANDS[name] as never, payload, at);
  if (!checked.ok) return checked;
  COMMANDS[name].apply(d, checked.payload as never, { ...at, actor: checked.actor });
  return checked;
}

const records = (d: CaseData) =>
  d.memory.outbox.filter((e): e is Extract<Effect, { type: 'record' }> => e.type === 'record');

describe('the actor of a command', () => {
  it('is taken out of the payload, normalised, and recorded as the person in the audit trail and the timeline', () => {
    const d = freshCase();
    const checked = give(d, 'assess', { ...ASSESS, actor: '  Marieke   de Wit ' });
    expect(checked).toMatchObject({ ok: true, actor: 'Marieke de Wit' });
    expect((checked as { payload: object }).payload).not.toHaveProperty('actor');
    expect(records(d).map((r) => [r.event.kind, r.event.actor])).toEqual([
      ['aanmelding-aangenomen', 'Marieke de Wit'],
    ]);
    expect(d.status.timeline.map((t) => t.by)).toEqual(['Marieke de Wit', 'Marieke de Wit']);
  });

  it('a command without an actor (an older client, a recorded history) is recorded as before: "regisseur", no name in the timeline', () => {
    const d = freshCase();
    const checked = give(d, 'assess', ASSESS);
    expect(checked).toEqual({ ok: true, payload: expect.anything() });
    expect(records(d)[0].event.actor).toBe('regisseur');
    expect(d.status.timeline.every((t) => t.by === undefined)).toBe(true);
  });

  it('what a timer does stays "systeem", also after a command by a person', () => {
    const d = freshCase();
    give(d, 'assess', { ...ASSESS, actor: 'mdewit' });
    d.memory.outbox = [];
    const before = d.status.timeline.length;
    fireDue(d, { ...ctx, now: T0 + 7 * 7 * 86_400_000 });
    const timerRecords = records(d);
    expect(timerRecords.length).toBeGreaterThan(0);
    expect(new Set(timerRecords.map((r) => r.event.actor))).toEqual(new Set(['systeem']));
    const timerEntries = d.status.timeline.slice(before);
    expect(timerEntries.length).toBeGreaterThan(0);
    expect(timerEntries.filter((t) => t.by !== undefined)).toEqual([]);
  });

  it.each([
    ['an emoji', 'Marieke 😀'],
    ['a right-to-left override', 'Marieke\u202Eiw ed'],
    ['a control character', 'jan\u0000'],
    ['a name that is too long', 'x'.repeat(65)],
    ['an empty name', '   '],
    ['the name of the system itself', 'Systeem'],
    ['no text', 42],
  ])('is refused (INVALID_ACTOR) for %s, before anything changes, without echoing it', (_, actor) => {
    const d = freshCase();
    const outcome = give(d, 'assess', { ...ASSESS, actor });
    expect(outcome).toMatchObject({ ok: false, refusal: { code: ErrorCode.INVALID_ACTOR } });
    const message = !outcome.ok ? outcome.refusal.message : '';
    expect(message).toMatch(/^Wie de opdracht geeft \(actor\): /);
    if (typeof actor === 'string' && actor.trim()) expect(message).not.toContain(actor.trim());
    expect(d.status.state).toBe('aangemeld');
    expect(d.memory.outbox.filter((e) => e.type === 'record')).toEqual([]);
  });

  it('accepts letters with accents, digits and . _ - @ (NFC)', () => {
    expect(checkActor('Zoe\u0308 Ösztürk-van Dijk')).toEqual({ ok: true, actor: 'Zoë Ösztürk-van Dijk' });
    expect(checkActor('j.jansen_2@gemeente.nl')).toEqual({ ok: true, actor: 'j.jansen_2@gemeente.nl' });
  });

  it('never reaches a mail: the notification requests of a command carry no actor', () => {
    const d = freshCase();
    give(d, 'assess', { ...ASSESS, actor: 'Marieke de Wit' });
    const mails = d.memory.outbox.filter((e) => e.type === 'notify');
    expect(mails.length).toBeGreaterThan(0);
    expect(JSON.stringify(mails)).not.toContain('Marieke');
  });
});

describe('the client adds the actor', () => {
  it('from CASUS_REGISSEUR, checked and normalised', () => {
    expect(commandActor({ CASUS_REGISSEUR: ' Marieke  de Wit ' }, () => 'os-gebruiker')).toBe(
      'Marieke de Wit',
    );
    expect(() => commandActor({ CASUS_REGISSEUR: 'Marieke 😀' })).toThrow(ConfigError);
    expect(() => commandActor({ CASUS_REGISSEUR: 'Marieke 😀' })).toThrow(
      /^Ongeldige configuratie: CASUS_REGISSEUR: /,
    );
    expect(() => loadConfig({ CASUS_REGISSEUR: 'systeem' })).toThrow(/CASUS_REGISSEUR/);
    expect(loadConfig({ CASUS_REGISSEUR: 'mdewit' }).regisseur).toBe('mdewit');
  });

  it('else from the OS user name, made to fit', () => {
    expect(commandActor({}, () => 'mdewit')).toBe('mdewit');
    expect(commandActor({}, () => 'GEMEENTE\\mdewit')).toBe('GEMEENTE_mdewit');
    expect(
      commandActor({}, () => {
        throw new Error('no passwd entry');
      }),
    ).toMatch(/^(gebruiker-\d+|regisseur)$/);
  });

  it('to each command payload, keeping an actor a front end set itself', () => {
    expect(withActor({ id: 'A1' }, () => 'mdewit')).toEqual({ id: 'A1', actor: 'mdewit' });
    expect(withActor({ id: 'A1', actor: 'balie-1' }, () => 'mdewit')).toEqual({ id: 'A1', actor: 'balie-1' });
  });
});
