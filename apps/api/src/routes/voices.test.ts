import { publishWriterLanguages } from '@podfleet/providers';
import {
  createEspeakEngine,
  createOpenAiTtsEngine,
  publishEngineVoices,
  type TtsEngine,
} from '@podfleet/tts';
import request from 'supertest';
import { bearer, startTestApi, type TestApi, testEnv } from '../../test/harness';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi(testEnv(process.env, 'voices'));
});
afterAll(() => t.close());

const textSource = { kind: 'text', title: 'Harbour notes', text: 'The harbour reopened on Tuesday.' };
const episodeWith = (hosts: object[]) => ({ type: 'custom', sources: [textSource], style: { hosts } });
const silent = { warn() {} };

/** What an audio worker running `engine` publishes when it starts. */
async function workerStarts(engine: TtsEngine): Promise<void> {
  try {
    await publishEngineVoices({ redis: t.redis, prefix: t.settings.prefix, logger: silent }, engine);
  } finally {
    await engine.close();
  }
}

describe('GET /v1/voices and the check of style.hosts[].voice', () => {
  it('answers 503 before any audio worker has published, and then refuses no voice', async () => {
    const { key } = await t.createUser();
    const res = await request(t.app).get('/v1/voices').set(bearer(key)).expect(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('10');
    await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send(episodeWith([{ name: 'Maya', voice: 'anything' }]))
      .expect(202);
  });

  it('lists the espeak engine’s voices and languages, and takes a language with a variant and pitch', async () => {
    await workerStarts(createEspeakEngine({ backend: 'wasm', threads: 1 }));
    const { key } = await t.createUser();
    await request(t.app).get('/v1/voices').expect(401);
    const res = await request(t.app).get('/v1/voices').set(bearer(key)).expect(200);
    expect(res.body.engine).toBe('espeak');
    expect(res.body.defaults).toHaveLength(4);
    expect(res.body.languages).toEqual(expect.arrayContaining(['de', 'en-us', 'fr-fr']));
    expect(res.body.voices[0]).toEqual({
      id: res.body.defaults[0],
      name: expect.any(String),
      languages: ['en-us'],
    });
    await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send(
        episodeWith([
          { name: 'Maya', voice: 'de+m3@40' },
          { name: 'Theo', voice: res.body.defaults[1] },
        ]),
      )
      .expect(202);
  });

  it('refuses a voice the engine does not offer with a 422 naming the valid ones, on every style a user sets', async () => {
    await workerStarts(createOpenAiTtsEngine({ voices: ['af_bella', 'am_adam', 'bf_emma', 'bm_george'] }));
    const { user, key } = await t.createUser();
    const listed = await request(t.app).get('/v1/voices').set(bearer(key)).expect(200);
    expect(listed.body).toMatchObject({
      engine: 'openai',
      defaults: ['af_bella', 'am_adam', 'bf_emma', 'bm_george'],
      languages: ['en-gb', 'en-us'],
    });

    const refused = await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send(
        episodeWith([
          { name: 'Maya', voice: 'af_bella' },
          { name: 'Theo', voice: 'nova' },
        ]),
      )
      .expect(422);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.detail).toBe(
      'unknown voice "nova" for the openai engine; valid voices: af_bella, am_adam, bf_emma, bm_george',
    );
    expect(refused.body.errors).toEqual([
      {
        path: 'style.hosts.1.voice',
        message: 'not a voice of the openai engine; valid: af_bella, am_adam, bf_emma, bm_george',
      },
    ]);
    expect(await t.db.job.count({ where: { userId: user.id } })).toBe(0);

    await request(t.app)
      .patch('/v1/me')
      .set(bearer(key))
      .send({ style: { hosts: [{ name: 'Maya', voice: 'alloy' }] } })
      .expect(422);

    // Four hosts, each with a voice it offers: accepted.
    await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send(
        episodeWith(
          ['af_bella', 'am_adam', 'bf_emma', 'bm_george'].map((voice, i) => ({ name: `Host ${i}`, voice })),
        ),
      )
      .expect(202);
  });

  it('checks style.language: the writer must write it, the engine speak it, and a voice named with it speak it', async () => {
    await workerStarts(createEspeakEngine({ backend: 'wasm', threads: 1 }));
    const { key } = await t.createUser();
    const post = (style: object) =>
      request(t.app)
        .post('/v1/episodes')
        .set(bearer(key))
        .send({ type: 'custom', sources: [textSource], style });

    // An LLM writer writes any language; espeak speaks German and Brazilian Portuguese.
    await publishWriterLanguages(t.redis, t.settings.prefix, { provider: 'openai', languages: null });
    await post({ language: 'de' }).expect(202);
    await post({ language: 'pt-BR', hosts: [{ name: 'Ana', voice: 'pt-br+f3@70' }, { name: 'Rui' }] }).expect(
      202,
    );
    const listed = await request(t.app).get('/v1/voices').set(bearer(key)).expect(200);
    expect(listed.body).toMatchObject({
      languagesByVoice: true,
      writer: { provider: 'openai', languages: null },
    });

    const unspoken = await post({ language: 'xx' }).expect(422);
    expect(unspoken.body.detail).toMatch(
      /^the espeak engine does not speak "xx"; it speaks: af, am, an, .* de, /,
    );
    expect(unspoken.body.errors).toEqual([{ path: 'style.language', message: unspoken.body.detail }]);

    const mismatch = await post({
      language: 'de',
      hosts: [
        { name: 'Maya', voice: 'en-us+f3@70' },
        { name: 'Theo', voice: 'de@35' },
      ],
    }).expect(422);
    expect(mismatch.body.errors).toEqual([
      {
        path: 'style.hosts.0.voice',
        message:
          'voice "en-us+f3@70" speaks en-us, not "de"; choose a de voice (GET /v1/voices) or leave voice unset for one',
      },
    ]);

    // The offline writer writes English only.
    await publishWriterLanguages(t.redis, t.settings.prefix, { provider: 'local', languages: ['en'] });
    const unwritten = await post({ language: 'de' }).expect(422);
    expect(unwritten.body.detail).toBe('the local script writer does not write "de"; it writes: en');
    expect(unwritten.body.errors).toEqual([{ path: 'style.language', message: unwritten.body.detail }]);
    await post({ language: 'en-GB' }).expect(202);
    await request(t.app)
      .patch('/v1/me')
      .set(bearer(key))
      .send({ style: { language: 'fr' } })
      .expect(422);
    // Not a BCP 47 tag: refused by the schema.
    await post({ language: 'english!' }).expect(422);
  });

  it('a request’s style overrides only the fields it names: the saved language stays', async () => {
    await publishWriterLanguages(t.redis, t.settings.prefix, { provider: 'anthropic', languages: null });
    const { user, key } = await t.createUser();
    await request(t.app)
      .patch('/v1/me')
      .set(bearer(key))
      .send({ style: { language: 'de' } })
      .expect(200);
    await request(t.app)
      .post('/v1/episodes')
      .set(bearer(key))
      .send({ type: 'custom', sources: [textSource], style: { targetMinutes: 1 } })
      .expect(202);
    const job = await t.db.job.findFirstOrThrow({ where: { userId: user.id } });
    expect((job.request as { style: object }).style).toEqual({ language: 'de', targetMinutes: 1 });
  });
});
