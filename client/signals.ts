/**
 * Signalen voor beleid from the client side (docs/signals.md): `casus signaal`, `casus signalen` and
 * `casus signaal-opvolging`, and the typed client they use. A command goes to the municipality's
 * standing signals workflow (`signalen-<gemeente>`) as an Update with start: the first signal of a
 * municipality starts its workflow, every later one finds it running. The update id is the
 * command's stable id (as for the case commands), so a command given again is applied once.
 */
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { Command } from 'commander';
import { ErrorCode, SEARCH_ATTRIBUTES, TASK_QUEUE, caseWorkflowId } from '../domain/contract';
import { knownMunicipalities, readContactsFile } from '../domain/contacts';
import { dutchDay } from '../domain/case/time';
import { describeIssues } from '../domain/validation';
import {
  genericPrivacyRefusal,
  SIGNAL_LIST_CLI,
  SIGNAL_PAYLOAD_LABELS,
  SIGNAL_THEMES,
  SIGNAL_UPDATES,
  SIGNALS_WORKFLOW_TYPE,
  signalsQuery,
  signalsWorkflowId,
  signalUpdates,
  textsOf,
  type PolicySignal,
  type SignalCommandResult,
  type SignalsView,
  type SignalUpdateName,
} from '../domain/signals';
import { ConfigError, loadConfig } from '../runtime/config';
import { withActor } from './actor';
import { CasusClient, CasusError, commandIdFor } from './casus-client';
import { readDutchDate } from './dates';

const NO_WORKER_HINT = 'Start de worker (bijvoorbeeld met `npm start`).';

/** The signals of the municipalities, through a connected CasusClient. */
export class SignalsClient {
  constructor(private readonly casus: CasusClient) {}

  private get deadline(): number {
    return Date.now() + this.casus.answerTimeoutMs;
  }

  /** A signals command as an Update with start of the municipality's signals workflow. */
  async command<N extends SignalUpdateName>(
    municipality: string,
    name: N,
    payload: Record<string, unknown>,
    options: { commandId?: string } = {},
  ): Promise<SignalCommandResult> {
    const workflowId = signalsWorkflowId(municipality);
    const sent = withActor(payload);
    const updateId = options.commandId ?? commandIdFor(workflowId, name, sent);
    const start = new WithStartWorkflowOperation(SIGNALS_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: TASK_QUEUE,
      args: [{ municipality }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `Signalen voor beleid (gemeente ${municipality})`,
      staticDetails: `De open signalen voor beleid van gemeente ${municipality}, met hun opvolging door het Overleg programma Jeugd & Veiligheid.`,
    });
    const def = signalUpdates[name] as unknown as UpdateDefinition<SignalCommandResult, [unknown]>;
    try {
      return await this.casus.client.withDeadline(this.deadline, () =>
        this.casus.client.workflow.executeUpdateWithStart(def, {
          args: [sent],
          updateId,
          startWorkflowOperation: start,
        }),
      );
    } catch (err) {
      throw this.explain(err, updateId);
    }
  }

