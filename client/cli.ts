/**
 * `casus`: the regisseur's command-line client. Dutch for the user, `--json` for scripts.
 * Exit code 0 on success; 1 with a one-line Dutch reason (and the error code) on refusal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Command, Help } from 'commander';
import YAML from 'yaml';
import { ConfigError, connectionTargets, loadConfig } from '../domain/config';
import { casusDataConverter, resolveKeyRing } from '../worker/encryption';
import { CasusClient, CasusError } from './casus-client';
import { parseDuration } from '../domain/duration';
import { describeIssues } from '../domain/validation';
import { PAYLOAD_LABELS } from '../domain/contract';
import { COMMANDS, Options } from './commands';
import { formatList, formatStatus, formatTimeline } from './format';

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
  const config = loadConfig();
  // The same keys as the worker: from the environment, or the embedded stack's development key.
  const keys = resolveKeyRing(config, config.temporal.address === undefined);
  const client = await CasusClient.connect({
    address: connectionTargets(config).temporalAddress,
    namespace: config.temporal.namespace,
    answerTimeoutMs: answerTimeout(),
    dataConverter: casusDataConverter(keys.ring),
  });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** How long a command waits for the worker: CASUS_ANSWER_TIMEOUT, e.g. "10s" (the default). */
function answerTimeout(): number {
  const raw = process.env.CASUS_ANSWER_TIMEOUT;
  if (raw === undefined || raw.trim() === '') return 10_000;
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0) {
    throw new CasusError(
      'INVALID_PAYLOAD',
      `CASUS_ANSWER_TIMEOUT: verwacht een duur zoals "10s" of "1m" (kreeg "${raw}")`,
    );
  }
  return ms;
}

function readInputFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new CasusError('INVALID_PAYLOAD', `Het bestand ${file} is niet te lezen.`);
  }
  try {
    return /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
  } catch (err) {
    throw new CasusError(
      'INVALID_PAYLOAD',
      `Het bestand ${path.basename(file)} is geen geldige ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message}`,
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

export function buildProgram(): Command {
  const program = dutchHelp(new Command('casus'))
    .description('Casusregie Jeugd & Veiligheid: stuur casussen aan vanaf de opdrachtregel.')
    .option('--json', 'uitvoer als JSON, voor scripts')
    .addHelpText(
      'after',
      `\nVerbinding: TEMPORAL_ADDRESS (standaard de ingebouwde omgeving van \`npm start\`).\nVoorbeeld:\n  casus aanmelden docs/voorbeeld-aanmelding.yaml\n  casus status BEV-2027-0012`,
    );

  dutchHelp(program.command('aanmelden'))
    .description('meld een casus aan vanuit een JSON- of YAML-bestand (het aanmeldformulier)')
    .argument('<bestand>', 'het aanmeldformulier als .json, .yaml of .yml')
    .addHelpText('after', '\nVoorbeeld:\n  casus aanmelden docs/voorbeeld-aanmelding.yaml')
    .action(async (file: string) => {
      const opts = program.opts<GlobalOptions>();
      const input = readInputFile(file);
      const result = await withClient((c) => c.submitReferral(input));
      output(
        opts,
        result,
        `Aanmelding ontvangen: casus ${result.caseNumber}. De netwerkregisseur is per e-mail op de hoogte gebracht.`,
      );
    });

  dutchHelp(program.command('status'))
    .description('toon de status van een casus')
    .argument('<casusnummer>', 'het casusnummer, zoals BEV-2027-0012')
    .addHelpText('after', '\nVoorbeeld:\n  casus status BEV-2027-0012')
    .action(async (caseNumber: string) => {
      const opts = program.opts<GlobalOptions>();
      const status = await withClient((c) => c.status(caseNumber));
      output(opts, status, formatStatus(status));
    });

  dutchHelp(program.command('tijdlijn'))
    .description('toon de gebeurtenissen van een casus in volgorde')
    .argument('<casusnummer>', 'het casusnummer')
    .addHelpText('after', '\nVoorbeeld:\n  casus tijdlijn BEV-2027-0012')
    .action(async (caseNumber: string) => {
      const opts = program.opts<GlobalOptions>();
      const status = await withClient((c) => c.status(caseNumber));
      output(opts, status.timeline, formatTimeline(status));
    });

  for (const spec of COMMANDS) {
    const cmd = dutchHelp(program.command(spec.name))
      .description(spec.description)
      .argument('<casusnummer>', 'het casusnummer');
    for (const a of spec.args ?? []) cmd.argument(a.name, a.description);
    for (const o of spec.options) cmd.option(o.flags, o.description);
    cmd.addHelpText(
      'after',
      `\nVoorbeeld${spec.examples.length > 1 ? 'en' : ''}:\n${spec.examples.map((e) => `  ${e}`).join('\n')}`,
    );
    cmd.action(async (caseNumber: string, ...rest: unknown[]) => {
      const opts = program.opts<GlobalOptions>();
      const positional = rest.slice(0, spec.args?.length ?? 0) as string[];
      const o = rest[spec.args?.length ?? 0] as Options;
      const fromFile = typeof o.bestand === 'string' ? readInputFile(o.bestand) : {};
      if (fromFile === null || typeof fromFile !== 'object' || Array.isArray(fromFile)) {
        throw new CasusError(
          'INVALID_PAYLOAD',
          `Het bestand ${String(o.bestand)} bevat geen object met velden.`,
        );
      }
      const payload = mergeDeep(fromFile as Record<string, unknown>, spec.payload(positional, o));
      const checked = spec.schema.safeParse(payload);
      if (!checked.success) {
        throw new CasusError(
          'INVALID_PAYLOAD',
          `De invoer voor ${spec.name} klopt niet.`,
          describeIssues(checked.error, PAYLOAD_LABELS),
        );
      }
      const result = await withClient((c) => c.command(caseNumber, spec.update, checked.data));
      output(opts, { caseNumber, command: spec.name, result }, result.message);
    });
  }

  dutchHelp(program.command('lijst'))
    .description('toon alle casussen, met filters (uit de zoekattributen van Temporal)')
    .option('--status <status>', 'alleen casussen met deze status, zoals actief of aangemeld')
    .option('--gemeente <gemeente>', 'alleen casussen van deze gemeente, zoals beverwijk')
    .option('--opschaling <niveau>', 'alleen casussen met deze open opschaling, zoals beleid of management')
    .option('--termijn-verlopen', 'alleen casussen waarvan een termijn verlopen is')
    .addHelpText(
      'after',
      '\nVoorbeelden:\n  casus lijst\n  casus lijst --status actief --gemeente heemskerk\n  casus lijst --termijn-verlopen',
    )
    .action(
      async (o: { status?: string; gemeente?: string; opschaling?: string; termijnVerlopen?: boolean }) => {
        const opts = program.opts<GlobalOptions>();
        const items = await withClient((c) =>
          c.list({
            state: o.status,
            municipality: o.gemeente,
            escalationLevel: o.opschaling,
            overdue: o.termijnVerlopen ? true : undefined,
          }),
        );
        output(opts, items, formatList(items));
      },
    );

  return program;
}

function explain(err: unknown, json: boolean): { message: string; code: string; problems: string[] } {
  if (err instanceof CasusError) return { message: err.message, code: err.code, problems: err.problems };
  if (err instanceof ConfigError)
    return { message: err.message, code: 'INVALID_CONFIG', problems: err.problems };
  void json;
  return { message: `Onverwachte fout: ${(err as Error).message}`, code: 'UNEXPECTED', problems: [] };
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const json = program.opts<GlobalOptions>().json === true;
    const e = explain(err, json);
    if (json) {
      process.stdout.write(`${JSON.stringify({ error: e }, null, 2)}\n`);
    } else {
      process.stderr.write(
        `Geweigerd: ${e.message} [${e.code}]\n${e.problems.map((p) => `  - ${p}\n`).join('')}`,
      );
    }
    process.exitCode = 1;
  }
}

if (require.main === module) void main(process.argv);
