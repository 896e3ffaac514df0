/**
 * Signalen voor beleid (docs/signals.md): one standing workflow per municipality, workflow id
 * `signalen-<gemeente>`, started by the first `casus signaal` of that municipality
 * (update-with-start). It holds the open signals, takes the regisseur's Updates (a signal; the
 * follow-up of the Overleg programma Jeugd & Veiligheid), writes each change to the records
 * database, and at every agenda moment (every 2 weeks by default: the overleg meets "1 x per 2
 * weken") mails the overleg's contacts the agenda of open signals. Continues as new when the
 * history grows. Deterministic: time is workflow time; its history holds policy texts checked
 * for personal data, never a case's personal data itself.
 */
import {
  allHandlersFinished,
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { ErrorCode } from '../domain/case/terms';
import { dutchDay } from '../domain/case/time';
import {
  agendaDone,
  agendaOf,
  casePrivacyRefusal,
  checkSignalCommand,
  earlierAnswer,
  newSignalsState,
  openSignals,
  recordFollowUp,
  recordSignal,
  rememberCommand,
  SIGNAL_UPDATES,
  signalsQuery,
  signalUpdates,
  textsOf,
  viewOf,
  type SignalAgenda,
  type SignalCommandResult,
  type SignalsState,
  type SignalText,
  type SignalUpdateName,
  type SignalWrite,
} from '../domain/signals';
import type { PersonalDataKind } from '../domain/case/privacy';
import { Alarm } from './alarm';

/** The signals activities (activities/signals.ts; the worker checks they match this). */
export interface SignalActivityContract {
  /** The worker's configured agenda interval (CASUS_SIGNALEN_INTERVAL). */
  signalSettings(): Promise<{ intervalMs: number }>;
  /** Which of the case's own personal data the texts hold (kinds only); `known: false` for a case the records do not hold. */
  checkSignalAgainstCase(
    caseNumber: string,
    texts: SignalText[],
  ): Promise<{ known: boolean; found: { field: SignalText['field']; kinds: PersonalDataKind[] }[] }>;
  recordPolicySignals(writes: SignalWrite[]): Promise<{ written: number }>;
  sendSignalAgenda(
    agenda: SignalAgenda,
  ): Promise<{ recipients: number; outcome: 'verzonden' | 'al-verzonden' | 'onzeker' }>;
  signalAgendaNotSent(agenda: SignalAgenda, reason: string): Promise<{ told: boolean }>;
}

/** Writes to the records database: retried with backoff for up to a week (the problem watch sees a long retry). */
const WRITE_OPTIONS = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '7 days',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
} as const;
/** The agenda mail: about 12 hours of retries, so it still goes out the same day after an outage. */
const MAIL_OPTIONS = {
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '30 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    maximumAttempts: 16,
  },
} as const;
/** The check against a case while the regisseur waits for the answer: quick, or refused. */
const CHECK_OPTIONS = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
} as const;
const { recordPolicySignals, sendSignalAgenda, signalAgendaNotSent, checkSignalAgainstCase } =
  proxyActivities<SignalActivityContract>(WRITE_OPTIONS);
const local = proxyLocalActivities<SignalActivityContract>({ startToCloseTimeout: '10 seconds' });

export const DEFAULT_SIGNALS_HISTORY_LIMIT = 2000;

export interface SignalsInput {
  municipality: string;
  /** Set only by the workflow itself when it continues as new. */
  resume?: { state: SignalsState; writes: SignalWrite[] };
  /** Continue as new past this many history events (default 2000). Tests set it low. */
  historyEventLimit?: number;
}

