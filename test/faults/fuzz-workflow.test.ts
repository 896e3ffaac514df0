/**
 * Bad input against a running case (time-skipping server): generated payloads — mostly
 * invalid, some valid — sent to every Update of the contract. Each is either accepted or
 * refused with an ApplicationFailure whose type is a contract error code; the case keeps
 * running, with no failed workflow task in its history. A payload that ends the case (a valid
 * afwijzen or afsluiten) is allowed: the next ones go to a fresh case.
 */
import fc from 'fast-check';
import { WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import * as contract from '../../domain/contract';
import { ErrorCode, UPDATE_NAMES, UpdateName } from '../../domain/contract';
import { accept, command, dayAfter, Harness, startHarness, status, today } from '../../kit/case-harness';
import { sampleClosing } from '../../kit/referral';
import { inputsFrom, validPayloads } from './fuzz-inputs';

jest.setTimeout(3 * 60_000);

const PER_UPDATE = Number(process.env.FUZZ_WORKFLOW_RUNS ?? 40);
const CODES = new Set<string>(Object.values(ErrorCode));

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ taskQueue: 'fuzz' });
});
afterAll(async () => {
  await h?.teardown();
});

it(`every Update, ${PER_UPDATE} generated payloads each: accepted or refused with a contract code; no failed workflow task`, async () => {
  const examples = validPayloads();
  const handles: WorkflowHandle[] = [];
  let n = 0;
  const fresh = async (name: UpdateName) => {
    const handle = await h.startCase(`FUZ-2026-${String(++n).padStart(4, '0')}`);
    handles.push(handle);
    if (name === 'takeOverRegie' || name === 'closeFollowUp') {
      // An aangehaakt case waiting for its follow-up ("werkt de regisseur wel samen met het ZVH").
      await command(handle, contract.updates.assess, {
        decision: 'aanhaken',
        referrerDiscussed: { on: await today(h) },
        regieHeldBy: 'Zorg- en Veiligheidshuis',
        reason: 'Regie eerst bij het ZVH',
        checkInOn: dayAfter(await h.now(), 10),
      });
      return handle;
    }
    if (name !== 'assess') await accept(h, handle);
    if (name === 'recordEvaluation')
      // A closed case waiting for its process evaluation.
      await command(
        handle,
        contract.updates.closeCase,
        sampleClosing({
          kind: 'verhuisd',
          explanation: 'Verhuisd',
          evaluationPlannedOn: dayAfter(await h.now(), 14),
        }),
      );
    return handle;
  };
  const outcomes = { accepted: 0, refused: 0 };
  const unexpected: string[] = [];

  for (const name of UPDATE_NAMES) {
    let handle = await fresh(name);
    const payloads = fc.sample(inputsFrom(examples[name]), { numRuns: PER_UPDATE, seed: 8 + name.length });
    for (const payload of payloads) {
      // What a client can send: JSON (the data converter drops undefined, turns NaN into null).
      const sent = payload === undefined ? null : JSON.parse(JSON.stringify(payload) ?? 'null');
      try {
        await handle.executeUpdate(contract.updates[name] as UpdateDefinition<unknown, [unknown]>, {
          args: [sent],
        });
        outcomes.accepted++;
      } catch (err) {
        const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
        if (cause instanceof ApplicationFailure && CODES.has(cause.type ?? '') && cause.message.length > 0)
          outcomes.refused++;
        else
          unexpected.push(
            `${name} ${JSON.stringify(sent).slice(0, 200)} → ${String(err)} / ${String(cause)}`,
          );
      }
      const s = await status(handle);
      const waiting = name === 'recordEvaluation' || name === 'takeOverRegie' || name === 'closeFollowUp';
      const done = waiting
        ? (s.evaluation ?? s.followUp)?.outcome !== undefined
        : ['afgewezen', 'aangehaakt', 'afgesloten'].includes(s.state);
      if (done) handle = await fresh(name);
    }
  }
  expect(unexpected).toEqual([]);
  expect(outcomes.refused).toBeGreaterThan(outcomes.accepted);

  // Every case still runs (or ended by a valid command), without a failed workflow task.
  for (const handle of handles) {
    const history = await handle.fetchHistory();
    const failed = (history.events ?? []).filter((e) => e.workflowTaskFailedEventAttributes);
    expect({ id: handle.workflowId, failedTasks: failed.length }).toEqual({
      id: handle.workflowId,
      failedTasks: 0,
    });
    const d = await handle.describe();
    expect(['RUNNING', 'COMPLETED']).toContain(d.status.name);
  }
});
