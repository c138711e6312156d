import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ProviderError } from '../types';

/**
 * SSRF guard for user-supplied URLs: which schemes, host names and IP addresses podfleet may
 * connect to. The address check runs again inside the socket's DNS lookup (see
 * `createGuardedLookup`), so the address that was checked is the address connected to.
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (injectable so tests can fake DNS). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface GuardOptions {
  /**
   * Let loopback/private/link-local… addresses through (ALLOW_PRIVATE_SOURCE_URLS, tests only).
   * Schemes other than http(s) and cloud metadata endpoints stay refused.
   */
  allowPrivate?: boolean;
  /** Host names (lower-case, as in `URL.hostname`) exempt from the address check, e.g. the API's own host in the demo. */
  allowHosts?: readonly string[];
  /** DNS resolver; defaults to the system resolver (getaddrinfo). */
  resolve?: HostResolver;
}

export interface AddressClass {
  /** ipaddr.js range name, e.g. `unicast`, `loopback`, `private`; embedded IPv4 ranges as `rfc6052(private)`. */
  range: string;
  /** Globally routable unicast: the only kind a user-supplied URL may reach. */
  isPublic: boolean;
  /** A cloud instance-metadata address: refused even with `allowPrivate`. */
  isMetadata: boolean;
}

const ALLOWED_SCHEMES = new Set(['http:', 'https:']);

/** Metadata endpoints by name (GCP, generic) and by address (AWS/Azure/GCP/OpenStack, AWS IPv6, Alibaba). */
const METADATA_HOSTNAMES = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
]);
const METADATA_IPV6 = new Set(['fd00:ec2::254']);
const METADATA_IPV4 = new Set(['100.100.100.200']);

function classifyIpv4(v4: ipaddr.IPv4): AddressClass {
  const range = v4.range();
  // All of 169.254/16 counts as metadata: AWS ECS (169.254.170.2), Azure/GCP/AWS (169.254.169.254)…
  const isMetadata = range === 'linkLocal' || METADATA_IPV4.has(v4.toString());
  return { range, isPublic: range === 'unicast', isMetadata };
}

/** Classifies one IP address (v4 or v6, no brackets). Throws on a string that is not an IP address. */
export function classifyAddress(ip: string): AddressClass {
  const parsed = ipaddr.parse(ip);
  if (parsed.kind() === 'ipv4') return classifyIpv4(parsed as ipaddr.IPv4);

  const v6 = parsed as ipaddr.IPv6;
  const range = v6.range();
  const embedded = embeddedIpv4(v6, range);
  if (embedded) {
    const inner = classifyIpv4(embedded);
    return { range: `${range}(${inner.range})`, isPublic: inner.isPublic, isMetadata: inner.isMetadata };
  }
  const isMetadata = METADATA_IPV6.has(v6.toString()); // toString() is the compact RFC 5952 form
  // Only global unicast (2000::/3) is public; this also refuses deprecated IPv4-compatible ::a.b.c.d,
  // which ipaddr.js calls `unicast`.
  const first = v6.parts[0] ?? 0;
  const isGlobal = range === 'unicast' && first >= 0x2000 && first <= 0x3fff;
  return { range: isGlobal || range !== 'unicast' ? range : 'reserved', isPublic: isGlobal, isMetadata };
}

/** The IPv4 address carried inside an IPv4-mapped, NAT64 (RFC 6052/8215) or 6to4 IPv6 address. */
function embeddedIpv4(v6: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const p = v6.parts;
  const word = (hi: number | undefined, lo: number | undefined) =>
    new ipaddr.IPv4([(hi ?? 0) >> 8, (hi ?? 0) & 0xff, (lo ?? 0) >> 8, (lo ?? 0) & 0xff]);
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return word(p[6], p[7]);
  if (range === '6to4') return word(p[1], p[2]);
  return null;
}

/** What a refused address or host says to the user (in the job's error, the 422 of a webhook URL). */
export const NOT_PUBLIC = 'not a public address';

/**
 * A refusal of an address or host. Its message never names the resolved IP address or a host name
 * (a redirect may lead to an internal one): those are in `detail`, which only the logs show.
 */
export class ForbiddenAddressError extends ProviderError {
  constructor(readonly detail: string) {
    super('SOURCE_FORBIDDEN', NOT_PUBLIC, false);
  }
}

function forbidden(message: string): ProviderError {
  return new ProviderError('SOURCE_FORBIDDEN', message, false);
}

const notPublic = (detail: string) => new ForbiddenAddressError(detail);

