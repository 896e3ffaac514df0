/**
 * The monthly MT report on real parts: the Schedule on the Temporal dev server with compressed
 * time (it fires every few seconds instead of monthly), the worker's report activities, the
 * records database and a real SMTP server; and `casus rapport` as a user runs it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { CaseRecords } from '../../activities/records';
import { CHART_TITLES, SECTION_TITLES } from '../../activities/report/content';
import { CaseRecordEvent, REPORT_SCHEDULE_ID } from '../../domain/contract';
import { plusDays } from '../../domain/case/time';
import { monthBefore } from '../../workflows/report-schedule';
import { ensureReportSchedule } from '../../worker/report-schedule';
import { casus } from '../../kit/cli';
import { startTestStack } from '../../kit/stack';

let stack: Awaited<ReturnType<typeof startTestStack>>;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'maandrapport-'));

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

/** Records, with the real record code, 7 referrals in the month before now: 6 accepted, one closed. */
async function seedLastMonth(): Promise<{ from: string; to: string }> {
  const period = monthBefore(Date.now());
  const records = new CaseRecords(stack.db.pool);
  const at = (day: number, hour = 10) =>
    `${plusDays(period.from, day)}T${String(hour).padStart(2, '0')}:00:00Z`;
  for (let i = 1; i <= 7; i++) {
    const cn = `MND-2027-000${i}`;
    const base = { caseNumber: cn, municipality: i <= 5 ? 'beverwijk' : 'heemskerk' };
    const events: [string, CaseRecordEvent][] = [
      [
        `${cn}:1`,
        {
          ...base,
          state: 'aangemeld',
          kind: 'aanmelding-ontvangen',
          at: at(1),
          details: { route: i % 2 ? 'mjo' : 'direct', acute: false },
        },
      ],
    ];
    if (i <= 6)
      events.push([
        `${cn}:2`,
        { ...base, state: 'actief', kind: 'aanmelding-aangenomen', at: at(3), details: { avePhase: 3 } },
      ]);
    if (i === 1)
      events.push([
        `${cn}:3`,
        {
          ...base,
          state: 'afgesloten',
          kind: 'casus-afgesloten',
          at: at(20),
          details: { kind: 'verhuisd', aftercare: true },
        },
      ]);
    for (const [key, event] of events) await records.recordEvent(key, event);
  }
  return period;
}

describe('the monthly MT report', () => {
  it('the Schedule mails the report of the previous month, with the PDF, to the MT, once', async () => {
    const period = await seedLastMonth();
    const connection = await Connection.connect({ address: stack.address });
    try {
      expect(
        await ensureReportSchedule(connection, stack.namespace, {
          dataConverter: stack.dataConverter,
          every: 2000,
        }),
      ).toBe('aangemaakt');
      const mails = await stack.smtp.waitFor(
        (m) => m.some((x) => x.parsed.subject?.startsWith('Rapportage casusregie')),
        60_000,
      );
      const mail = mails.find((x) => x.parsed.subject?.startsWith('Rapportage casusregie'))!;
      expect(mail.envelopeTo).toEqual(['gezamenlijk-mt@gemeenten.example']);
      const months = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus'];
      const monthName = [...months, 'september', 'oktober', 'november', 'december'][
        Number(period.from.slice(5, 7)) - 1
      ];
      expect(mail.parsed.subject).toBe(`Rapportage casusregie ${monthName} ${period.from.slice(0, 4)}`);
      expect(mail.parsed.text).toContain('Beste leden van het Gezamenlijk MT');
      const [pdf] = mail.parsed.attachments;
      expect(pdf.contentType).toBe('application/pdf');
      expect(pdf.filename).toBe(`rapportage-casusregie-${period.from}-${period.to}.pdf`);
      const file = path.join(tmp, 'maand.pdf');
      fs.writeFileSync(file, pdf.content);
      const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
      for (const title of [...SECTION_TITLES, ...CHART_TITLES]) expect(text).toContain(title);
      expect(text).toContain('In deze periode kwamen 7 aanmeldingen binnen');
      expect(text).toContain('Gemeenten: Beverwijk, Heemskerk.');

      // The Schedule keeps firing (every 2 s here); the month is mailed once.
      const client = new Client({
        connection,
        namespace: stack.namespace,
        dataConverter: stack.dataConverter,
      });
      const schedule = client.schedule.getHandle(REPORT_SCHEDULE_ID);
      await new Promise((r) => setTimeout(r, 5000));
      expect((await schedule.describe()).info.recentActions.length).toBeGreaterThanOrEqual(2);
      expect(
        stack.smtp.received.filter((x) => x.parsed.subject?.startsWith('Rapportage casusregie')),
      ).toHaveLength(1);
      await schedule.delete();
      // On the next worker start an existing Schedule is left alone.
      expect(await ensureReportSchedule(connection, stack.namespace, { every: 2000 })).toBe('aangemaakt');
      expect(await ensureReportSchedule(connection, stack.namespace, { every: 2000 })).toBe('bestond al');
      await schedule.delete();
    } finally {
      await connection.close();
    }
  });

  it('casus rapport writes the PDF and HTML of a period and a municipality', async () => {
    const period = monthBefore(Date.now());
    const dutch = (day: string) => day.split('-').reverse().join('-');
    const run = await casus(
      [
        'rapport',
        '--van',
        dutch(period.from),
        '--tot',
        dutch(period.to),
        '--gemeente',
        'beverwijk',
        '--map',
        tmp,
      ],
      stack.childEnv(),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const base = path.join(tmp, `rapportage-casusregie-${period.from}-${period.to}-beverwijk`);
    expect(run.stdout).toContain(`PDF:  ${base}.pdf`);
    expect(run.stdout).toContain('5 aanmeldingen, 1 trajecten afgesloten');
    const html = fs.readFileSync(`${base}.html`, 'utf8');
    expect(html).toContain('Gemeenten: Beverwijk.');
    expect(html).toContain('In deze periode kwamen 5 aanmeldingen binnen');
    expect(execFileSync('pdftotext', [`${base}.pdf`, '-'], { encoding: 'utf8' })).toContain(
      '1. Aanmeldingen',
    );

    const json = await casus(
      ['--json', 'rapport', '--van', dutch(period.from), '--tot', dutch(period.to), '--map', tmp],
      stack.childEnv(),
    );
    const out = JSON.parse(json.stdout);
    expect(out.figures.referrals.byMunicipality).toEqual({ beverwijk: 5, heemskerk: 2 });
    expect(out.figures.closes.byKind.verhuisd).toBe(1);
    expect(out.figures.closes.aftercareNeeded).toBe(1);
  });

  it('casus rapport refuses a period that is not one, naming what is wrong', async () => {
    const wrong = await casus(['rapport', '--van', '31-02-2027', '--tot', '01-01-2027'], stack.childEnv());
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('De periode van het rapport klopt niet. [INVALID_PERIOD]');
    expect(wrong.stderr).toContain('--van: "31-02-2027": die datum bestaat niet');
    const reversed = await casus(['rapport', '--van', '02-01-2027', '--tot', '01-01-2027'], stack.childEnv());
    expect(reversed.stderr).toContain('--van ligt na --tot');
    const unknown = await casus(
      ['rapport', '--van', '01-01-2027', '--tot', '31-01-2027', '--gemeente', 'atlantis'],
      stack.childEnv(),
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      'Onbekende gemeente: atlantis. Het contactenbestand kent beverwijk, heemskerk.',
    );
  });
});
