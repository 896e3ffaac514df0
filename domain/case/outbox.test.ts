/**
 * What the rules ask of the outbox (outbox.ts), pure. Keys outlive the case's personal data (the
 * notification log and the audit trail keep them after retention): every key is unique and
 * deterministic, and no key holds an address or a name. The forms and UVO reports go to the
 * records database as documents — for cases started since `documenten-bewaren`
 * (docs/versioning.md).
 */
import { DAY, WEEK } from '../duration';
import { DEFAULT_TIMINGS } from '../timings';
import { Ctx } from './outbox';
import { opaqueId, recipientId } from './recipients';
import { fireDue } from './registry';
import type { CaseData, Effect } from './state';
import { sampleClosing } from '../../kit/referral';
import {
  accepted,
  ASSESS,
  ctxAt,
  freshCase,
  PLAN,
  run,
  sampleProposal,
  T0,
  type CommandName,
} from '../../kit/rules';

const HOUR = 3_600_000;

function keysOf(outbox: Effect[]): string[] {
  return outbox.map((e) => (e.type === 'notify' ? e.request.key : e.key));
}

/** A case from intake to a close with a breakthrough; every effect it asked for. */
function trajectory(old?: Ctx['kept']): Effect[] {
  const d = freshCase({
    parents: [
      { name: 'Anna van der Testen', email: 'anna@ouders.example' },
      { name: 'Karel van der Testen', email: 'karel@ouders.example' },
    ],
  });
  const all: Effect[] = [];
  const step = (name: CommandName, payload: unknown, at: number) => {
    run(d, name, payload, ctxAt(at, DEFAULT_TIMINGS, old));
    all.push(...d.memory.outbox.splice(0));
  };
  step('assess', ASSESS, T0);
  step(
    'recordUvoReport',
    {
      heldAt: new Date(T0 + HOUR).toISOString(),
      attendees: ['politie'],
      summary: 'Plan vastgesteld',
      actions: [{ description: 'Huisbezoek', owner: 'politie', due: '2027-02-10' }],
      plan: PLAN,
    },
    T0 + 2 * HOUR,
  );
  step('proposeDeescalation', sampleProposal(), T0 + 3 * HOUR);
  step('closeCase', sampleClosing(), T0 + 4 * HOUR);
  return all;
}

describe('keys without personal data', () => {
  it('every notification key is unique and deterministic', () => {
    const a = accepted();
    const b = accepted();
    for (const d of [a, b]) {
      run(
        d,
        'planUvo',
        { action: 'plan', start: new Date(T0 + 3 * WEEK).toISOString(), location: 'x' },
        T0 + DAY,
      );
      run(d, 'escalate', { target: 'beleid', reason: 'x' }, T0 + DAY);
      fireDue(d, ctxAt(T0 + 10 * WEEK));
    }
    const keys = (d: CaseData) =>
      d.memory.outbox.flatMap((e) => (e.type === 'notify' ? [e.request.key] : [e.key]));
    expect(keys(a)).toEqual(keys(b));
    expect(new Set(keys(a)).size).toBe(keys(a).length);
  });

  it("the parents' letters are keyed by position, and no key of a whole trajectory holds an address or a name", () => {
    const effects = trajectory();
    const keys = keysOf(effects);
    expect(keys.filter((k) => k.includes(':ouderbrief:'))).toEqual([
      'TST-2027-0001:ouderbrief:ouder-1',
      'TST-2027-0001:ouderbrief:ouder-2',
    ]);
    expect(keys.filter((k) => /@|anna|karel|testen|sem/i.test(k))).toEqual([]);
  });

  it('a parent as recipient id is an opaque, stable hash of the address', () => {
    const id = recipientId({ role: 'ouders', email: 'Anna@Ouders.example ', name: 'Anna' });
    expect(id).toBe(recipientId({ role: 'ouders', email: 'anna@ouders.example', name: 'A.' }));
    expect(id).toMatch(/^ouders-[0-9a-f]{16}$/);
    expect(id).not.toBe(recipientId({ role: 'ouders', email: 'karel@ouders.example', name: 'Karel' }));
    // FNV-1a 64 of the empty text is its offset basis: the function is the published one.
    expect(opaqueId('')).toBe('cbf29ce484222325');
    expect(opaqueId('a')).toBe('af63dc4c8601ec8c');
  });
});

describe('documents of a case', () => {
  const documents = (effects: Effect[]) =>
    effects.flatMap((e) =>
      e.type === 'record' && e.event.details.document
        ? [e.event.details.document as { kind: string; id?: string; content: Record<string, unknown> }]
        : [],
    );

  it('the UVO report, the afschaalformulier and the afsluitformulier are recorded as documents with their content', () => {
    const docs = documents(trajectory());
    expect(docs.map((x) => [x.kind, x.id])).toEqual([
      ['uvo-verslag', 'U1'],
      ['afschaalformulier', 'P1'],
      ['afsluitformulier', undefined],
    ]);
    expect(docs[0].content).toMatchObject({ summary: 'Plan vastgesteld', attendees: ['politie'] });
    expect(docs[1].content).toMatchObject({ breakthrough: 'Hulp loopt', agreements: 'CJG houdt de regie' });
    expect(docs[2].content).toMatchObject({ kind: 'doorbraak', regieHeldBy: 'CJG', addedValue: 'Eén plan' });
  });

  it('a case started before `documenten-bewaren` keeps its forms in the history only', () => {
    expect(documents(trajectory({ formsOnlyInHistory: true }))).toEqual([]);
  });
});
