import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const dockerDir = join(__dirname, '..', '..', '..', 'docker');

interface ComposeService {
  build?: { target?: string };
  command?: string[];
  deploy?: { replicas?: number };
  environment?: Record<string, string>;
  volumes?: string[];
}

describe('docker/compose.yaml', () => {
  const compose = parse(readFileSync(join(dockerDir, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };

  it('runs postgres, redis, minio, the api and every worker', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgres', 'redis', 'minio', 'api', 'scraper', 'audio', 'uploader']),
    );
  });

  it('builds each app from its own Dockerfile target, with replicas', () => {
    const dockerfile = readFileSync(join(dockerDir, 'Dockerfile'), 'utf8');
    for (const app of ['api', 'scraper', 'audio', 'uploader']) {
      const service = compose.services[app]!;
      expect({ app, target: service.build?.target }).toEqual({ app, target: app });
      expect(service.deploy?.replicas).toBeGreaterThanOrEqual(1);
      expect(dockerfile).toMatch(new RegExp(`^FROM \\S+ AS ${app}$`, 'm'));
    }
    // The bundled API resolves the demo's sample feed at dist/../samples.
    expect(dockerfile).toContain('cp -r packages/providers/samples /out/api/samples');
  });

  it('configures Redis so BullMQ never loses jobs', () => {
    const command = compose.services.redis!.command!.join(' ');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(command).toContain('--appendonly yes');
  });

  it('gives every app the same queue prefix and storage', () => {
    for (const app of ['api', 'scraper', 'audio', 'uploader']) {
      const env = compose.services[app]!.environment!;
      expect({ app, prefix: env.QUEUE_PREFIX, driver: env.STORAGE_DRIVER }).toEqual({
        app,
        prefix: 'podfleet',
        driver: 's3',
      });
    }
    // The API admits by it and the workers start waiting jobs by it: one value for all.
    const limits = ['api', 'scraper', 'audio', 'uploader'].map(
      (app) => compose.services[app]!.environment!.USER_MAX_ACTIVE_JOBS,
    );
    expect(new Set(limits).size).toBe(1);
    expect(limits[0]).toMatch(/USER_MAX_ACTIVE_JOBS/);
    // Production: the uploader writes links into webhook bodies with no request to take them from.
    expect(compose.services.uploader!.environment!.PUBLIC_BASE_URL).toBeTruthy();
  });

  it('gives the admin key to the API alone, the signing secrets to the API and the uploader alone', () => {
    const secrets = ['ADMIN_API_KEY', 'MEDIA_URL_SECRET', 'WEBHOOK_SECRET'];
    const held = Object.fromEntries(
      Object.entries(compose.services).map(([name, service]) => [
        name,
        secrets.filter((secret) => service.environment?.[secret] !== undefined),
      ]),
    );
    const none = Object.fromEntries(Object.keys(compose.services).map((name) => [name, []]));
    expect(held).toEqual({ ...none, api: secrets, uploader: ['MEDIA_URL_SECRET', 'WEBHOOK_SECRET'] });
    // Required, and the same variables for both: compose stops naming the one that is unset.
    const { api, uploader } = compose.services;
    for (const secret of ['MEDIA_URL_SECRET', 'WEBHOOK_SECRET']) {
      expect(uploader!.environment![secret]).toBe(api!.environment![secret]);
      expect(api!.environment![secret]).toMatch(new RegExp(`^\\$\\{${secret}:\\?set ${secret} `));
    }
  });

  it('gives every audio replica one shared clip cache', () => {
    const audio = compose.services.audio!;
    const dir = audio.environment!.TTS_CACHE_DIR!;
    expect(audio.volumes).toContain(`tts-cache:${dir}`);
    expect(readFileSync(join(dockerDir, 'Dockerfile'), 'utf8')).toContain(`mkdir -p ${dir}`);
  });
});