  /** The signals of a municipality; none when its signals workflow has not started yet. */
  async list(municipality: string): Promise<SignalsView> {
    const handle = this.casus.client.workflow.getHandle(signalsWorkflowId(municipality));
    try {
      return await this.casus.client.withDeadline(this.deadline, () => handle.query(signalsQuery));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || (err as { name?: string }).name === 'WorkflowNotFoundError')
        return { municipality, signals: [] };
      throw this.explain(err);
    }
  }

  /** The municipality of a case, from its search attribute (no personal data). */
  async municipalityOfCase(caseNumber: string): Promise<string> {
    try {
      const d = await this.casus.client.withDeadline(this.deadline, () =>
        this.casus.client.workflow.getHandle(caseWorkflowId(caseNumber)).describe(),
      );
      const m = d.typedSearchAttributes.get(SEARCH_ATTRIBUTES.municipality);
      if (m) return m;
    } catch (err) {
      if (!(
        err instanceof WorkflowNotFoundError || (err as { name?: string }).name === 'WorkflowNotFoundError'
      ))
        throw this.explain(err);
    }
    throw new CasusError(
      ErrorCode.CASE_NOT_FOUND,
      `Casus ${caseNumber} bestaat niet; controleer het casusnummer, of geef het signaal zonder --casus en met --gemeente.`,
    );
  }

  private explain(err: unknown, updateId?: string): Error {
    if (err instanceof CasusError) return err;
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const cause = err.cause;
      const problems = Array.isArray(cause.details?.[0]) ? (cause.details![0] as unknown[]).map(String) : [];
      return new CasusError((cause.type ?? 'REFUSED') as ErrorCode, cause.message, problems);
    }
    const code =
      (err as { code?: number; cause?: { code?: number } })?.code ??
      (err as { cause?: { code?: number } })?.cause?.code;
    const timedOut =
      err instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
      code === 4 ||
      /deadline/i.test(String((err as Error)?.message ?? ''));
    const seconds = Math.round(this.casus.answerTimeoutMs / 1000);
    if (timedOut)
      return updateId
        ? new CasusError(
            'NO_WORKER',
            `De opdracht wacht op de worker: die gaf binnen ${seconds} s geen antwoord. Zodra de worker draait, wordt de opdracht één keer uitgevoerd.`,
            [
              'Geef dezelfde opdracht gerust opnieuw, of kijk met `casus signalen`: hij wordt niet dubbel uitgevoerd.',
              NO_WORKER_HINT,
            ],
            updateId,
          )
        : new CasusError('NO_WORKER', `Geen antwoord van de worker binnen ${seconds} s. ${NO_WORKER_HINT}`);
    if (code === 14)
      return updateId
        ? new CasusError(
            'UNCERTAIN',
            'De verbinding met Temporal viel weg terwijl de opdracht onderweg was; of hij is uitgevoerd, is nog niet bekend.',
            [
              'Geef dezelfde opdracht opnieuw zodra Temporal bereikbaar is: hij wordt hooguit één keer uitgevoerd.',
            ],
            updateId,
          )
        : new CasusError(
            'NOT_REACHABLE',
            'Temporal is niet bereikbaar. Start de omgeving met `npm start` of zet TEMPORAL_ADDRESS.',
          );
    if (updateId)
      return new CasusError(
        'UNCERTAIN',
        'De uitkomst van de opdracht is onbekend (onverwachte fout na het versturen).',
        ['Geef dezelfde opdracht opnieuw: hij wordt hooguit één keer uitgevoerd.'],
        updateId,
      );
    return err as Error;
  }
}

// ————————————————————————————————————————— the CLI

type WithClient = <T>(fn: (client: CasusClient) => Promise<T>) => Promise<T>;

function knownAtDoor(): string[] {
  try {
    return knownMunicipalities(readContactsFile(loadConfig().contactsFile));
  } catch (err) {
    throw new ConfigError([`CONTACTS_FILE: ${(err as Error).message}`]);
  }
}

/** `--gemeente` checked against the contacts file. */
function municipalityAtDoor(given: string | undefined, known: string[]): string | undefined {
  if (given === undefined) return undefined;
  const id = given.trim().toLowerCase();
  if (!known.includes(id))
    throw new CasusError(
      ErrorCode.UNKNOWN_MUNICIPALITY,
      `Onbekende gemeente: ${given}. Het contactenbestand kent ${known.join(', ')}.`,
    );
  return id;
}

/** The payload checked with the contract's schema at the door: every wrong field named at once. */
function checkedAtDoor(name: SignalUpdateName, payload: Record<string, unknown>): Record<string, unknown> {
  const parsed = SIGNAL_UPDATES[name].schema.safeParse(payload);
  if (!parsed.success)
    throw new CasusError(
      ErrorCode.INVALID_PAYLOAD,
      `De invoer voor ${SIGNAL_UPDATES[name].cli} klopt niet.`,
      describeIssues(parsed.error, SIGNAL_PAYLOAD_LABELS),
    );
  // Personal data by its form is refused before anything connects; the workflow checks again.
  const privacy = genericPrivacyRefusal(
    textsOf(parsed.data as { subject?: string; text: string }),
    Date.now(),
  );
  if (privacy) throw new CasusError(privacy.code, privacy.message);
  return parsed.data as Record<string, unknown>;
}

const STATE_TEXT: Record<PolicySignal['state'], string> = { open: 'open', opgevolgd: 'opgevolgd' };

