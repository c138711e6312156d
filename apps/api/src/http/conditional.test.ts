import type { Request } from 'express';
import { isNotModified } from './conditional';

const req = (headers: Record<string, string>) =>
  ({ get: (name: string) => headers[name.toLowerCase()] }) as unknown as Request;

describe('isNotModified', () => {
  const validators = { etag: '"abc"', lastModified: new Date('2026-11-26T10:00:00Z') };

  it('matches If-None-Match lists, weak tags and *', () => {
    expect(isNotModified(req({ 'if-none-match': '"abc"' }), validators)).toBe(true);
    expect(isNotModified(req({ 'if-none-match': '"x", W/"abc"' }), validators)).toBe(true);
    expect(isNotModified(req({ 'if-none-match': '*' }), validators)).toBe(true);
    expect(isNotModified(req({ 'if-none-match': '"abd"' }), validators)).toBe(false);
  });

  it('lets If-None-Match decide over If-Modified-Since, which alone compares dates', () => {
    const since = 'Thu, 26 Nov 2026 10:00:00 GMT';
    expect(isNotModified(req({ 'if-none-match': '"old"', 'if-modified-since': since }), validators)).toBe(
      false,
    );
    expect(isNotModified(req({ 'if-modified-since': since }), validators)).toBe(true);
    expect(isNotModified(req({ 'if-modified-since': 'Thu, 26 Nov 2026 09:59:59 GMT' }), validators)).toBe(
      false,
    );
    expect(isNotModified(req({ 'if-modified-since': 'yesterday' }), validators)).toBe(false);
    expect(isNotModified(req({ 'if-modified-since': since }), { etag: '"abc"' })).toBe(false);
    expect(isNotModified(req({}), validators)).toBe(false);
  });
});
