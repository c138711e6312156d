// One compose project: docker/compose.yaml with the test overlay, its containers by service,
// and the faults the suite injects.
import { join } from 'node:path';
import { type ContainerState, docker, inspectContainers, run } from './docker';
import { repoRoot, type ThirdPartyImages } from './images';

const composeFiles = ['compose.yaml', 'compose.test.yaml'].flatMap((f) => [
  '-f',
  join(repoRoot, 'docker', f),
]);

export interface FleetOptions {
  project: string;
  images: ThirdPartyImages;
  /** Tag of the podfleet images (`podfleet/<target>:<tag>`). */
  tag: string;
  secrets: { ADMIN_API_KEY: string; MEDIA_URL_SECRET: string; WEBHOOK_SECRET: string; METRICS_TOKEN: string };
  log: (line: string) => void;
}

export class ComposeFleet {
  constructor(private readonly opts: FleetOptions) {}

  get project(): string {
    return this.opts.project;
  }

  /** `docker-compose` on this project; `verbose` passes its output on (up, down), not queries. */
  compose(args: string[], { verbose = false } = {}): Promise<string> {
    return run('docker-compose', ['-p', this.opts.project, ...composeFiles, ...args], {
      env: {
        ...this.opts.images,
        ...this.opts.secrets,
        PODFLEET_TAG: this.opts.tag,
        // A free port on loopback only.
        PODFLEET_PORT: '127.0.0.1:',
        COMPOSE_HTTP_TIMEOUT: '300',
      },
      ...(verbose ? { onLine: this.opts.log } : {}),
    });
  }

  /** Starts every service; resolves once the dependencies' health conditions held. */
  async up(): Promise<void> {
    await this.compose(['up', '-d', '--no-build'], { verbose: true });
  }

  /** `127.0.0.1:<port>` published for a service's container port. */
  async published(service: string, port: number): Promise<string> {
    const address = (await this.compose(['port', service, String(port)])).trim();
    if (!/^127\.0\.0\.1:\d+$/.test(address))
      throw new Error(`${service}:${port} is published at "${address}"`);
    return address;
  }

  async containerIds(service: string): Promise<string[]> {
    return (await this.compose(['ps', '-q', service])).split('\n').filter(Boolean);
  }

  async containers(service: string): Promise<ContainerState[]> {
    return inspectContainers(await this.containerIds(service));
  }

  logs(containerId: string): Promise<string> {
    return docker(['logs', containerId]);
  }

  /** SIGKILL: no shutdown code runs. */
  kill(containerId: string): Promise<string> {
    return docker(['kill', containerId]);
  }

  /** SIGTERM, then SIGKILL after `graceSeconds`. */
  stop(containerId: string, graceSeconds: number): Promise<string> {
    return docker(['stop', '-t', String(graceSeconds), containerId]);
  }

  restart(containerId: string): Promise<string> {
    return docker(['restart', containerId]);
  }

  async down(): Promise<void> {
    await this.compose(['down', '-v', '--remove-orphans', '--timeout', '20'], { verbose: true });
  }

  /** Containers, networks and volumes of this project that still exist. */
  async leftovers(): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
    const label = `label=com.docker.compose.project=${this.opts.project}`;
    const list = async (args: string[]) => (await docker(args)).split('\n').filter(Boolean);
    return {
      containers: await list(['ps', '-aq', '--filter', label]),
      networks: await list(['network', 'ls', '-q', '--filter', label]),
      volumes: await list(['volume', 'ls', '-q', '--filter', label]),
    };
  }
}
