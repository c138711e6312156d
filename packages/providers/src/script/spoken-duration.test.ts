import { Redis } from 'ioredis';
import {
  fleetPaceKey,
  LINE_GAP_SEC,
  paceFor,
  publishNominalPace,
  REFERENCE_PACE,
  readFleetPace,
  recordMeasuredPace,
  scriptSeconds,
  spokenSeconds,
} from './spoken-duration';

describe('spokenSeconds', () => {
  it('counts what takes time to say: letters, digits, phrase and sentence ends', () => {
    const letters = spokenSeconds('abcdefghij', 'en');
    expect(letters).toBeCloseTo(10 * 0.0638, 6);
    // A number is said as several words: "3076" costs far more than four letters.
    expect(spokenSeconds('abcdefghij 3076', 'en') - letters).toBeCloseTo(4 * 0.332, 6);
    expect(spokenSeconds('abcdefghij, abcdefghij', 'en')).toBeCloseTo(2 * letters + 0.2, 6);
    expect(spokenSeconds('Abcdefghij. Abcdefghij!', 'en')).toBeCloseTo(2 * letters + 2 * 0.381, 6);
    // A decimal point inside a number is no sentence end.
    expect(spokenSeconds('3.5', 'en')).toBeCloseTo(2 * 0.332, 6);
  });

  it('scales with the engine speed, and counts characters for Chinese and Japanese', () => {
    const text = 'The Erie Canal opened in 1825, linking the Hudson River to Lake Erie.';
    expect(spokenSeconds(text, 'en', 2)).toBeCloseTo(spokenSeconds(text, 'en') / 2, 6);
    // 250 characters a minute for Chinese: 12 characters take 2.88 s (punctuation is silent).
    expect(spokenSeconds('今天我们来谈谈运河。它很长', 'zh')).toBeCloseTo((12 * 60) / 250, 6);
    expect(spokenSeconds('今日は運河の話です', 'ja')).toBeCloseTo((9 * 60) / 350, 6);
  });

  it('a script takes its lines plus a gap between each two', () => {
    const lines = [{ text: 'Welcome in.' }, { text: 'Thanks, Maya.' }, { text: 'Bye.' }];
    const speech = lines.reduce((sum, l) => sum + spokenSeconds(l.text, 'en'), 0);
    expect(scriptSeconds(lines, 'en')).toBeCloseTo(speech + 2 * LINE_GAP_SEC, 6);
    expect(scriptSeconds(lines, 'en', { speed: 0.5, lineGapSec: 1 })).toBeCloseTo(speech * 2 + 2, 6);
  });
});

describe('the fleet pace published in Redis', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let n = 0;
  const prefix = () => `${process.env.QUEUE_PREFIX ?? 'pftest'}-pace-${++n}`;
  afterAll(() => redis.quit());

  const text = 'The canal carried grain east and settlers west for a century. '.repeat(16);
  const referenceSeconds = spokenSeconds(text, 'en');
  // One voiced line that took `speechSec`, against an estimate of `referenceSeconds` at speed 1.
  const episode = (engine: string, speechSec: number, language = 'en') => ({
    engine,
    lines: [{ text }],
    language,
    speechSec,
  });
  const espeakNominal = { engine: 'espeak', speed: 1 };

  it('is the reference before any audio worker publishes, then the nominal pace for every language', async () => {
    const p = prefix();
    expect(await readFleetPace(redis, p)).toBeNull();
    expect(paceFor(null, 'en')).toEqual({ ...REFERENCE_PACE, samples: 0 });
    await publishNominalPace(redis, p, { engine: 'espeak', speed: 1.2 });
    const fleet = await readFleetPace(redis, p);
    expect(fleet).toEqual({ engine: 'espeak', speed: 1.2, measured: {} });
    expect(paceFor(fleet, 'de-AT')).toEqual({ speed: 1.2, lineGapSec: 0.35, samples: 0 });
    // An unreadable record counts as none rather than failing a script.
    await redis.set(fleetPaceKey(p), '{"engine":"espeak"');
    expect(await readFleetPace(redis, p)).toBeNull();
  });

  it('learns per language: the first episode replaces the nominal speed, the next ones are averaged', async () => {
    const p = prefix();
    await publishNominalPace(redis, p, espeakNominal);
    // Spoken in 80 % of the estimated time: 1.25 times the reference speed.
    expect(await recordMeasuredPace(redis, p, episode('espeak', referenceSeconds * 0.8))).toEqual({
      speed: 1.25,
      samples: 1,
    });
    expect(await recordMeasuredPace(redis, p, episode('espeak', referenceSeconds))).toEqual({
      speed: 1.125, // (1.25 + 1) / 2
      samples: 2,
    });
    await recordMeasuredPace(redis, p, episode('espeak', referenceSeconds / 1.5, 'de'));
    const fleet = await readFleetPace(redis, p);
    expect(paceFor(fleet, 'en-GB')).toMatchObject({ speed: 1.125, samples: 2 });
    expect(paceFor(fleet, 'de')).toMatchObject({ speed: 1.5, samples: 1 });
    expect(paceFor(fleet, 'fr')).toMatchObject({ speed: 1, samples: 0 }); // nominal
    // A worker restarting with the same engine keeps what was learned.
    await publishNominalPace(redis, p, espeakNominal);
    expect(await readFleetPace(redis, p)).toEqual(fleet);
  });

  it('past five episodes the newest weighs 20 %; another engine starts over; short episodes do not count', async () => {
    const p = prefix();
    for (let i = 0; i < 5; i++) await recordMeasuredPace(redis, p, episode('openai', referenceSeconds));
    expect(await recordMeasuredPace(redis, p, episode('openai', referenceSeconds / 2))).toEqual({
      speed: 1.2, // 0.8 × 1 + 0.2 × 2
      samples: 6,
    });
    expect(await recordMeasuredPace(redis, p, episode('openai', 5))).toBeNull();
    expect(paceFor(await readFleetPace(redis, p), 'en').samples).toBe(6);
    await publishNominalPace(redis, p, { engine: 'elevenlabs', speed: 0.9 });
    expect(await readFleetPace(redis, p)).toMatchObject({ engine: 'elevenlabs', speed: 0.9, measured: {} });
  });

  it('without a nominal pace, what one language measured leaves the others at the reference speed', async () => {
    const p = prefix();
    await recordMeasuredPace(redis, p, episode('espeak', referenceSeconds / 2, 'de'));
    const fleet = await readFleetPace(redis, p);
    expect(paceFor(fleet, 'de')).toMatchObject({ speed: 2, samples: 1 });
    expect(paceFor(fleet, 'en')).toMatchObject({ speed: 1, samples: 0 });
  });
});