/** Strips IPv6 brackets and a trailing root dot; lower-cases. */
export function normalizeHostname(hostname: string): string {
  let host = hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  while (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

function isAllowedHost(host: string, opts: GuardOptions): boolean {
  return opts.allowHosts?.some((h) => normalizeHostname(h) === host) ?? false;
}

/**
 * Refuses an address unless it is public, or private is allowed, or `hostname` is in allowHosts.
 * Metadata endpoints are refused whatever the options.
 */
export function assertAllowedAddress(address: string, opts: GuardOptions, hostname = address): void {
  const cls = classifyAddress(address);
  const subject = hostname !== address ? `${hostname} resolves to ${address}, which` : address;
  if (cls.isMetadata) throw notPublic(`${subject} is a cloud metadata address`);
  if (!cls.isPublic && !opts.allowPrivate && !isAllowedHost(hostname, opts)) {
    throw notPublic(`${subject} is not a public address (${cls.range})`);
  }
}

/** Parses a URL and checks everything that needs no DNS: scheme, credentials, host-name rules. */
export function parseGuardedUrl(input: string | URL, opts: GuardOptions = {}): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new ProviderError('SOURCE_INVALID', `not a valid URL: ${String(input).slice(0, 200)}`, false);
  }
  if (!ALLOWED_SCHEMES.has(url.protocol))
    throw forbidden(`scheme ${url.protocol} is not allowed (http and https only)`);
  if (url.username || url.password) throw forbidden('URLs with credentials are not allowed');
  const host = normalizeHostname(url.hostname);
  if (!host) throw forbidden('URL has no host');
  if (METADATA_HOSTNAMES.has(host)) throw notPublic(`${host} is a cloud metadata endpoint`);
  if (isIP(host)) {
    assertAllowedAddress(host, opts);
  } else if (
    !opts.allowPrivate &&
    !isAllowedHost(host, opts) &&
    (host === 'localhost' || host.endsWith('.localhost'))
  ) {
    throw notPublic(`${host} is a loopback host name`);
  }
  return url;
}

const systemResolver: HostResolver = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

function dnsError(host: string, err: unknown): ProviderError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  // EAI_AGAIN is a temporary resolver failure; ENOTFOUND/ENODATA mean the name has no address.
  const retryable = code !== 'ENOTFOUND' && code !== 'ENODATA';
  return new ProviderError(
    'SOURCE_UNREACHABLE',
    `cannot resolve ${host}: ${code ?? String(err)}`,
    retryable,
    undefined,
    {
      cause: err,
    },
  );
}

/**
 * Resolves `hostname` and returns its addresses when every one of them is allowed. Refuses the
 * host if ANY address is not, so a name mixing public and private records cannot be used.
 */
export async function resolveAllowedAddresses(
  hostname: string,
  opts: GuardOptions = {},
): Promise<ResolvedAddress[]> {
  const host = normalizeHostname(hostname);
  if (isIP(host)) {
    assertAllowedAddress(host, opts);
    return [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  }
  if (METADATA_HOSTNAMES.has(host)) throw notPublic(`${host} is a cloud metadata endpoint`);
  let addresses: ResolvedAddress[];
  try {
    addresses = await (opts.resolve ?? systemResolver)(host);
  } catch (err) {
    throw dnsError(host, err);
  }
  if (addresses.length === 0) throw dnsError(host, new Error('no addresses'));
  for (const { address } of addresses) assertAllowedAddress(address, opts, host);
  return addresses;
}

/** Checks a URL the way `safeFetch` will before connecting (e.g. a webhook URL at submit time). */
export async function assertPublicUrl(url: string | URL, opts: GuardOptions = {}): Promise<void> {
  const parsed = parseGuardedUrl(url, opts);
  await resolveAllowedAddresses(parsed.hostname, opts);
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for net/tls.connect that validates every address it hands to the socket. This is
 * what pins the connection: DNS rebinding between an earlier check and the connect cannot slip
 * a private address in, because this IS the resolution the socket uses.
 */
export function createGuardedLookup(opts: GuardOptions) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolveAllowedAddresses(hostname, opts).then(
      (resolved) => {
        const wanted =
          options.family === 4 || options.family === 6
            ? resolved.filter((a) => a.family === options.family)
            : resolved;
        if (wanted.length === 0) {
          const err: NodeJS.ErrnoException = new Error(`no IPv${options.family} address for ${hostname}`);
          err.code = 'ENOTFOUND';
          callback(err, '');
          return;
        }
        const first = wanted[0] as ResolvedAddress;
        if (options.all) callback(null, wanted);
        else callback(null, first.address, first.family);
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, ''),
    );
  };
}
