/**
 * Who gave a command (command.ts, `checkCommand`), pure: the client's actor, checked by the
 * workflow's validators apart from the command's own payload, and recorded as the person in the
 * audit trail and the timeline; what timers do stays "systeem". Never in a mail (SPEC §6).
 */
import { ErrorCode } from '../contract';
import { fireDue } from './registry';
import type { CaseData, Effect } from './state';
import { ASSESS, ctxAt, freshCase as freshCaseAt, give, T0 } from '../../kit/rules';

const ctx = ctxAt(T0);
/** The sample case, received a minute before T0 (a test that accepts it does so at T0). */
const freshCase = (): CaseData => freshCaseAt({}, T0 - 60_000);

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

  it('never reaches a mail: the notification requests of a command carry no actor', () => {
    const d = freshCase();
    give(d, 'assess', { ...ASSESS, actor: 'Marieke de Wit' });
    const mails = d.memory.outbox.filter((e) => e.type === 'notify');
    expect(mails.length).toBeGreaterThan(0);
    expect(JSON.stringify(mails)).not.toContain('Marieke');
  });
});
