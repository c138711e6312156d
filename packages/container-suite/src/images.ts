// The images the suite runs: third-party stand-ins (or the official images, when given) and
// podfleet's own, built from the working tree.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, run } from './docker';

export const repoRoot = join(__dirname, '..', '..', '..');

export const TARGETS = ['api', 'migrate', 'scraper', 'audio', 'uploader'] as const;
export type Target = (typeof TARGETS)[number];

/** The variables compose reads to pick every third-party image. */
export interface ThirdPartyImages {
  BASE_IMAGE: string;
  REDIS_IMAGE: string;
  POSTGRES_IMAGE: string;
  PROXY_IMAGE: string;
}

const IMAGE_VARIABLES = ['BASE_IMAGE', 'REDIS_IMAGE', 'POSTGRES_IMAGE', 'PROXY_IMAGE'] as const;

/**
 * The images named in the environment when all are (e.g. the official ones on a machine that
 * reaches Docker Hub); otherwise the offline stand-ins, built by `npm run images:base` if missing.
 */
export async function thirdPartyImages(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<ThirdPartyImages> {
  if (IMAGE_VARIABLES.every((name) => env[name])) {
    return Object.fromEntries(
      IMAGE_VARIABLES.map((name) => [name, env[name]!]),
    ) as unknown as ThirdPartyImages;
  }
  const printed = await run('bash', [join(repoRoot, 'docker', 'base', 'build.sh')], { onLine: log });
  const vars = Object.fromEntries(
    printed
      .split('\n')
      .map((line) => /^([A-Z_]+)=(\S+)$/.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  for (const name of IMAGE_VARIABLES) {
    if (!vars[name]) throw new Error(`images:base printed no ${name}`);
  }
  return vars as unknown as ThirdPartyImages;
}

/**
 * PEM certificates the image build should trust besides the system's: the host's local CAs
 * (/usr/local/share/ca-certificates), which a registry behind a TLS-inspecting proxy needs.
 */
export function hostLocalCertificates(dir = '/usr/local/share/ca-certificates'): string {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.crt'))
      .map((f) => readFileSync(join(dir, f), 'utf8').trim())
      .join('\n');
  } catch {
    return '';
  }
}

export const imageName = (target: Target, tag: string) => `podfleet/${target}:${tag}`;

/** Builds every target of docker/Dockerfile from the working tree (one shared build stage). */
export async function buildImages(
  baseImage: string,
  tag: string,
  log: (line: string) => void,
): Promise<void> {
  const certificates = hostLocalCertificates();
  for (const target of TARGETS) {
    log(`building ${imageName(target, tag)}`);
    await docker(
      [
        'build',
        // No intermediate containers left behind when a step fails.
        '--force-rm',
        // The dependency stage fetches from the npm registry; build containers have no other route out.
        '--network',
        'host',
        '-f',
        join(repoRoot, 'docker', 'Dockerfile'),
        '--build-arg',
        `BASE_IMAGE=${baseImage}`,
        '--build-arg',
        `BUILD_CA_CERTS=${certificates}`,
        '--target',
        target,
        '-t',
        imageName(target, tag),
        repoRoot,
      ],
      { env: { DOCKER_BUILDKIT: '0' } },
    );
  }
}

/** Uncompressed size of an image in bytes, as `docker images` reports it. */
export async function imageSize(image: string): Promise<number> {
  return Number((await docker(['image', 'inspect', '--format', '{{.Size}}', image])).trim());
}
