import { ConfigError, connectionTargets, loadConfig } from '../../runtime/config';
import { DEFAULT_TIMINGS } from '../../domain/timings';

describe('configuration', () => {
  it('defaults to the embedded stack and the SPEC §5 timings', () => {
    const c = loadConfig({});
    expect(connectionTargets(c)).toEqual({
      temporalAddress: '127.0.0.1:7233',
      smtpUrl: 'smtp://127.0.0.1:1025',
      databaseUrl: 'postgres://postgres:postgres@127.0.0.1:55432/postgres',
    });
    expect(c.timings).toEqual(DEFAULT_TIMINGS);
    expect(c.timings.uvoInterval).toBe(42 * 24 * 3600 * 1000);
  });

  it('uses configured connections instead of the embedded ones', () => {
    const c = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.gemeente.nl:7233',
      DATABASE_URL: 'postgres://a:b@db:5432/casus',
      SMTP_URL: 'smtp://relay:587',
    });
    expect(connectionTargets(c)).toEqual({
      temporalAddress: 'temporal.gemeente.nl:7233',
      smtpUrl: 'smtp://relay:587',
      databaseUrl: 'postgres://a:b@db:5432/casus',
    });
  });

  it('names the variable of each bad value, in Dutch', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', TEMPORAL_UI_PORT: 'acht', TIMING_UVO_INTERVAL: 'zes weken' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      expect.stringMatching(
        /^DATABASE_URL: verwacht een URL zoals postgres:\/\/.* \(gekregen: "mysql:\/\/x"\)$/,
      ),
      expect.stringMatching(/^TEMPORAL_UI_PORT: verwacht een poortnummer/),
      expect.stringMatching(/^TIMING_UVO_INTERVAL: verwacht een duur zoals "5d"/),
    ]);
  });

  it('bounds the worker cache; a bad size is named', () => {
    expect(loadConfig({}).workerCacheSize).toBe(100);
    expect(loadConfig({ WORKER_CACHE_SIZE: '250' }).workerCacheSize).toBe(250);
    expect(() => loadConfig({ WORKER_CACHE_SIZE: 'veel' })).toThrow(
      'WORKER_CACHE_SIZE: verwacht een aantal casussen, zoals 100 (gekregen: "veel")',
    );
    expect(() => loadConfig({ WORKER_CACHE_SIZE: '-1' })).toThrow(
      'WORKER_CACHE_SIZE: verwacht 0 of meer casussen',
    );
  });

  it('reads the worker role and its slots and pollers; a wrong one is named', () => {
    expect(loadConfig({}).workerRole).toBe('all');
    expect(loadConfig({}).workerTuning).toEqual({});
    expect(loadConfig({ CASUS_WORKER_ROLE: 'activities' }).workerRole).toBe('activities');
    expect(loadConfig({ WORKER_WORKFLOW_SLOTS: '20', WORKER_ACTIVITY_POLLERS: '4' }).workerTuning).toEqual({
      workflowSlots: 20,
      activityPollers: 4,
    });
    expect(() => loadConfig({ CASUS_WORKER_ROLE: 'mail' })).toThrow(
      'CASUS_WORKER_ROLE: verwacht all, workflows, activities',
    );
    expect(() => loadConfig({ WORKER_WORKFLOW_SLOTS: '1' })).toThrow(
      'WORKER_WORKFLOW_SLOTS: verwacht minstens 2',
    );
  });

  it('compresses timings from the environment', () => {
    const c = loadConfig({
      TIMING_UVO_INTERVAL: '6s',
      TIMING_LIMIT_WARNING_MONTHS: '6,8',
      TIMING_MONTH: '10s',
    });
    expect(c.timings.uvoInterval).toBe(6000);
    expect(c.timings.monthMs).toBe(10_000);
  });
});
