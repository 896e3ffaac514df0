/**
 * `casus`: the regisseur's command-line client. Dutch for the user, `--json` for scripts.
 * Exit code 0 on success; 1 with a one-line Dutch reason (and the error code) on refusal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, Help } from 'commander';
// Only types at the top: each command loads what it needs when it runs (docs/architecture.md,
// "Wat de CLI laadt"), so `casus status` does not load yaml, the report's PDF libraries or the
// other commands' payload schemas.
import type { UpdateDefinition } from '@temporalio/common';
import type { CaseStatus, CommandResult } from '../domain/contract';
import type { CasusClient } from './casus-client';
import type { Options } from './commands';

/** The commands that need neither the contract's Update table nor its payload schemas to be set up. */
const OWN_COMMANDS = ['aanmelden', 'status', 'tijdlijn', 'lijst', 'rapport'] as const;

/** The command named on the command line (the first word that is not an option), if any. */
function commandNamed(argv: string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

const DUTCH_HEADINGS: [RegExp, string][] = [
  [/^Usage:/gm, 'Gebruik:'],
  [/^Options:/gm, 'Opties:'],
  [/^Commands:/gm, 'Opdrachten:'],
  [/^Arguments:/gm, 'Argumenten:'],
  [/\[options\]/g, '[opties]'],
  [/\[command\]/g, '[opdracht]'],
  [/display help for command/g, 'toon de hulp bij een opdracht'],
];

function dutchHelp(cmd: Command): Command {
  cmd.configureHelp({
    formatHelp: (c, helper) =>
      DUTCH_HEADINGS.reduce(
        (text, [re, nl]) => text.replace(re, nl),
        Help.prototype.formatHelp.call(helper, c, helper),
      ),
  });
  cmd.helpOption('-h, --help', 'toon deze hulp');
  return cmd;
}

interface GlobalOptions {
  json?: boolean;
}

async function withClient<T>(fn: (client: CasusClient) => Promise<T>): Promise<T> {
  const [
    { connectionTargets, loadConfig },
    { caseKeyStoreFor, casusClientDataConverter, resolveKeyRing },
    { CasusClient },
  ] = await Promise.all([import('../runtime/config'), import('../runtime'), import('./casus-client')]);
  const config = loadConfig();
  // The same keys as the worker: from the environment, or the embedded stack's development key.
  const keys = resolveKeyRing(config, config.temporal.address === undefined);
  // Each case's own data key, from the records database (connected only when a case is read or changed).
  const caseKeys = caseKeyStoreFor(connectionTargets(config).databaseUrl, keys.ring);
  const client = await CasusClient.connect({
    address: connectionTargets(config).temporalAddress,
    namespace: config.temporal.namespace,
    security: config.temporal.security,
    answerTimeoutMs: await answerTimeout(),
    dataConverter: casusClientDataConverter(keys.ring, caseKeys),
  }).catch(async (err) => {
    await caseKeys.close();
    throw err;
  });
  try {
    return await fn(client);
  } finally {
    await client.close();
    await caseKeys.close();
  }
}

/** How long a command waits for the worker: CASUS_ANSWER_TIMEOUT, e.g. "10s" (the default). */
async function answerTimeout(): Promise<number> {
  const raw = process.env.CASUS_ANSWER_TIMEOUT;
  if (raw === undefined || raw.trim() === '') return 10_000;
  const [{ parseDuration }, { CasusError }] = await Promise.all([
    import('../domain/duration'),
    import('./casus-client'),
  ]);
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0) {
    throw new CasusError(
      'INVALID_PAYLOAD',
      `CASUS_ANSWER_TIMEOUT: verwacht een duur zoals "10s" of "1m" (kreeg "${raw}")`,
    );
  }
  return ms;
}

/** The municipalities of the contacts file (CONTACTS_FILE), which the door accepts. */
async function municipalitiesAtDoor(): Promise<string[]> {
  const [{ ConfigError, loadConfig }, { knownMunicipalities, readContactsFile }] = await Promise.all([
    import('../runtime/config'),
    import('../domain/contacts'),
  ]);
  const config = loadConfig();
  try {
    return knownMunicipalities(readContactsFile(config.contactsFile));
  } catch (err) {
    throw new ConfigError([`CONTACTS_FILE: ${(err as Error).message}`]);
  }
}