/** `casus signalen`: a table of the signals, open first. */
export function formatSignals(view: SignalsView, opts: { all: boolean }): string {
  const shown = view.signals
    .filter((x) => opts.all || x.state === 'open')
    .sort((a, b) => (a.state === b.state ? 0 : a.state === 'open' ? -1 : 1));
  const lines: string[] = [];
  const head = `Signalen voor beleid, gemeente ${view.municipality}`;
  lines.push(
    `${head}: ${view.signals.filter((x) => x.state === 'open').length} open` +
      (view.nextAgendaAt
        ? `; volgende agenda van het Overleg programma ${dutchDay(Date.parse(view.nextAgendaAt))}`
        : ''),
  );
  if (view.lastAgenda)
    lines.push(
      `  Vorige agenda: ${view.lastAgenda.number} op ${dutchDay(Date.parse(view.lastAgenda.at))} (${view.lastAgenda.signals} signalen, ${view.lastAgenda.outcome})`,
    );
  if (shown.length === 0) {
    lines.push(opts.all ? 'Geen signalen.' : 'Geen open signalen.');
    return lines.join('\n');
  }
  lines.push('');
  for (const x of shown) {
    const where = x.caseNumber ? `casus ${x.caseNumber}` : 'buiten een casus';
    lines.push(
      `${x.id.padEnd(5)} ${STATE_TEXT[x.state].padEnd(9)} ${x.theme.padEnd(7)} ${dutchDay(Date.parse(x.recordedAt))}  ${where}  ${x.subject}`,
    );
    for (const f of x.followUps)
      lines.push(
        `      opvolging ${dutchDay(Date.parse(`${f.discussedOn}T12:00:00Z`))}${f.keptOpen ? ' (blijft open)' : ''}: ${f.text}`,
      );
  }
  return lines.join('\n');
}

