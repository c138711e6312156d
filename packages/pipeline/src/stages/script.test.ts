import { createScriptWriter, readWriterLanguages } from '@podfleet/providers';
import { createTestContext, type TestContext } from '../testing';
import { publishScriptWriterLanguages } from './script';

describe('publishScriptWriterLanguages', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(() => t.close());

  it('publishes what the writer writes for the API, the last writer to start winning', async () => {
    expect(await readWriterLanguages(t.ctx.redis, t.ctx.prefix)).toBeNull();
    await publishScriptWriterLanguages(t.ctx, createScriptWriter({ provider: 'local' }));
    expect(await readWriterLanguages(t.ctx.redis, t.ctx.prefix)).toEqual({
      provider: 'local',
      languages: ['en'],
    });
    await publishScriptWriterLanguages(
      t.ctx,
      createScriptWriter({ provider: 'openai', baseURL: 'http://127.0.0.1:9/v1' }),
    );
    expect(await readWriterLanguages(t.ctx.redis, t.ctx.prefix)).toEqual({
      provider: 'openai',
      languages: null,
    });
  });
});
