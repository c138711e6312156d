// The compose files' shape, read statically (the container suite runs them on a Docker engine).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const dockerDir = join(__dirname, '..', '..', '..', 'docker');

interface ComposeService {
  image?: string;
  build?: { target?: string; args?: Record<string, string> };
  command?: string[];
  deploy?: { replicas?: number };
  cpu_shares?: number;
  environment?: Record<string, string>;
  volumes?: string[];
  read_only?: boolean;
  ports?: string[];
}

const readCompose = (file: string) =>
  parse(readFileSync(join(dockerDir, file), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };

const APPS = ['api', 'scraper', 'script', 'audio', 'uploader'];

/** A compose variable with its default, as written in the files: `${NAME:-value}`. */
const variable = (name: string, fallback: string) => `\${${name}:-${fallback}}`;

describe('docker/compose.yaml', () => {
  const compose = readCompose('compose.yaml');
  const dockerfile = readFileSync(join(dockerDir, 'Dockerfile'), 'utf8');

  it('runs postgres, redis, the migration step, the api behind a proxy and every worker role', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['audio', 'api', 'migrate', 'postgres', 'proxy', 'redis', 'script', 'scraper', 'uploader'].sort(),
    );
    expect(compose.services.api!.deploy?.replicas).toBe(2);
    // Only the proxy is published; it spreads requests over the API replicas.
    expect(compose.services.api!.ports).toBeUndefined();
    expect(compose.services.proxy!.ports).toEqual([`${variable('PODFLEET_PORT', '3000')}:80`]);
  });

  it('takes every third-party image from a variable, the official image by default', () => {
    expect(compose.services.postgres!.image).toBe(variable('POSTGRES_IMAGE', 'postgres:15'));
    expect(compose.services.redis!.image).toBe(variable('REDIS_IMAGE', 'redis:7'));
    expect(compose.services.proxy!.image).toBe(variable('PROXY_IMAGE', 'nginx:1'));
    expect(compose.services.api!.build?.args?.BASE_IMAGE).toBe(
      variable('BASE_IMAGE', 'node:24-bookworm-slim'),
    );
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=node:24-bookworm-slim$/m);
  });

  it('builds each app from its own Dockerfile target', () => {
    for (const target of ['api', 'migrate', 'scraper', 'audio', 'uploader']) {
      expect({ target, built: compose.services[target]!.build?.target }).toEqual({ target, built: target });
      expect(dockerfile).toMatch(new RegExp(`^FROM \\S+ AS ${target}$`, 'm'));
    }
    // The script role is the scraper image with another queue subset.
    expect(compose.services.script!.image).toBe(compose.services.scraper!.image);
  });

  it('splits the scraper into roles by WORKER_QUEUES', () => {
    expect(compose.services.scraper!.environment!.WORKER_QUEUES).toBe('scrape,pregenerate');
    expect(compose.services.script!.environment!.WORKER_QUEUES).toBe('script');
  });

  it('configures Redis so BullMQ never loses jobs', () => {
    const command = compose.services.redis!.command!.join(' ');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(command).toContain('--appendonly yes');
  });

  it('gives every app the same queue prefix, storage and slot limit, on a read-only root', () => {
    for (const app of APPS) {
      const service = compose.services[app]!;
      const env = service.environment!;
      expect({ app, prefix: env.QUEUE_PREFIX, dir: env.STORAGE_DIR, readOnly: service.read_only }).toEqual({
        app,
        prefix: 'podfleet',
        dir: '/data/media',
        readOnly: true,
      });
      expect(service.volumes).toContain('media:/data/media');
    }
    // The API admits by it and the workers start waiting jobs by it: one value for all.
    const limits = APPS.map((app) => compose.services[app]!.environment!.USER_MAX_ACTIVE_JOBS);
    expect(new Set(limits).size).toBe(1);
    // Production: the uploader writes links into webhook bodies with no request to take them from,
    // and the API builds none from a Host header.
    expect(compose.services.uploader!.environment!.PUBLIC_BASE_URL).toBeTruthy();
    expect(compose.services.api!.environment!.PUBLIC_BASE_URL).toBeTruthy();
  });

  it('gives secrets only to the services that sign or verify', () => {
    const secrets = ['ADMIN_API_KEY', 'MEDIA_URL_SECRET', 'WEBHOOK_SECRET', 'METRICS_TOKEN'];
    const held = (service: string) =>
      secrets.filter((name) => compose.services[service]!.environment?.[name] !== undefined);
    expect(held('api')).toEqual(secrets); // METRICS_TOKEN: production refuses to start without it
    expect(held('uploader')).toEqual(['MEDIA_URL_SECRET', 'WEBHOOK_SECRET']);
    for (const service of ['scraper', 'script', 'audio', 'migrate']) {
      expect({ service, held: held(service) }).toEqual({ service, held: [] });
    }
  });

  it('gives the API a larger CPU share than every worker role, audio the smallest; services keep the default', () => {
    const shares = (service: string) => compose.services[service]!.cpu_shares;
    expect(shares('api')).toBe(1024);
    for (const worker of ['scraper', 'script', 'uploader', 'audio']) {
      expect({ worker, below: shares(worker)! < shares('api')! }).toEqual({ worker, below: true });
      expect({ worker, audioLowest: shares('audio')! <= shares(worker)! }).toEqual({
        worker,
        audioLowest: true,
      });
    }
    for (const service of ['postgres', 'redis']) expect(shares(service)).toBeUndefined();
  });

  it('gives every audio replica one shared clip cache', () => {
    const audio = compose.services.audio!;
    const dir = audio.environment!.TTS_CACHE_DIR!;
    expect(audio.volumes).toContain(`tts-cache:${dir}`);
    expect(dockerfile).toContain(`mkdir -p /data/media ${dir}`);
  });
});

describe('docker/compose.s3.yaml', () => {
  it('switches every app to S3 and waits for the bucket', () => {
    const overlay = readCompose('compose.s3.yaml');
    for (const app of APPS) {
      const service = overlay.services[app]!;
      expect({ app, driver: service.environment!.STORAGE_DRIVER }).toEqual({ app, driver: 's3' });
    }
    expect(overlay.services.minio!.image).toBe(variable('MINIO_IMAGE', 'minio/minio:latest'));
  });
});
