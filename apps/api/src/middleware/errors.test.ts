import { toProblem } from './errors';

/** An error as node's net/dns layer makes it (code + syscall), wrapped as a driver passes it on. */
const socketError = (code: string) =>
  Object.assign(new Error(`connect ${code} db.internal:5432`), { code, syscall: 'connect', errno: -1 });

describe('toProblem: dependency outages', () => {
  // EHOSTUNREACH and EAI_AGAIN are the ones Prisma's pg adapter does not map to P1001.
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])(
    'answers 503 database-unavailable for a wrapped %s',
    (code) => {
      const err = new Error('query failed', { cause: socketError(code) });
      const problem = toProblem(err);
      expect(problem?.status).toBe(503);
      expect(problem?.headers['Retry-After']).toBe('5');
      expect(problem?.body('/v1/episodes', 'req-1')).toMatchObject({
        type: 'urn:podfleet:problem:database-unavailable',
      });
    },
  );

  it('answers 503 redis-unavailable when the Redis connection is closed', () => {
    const problem = toProblem(new Error('Connection is closed.'));
    expect(problem?.body('/v1/episodes', 'req-1')).toMatchObject({
      status: 503,
      type: 'urn:podfleet:problem:redis-unavailable',
    });
  });

  it('leaves other errors to the 500 handler', () => {
    expect(toProblem(new Error('boom'))).toBeNull();
    expect(toProblem(Object.assign(new Error('bad input'), { code: 'EINVAL' }))).toBeNull();
  });
});
