export interface NormalizeOptions {
  /** Integrated loudness to reach (LUFS), measured after limiting. */
  targetLufs: number;
  /** True-peak ceiling of the limiter (dBTP). */
  ceilingDb: number;
}

export interface NormalizeResult {
  /** Mono 16-bit PCM at the input's rate: gain applied, true peaks limited. */
  pcm: Int16Array;
  /** Gain before limiting (dB). */
  gainDb: number;
  /** Of the input; −Infinity for silence (left as it is). */
  inputLufs: number;
  /** Integrated loudness (LUFS) and true peak (dBTP) of the output, before rounding to 16 bits. */
  integratedLufs: number;
  truePeakDb: number;
}

/**
 * ITU-R BS.1770-4 on mono float PCM (−1…1): K-weighted integrated loudness with absolute and
 * relative gating, true peak by 4× oversampling, and a look-ahead true-peak limiter with the gain
 * search that lands the limited signal on a target loudness.
 *
 * Everything lives inside this one factory with no imports and no outer references: dsp-thread.ts
 * runs the very same code in a worker thread from its source text.
 */
export function createLoudnessDsp() {
  const ABSOLUTE_GATE_LUFS = -70;
  const RELATIVE_GATE_LU = -10;
  // Half-width (input samples) of the Lanczos kernel that interpolates the 3 points between samples.
  const TAPS_HALF = 6;
  const TAPS = 2 * TAPS_HALF;
  const PHASES = [0.25, 0.5, 0.75];
  // Blocks of samples whose peak (with the kernel's reach) bounds every point interpolated in them.
  const BLOCK_BITS = 6;
  const BLOCK = 1 << BLOCK_BITS;
  // The gain search runs the limiter on groups of 2^GROUP_BITS samples (the largest peak of each,
  // their K-weighted energy): a quarter of the work, within a few hundredths of a LU of the output.
  const GROUP_BITS = 2;
  const LIMITER_ATTACK_SEC = 0.005;
  const LIMITER_RELEASE_SEC = 0.05;
  // The limiter aims this far under its ceiling: its gain is held for every point a peak is
  // interpolated from, but still varies a little across them, which can move a peak by a hair.
  const LIMITER_MARGIN_DB = 0.02;
  // The gain search stops this close to the target: well under what the MP3 encode itself varies.
  const GAIN_TOLERANCE_LU = 0.05;
  // Output is handed on (to the encoder) in chunks of this many samples.
  const OUTPUT_CHUNK = 1 << 16;
  // Steps (samples, or groups of samples) of the limiter's gain curve per batch: a multiple of the
  // blocks' length in either, so that every batch starts on a block.
  const CURVE_BATCH = 1 << 12;

  // Work arrays as long as the signal are kept from call to call (they never leave this factory):
  // fresh ones of tens of MB cost a page fault per 4 KB on first touch, more than the passes filling them.
  const workBuffers = new Map<string, ArrayBuffer>();
  function workBuffer(name: string, bytes: number): ArrayBuffer {
    let buffer = workBuffers.get(name);
    if (!buffer || buffer.byteLength < bytes) {
      buffer = new ArrayBuffer(bytes);
      workBuffers.set(name, buffer);
    }
    return buffer;
  }

  type Biquad = { b0: number; b1: number; b2: number; a1: number; a2: number };

  /** The two K-weighting stages (high shelf, then high pass) for any rate: libebur128's derivation. */
  function kWeightingFilters(sampleRate: number): [Biquad, Biquad] {
    let f0 = 1681.974450955533;
    const gainDb = 3.999843853973347;
    let q = 0.7071752369554196;
    let k = Math.tan((Math.PI * f0) / sampleRate);
    const vh = 10 ** (gainDb / 20);
    const vb = vh ** 0.4996667741545416;
    let a0 = 1 + k / q + k * k;
    const shelf = {
      b0: (vh + (vb * k) / q + k * k) / a0,
      b1: (2 * (k * k - vh)) / a0,
      b2: (vh - (vb * k) / q + k * k) / a0,
      a1: (2 * (k * k - 1)) / a0,
      a2: (1 - k / q + k * k) / a0,
    };
    f0 = 38.13547087602444;
    q = 0.5003270373238773;
    k = Math.tan((Math.PI * f0) / sampleRate);
    a0 = 1 + k / q + k * k;
    const highPass = { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
    return [shelf, highPass];
  }

  /** Gated integrated loudness (LUFS) from mean squares per 100 ms step (a 400 ms block is four). */
  function gatedLoudness(energies: ArrayLike<number>): number {
    const e = energies;
    const blocks: number[] = [];
    for (let j = 0; j + 4 <= e.length; j++) {
      const z = (e[j]! + e[j + 1]! + e[j + 2]! + e[j + 3]!) / 4;
      if (z > 0 && lufs(z) > ABSOLUTE_GATE_LUFS) blocks.push(z);
    }
    if (blocks.length === 0) return Number.NEGATIVE_INFINITY;
    const relativeGate = lufs(blocks.reduce((a, b) => a + b, 0) / blocks.length) + RELATIVE_GATE_LU;
    const kept = blocks.filter((z) => lufs(z) > relativeGate);
    return lufs(kept.reduce((a, b) => a + b, 0) / kept.length);
  }

  /** Mean square of the K-weighted signal per 100 ms step, streamed. */
  class Steps {
    protected readonly step: number;
    protected readonly energies: number[] = [];
    protected sum = 0;
    protected inStep = 0;

    constructor(sampleRate: number) {
      this.step = Math.round(sampleRate / 10);
    }

    /** Gated integrated loudness (LUFS) so far; −Infinity when no block passes the gates. */
    loudness(): number {
      return gatedLoudness(this.energies);
    }
  }

  /**
   * Streams samples through K-weighting into step energies. Classes, not closures made per use:
   * the hot loops run from a few call sites, which a new function object each time would deoptimise.
   */
  class Meter extends Steps {
    private readonly shelf: Biquad;
    private readonly highPass: Biquad;
    // Filter memories: inputs and outputs of the shelf (s…), outputs of the high pass (h…).
    private state = { sx1: 0, sx2: 0, sy1: 0, sy2: 0, hy1: 0, hy2: 0 };

    constructor(sampleRate: number) {
      super(sampleRate);
      [this.shelf, this.highPass] = kWeightingFilters(sampleRate);
    }

    /**
     * samples[start … start + count), each times gain[i − start] when given; the K-weighted energy
     * per group of samples (see GROUP_BITS) is also added up in `groupEnergy` when given.
     */
    add(
      samples: Float32Array,
      start: number,
      count: number,
      gain?: Float32Array,
      groupEnergy?: Float64Array,
    ): void {
      const { b0, b1, b2, a1, a2 } = this.shelf;
      const { a1: c1, a2: c2 } = this.highPass;
      const step = this.step;
      // Filter memories in locals while the loop runs: fields would go through memory every sample.
      let { sx1, sx2, sy1, sy2, hy1, hy2 } = this.state;
      let sum = this.sum;
      let inStep = this.inStep;
      for (let i = 0; i < count; i++) {
        const x = gain === undefined ? samples[start + i]! : samples[start + i]! * gain[i]!;
        const sy = b0 * x + b1 * sx1 + b2 * sx2 - a1 * sy1 - a2 * sy2;
        sx2 = sx1;
        sx1 = x;
        // The high pass's numerator is 1, −2, 1: its inputs are the shelf's outputs.
        const hy = sy - 2 * sy1 + sy2 - c1 * hy1 - c2 * hy2;
        sy2 = sy1;
        sy1 = sy;
        hy2 = hy1;
        hy1 = hy;
        if (groupEnergy !== undefined) groupEnergy[(start + i) >> GROUP_BITS]! += hy * hy;
        sum += hy * hy;
        if (++inStep === step) {
          this.energies.push(sum / step);
          sum = 0;
          inStep = 0;
        }
      }
      this.state = { sx1, sx2, sy1, sy2, hy1, hy2 };
      this.sum = sum;
      this.inStep = inStep;
    }
  }

  /**
   * The final pass: gained samples measured exactly, rounded into `out` and handed on in chunks;
   * the float samples are replaced by the output (the limiter no longer reads them), for its true peak.
   */
  class OutputSink {
    readonly meter: Meter;
    private handedOn = 0;

    constructor(
      private readonly samples: Float32Array,
      readonly out: Int16Array,
      sampleRate: number,
      private readonly onChunk?: (pcm: Int16Array, last: boolean) => void,
    ) {
      this.meter = new Meter(sampleRate);
    }

    take(start: number, count: number, gains: Float32Array): void {
      const { samples, out } = this;
      this.meter.add(samples, start, count, gains);
      for (let i = 0; i < count; i++) {
        const v = samples[start + i]! * gains[i]!;
        samples[start + i] = v;
        // |v| stays under 1: round half away from zero (the Int16Array store truncates).
        out[start + i] = v * 32768 + (v < 0 ? -0.5 : 0.5);
      }
      const last = start + count === out.length;
      if (start + count - this.handedOn >= OUTPUT_CHUNK || last) {
        this.onChunk?.(out.subarray(this.handedOn, start + count), last);
        this.handedOn = start + count;
      }
    }
  }

  const lufs = (meanSquare: number) => -0.691 + 10 * Math.log10(meanSquare);

  /** BS.1770-4 integrated loudness (LUFS) of mono samples; K-weighted energy per group into `groupEnergy`. */
  function integratedLoudness(samples: Float32Array, sampleRate: number, groupEnergy?: Float64Array): number {
    const meter = new Meter(sampleRate);
    meter.add(samples, 0, samples.length, undefined, groupEnergy);
    return meter.loudness();
  }

  const sinc = (t: number) => (t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t));
  /** Weights of samples n−5 … n+6 for the points n + 0.25, n + 0.5, n + 0.75 (Lanczos, a = 6), flat. */
  const weights = new Float64Array(PHASES.length * TAPS);
  PHASES.forEach((phase, p) => {
    for (let j = 0; j < TAPS; j++) {
      const t = phase - (j - TAPS_HALF + 1);
      weights[p * TAPS + j] = sinc(t) * sinc(t / TAPS_HALF);
    }
  });
  // Bounds on an interpolated point between n and n + 1: NEAR × max(|x[n]|, |x[n+1]|) + FAR × the
  // largest |sample| of the other ten; REACH_GAIN × the largest |sample| under the whole kernel.
  let NEAR = 0;
  let FAR = 0;
  for (let p = 0; p < PHASES.length; p++) {
    let near = 0;
    let far = 0;
    for (let j = 0; j < TAPS; j++) {
      const w = Math.abs(weights[p * TAPS + j]!);
      if (j === TAPS_HALF - 1 || j === TAPS_HALF) near += w;
      else far += w;
    }
    NEAR = Math.max(NEAR, near);
    FAR = Math.max(FAR, far);
  }
  const REACH_GAIN = Math.max(1, NEAR + FAR);

  /** Largest |value| of the 3 points interpolated between samples n and n + 1 (zeros past the ends). */
  function interSamplePeak(samples: Float32Array, n: number): number {
    const first = n - TAPS_HALF + 1;
    const interior = first >= 0 && first + TAPS <= samples.length;
    let peak = 0;
    for (let p = 0; p < weights.length; p += TAPS) {
      let v = 0;
      if (interior) for (let j = 0; j < TAPS; j++) v += weights[p + j]! * samples[first + j]!;
      else
        for (let j = 0; j < TAPS; j++) {
          const i = first + j;
          if (i >= 0 && i < samples.length) v += weights[p + j]! * samples[i]!;
        }
      if (v > peak) peak = v;
      else if (-v > peak) peak = -v;
    }
    return peak;
  }

  /** Per block, the largest |sample| in it and in the kernel's reach either side (its neighbours). */
  function blockReach(samples: Float32Array): Float32Array {
    const blocks = Math.ceil(samples.length / BLOCK);
    const maxima = new Float32Array(blocks + 2);
    for (let b = 0; b < blocks; b++) {
      let peak = 0;
      for (let n = b * BLOCK, end = Math.min(n + BLOCK, samples.length); n < end; n++) {
        const v = samples[n]!;
        if (v > peak) peak = v;
        else if (-v > peak) peak = -v;
      }
      maxima[b + 1] = peak;
    }
    const reach = new Float32Array(blocks);
    for (let b = 0; b < blocks; b++) reach[b] = Math.max(maxima[b]!, maxima[b + 1]!, maxima[b + 2]!);
    return reach;
  }

  /**
   * For each sample n of block b, the peak of |x[n]| and the points up to n + 1, into `peaks`:
   * exact where its bound reaches `threshold`, else the bound (which is below it).
   */
  function blockPeaks(
    samples: Float32Array,
    b: number,
    reach: number,
    threshold: number,
    peaks: Float32Array,
  ) {
    const far = FAR * reach;
    for (let n = b * BLOCK, end = Math.min(n + BLOCK, samples.length); n < end; n++) {
      const here = Math.abs(samples[n]!);
      const next = n + 1 < samples.length ? Math.abs(samples[n + 1]!) : 0;
      const bound = NEAR * Math.max(here, next) + far;
      peaks[n] = bound < threshold ? bound : Math.max(here, interSamplePeak(samples, n));
    }
  }

  /** True peak (linear) by 4× oversampling, interpolating only where the peak could be. */
  function truePeak(samples: Float32Array): number {
    const reach = blockReach(samples);
    const peaks = new Float32Array(workBuffer('truePeak', 4 * BLOCK * reach.length), 0, BLOCK * reach.length);
    let peak = 0;
    for (let b = 0; b < reach.length; b++) peak = Math.max(peak, reach[b]!);
    for (let b = 0; b < reach.length; b++) {
      if (reach[b]! * REACH_GAIN <= peak) continue;
      blockPeaks(samples, b, reach[b]!, peak, peaks);
      for (let n = b * BLOCK, end = Math.min(n + BLOCK, samples.length); n < end; n++) {
        if (peaks[n]! > peak) peak = peaks[n]!;
      }
    }
    return peak;
  }

  /**
   * The limiter's gain curve over steps (samples in `Limiter.run`, groups of samples in
   * `Limiter.searchLoudness`): the minimum of the gains needed from `behind` steps before to `ahead`
   * steps after, an exponential release, then a moving average over `attack` steps. Fed in batches,
   * its state in locals while the loop runs (as in `Meter.add`): a method call per step, the state in
   * fields, made the whole normalisation several per cent slower.
   */
  class GainCurve {
    /**
     * The needs of the next batch of steps, written by the caller where a step has one: under 1, the
     * gain that step needs at most. `advance` puts 1 (no need) back, so only the steps with a need are written.
     */
    readonly needs = new Float64Array(CURVE_BATCH).fill(1);
    /** What `advance` puts out: per step of the batch, the gain × `attack` of the step `ahead` before it. */
    readonly sums = new Float64Array(CURVE_BATCH);
    // Monotonic deque (a ring) of the gains below 1 in the window, for its running minimum.
    private readonly mask: number;
    private readonly dequeAt: Int32Array;
    private readonly dequeGain: Float64Array;
    // The moving average's ring and its running sum, starting from unity gain.
    private readonly box: Float64Array;
    private state: { step: number; head: number; tail: number; released: number; sum: number; slot: number };

    constructor(
      private readonly behind: number,
      private readonly ahead: number,
      private readonly attack: number,
      private readonly release: number,
    ) {
      this.mask = 2 ** Math.ceil(Math.log2(behind + ahead + 2)) - 1;
      this.dequeAt = new Int32Array(this.mask + 1);
      this.dequeGain = new Float64Array(this.mask + 1);
      this.box = new Float64Array(attack).fill(1);
      this.state = { step: 0, head: 0, tail: 0, released: 1, sum: attack, slot: 0 };
    }

    /** Takes the first `count` needs of the batch into the curve and puts out their `sums` (none before step 0). */
    advance(count: number): void {
      const { needs, sums, mask, dequeAt, dequeGain, box, behind, ahead, attack, release } = this;
      let { step, head, tail, released, sum, slot } = this.state;
      for (let i = 0; i < count; i++, step++) {
        const needed = needs[i]!;
        if (needed < 1) {
          needs[i] = 1;
          while (tail > head && dequeGain[(tail - 1) & mask]! >= needed) tail--;
          dequeAt[tail & mask] = step;
          dequeGain[tail & mask] = needed;
          tail++;
        }
        const k = step - ahead;
        if (k < 0) continue;
        while (tail > head && dequeAt[head & mask]! < k - behind) head++;
        const held = tail > head ? dequeGain[head & mask]! : 1;
        released = Math.min(held, 1 - (1 - released) * release);
        sum += released - box[slot]!;
        box[slot] = released;
        slot = slot + 1 === attack ? 0 : slot + 1;
        sums[i] = sum;
      }
      this.state = { step, head, tail, released, sum, slot };
    }
  }

  /**
   * A true-peak limiter after a gain: `searchLoudness` tries gains cheaply, `run` renders one in a
   * single streaming pass (the signal is large and memory-bound: every extra pass over it costs).
   * Interpolated peaks are computed once per block, as far as the gains tried need them.
   *
   * The gain at each sample: what each interpolated point needs, its minimum over the look-ahead
   * (widened by the kernel's reach so the neighbours that shape a peak are turned down too), an
   * exponential release, then a moving average as long as the look-ahead. Every averaged value is
   * a minimum over a window that contains the point, so the smoothing never lets a peak through.
   */
  class Limiter {
    private readonly reach: Float32Array;
    private readonly peaks: Float32Array;
    // Per block, the threshold its `peaks` are exact above (Infinity: not computed yet).
    private readonly exactAbove: Float32Array;
    private readonly active: Uint8Array;
    private readonly attack: number;
    private readonly lookahead: number;
    private readonly release: number;
    private readonly chunk = new Float32Array(4096);

    constructor(
      private readonly samples: Float32Array,
      private readonly sampleRate: number,
      private readonly ceiling: number,
    ) {
      this.reach = blockReach(samples);
      this.peaks = new Float32Array(workBuffer('limiterPeaks', 4 * samples.length), 0, samples.length);
      this.exactAbove = new Float32Array(this.reach.length).fill(Number.POSITIVE_INFINITY);
      this.active = new Uint8Array(this.reach.length);
      this.attack = Math.max(1, Math.round(LIMITER_ATTACK_SEC * sampleRate));
      this.lookahead = this.attack - 1 + TAPS_HALF;
      this.release = Math.exp(-1 / (LIMITER_RELEASE_SEC * sampleRate));
    }

    /** Marks the blocks that can reach `threshold` and makes their peaks exact above it. */
    private prepare(threshold: number): void {
      const { reach, active, exactAbove } = this;
      for (let b = 0; b < reach.length; b++) {
        active[b] = reach[b]! * REACH_GAIN > threshold ? 1 : 0;
        if (active[b] && exactAbove[b]! > threshold) {
          // With margin, so that the next, slightly higher gains of the search reuse it.
          blockPeaks(this.samples, b, reach[b]!, threshold * 0.8, this.peaks);
          exactAbove[b] = threshold * 0.8;
        }
      }
    }

    /**
     * The loudness (LUFS) the limited signal would have at `gainLinear`, for the gain search: the
     * limiter of `run` on groups of samples, its windows rounded out to whole groups.
     */
    searchLoudness(gainLinear: number, groupEnergy: Float64Array): number {
      const threshold = this.ceiling / gainLinear;
      this.prepare(threshold);
      const { samples, peaks, active } = this;
      const size = 1 << GROUP_BITS;
      const groupsPerBlock = BLOCK / size;
      const groups = groupEnergy.length;
      const behind = Math.ceil(TAPS_HALF / size);
      const ahead = Math.ceil(this.lookahead / size);
      const attack = Math.max(1, Math.round(this.attack / size));
      const curve = new GainCurve(behind, ahead, attack, this.release ** size);
      const { needs, sums } = curve;
      const step = Math.round(this.sampleRate / 10);
      const steps = new Float64Array(Math.floor(samples.length / step));
      // Each group counts in the step its first sample is in.
      let j = 0;
      let stepEnd = step;
      const scale = gainLinear / attack;
      for (let start = 0; start < groups + ahead && j < steps.length; start += needs.length) {
        const count = Math.min(needs.length, groups + ahead - start);
        // A block at a time: only the active ones can need limiting.
        const last = Math.min(start + count, groups);
        for (let b = start; b < last; b += groupsPerBlock) {
          if (!active[(b << GROUP_BITS) >> BLOCK_BITS]) continue;
          for (let e = b, blockEnd = Math.min(b + groupsPerBlock, last); e < blockEnd; e++) {
            let peak = 0;
            for (let n = e << GROUP_BITS, end = Math.min(n + size, samples.length); n < end; n++) {
              if (peaks[n]! > peak) peak = peaks[n]!;
            }
            if (peak > threshold) needs[e - start] = threshold / peak;
          }
        }
        curve.advance(count);
        for (let i = Math.max(0, ahead - start); i < count; i++) {
          const k = start + i - ahead;
          if (k << GROUP_BITS >= stepEnd) {
            j++;
            stepEnd += step;
          }
          if (j >= steps.length) break;
          const gain = sums[i]! * scale;
          steps[j]! += gain * gain * groupEnergy[k]!;
        }
      }
      for (let j = 0; j < steps.length; j++) steps[j] = steps[j]! / step;
      return gatedLoudness(steps);
    }

    /** Hands `sink` the gain × limiting for every sample, chunk by chunk, in order. */
    run(gainLinear: number, sink: OutputSink): void {
      const threshold = this.ceiling / gainLinear;
      this.prepare(threshold);
      const { samples, peaks, active, chunk, attack, lookahead } = this;
      const curve = new GainCurve(TAPS_HALF, lookahead, attack, this.release);
      const { needs, sums } = curve;
      let filled = 0;
      const scale = gainLinear / attack;
      for (let start = 0; start < samples.length + lookahead; start += needs.length) {
        const count = Math.min(needs.length, samples.length + lookahead - start);
        // A block at a time: only the active ones can need limiting.
        const last = Math.min(start + count, samples.length);
        for (let b = start; b < last; b += BLOCK) {
          if (!active[b >> BLOCK_BITS]) continue;
          for (let e = b, end = Math.min(b + BLOCK, last); e < end; e++) {
            if (peaks[e]! > threshold) needs[e - start] = threshold / peaks[e]!;
          }
        }
        curve.advance(count);
        for (let i = Math.max(0, lookahead - start); i < count; i++) {
          const n = start + i - lookahead;
          chunk[filled++] = sums[i]! * scale;
          if (filled === chunk.length || n === samples.length - 1) {
            sink.take(n + 1 - filled, filled, chunk);
            filled = 0;
          }
        }
      }
    }
  }

  /**
   * Gain plus true-peak limiting that puts mono 16-bit PCM at `targetLufs` with true peaks at or
   * under `ceilingDb`. Limiting takes back part of any raise, by an amount that depends on the gain,
   * so the gain is found by a secant search (2–3 cheap passes for speech), then one pass renders
   * the output, handing it on in chunks as it goes (`hooks.chunk`, views into the result), and the
   * output is measured.
   */
  function normalizePcm16(
    pcm: Int16Array,
    sampleRate: number,
    options: NormalizeOptions,
    hooks: { chosen?(gainDb: number): void; chunk?(pcm: Int16Array, last: boolean): void } = {},
  ): NormalizeResult {
    const samples = toFloat(pcm);
    const groups = Math.ceil(samples.length / (1 << GROUP_BITS));
    const groupEnergy = new Float64Array(workBuffer('groupEnergy', 8 * groups), 0, groups).fill(0);
    const inputLufs = integratedLoudness(samples, sampleRate, groupEnergy);
    if (!Number.isFinite(inputLufs)) {
      hooks.chosen?.(0);
      hooks.chunk?.(pcm, true);
      return {
        pcm,
        gainDb: 0,
        inputLufs,
        integratedLufs: inputLufs,
        truePeakDb: 20 * Math.log10(truePeak(samples)),
      };
    }

    const limiter = new Limiter(samples, sampleRate, 10 ** ((options.ceilingDb - LIMITER_MARGIN_DB) / 20));
    const miss = (lufs: number) => Math.abs(lufs - options.targetLufs);
    const attempt = (gainDb: number) => ({
      gainDb,
      integratedLufs: limiter.searchLoudness(10 ** (gainDb / 20), groupEnergy),
    });
    let previous = attempt(options.targetLufs - inputLufs);
    let best = previous;
    // Limiting takes back part of any raise: the first correction assumes 0.6 LU per dB (espeak
    // speech brought to −16 LUFS; the secant steps after it measure the actual slope).
    let next = previous.gainDb + (options.targetLufs - previous.integratedLufs) / 0.6;
    for (let i = 0; i < 6 && miss(best.integratedLufs) > GAIN_TOLERANCE_LU; i++) {
      const current = attempt(next);
      if (miss(current.integratedLufs) < miss(best.integratedLufs)) best = current;
      const slope = (current.integratedLufs - previous.integratedLufs) / (current.gainDb - previous.gainDb);
      // A flat slope: the limiter absorbs any raise, the target cannot be reached under the ceiling.
      if (!(slope > 0.05)) break;
      next = current.gainDb + (options.targetLufs - current.integratedLufs) / slope;
      previous = current;
    }
    hooks.chosen?.(best.gainDb);
    const output = new OutputSink(samples, new Int16Array(pcm.length), sampleRate, hooks.chunk);
    limiter.run(10 ** (best.gainDb / 20), output);
    return {
      pcm: output.out,
      gainDb: best.gainDb,
      inputLufs,
      integratedLufs: output.meter.loudness(),
      truePeakDb: 20 * Math.log10(truePeak(samples)),
    };
  }

  function toFloat(pcm: Int16Array): Float32Array {
    const samples = new Float32Array(workBuffer('samples', 4 * pcm.length), 0, pcm.length);
    for (let n = 0; n < pcm.length; n++) samples[n] = pcm[n]! / 32768;
    return samples;
  }

  return { integratedLoudness, truePeak, normalizePcm16 };
}
