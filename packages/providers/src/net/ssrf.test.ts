import { ProviderError } from '../types';
import {
  assertPublicUrl,
  classifyAddress,
  createGuardedLookup,
  type ForbiddenAddressError,
  type HostResolver,
  parseGuardedUrl,
  resolveAllowedAddresses,
} from './ssrf';

const fakeDns =
  (table: Record<string, string[]>): HostResolver =>
  async (host) => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

async function refusal(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(err)}`);
  return err;
}

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'unicast'],
    ['93.184.215.14', 'unicast'],
    ['2606:4700:4700::1111', 'unicast'],
    ['64:ff9b::808:808', 'rfc6052(unicast)'], // NAT64 of a public address is fine
    ['::ffff:8.8.8.8', 'ipv4Mapped(unicast)'],
  ])('%s is public (%s)', (ip, range) => {
    expect(classifyAddress(ip)).toEqual({ range, isPublic: true, isMetadata: false });
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'ipv4Mapped(loopback)'],
    ['::ffff:10.1.2.3', 'ipv4Mapped(private)'],
    ['::7f00:1', 'reserved'], // deprecated IPv4-compatible ::127.0.0.1 (ipaddr.js says unicast)
    ['::127.0.0.1', 'ipv4Mapped(loopback)'], // ipaddr.js reads the dotted form as mapped
    ['64:ff9b::10.0.0.1', 'rfc6052(private)'],
    ['64:ff9b:1::7f00:1', 'rfc6052(loopback)'],
    ['2002:7f00:1::', '6to4(loopback)'],
    ['2002:c0a8:101::1', '6to4(private)'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'teredo'],
  ])('%s is not public (%s)', (ip, range) => {
    const cls = classifyAddress(ip);
    expect(cls.range).toBe(range);
    expect(cls.isPublic).toBe(false);
  });

  it.each(['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200', '::ffff:169.254.169.254'])(
    '%s is a metadata endpoint',
    (ip) => {
      const cls = classifyAddress(ip);
      expect(cls.isMetadata).toBe(true);
      expect(cls.isPublic).toBe(false);
    },
  );
});

describe('parseGuardedUrl', () => {
  it.each([
    'http://127.0.0.1/',
    'http://[::1]/',
    'http://0x7f000001/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://0/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://192.168.1.1/',
    'http://172.16.0.1/',
    'http://100.64.0.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
    'http://[fd00:ec2::254]/',
    'http://localhost/',
    'http://LOCALHOST./',
    'http://api.localhost/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://user:secret@example.com/',
  ])('refuses %s', (url) => {
    expect(() => parseGuardedUrl(url)).toThrow(
      expect.objectContaining({ code: 'SOURCE_FORBIDDEN', retryable: false }),
    );
  });

  it.each([
    'file:///etc/passwd',
    'gopher://x/',
    'ftp://x/',
    'data:text/plain,hi',
    'javascript:alert(1)',
    'ws://x/',
  ])('refuses the scheme of %s even with allowPrivate', (url) => {
    expect(() => parseGuardedUrl(url, { allowPrivate: true })).toThrow(
      expect.objectContaining({ code: 'SOURCE_FORBIDDEN' }),
    );
  });

  it('refuses metadata endpoints even with allowPrivate or allowHosts', () => {
    for (const url of [
      'http://169.254.169.254/',
      'http://[fd00:ec2::254]/',
      'http://metadata.google.internal/',
    ]) {
      const host = new URL(url).hostname;
      expect(() => parseGuardedUrl(url, { allowPrivate: true, allowHosts: [host] })).toThrow(
        expect.objectContaining({ code: 'SOURCE_FORBIDDEN' }),
      );
    }
  });

  it('lets private literals through only with allowPrivate or an allowHosts entry', () => {
    expect(parseGuardedUrl('http://127.0.0.1:8080/x', { allowPrivate: true }).host).toBe('127.0.0.1:8080');
    expect(parseGuardedUrl('http://localhost/', { allowHosts: ['localhost'] }).hostname).toBe('localhost');
    expect(parseGuardedUrl('https://example.com/a?b=1').toString()).toBe('https://example.com/a?b=1');
  });

  it('calls a malformed URL invalid, not forbidden', () => {
    expect(() => parseGuardedUrl('http://[::1')).toThrow(expect.objectContaining({ code: 'SOURCE_INVALID' }));
  });
});

describe('assertPublicUrl', () => {
  const resolve = fakeDns({
    'public.test': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'loopback.test': ['127.0.0.1'],
    'mixed.test': ['93.184.215.14', '10.0.0.7'],
    'mapped.test': ['::ffff:192.168.0.1'],
    'imds.test': ['169.254.169.254'],
  });

  it('accepts a name whose every address is public', async () => {
    await expect(assertPublicUrl('https://public.test/hook', { resolve })).resolves.toBeUndefined();
  });

  it.each(['loopback.test', 'mixed.test', 'mapped.test', 'imds.test'])('refuses %s', async (host) => {
    const err = await refusal(assertPublicUrl(`https://${host}/hook`, { resolve }));
    expect(err.code).toBe('SOURCE_FORBIDDEN');
    expect(err.message).toBe('not a public address'); // no host name, no resolved address (issue #18)
    expect((err as ForbiddenAddressError).detail).toContain(host);
  });

  it('refuses a metadata address behind an allowHosts name', async () => {
    const err = await refusal(
      assertPublicUrl('http://imds.test/', { resolve, allowHosts: ['imds.test'], allowPrivate: true }),
    );
    expect(err.code).toBe('SOURCE_FORBIDDEN');
  });

  it('reports an unknown name as unreachable and not retryable', async () => {
    const err = await refusal(assertPublicUrl('https://nowhere.test/', { resolve }));
    expect(err).toMatchObject({ code: 'SOURCE_UNREACHABLE', retryable: false });
  });

  it('refuses a name the system resolver maps to loopback', async () => {
    // parseGuardedUrl refuses `localhost` by name; this checks the address path on its own.
    const err = await refusal(resolveAllowedAddresses('localhost'));
    expect(err.code).toBe('SOURCE_FORBIDDEN');
    expect(err.message).toBe('not a public address');
    expect((err as ForbiddenAddressError).detail).toMatch(/localhost resolves to (127\.0\.0\.1|::1)/);
  });
});

describe('createGuardedLookup', () => {
  const lookup = createGuardedLookup({
    resolve: fakeDns({ 'public.test': ['93.184.215.14', '2606:4700::1'], 'loopback.test': ['::1'] }),
  });
  const call = (host: string, options: { all?: boolean; family?: number }) =>
    new Promise<{ err: unknown; address: unknown; family: unknown }>((done) =>
      lookup(host, options, (err, address, family) => done({ err, address, family })),
    );

  it('hands the socket the checked addresses, in the shape net asks for', async () => {
    expect(await call('public.test', { all: true })).toMatchObject({
      err: null,
      address: [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:4700::1', family: 6 },
      ],
    });
    expect(await call('public.test', { family: 6 })).toEqual({
      err: null,
      address: '2606:4700::1',
      family: 6,
    });
  });

  it('fails the socket for a refused address', async () => {
    const { err } = await call('loopback.test', { all: true });
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'SOURCE_FORBIDDEN' });
  });
});
