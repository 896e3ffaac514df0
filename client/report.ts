/**
 * `casus rapport`: the report for the Gezamenlijk MT and the council over a period, as PDF and
 * HTML, from the records database (docs/operations.md, "Rapportage voor het Gezamenlijk MT").
 * Reads only the report's anonymous facts; needs no Temporal.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Period } from '../activities/report/figures';
import { ConfigError, connectionTargets, loadConfig } from '../runtime/config';
import { knownMunicipalities, readContactsFile } from '../domain/contacts';
import { ErrorCode } from '../domain/contract';
import { CasusError } from './casus-client';
import { readDutchDate } from './dates';

const PROBLEM_TEXT = {
  format: 'schrijf de datum als 01-11-2026',
  nonexistent: 'die datum bestaat niet',
  range: 'die datum valt buiten de jaren die Casusregie kent',
} as const;

/** The period of `--van` and `--tot`, or a refusal that names what is wrong. */
export function readPeriod(van: string | undefined, tot: string | undefined): Period {
  const problems: string[] = [];
  const day = (label: string, text: string | undefined) => {
    if (!text) {
      problems.push(`${label}: ontbreekt`);
      return undefined;
    }
    const r = readDutchDate(text);
    if (!r.ok) problems.push(`${label}: "${text}": ${PROBLEM_TEXT[r.problem]}`);
    return r.ok ? r.value : undefined;
  };
  const from = day('--van', van);
  const to = day('--tot', tot);
  if (from && to && from > to) problems.push('--van ligt na --tot');
  if (problems.length > 0 || !from || !to)
    throw new CasusError(ErrorCode.INVALID_PERIOD, 'De periode van het rapport klopt niet.', problems);
  return { from, to };
}

/** The municipalities of `--gemeente` (comma-separated or repeated), checked against the contacts file. */
export function readMunicipalities(given: string[] | undefined, known: string[]): string[] {
  const ids = (given ?? [])
    .flatMap((g) => g.split(','))
    .map((g) => g.trim().toLowerCase())
    .filter(Boolean);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0)
    throw new CasusError(
      ErrorCode.UNKNOWN_MUNICIPALITY,
      `Onbekende gemeente: ${unknown.join(', ')}. Het contactenbestand kent ${known.join(', ')}.`,
    );
  return [...new Set(ids)];
}

export function registerReportCommand(program: Command, dutchHelp: (cmd: Command) => Command): void {
  dutchHelp(program.command('rapport'))
    .description(
      'maak het rapport voor het Gezamenlijk MT en de gemeenteraad over een periode (PDF en HTML, zonder persoonsgegevens)',
    )
    .option('--van <datum>', 'eerste dag van de periode, zoals 01-11-2026')
    .option('--tot <datum>', 'laatste dag van de periode (telt mee), zoals 30-11-2026')
    .option(
      '--gemeente <gemeente>',
      'alleen deze gemeente(n), zoals beverwijk of beverwijk,heemskerk (standaard: alle)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--map <map>', 'schrijf de bestanden in deze map (standaard: de huidige map)')
    .addHelpText(
      'after',
      '\nVoorbeelden:\n  casus rapport --van 01-11-2026 --tot 30-11-2026\n  casus rapport --van 01-01-2026 --tot 31-12-2026 --gemeente beverwijk --map rapporten',
    )
    .action(async (o: { van?: string; tot?: string; gemeente?: string[]; map?: string }) => {
      const json = program.opts<{ json?: boolean }>().json === true;
      const period = readPeriod(o.van, o.tot);
      const config = loadConfig();
      let contacts;
      try {
        contacts = readContactsFile(config.contactsFile);
      } catch (err) {
        throw new ConfigError([`CONTACTS_FILE: ${(err as Error).message}`]);
      }
      const municipalities = readMunicipalities(o.gemeente, knownMunicipalities(contacts));
      const names = Object.fromEntries(
        Object.entries(contacts.municipalities).map(([id, m]) => [id, m.name]),
      );
      // The report's PDF and chart libraries are loaded when a report is made, not for `casus --help`.
      const [{ openPool }, { makeReport }] = await Promise.all([
        import('../activities/db/pool'),
        import('../activities/report'),
      ]);
      const pool = await openPool(connectionTargets(config).databaseUrl).catch(() => {
        throw new CasusError(
          'NOT_REACHABLE',
          'De database is niet bereikbaar (DATABASE_URL; draait `npm start` of de worker?).',
        );
      });
      try {
        const report = await makeReport({ pool, period, municipalities, names });
        const dir = path.resolve(o.map ?? '.');
        fs.mkdirSync(dir, { recursive: true });
        const scope = municipalities.length > 0 ? `-${municipalities.join('-')}` : '';
        const base = path.join(dir, `rapportage-casusregie-${period.from}-${period.to}${scope}`);
        fs.writeFileSync(`${base}.pdf`, report.pdf);
        fs.writeFileSync(`${base}.html`, report.html);
        const files = { pdf: `${base}.pdf`, html: `${base}.html` };
        if (json) process.stdout.write(`${JSON.stringify({ files, figures: report.figures }, null, 2)}\n`);
        else
          process.stdout.write(
            `Rapport gemaakt over ${period.from.split('-').reverse().join('-')} tot en met ${period.to.split('-').reverse().join('-')}: ` +
              `${report.figures.referrals.total} aanmeldingen, ${report.figures.trajectories.closed} trajecten afgesloten.\n` +
              `  PDF:  ${files.pdf}\n  HTML: ${files.html}\n`,
          );
      } finally {
        await pool.end();
      }
    });
}
