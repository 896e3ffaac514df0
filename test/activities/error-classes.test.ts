/**
 * Bounded retries start with knowing what a retry can change: each activity fails with an
 * ApplicationFailure of a stable type, non-retryable when the database or the mail server
 * refuses for good, retryable when it is away — and its message never repeats the failing
 * value. Against the real databases (PGlite, and PostgreSQL where TEST_POSTGRES_URL is set) and
 * real SMTP servers.
 */
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { SMTPServer } from 'smtp-server';
import { ActivityErrorType, createActivities } from '../../activities';
import { createTransport } from '../../activities/mail/mailer';
import { createPool } from '../../activities/db/pool';
import { checkReferral } from '../../domain/referral';
import type { CaseRecordEvent } from '../../domain/contract';
import { DEFAULT_TIMINGS } from '../../domain/timings';
import { databaseKinds, startTestDatabase } from '../../kit/db';
import { freePort } from '../../kit/net';
import { sampleReferral } from '../../kit/referral';
import { startSmtpCatcher } from '../../kit/smtp';
import { baseRequest, MAIL_FROM, personalReferral, tempContactsFile } from './fixtures';

const SECRET = 'Willemijntje';

function intake(caseNumber: string, firstName: string): { key: string; event: CaseRecordEvent } {
  const check = checkReferral(sampleReferral({ caseNumber }));
  if (!check.ok) throw new Error(check.problems.join('; '));
  const referral = { ...check.referral, youngPerson: { ...check.referral.youngPerson, firstName } };
  return {
    key: `casus-${caseNumber}:aanmelding`,
    event: {
      caseNumber,
      municipality: 'beverwijk',
      state: 'aangemeld',
      kind: 'aanmelding-ontvangen',
      at: new Date().toISOString(),
      details: {},
      fields: { referral, referralDate: referral.referralDate, acute: false },
      actor: 'systeem',
    },
  };
}

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected the activity to fail');
}

describe.each(databaseKinds())('records activity on %s', (kind) => {
  let db: Awaited<ReturnType<typeof startTestDatabase>>;
  let activities: ReturnType<typeof createActivities>;
  beforeAll(async () => {
    db = await startTestDatabase(kind);
    activities = createActivities({
      pool: db.pool,
      transport: createTransport('smtp://127.0.0.1:1'),
      mailFrom: MAIL_FROM,
      contactsFile: tempContactsFile(),
      timings: DEFAULT_TIMINGS,
    });
  });
  afterAll(() => db?.stop());

  it('a NUL in the referral is refused for good (RECORD_REFUSED, not retried), without the value in the message', async () => {
    const f = await failureOf(activities.recordCaseEvents([intake('ERR-2027-0001', `${SECRET}\u0000X`)]));
    expect(f.type).toBe(ActivityErrorType.RECORD_REFUSED);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toMatch(/SQLSTATE 22P05|SQLSTATE 22021/);
    expect(f.message).not.toContain(SECRET);
    expect(JSON.stringify(f.details ?? [])).not.toContain(SECRET);
    // Nothing half-written: the intake is not in the audit trail.
    const trail = await db.pool.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE case_number = 'ERR-2027-0001'`,
    );
    expect(trail.rows[0].n).toBe(0);
  });

  it('a value the database checks refuses (AVE phase 9) is refused for good, naming the constraint, not the value', async () => {
    const e = intake('ERR-2027-0002', 'Sem');
    await activities.recordCaseEvents([e]);
    const f = await failureOf(
      activities.recordCaseEvent('casus-ERR-2027-0002:ave', {
        ...e.event,
        kind: 'ave-fase',
        details: { note: SECRET },
        fields: { avePhase: 9 },
      }),
    );
    expect(f.type).toBe(ActivityErrorType.RECORD_REFUSED);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain('SQLSTATE 23514');
    expect(f.message).toContain('ave_phase');
    expect(f.message).not.toContain(SECRET);
  });

  it('a database that is not there is retried (DATABASE_UNAVAILABLE)', async () => {
    const port = await freePort();
    const pool = createPool(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
    try {
      const away = createActivities({
        pool,
        transport: createTransport('smtp://127.0.0.1:1'),
        mailFrom: MAIL_FROM,
        contactsFile: tempContactsFile(),
        timings: DEFAULT_TIMINGS,
      });
      const f = await failureOf(away.recordCaseEvents([intake('ERR-2027-0003', SECRET)]));
      expect(f.type).toBe(ActivityErrorType.DATABASE_UNAVAILABLE);
      expect(f.nonRetryable).toBe(false);
      expect(f.message).not.toContain(SECRET);
    } finally {
      await pool.end().catch(() => undefined);
    }
  });
});

describe('mail activity: what the SMTP server refuses', () => {
  let db: Awaited<ReturnType<typeof startTestDatabase>>;
  beforeAll(async () => {
    db = await startTestDatabase('pglite');
  });
  afterAll(() => db?.stop());

  const r = personalReferral('ERR-2027-0010');

  it('a login the server refuses (535) is retried, and the mail is not recorded as refused', async () => {
    const server = new SMTPServer({
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (_auth, _session, cb) =>
        cb(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 })),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as AddressInfo).port;
    try {
      const activities = createActivities({
        pool: db.pool,
        transport: createTransport(`smtp://casus:fout-wachtwoord@127.0.0.1:${port}`),
        mailFrom: MAIL_FROM,
        contactsFile: tempContactsFile(),
        timings: DEFAULT_TIMINGS,
      });
      const req = baseRequest('aanmelding-ontvangen', r, 'ERR-2027-0010:login', { initials: 'J.B.' });
      const f = await failureOf(activities.sendNotification(req));
      expect(f.type).toBe(ActivityErrorType.MAIL_TRANSIENT);
      expect(f.nonRetryable).toBe(false);
      expect(f.message).toContain('535');
      expect(f.message).not.toContain('fout-wachtwoord');
      const row = await db.pool.query('SELECT status FROM notifications WHERE key = $1', [req.key]);
      expect(row.rows[0].status).toBe('pending');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a recipient refused for good (550) fails at once (MAIL_REJECTED); a 4xx is retried (MAIL_TRANSIENT)', async () => {
    const smtp = await startSmtpCatcher();
    try {
      const activities = createActivities({
        pool: db.pool,
        transport: createTransport(smtp.url),
        mailFrom: MAIL_FROM,
        contactsFile: tempContactsFile(),
        timings: DEFAULT_TIMINGS,
      });
      smtp.rejectRecipient(r.referrer.email, 451);
      const later = baseRequest('aanmelding-aangenomen', r, 'ERR-2027-0010:later', { initials: 'J.B.' });
      const transient = await failureOf(activities.sendNotification(later));
      expect(transient.type).toBe(ActivityErrorType.MAIL_TRANSIENT);
      expect(transient.nonRetryable).toBe(false);

      smtp.accept();
      smtp.rejectRecipient(r.referrer.email, 550);
      const never = baseRequest('aanmelding-aangenomen', r, 'ERR-2027-0010:nooit', { initials: 'J.B.' });
      const permanent = await failureOf(activities.sendNotification(never));
      expect(permanent.type).toBe(ActivityErrorType.MAIL_REJECTED);
      expect(permanent.nonRetryable).toBe(true);
      expect(permanent.message).not.toContain(r.referrer.email);
    } finally {
      await smtp.close();
    }
  });
});
