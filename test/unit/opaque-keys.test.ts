/**
 * Keys outlive the case's personal data (the notification log and the audit trail keep them after
 * retention): no key holds an address or a name, and the forms and UVO reports go to the records
 * database as documents — for cases started since `documenten-bewaren` (docs/versioning.md).
 */
import { COMMANDS } from '../../domain/case/registry';
import { Ctx, opaqueId, recipientId } from '../../domain/case/outbox';
import { newCase } from '../../domain/chapters/intake';
import { checkCommand } from '../../domain/case/command';
import type { CaseData, Effect } from '../../domain/case/state';
import { checkReferral } from '../../domain/referral';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { sampleReferral } from '../../kit/referral';

const T0 = Date.parse('2027-01-31T09:00:00Z');
const HOUR = 3_600_000;

function run(d: CaseData, name: keyof typeof COMMANDS, payload: unknown, ctx: Ctx) {
  const cmd = COMMANDS[name] as unknown as Parameters<typeof checkCommand>[1];
  const checked = checkCommand(d, cmd, payload, ctx);
  if (!checked.ok) throw new Error(checked.refusal.message);
  return cmd.apply(d, checked.payload, ctx);
}

function keysOf(outbox: Effect[]): string[] {
  return outbox.map((e) => (e.type === 'notify' ? e.request.key : e.key));
}

/** A case from intake to a close with a breakthrough; every effect it asked for. */
function trajectory(old?: Ctx['kept']): Effect[] {
  const r = checkReferral(
    sampleReferral({
      referralDate: '2027-01-30',
      parents: [
        { name: 'Anna van der Testen', email: 'anna@ouders.example' },
        { name: 'Karel van der Testen', email: 'karel@ouders.example' },
      ],
    }),
  );
  if (!r.ok) throw new Error(r.problems.join('; '));
  const d = newCase(r.referral, T0);
  const all: Effect[] = [];
  const step = (name: keyof typeof COMMANDS, payload: unknown, at: number) => {
    run(d, name, payload, { now: at, timings: DEFAULT_TIMINGS, ...(old ? { kept: old } : {}) });
    all.push(...d.memory.outbox.splice(0));
  };
  step('assess', { decision: 'accepteren', referrerDiscussed: { on: '2027-01-30' }, avePhase: 3 }, T0);
  step(
    'recordUvoReport',
    {
      heldAt: new Date(T0 + HOUR).toISOString(),
      attendees: ['politie'],
      summary: 'Plan vastgesteld',
      actions: [{ description: 'Huisbezoek', owner: 'politie', due: '2027-02-10' }],
      plan: {
        goals: [
          { domain: 'veiligheid', goal: 'a', interventions: [{ description: 'x', owner: 'politie' }] },
          { domain: 'zorg', goal: 'b', interventions: [{ description: 'y', owner: 'politie' }] },
          { domain: 'gezin', goal: 'c', interventions: [{ description: 'z', owner: 'politie' }] },
        ],
      },
    },
    T0 + 2 * HOUR,
  );
  step(
    'proposeDeescalation',
    {
      breakthrough: 'Hulp loopt',
      regieTo: 'cjg',
      regieToOrganisation: 'CJG',
      agreements: 'CJG houdt de regie',
      avePhase: 2,
      referrerDiscussed: { on: '2027-01-31' },
      votes: [{ partnerId: 'politie', vote: 'akkoord' }],
    },
    T0 + 3 * HOUR,
  );
  step(
    'closeCase',
    {
      kind: 'doorbraak',
      reason: 'Doorbraak bereikt',
      remainingRisks: { content: 'a', context: 'b', process: 'c' },
      regieHeldBy: 'CJG',
      aftercare: { needed: false },
      addedValue: 'Eén plan',
      referrerInformed: true,
      evaluationPlannedOn: '2027-03-01',
    },
    T0 + 4 * HOUR,
  );
  return all;
}

describe('keys without personal data', () => {
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