export async function policySignalsWorkflow(input: SignalsInput): Promise<void> {
  const s: SignalsState = input.resume?.state ?? newSignalsState(input.municipality);
  const writes: SignalWrite[] = [...(input.resume?.writes ?? [])];
  let changed = false;
  /** A write that failed for good waits for the next change or agenda moment (no busy loop). */
  const stuck = { writes: false };

  // ——— Messages, in place before the first await: the first signal arrives with the start.
  setHandler(signalsQuery, () => viewOf(s));
  handle(
    'recordPolicySignal',
    s,
    async (payload, actor) => {
      const p = payload as ReturnType<typeof SIGNAL_UPDATES.recordPolicySignal.schema.parse>;
      if (p.caseNumber) await checkAgainstCase(p.caseNumber, textsOf(p));
      return recordSignal(s, p, { now: Date.now(), actor });
    },
    (w) => {
      writes.push(w);
      changed = true;
    },
  );
  handle(
    'recordSignalFollowUp',
    s,
    (payload, actor) => {
      const p = payload as ReturnType<typeof SIGNAL_UPDATES.recordSignalFollowUp.schema.parse>;
      return Promise.resolve(recordFollowUp(s, p, { now: Date.now(), actor }));
    },
    (w) => {
      writes.push(w);
      changed = true;
    },
  );

  // ——— The agenda rhythm: read from the worker's configuration at the start (and after every agenda).
  if (s.agenda.nextAt === undefined) {
    const { intervalMs } = await local.signalSettings.executeWithOptions(
      { summary: 'Ritme van de agenda' },
      [],
    );
    s.agenda.intervalMs = intervalMs;
    s.agenda.nextAt = Date.now() + intervalMs;
  }

  const alarm = new Alarm();
  for (;;) {
    stuck.writes = !(await flush(writes));
    show(s);
    if (Date.now() >= s.agenda.nextAt!) {
      await agendaMoment(s, writes);
      continue;
    }
    const info = workflowInfo();
    if (
      info.continueAsNewSuggested ||
      info.historyLength > (input.historyEventLimit ?? DEFAULT_SIGNALS_HISTORY_LIMIT)
    ) {
      await condition(allHandlersFinished);
      await flush(writes);
      return continueAsNew<typeof policySignalsWorkflow>({ ...input, resume: { state: s, writes } });
    }
    alarm.setFor(s.agenda.nextAt!, 'Volgende agenda');
    changed = false;
    // Bounded: the agenda timer wakes it at the latest.
    await condition(() => changed || (!stuck.writes && writes.length > 0) || alarm.wentOff());
  }
}

/**
 * One Update of the signals workflow: the validator checks payload, actor, personal data by form
 * and the signal's state; the handler checks again (the state may have changed), answers a
 * command it applied before (same update id, also after continue-as-new) with that answer, and
 * applies it.
 */
function handle(
  name: SignalUpdateName,
  s: SignalsState,
  apply: (payload: unknown, actor: string) => Promise<{ result: SignalCommandResult; write: SignalWrite }>,
  onWrite: (w: SignalWrite) => void,
): void {
  const checked = (payload: unknown) => {
    const outcome = checkSignalCommand(s, name, payload, Date.now());
    if (!outcome.ok)
      throw ApplicationFailure.nonRetryable(
        outcome.refusal.message,
        outcome.refusal.code,
        outcome.problems ?? [],
      );
    return outcome;
  };
  const update = signalUpdates[name] as unknown as UpdateDefinition<SignalCommandResult, [unknown]>;
  setHandler(
    update,
    async (payload: unknown): Promise<SignalCommandResult> => {
      const updateId = currentUpdateInfo()?.id;
      // A command that came with the start waits until the agenda's moment is known (its first moments).
      if (s.agenda.nextAt === undefined) await condition(() => s.agenda.nextAt !== undefined);
      const before = earlierAnswer(s, updateId);
      if (before) return before;
      const ok = checked(payload);
      try {
        const { result, write } = await apply(ok.payload, ok.actor);
        rememberCommand(s, updateId, result);
        onWrite(write);
        return result;
      } catch (err) {
        if (err instanceof ApplicationFailure || isCancellation(err)) throw err;
        throw ApplicationFailure.nonRetryable(
          `Interne fout bij het verwerken van de opdracht: ${err instanceof Error ? err.message : String(err)}`,
          ErrorCode.INTERNAL_ERROR,
        );
      }
    },
    {
      validator: (payload: unknown) => {
        if (earlierAnswer(s, currentUpdateInfo()?.id)) return;
        checked(payload);
      },
      description: `Opdracht van de regisseur: casus ${SIGNAL_UPDATES[name].cli}`,
    },
  );
}

