import { resolveRange } from './byte-range';

describe('resolveRange', () => {
  it('resolves single ranges, open-ended and suffix forms, clamped to the size', () => {
    expect(resolveRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(resolveRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(resolveRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(resolveRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(resolveRange('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
  });

  it('ignores what it does not handle: no header, other units, several ranges', () => {
    expect(resolveRange(undefined, 1000)).toBeNull();
    expect(resolveRange('items=0-1', 1000)).toBeNull();
    expect(resolveRange('bytes=0-1,5-6', 1000)).toBeNull();
  });

  it('reports unsatisfiable ranges', () => {
    expect(resolveRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(resolveRange('bytes=500-100', 1000)).toBe('unsatisfiable');
    expect(resolveRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(resolveRange('bytes=-', 1000)).toBe('unsatisfiable');
    expect(resolveRange('bytes=abc', 1000)).toBe('unsatisfiable');
    expect(resolveRange('bytes=0-', 0)).toBe('unsatisfiable');
  });
});