async function readInputFile(file: string): Promise<unknown> {
  const { CasusError } = await import('./casus-client');
  const yaml = /\.ya?ml$/i.test(file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new CasusError('INVALID_PAYLOAD', `Het bestand ${file} is niet te lezen.`);
  }
  try {
    // yaml is loaded for a YAML file only.
    return yaml ? (await import('yaml')).parse(text) : JSON.parse(text);
  } catch (err) {
    throw new CasusError(
      'INVALID_PAYLOAD',
      `Het bestand ${path.basename(file)} is geen geldige ${yaml ? 'YAML' : 'JSON'}: ${(err as Error).message}`,
    );
  }
}

/** Merges `over` onto `base`; nested objects merge, other values replace. */
function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? mergeDeep(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function output(opts: GlobalOptions, json: unknown, human: string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(json, null, 2)}\n` : `${human}\n`);
}

/**
 * The program, with every command for help and for an Update command; for one of OWN_COMMANDS
 * (`argv` names it) with that command alone, so the contract's Update table is not loaded for it.
 */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const named = commandNamed(argv);
  const own = (OWN_COMMANDS as readonly string[]).includes(named ?? '');
  const wanted = (name: string) => !own || named === name;
  const program = dutchHelp(new Command('casus'))
    .description('Casusregie Jeugd & Veiligheid: stuur casussen aan vanaf de opdrachtregel.')
    .option('--json', 'uitvoer als JSON, voor scripts')
    .addHelpText(
      'after',
      `\nVerbinding: TEMPORAL_ADDRESS (standaard de ingebouwde omgeving van \`npm start\`).\nVoorbeeld:\n  casus aanmelden docs/voorbeeld-aanmelding.yaml\n  casus status BEV-2027-0012`,
    );

  if (wanted('aanmelden'))
    dutchHelp(program.command('aanmelden'))
      .description('meld een casus aan vanuit een JSON- of YAML-bestand (het aanmeldformulier)')
      .argument('<bestand>', 'het aanmeldformulier als .json, .yaml of .yml')
      .option(
        '--controleer',
        'controleer het bestand alleen (velden, leeftijd, datums, gemeente), zonder verbinding met Temporal',
      )
      .addHelpText(
        'after',
        '\nVoorbeelden:\n  casus aanmelden docs/voorbeeld-aanmelding.yaml\n  casus aanmelden --controleer docs/voorbeeld-aanmelding.yaml',
      )
      .action(async (file: string, o: { controleer?: boolean }) => {
        const opts = program.opts<GlobalOptions>();
        const input = await readInputFile(file);
        // The whole file is checked before anything connects: a referral can be checked without a server.
        const door = { now: Date.now(), municipalities: await municipalitiesAtDoor() };
        const { checkReferralAtDoor } = await import('./casus-client');
        const referral = checkReferralAtDoor(input, door);
        if (o.controleer) {
          output(
            opts,
            { caseNumber: referral.caseNumber, ok: true },
            `De aanmelding van casus ${referral.caseNumber} is in orde; er is niets verstuurd.`,
          );
          return;
        }
        const result = await withClient((c) => c.submitReferral(input, door));
        output(
          opts,
          result,
          `Aanmelding ontvangen: casus ${result.caseNumber}. De netwerkregisseur is per e-mail op de hoogte gebracht.`,
        );
      });

  // The views of one case: its status and its timeline, both from the status query.
  const views = [
    [
      'status',
      'toon de status van een casus',
      async (x: CaseStatus): Promise<[unknown, string]> => [x, (await import('./format')).formatStatus(x)],
    ],
    [
      'tijdlijn',
      'toon de gebeurtenissen van een casus in volgorde',
      async (x: CaseStatus): Promise<[unknown, string]> => [
        x.timeline,
        (await import('./format')).formatTimeline(x),
      ],
    ],
  ] as const;
  for (const [name, description, show] of views) {
    if (!wanted(name)) continue;
    dutchHelp(program.command(name))
      .description(description)
      .argument('<casusnummer>', 'het casusnummer, zoals BEV-2027-0012')
      .addHelpText('after', `\nVoorbeeld:\n  casus ${name} BEV-2027-0012`)
      .action(async (caseNumber: string) => {
        const [json, text] = await show(await withClient((c) => c.status(caseNumber)));
        output(program.opts<GlobalOptions>(), json, text);
      });
  }

  // The Update commands: their names and payload schemas are the contract's.
  const contract = own ? undefined : await import('../domain/contract');
  const { CLI_COMMANDS } = own ? { CLI_COMMANDS: undefined } : await import('./commands');
  for (const name of contract?.UPDATE_NAMES ?? []) {
    const { UPDATES, updates, PAYLOAD_LABELS } = contract!;
    const spec = CLI_COMMANDS![name];
    const { cli, schema } = UPDATES[name];
    const update: UpdateDefinition<CommandResult, [unknown]> = updates[name];
    const cmd = dutchHelp(program.command(cli))
      .description(spec.description)
      .argument('<casusnummer>', 'het casusnummer');
    for (const a of spec.args ?? []) cmd.argument(a.name, a.description);
    for (const o of spec.options) cmd.option(o.flags, o.description);
    cmd.option(
      '--opdracht-id <id>',
      'eigen id van deze opdracht (standaard: uit casus, opdracht, inhoud en datum); dezelfde id wordt hooguit één keer uitgevoerd',
    );
    cmd.addHelpText(
      'after',
      `\nVoorbeeld${spec.examples.length > 1 ? 'en' : ''}:\n${spec.examples.map((e) => `  ${e}`).join('\n')}`,
    );
    cmd.action(async (caseNumber: string, ...rest: unknown[]) => {
      const opts = program.opts<GlobalOptions>();
      const positional = rest.slice(0, spec.args?.length ?? 0) as string[];
      const o = rest[spec.args?.length ?? 0] as Options;
      const fromFile = typeof o.bestand === 'string' ? await readInputFile(o.bestand) : {};
      const [{ CasusError }, { describeIssues }] = await Promise.all([
        import('./casus-client'),
        import('../domain/validation'),
      ]);
      if (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile)) {
        throw new CasusError(
          'INVALID_PAYLOAD',
          `Het bestand ${String(o.bestand)} bevat geen object met velden.`,
        );
      }
      const payload = mergeDeep(fromFile as Record<string, unknown>, spec.payload(positional, o));
      const checked = schema.safeParse(payload);
      if (!checked.success) {
        throw new CasusError(
          'INVALID_PAYLOAD',
          `De invoer voor ${cli} klopt niet.`,
          describeIssues(checked.error, PAYLOAD_LABELS),
        );
      }
      const commandId = typeof o.opdrachtId === 'string' ? o.opdrachtId : undefined;
      const result = await withClient((c) =>
        c.command(caseNumber, update, checked.data, commandId ? { commandId } : {}),
      );
      output(opts, { caseNumber, command: cli, result }, result.message);
    });
  }

  if (wanted('lijst'))
    dutchHelp(program.command('lijst'))
      .description('toon alle casussen, met filters (uit de zoekattributen van Temporal)')
      .option('--status <status>', 'alleen casussen met deze status, zoals actief of aangemeld')
      .option('--gemeente <gemeente>', 'alleen casussen van deze gemeente, zoals beverwijk')
      .option('--opschaling <niveau>', 'alleen casussen met deze open opschaling, zoals beleid of management')
      .option('--termijn-verlopen', 'alleen casussen waarvan een termijn verlopen is')
      .option('--groep <label>', 'alleen casussen van dit groepslabel, zoals grensgroep')
      .option('--acuut', 'alleen acute casussen')
      .option(
        '--problemen',
        'alleen lopende casussen die vastlopen: de workflowtaak faalt steeds, of een stap wordt steeds opnieuw geprobeerd',
      )
      .addHelpText(
        'after',
        '\nVoorbeelden:\n  casus lijst\n  casus lijst --status actief --gemeente heemskerk\n  casus lijst --termijn-verlopen\n  casus lijst --problemen',
      )
      .action(
        async (o: {
          status?: string;
          gemeente?: string;
          opschaling?: string;
          termijnVerlopen?: boolean;
          groep?: string;
          acuut?: boolean;
          problemen?: boolean;
        }) => {
          const opts = program.opts<GlobalOptions>();
          const { loadConfig } = await import('../runtime/config');
          const { items, more } = await withClient((c) =>
            c.listPage({
              state: o.status,
              municipality: o.gemeente,
              escalationLevel: o.opschaling,
              overdue: o.termijnVerlopen ? true : undefined,
              groupLabel: o.groep,
              acute: o.acuut ? true : undefined,
              problems: o.problemen ? true : undefined,
              activityAttempts: o.problemen ? loadConfig().problems.activityAttempts : undefined,
            }),
          );
          const shown = more ? { limit: items.length, problems: o.problemen } : undefined;
          const { formatList, moreLine } = await import('./format');
          output(opts, items, formatList(items, shown));
          // The JSON stays the list itself; that it is not all of it goes to stderr.
          if (opts.json && shown) process.stderr.write(`${moreLine(shown)}\n`);
        },
      );

  if (wanted('groep'))
    dutchHelp(program.command('groep'))
      .description('toon alle casussen van een groep met hun status (groepsgerichte aanpak)')
      .argument('<label>', 'het groepslabel, zoals grensgroep')
      .addHelpText('after', '\nVoorbeeld:\n  casus groep grensgroep')
      .action(async (label: string) => {
        const items = await withClient((c) => c.list({ groupLabel: label }));
        const { formatGroup } = await import('./format');
        output(program.opts<GlobalOptions>(), { groupLabel: label, cases: items }, formatGroup(label, items));
      });

  if (wanted('rapport')) (await import('./report')).registerReportCommand(program, dutchHelp);
  if (!own) (await import('./signals')).registerSignalCommands(program, dutchHelp, withClient);

  return program;
}

