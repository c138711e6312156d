import { metricsRegistry } from '@podfleet/telemetry';
import { makeTempDir } from '@podfleet/test-kit';
import { describeStorageContract } from '../../test/storage-contract';
import { createStorageDriver } from './index';
import type { StorageDriver } from './types';

const roots = new WeakMap<StorageDriver, { remove(): Promise<void> }>();

// The wrapper changes nothing a caller sees: the whole driver contract holds through it.
describeStorageContract('fs, observed', {
  signsUrls: false,
  setup: async () => {
    const temp = await makeTempDir('podfleet-observed-storage-');
    const driver = createStorageDriver({ driver: 'fs', dir: temp.dir });
    roots.set(driver, temp);
    return driver;
  },
  teardown: async (driver) => {
    await driver.close();
    await roots.get(driver)?.remove();
  },
});

describe('observed storage', () => {
  it('counts each call by operation and outcome, and failures by code', async () => {
    const temp = await makeTempDir('podfleet-observed-storage-');
    const storage = createStorageDriver({ driver: 'fs', dir: temp.dir });
    try {
      metricsRegistry.resetMetrics();
      await storage.put('jobs/j/a.json', Buffer.from('{}'), { contentType: 'application/json' });
      await storage.getBuffer('jobs/j/a.json');
      await expect(storage.getBuffer('jobs/j/missing.json')).rejects.toThrow('not found');
      expect(storage.localPath?.('jobs/j/a.json')).toBe(`${temp.dir}/jobs/j/a.json`);

      const histogram = await metricsRegistry
        .getSingleMetric('podfleet_provider_request_duration_seconds')
        ?.get();
      const counts = histogram?.values
        .filter(
          (v) => (v as { metricName?: string }).metricName?.endsWith('_count') && v.labels.kind === 'storage',
        )
        .map((v) => [v.labels.provider, v.labels.operation, v.labels.outcome, v.value]);
      expect(counts).toEqual(
        expect.arrayContaining([
          ['fs', 'put', 'ok', 1],
          ['fs', 'get', 'ok', 1],
          ['fs', 'get', 'error', 1],
        ]),
      );
      const errors = await metricsRegistry.getSingleMetric('podfleet_provider_errors_total')?.get();
      expect(errors?.values).toEqual([
        {
          labels: { kind: 'storage', provider: 'fs', operation: 'get', code: 'STORAGE_FAILED' },
          value: 1,
        },
      ]);
    } finally {
      await storage.close();
      await temp.remove();
    }
  });
});
