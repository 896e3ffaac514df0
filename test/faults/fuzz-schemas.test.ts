/**
 * Bad input, generated (fast-check): the referral check (R1) and the check of every
 * regisseur command (the Update validators' own function, `checkCommand`), each with at least
 * 1,000 inputs — mostly invalid variants of a valid example, some valid ones, some random.
 * Neither ever throws; every refusal has a stable code and a clear Dutch message in which each
 * problem names its field: no English text of zod, no "undefined", no raw field path.
 */
import fc from 'fast-check';
import { ErrorCode, PAYLOAD_LABELS, UPDATE_NAMES, UpdateName } from '../../domain/contract';
import { checkReferral } from '../../domain/referral';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { COMMANDS } from '../../domain/case/registry';
import { newCase } from '../../domain/chapters/intake';
import { checkCommand } from '../../domain/case/command';
import type { CaseData } from '../../domain/case/state';
import { sampleReferral } from '../../kit/referral';
import {
  inputsFrom,
  stringsIn,
  textVariantsOf,
  unclearProblem,
  uncleanText,
  validPayloads,
  validReferrals,
} from './fuzz-inputs';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const CODES = new Set<string>(Object.values(ErrorCode));

/** Keys of the examples: a `where` made only of these (and indices) is a raw path, not a label. */
function keysOf(values: unknown[]): Set<string> {
  const keys = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        keys.add(k);
        walk(x);
      }
  };
  values.forEach(walk);
  return keys;
}

function labelCheck(keys: Set<string>, labels: Set<string>) {
  return (where: string) =>
    labels.has(where) || !where.split('.').every((seg) => /^\d+$/.test(seg) || keys.has(seg));
}

/** The problems of a refusal, split from "Ongeldige …: p1; p2". */
const problemsOf = (message: string) => message.replace(/^[^:]*?: /, '').split('; ');

describe('referral (R1): checkReferral', () => {
  it(`never throws; every refusal names the field in Dutch (${RUNS} generated inputs)`, () => {
    const valid = validReferrals();
    const isLabel = labelCheck(keysOf(valid), new Set());
    let refused = 0;
    fc.assert(
      fc.property(inputsFrom(valid), (input) => {
        const result = checkReferral(input);
        if (result.ok) return;
        refused++;
        expect(result.problems.length).toBeGreaterThan(0);
        const unclear = result.problems.map((p) => unclearProblem(p, isLabel)?.line).filter(Boolean);
        expect(unclear).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    // Mostly invalid input, as intended, and still some valid.
    expect(refused).toBeGreaterThan(RUNS / 2);
    expect(refused).toBeLessThan(RUNS);
  });
});

describe('every command payload: checkCommand (the Update validators)', () => {
  const examples = validPayloads();
  const labels = new Set(Object.values(PAYLOAD_LABELS));
  const now = Date.now();
  const ctx = { now, timings: DEFAULT_TIMINGS };
  const referral = checkReferral(sampleReferral({ referralDate: new Date(now).toISOString().slice(0, 10) }));
  if (!referral.ok) throw new Error(referral.problems.join('; '));
  /** A fresh case in the state the command is meant for: aangemeld for `assess`, else accepted. */
  const caseFor = (name: UpdateName): CaseData => {
    const d = newCase(referral.referral, now - 60_000);
    if (name !== 'assess') {
      const acc = checkCommand(d, COMMANDS.assess as never, examples.assess[0], ctx);
      if (!acc.ok) throw new Error(acc.refusal.message);
      COMMANDS.assess.apply(d, acc.payload as never, ctx);
    }
    return d;
  };

  it.each(UPDATE_NAMES)(
    `%s: never throws, refusals have a code and name each field in Dutch (${RUNS} inputs)`,
    (name) => {
      const command = COMMANDS[name] as never;
      const valid = examples[name];
      const isLabel = labelCheck(keysOf(valid), labels);
      const d = caseFor(name);
      let refusedAsPayload = 0;
      const unlabelled = new Set<string>();
      fc.assert(
        fc.property(inputsFrom(valid), (payload) => {
          const outcome = checkCommand(d, command, payload, ctx);
          if (outcome.ok) return;
          expect(CODES.has(outcome.refusal.code)).toBe(true);
          const message = outcome.refusal.message;
          expect(message.length).toBeGreaterThan(10);
          // Refused by the schema: the message lists the problems per field; else by the case's state.
          if (!COMMANDS[name].schema.safeParse(payload).success) {
            refusedAsPayload++;
            const unclear = problemsOf(message).map((p) => unclearProblem(p, isLabel));
            expect(unclear.filter((u) => u?.kind === 'text')).toEqual([]);
            for (const u of unclear)
              if (u?.kind === 'label')
                unlabelled.add(
                  u.line.replace(/^field without a Dutch label "([^"]*)"[\s\S]*$/, '$1').replace(/\d+/g, '*'),
                );
          } else {
            expect(unclearProblem(`invoer: ${message}`, () => true)).toBeUndefined();
          }
        }),
        { numRuns: RUNS },
      );
      expect(refusedAsPayload).toBeGreaterThan(RUNS / 2);
      // Every field a refusal names has a Dutch label in PAYLOAD_LABELS (domain/case/labels.ts).
      expect([...unlabelled].sort()).toEqual([]);
    },
  );
});

describe('text that passes the door is clean (NFC, no control or bidi characters, trimmed)', () => {
  /** Runs `parse` on generated variants; every string of an accepted output must be clean. */
  function everyAcceptedTextIsClean(valid: unknown[], parse: (input: unknown) => unknown) {
    let accepted = 0;
    let recomposed = 0;
    fc.assert(
      fc.property(fc.oneof(textVariantsOf(valid), inputsFrom(valid)), (input) => {
        const output = parse(input);
        if (output === undefined) return;
        accepted++;
        const unclean = stringsIn(output)
          .map(([path, s]) => [path, uncleanText(s), JSON.stringify(s)])
          .filter(([, why]) => why !== undefined);
        expect(unclean).toEqual([]);
        if (stringsIn(input).some(([, s]) => s !== s.normalize('NFC'))) recomposed++;
      }),
      { numRuns: RUNS },
    );
    // Both kinds happen: accepted input at all, and accepted input that had to be composed.
    expect(accepted).toBeGreaterThan(RUNS / 20);
    expect(recomposed).toBeGreaterThan(0);
  }

  it(`referral (${RUNS} inputs)`, () => {
    everyAcceptedTextIsClean(validReferrals(), (input) => {
      const r = checkReferral(input);
      return r.ok ? r.referral : undefined;
    });
  });

  it.each(UPDATE_NAMES)(`%s payload (${RUNS} inputs)`, (name) => {
    everyAcceptedTextIsClean(validPayloads()[name], (input) => {
      const parsed = COMMANDS[name].schema.safeParse(input);
      return parsed.success ? parsed.data : undefined;
    });
  });
});
