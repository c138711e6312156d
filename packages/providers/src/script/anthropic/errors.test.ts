import { ProviderError } from '../../types';
import { toProviderError } from './errors';

describe('toProviderError', () => {
  it('retries a response body cut off mid-way, but not an unknown failure', () => {
    const truncated = toProviderError(new SyntaxError('Unexpected end of JSON input'));
    expect(truncated).toBeInstanceOf(ProviderError);
    expect(truncated).toMatchObject({ code: 'SCRIPT_FAILED', retryable: true });
    expect(toProviderError(new TypeError('terminated'))).toMatchObject({ retryable: true });
    expect(toProviderError(new Error('unsupported content block'))).toMatchObject({
      code: 'SCRIPT_FAILED',
      retryable: false,
    });
  });
});
