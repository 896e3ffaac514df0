/**
 * A stand-in for a case whose code no longer replays its own history: the command handler
 * starts a timer only when it is replayed. The first worker that has to replay it fails every
 * workflow task with TMPRL1100 — a stuck case, for the repair test (test/ops/repair.test.ts).
 * Deliberately nondeterministic; never use this shape in real workflow code.
 */
import { condition, defineQuery, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { updates } from '../../../domain/contract';

export const notesQuery = defineQuery<string[]>('notes');

export async function caseWorkflow(): Promise<void> {
  const notes: string[] = [];
  setHandler(notesQuery, () => notes);
  setHandler(updates.logContact, async (p) => {
    if (workflowInfo().unsafe.isReplaying) await sleep(10);
    notes.push(String(p.note));
    return { message: 'Contact vastgelegd.', state: 'actief' as const };
  });
  await condition(() => notes.includes('einde'));
}