/**
 * Exit codes (README, "Uitkomst en exitcodes"): 0 uitgevoerd; 1 geweigerd (nothing changed);
 * 2 niet verstuurd or niet te lezen (nothing changed); 3 wacht op de worker or uitkomst
 * onbekend (the command may still be carried out, once).
 */
export const EXIT = { done: 0, refused: 1, notSent: 2, pending: 3 } as const;

interface Explained {
  message: string;
  code: string;
  problems: string[];
  outcome: 'refused' | 'not-sent' | 'pending';
  commandId?: string;
}

async function explain(err: unknown): Promise<Explained> {
  // Already loaded when they were thrown; loaded here so that no command loads them up front.
  const [{ CasusError }, { ConfigError }] = await Promise.all([
    import('./casus-client'),
    import('../runtime/config'),
  ]);
  if (err instanceof CasusError)
    return {
      message: err.message,
      code: err.code,
      problems: err.problems,
      outcome: err.outcome,
      ...(err.commandId ? { commandId: err.commandId } : {}),
    };
  if (err instanceof ConfigError)
    return { message: err.message, code: 'INVALID_CONFIG', problems: err.problems, outcome: 'not-sent' };
  return {
    message: `Onverwachte fout: ${(err as Error).message}`,
    code: 'UNEXPECTED',
    problems: [],
    outcome: 'not-sent',
  };
}

const LEAD: Record<Explained['outcome'], string> = {
  refused: 'Geweigerd',
  'not-sent': 'Niet uitgevoerd',
  pending: 'In behandeling',
};

export async function main(argv: string[]): Promise<void> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const json = program.opts<GlobalOptions>().json === true;
    const e = await explain(err);
    if (json) {
      process.stdout.write(
        `${JSON.stringify(e.outcome === 'pending' ? { pending: e } : { error: e }, null, 2)}\n`,
      );
    } else {
      const id = e.commandId && e.outcome === 'pending' ? `  (opdracht-id ${e.commandId})\n` : '';
      process.stderr.write(
        `${LEAD[e.outcome]}: ${e.message} [${e.code}]\n${e.problems.map((p) => `  - ${p}\n`).join('')}${id}`,
      );
    }
    process.exitCode =
      e.outcome === 'pending' ? EXIT.pending : e.outcome === 'refused' ? EXIT.refused : EXIT.notSent;
  }
}

if (require.main === module) void main(process.argv);