/** With --casus: the texts against the case's own personal data, read by an activity (only kinds come back). */
async function checkAgainstCase(caseNumber: string, texts: SignalText[]): Promise<void> {
  let answer;
  try {
    answer = await checkSignalAgainstCase.executeWithOptions(
      { ...CHECK_OPTIONS, summary: `Controle tegen casus ${caseNumber}` },
      [caseNumber, texts],
    );
  } catch (err) {
    if (isCancellation(err)) throw err;
    throw ApplicationFailure.nonRetryable(
      `De tekst kon nu niet worden gecontroleerd op persoonsgegevens van casus ${caseNumber} (het dossier is niet bereikbaar); er is niets vastgelegd. Geef de opdracht later opnieuw.`,
      ErrorCode.SIGNAL_CHECK_UNAVAILABLE,
    );
  }
  if (!answer.known)
    throw ApplicationFailure.nonRetryable(
      `Casus ${caseNumber} staat niet in het dossier; controleer het casusnummer, of leg het signaal vast zonder --casus.`,
      ErrorCode.CASE_NOT_FOUND,
    );
  const refusal = casePrivacyRefusal(caseNumber, answer.found);
  if (refusal) throw ApplicationFailure.nonRetryable(refusal.message, refusal.code);
}

/** Writes what changed to the records database, after every Update in this task has answered. */
async function flush(writes: SignalWrite[]): Promise<boolean> {
  await condition(allHandlersFinished);
  while (writes.length > 0) {
    const batch = writes.slice(0);
    try {
      await recordPolicySignals.executeWithOptions(
        { ...WRITE_OPTIONS, summary: `Vastleggen: ${batch.map((w) => w.signal.id).join(', ')}` },
        [batch],
      );
      writes.splice(0, batch.length);
    } catch (err) {
      if (isCancellation(err)) throw err;
      // Kept in the workflow and written at the next agenda moment; the signals themselves are safe here.
      log.warn('policy signals not written', { count: batch.length });
      return false;
    }
  }
  return true;
}

/** The agenda moment: mail the open signals (if any) to the Overleg programma; the next moment follows. */
async function agendaMoment(s: SignalsState, writes: SignalWrite[]): Promise<void> {
  const agenda = agendaOf(s, Date.now());
  let outcome = 'geen-signalen';
  if (agenda.signals.length > 0) {
    try {
      outcome = (
        await sendSignalAgenda.executeWithOptions(
          { ...MAIL_OPTIONS, summary: `Agenda ${agenda.number}: ${agenda.signals.length} open signalen` },
          [agenda],
        )
      ).outcome;
    } catch (err) {
      if (isCancellation(err)) throw err;
      const cause = err instanceof ActivityFailure ? err.cause : err;
      const reason =
        cause instanceof ApplicationFailure ? `${cause.message} [${cause.type ?? 'fout'}]` : 'onbekende fout';
      outcome = 'niet-verstuurd';
      // The regisseur is told; the signals stay open and go on the next agenda.
      await signalAgendaNotSent
        .executeWithOptions({ ...MAIL_OPTIONS, summary: `Agenda ${agenda.number} niet verstuurd` }, [
          agenda,
          reason,
        ])
        .catch(() => undefined);
    }
  }
  const { intervalMs } = await local.signalSettings.executeWithOptions(
    { summary: 'Ritme van de agenda' },
    [],
  );
  writes.push(...agendaDone(s, agenda, outcome, Date.now(), intervalMs));
}

function show(s: SignalsState): void {
  const open = openSignals(s).length;
  setCurrentDetails(
    `Signalen voor beleid, gemeente ${s.municipality}: ${open} open; volgende agenda ${
      s.agenda.nextAt !== undefined ? dutchDay(s.agenda.nextAt) : 'onbekend'
    }.`,
  );
}