export function registerSignalCommands(
  program: Command,
  dutchHelp: (cmd: Command) => Command,
  withClient: WithClient,
): void {
  const json = () => program.opts<{ json?: boolean }>().json === true;
  const out = (data: unknown, human: string) =>
    process.stdout.write(json() ? `${JSON.stringify(data, null, 2)}\n` : `${human}\n`);
  const commandIdOption = [
    '--opdracht-id <id>',
    'eigen id van deze opdracht (standaard: uit gemeente, opdracht, inhoud en datum); dezelfde id wordt hooguit één keer uitgevoerd',
  ] as const;

  dutchHelp(program.command(SIGNAL_UPDATES.recordPolicySignal.cli))
    .description(
      'leg een signaal voor beleid vast (wat er misgaat in beleid, proces of keten), in een casus of daarbuiten; het gaat naar het Overleg programma Jeugd & Veiligheid',
    )
    .option('--thema <thema>', `${SIGNAL_THEMES.join(', ')}`)
    .option('--onderwerp <tekst>', 'kort onderwerp, zoals "wachtlijst jeugdhulp"')
    .option('--tekst <tekst>', 'wat er misgaat, zonder persoonsgegevens')
    .option('--casus <casusnummer>', 'de casus waarin het signaal zich voordeed (alleen het nummer gaat mee)')
    .option('--gemeente <gemeente>', 'de gemeente (verplicht zonder --casus)')
    .option(...commandIdOption)
    .addHelpText(
      'after',
      '\nVoorbeelden:\n  casus signaal --gemeente beverwijk --thema keten --onderwerp "wachtlijst jeugdhulp" --tekst "Jongeren wachten maanden op een intake"\n  casus signaal --casus BEV-2027-0001 --thema proces --onderwerp "overdracht ZVH" --tekst "Overdracht naar het ZVH duurt te lang"',
    )
    .action(
      async (o: {
        thema?: string;
        onderwerp?: string;
        tekst?: string;
        casus?: string;
        gemeente?: string;
        opdrachtId?: string;
      }) => {
        const known = knownAtDoor();
        const given = municipalityAtDoor(o.gemeente, known);
        const payload = checkedAtDoor('recordPolicySignal', {
          theme: o.thema,
          subject: o.onderwerp,
          text: o.tekst,
          ...(o.casus !== undefined ? { caseNumber: o.casus } : {}),
        });
        if (!given && !payload.caseNumber)
          throw new CasusError(
            ErrorCode.INVALID_PAYLOAD,
            'Geef --gemeente, of --casus voor een signaal uit een casus.',
          );
        const result = await withClient(async (c) => {
          const signals = new SignalsClient(c);
          let municipality = given;
          if (payload.caseNumber) {
            const ofCase = await signals.municipalityOfCase(String(payload.caseNumber));
            if (given && given !== ofCase)
              throw new CasusError(
                ErrorCode.INVALID_PAYLOAD,
                `Casus ${String(payload.caseNumber)} hoort bij gemeente ${ofCase}, niet bij ${given}.`,
              );
            municipality = ofCase;
          }
          const r = await signals.command(
            municipality!,
            'recordPolicySignal',
            payload,
            o.opdrachtId ? { commandId: o.opdrachtId } : {},
          );
          return { municipality: municipality!, result: r };
        });
        out({ command: SIGNAL_UPDATES.recordPolicySignal.cli, ...result }, result.result.message);
      },
    );

  dutchHelp(program.command(SIGNAL_UPDATES.recordSignalFollowUp.cli))
    .description('leg de opvolging van een signaal door het Overleg programma Jeugd & Veiligheid vast')
    .argument('<signaal>', 'het signaal, zoals S3 (zie casus signalen)')
    .option('--gemeente <gemeente>', 'de gemeente van het signaal')
    .option('--tekst <tekst>', 'wat het overleg besloot of deed')
    .option('--besproken-op <datum>', 'de dag van het overleg (standaard vandaag)')
    .option('--blijft-open', 'het signaal blijft op de agenda (een eerste antwoord)')
    .option(...commandIdOption)
    .addHelpText(
      'after',
      '\nVoorbeeld:\n  casus signaal-opvolging S3 --gemeente beverwijk --tekst "Beleid neemt het op in de inkoop 2028" --besproken-op 15-12-2026',
    )
    .action(
      async (
        id: string,
        o: {
          gemeente?: string;
          tekst?: string;
          besprokenOp?: string;
          blijftOpen?: boolean;
          opdrachtId?: string;
        },
      ) => {
        const municipality = municipalityAtDoor(o.gemeente, knownAtDoor());
        if (!municipality)
          throw new CasusError(ErrorCode.INVALID_PAYLOAD, 'Geef --gemeente van het signaal.');
        let discussedOn: string | undefined;
        if (o.besprokenOp !== undefined) {
          const r = readDutchDate(o.besprokenOp);
          if (!r.ok)
            throw new CasusError(
              ErrorCode.INVALID_PAYLOAD,
              `--besproken-op: verwacht een datum zoals "15-12-2026" (kreeg "${o.besprokenOp}")`,
            );
          discussedOn = r.value;
        }
        const payload = checkedAtDoor('recordSignalFollowUp', {
          id,
          text: o.tekst,
          ...(discussedOn ? { discussedOn } : {}),
          ...(o.blijftOpen ? { keepOpen: true } : {}),
        });
        const result = await withClient((c) =>
          new SignalsClient(c).command(
            municipality,
            'recordSignalFollowUp',
            payload,
            o.opdrachtId ? { commandId: o.opdrachtId } : {},
          ),
        );
        out({ command: SIGNAL_UPDATES.recordSignalFollowUp.cli, municipality, result }, result.message);
      },
    );

  dutchHelp(program.command(SIGNAL_LIST_CLI))
    .description(
      'toon de signalen voor beleid van een gemeente: open en opgevolgd, thema, datum, casus, opvolging',
    )
    .option('--gemeente <gemeente>', 'de gemeente (standaard: alle gemeenten van het contactenbestand)')
    .option('--alle', 'ook de opgevolgde signalen')
    .addHelpText('after', '\nVoorbeelden:\n  casus signalen --gemeente beverwijk\n  casus signalen --alle')
    .action(async (o: { gemeente?: string; alle?: boolean }) => {
      const known = knownAtDoor();
      const given = municipalityAtDoor(o.gemeente, known);
      const views = await withClient(async (c) => {
        const signals = new SignalsClient(c);
        const all: SignalsView[] = [];
        for (const m of given ? [given] : known) all.push(await signals.list(m));
        return all;
      });
      const shown = views.map((v) => ({
        ...v,
        signals: v.signals.filter((x) => o.alle || x.state === 'open'),
      }));
      out(
        given ? shown[0] : shown,
        views.map((v) => formatSignals(v, { all: o.alle === true })).join('\n\n'),
      );
    });
}
