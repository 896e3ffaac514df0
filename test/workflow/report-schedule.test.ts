/**
 * The monthly report workflow on the time-skipping server: it reports the previous calendar
 * month (Amsterdam) of the moment it runs, and tells the administrator when the report could
 * not be sent. With RECORD_REPORT_HISTORIES=1 its histories are saved to test/histories/report/
 * for test/replay.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import type { ReportPeriod } from '../../domain/contract';
import { ErrorCode } from '../../domain/contract';
import { monthBefore, monthlyReportWorkflow } from '../../workflows/report-schedule';
import { HISTORIES_DIR } from '../../kit/case-harness';
import { historyToJSON } from '../../kit/history-json';
import { createTimeSkippingEnv } from '../../kit/temporal';

describe('the previous month', () => {
  it('is the calendar month before the Amsterdam day of the moment', () => {
    expect(monthBefore(Date.parse('2027-03-01T06:00:00Z'))).toEqual({ from: '2027-02-01', to: '2027-02-28' });
    expect(monthBefore(Date.parse('2027-01-01T05:00:00Z'))).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    // 1 February 00:30 in Amsterdam is still 31 January in UTC.
    expect(monthBefore(Date.parse('2027-01-31T23:30:00Z'))).toEqual({ from: '2027-01-01', to: '2027-01-31' });
    expect(monthBefore(Date.parse('2028-03-15T12:00:00Z'))).toEqual({ from: '2028-02-01', to: '2028-02-29' });
  });
});

describe('monthlyReportWorkflow', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const sent: ReportPeriod[] = [];
  const told: { period: ReportPeriod; reason: string }[] = [];
  let fail = false;
  const ids: string[] = [];

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'rapportage-test',
      workflowsPath: require.resolve('../../workflows'),
      activities: {
        async sendMonthlyReport(period: ReportPeriod) {
          if (fail)
            throw ApplicationFailure.nonRetryable(
              'Het contactenbestand heeft geen groep "mt"',
              ErrorCode.NO_MT_CONTACTS,
            );
          sent.push(period);
          return { recipients: 1, outcome: 'verzonden', pdfBytes: 1000 };
        },
        async reportNotSent(period: ReportPeriod, reason: string) {
          told.push({ period, reason });
          return { told: true };
        },
      },
    });
    running = worker.run();
  });

  afterAll(async () => {
    if (process.env.RECORD_REPORT_HISTORIES === '1') {
      const dir = path.join(HISTORIES_DIR, 'report');
      fs.mkdirSync(dir, { recursive: true });
      for (const id of ids) {
        const history = await env.client.workflow.getHandle(id).fetchHistory();
        fs.writeFileSync(path.join(dir, `${id}.json`), historyToJSON(history));
      }
    }
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  it('reports the month before the moment it runs', async () => {
    ids.push('maandrapportage-ok');
    const expected = monthBefore(await env.currentTimeMs());
    const result = await env.client.workflow.execute(monthlyReportWorkflow, {
      taskQueue: 'rapportage-test',
      workflowId: 'maandrapportage-ok',
      args: [{}],
    });
    expect(result).toEqual({ period: expected, recipients: 1, outcome: 'verzonden' });
    expect(sent).toEqual([expected]);
  });

  it('a report that cannot be sent is told to the administrator, and the run fails in Dutch', async () => {
    fail = true;
    ids.push('maandrapportage-mislukt');
    const period = { from: '2027-01-01', to: '2027-01-31' };
    const err = await env.client.workflow
      .execute(monthlyReportWorkflow, {
        taskQueue: 'rapportage-test',
        workflowId: 'maandrapportage-mislukt',
        args: [{ period }],
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause?.message).toBe(
      'De maandrapportage 2027-01-01 tot en met 2027-01-31 is niet verstuurd: Het contactenbestand heeft geen groep "mt" [NO_MT_CONTACTS]',
    );
    expect(told).toEqual([{ period, reason: 'Het contactenbestand heeft geen groep "mt" [NO_MT_CONTACTS]' }]);
  });
});
