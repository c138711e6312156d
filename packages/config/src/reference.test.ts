import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configurationMarkdown, variableReference } from './reference';
import { envNames } from './schema';

describe('docs/configuration.md', () => {
  it('is what the config schema generates (run `npm run docs:config` after changing the schema)', () => {
    const onDisk = readFileSync(join(__dirname, '../../../docs/configuration.md'), 'utf8');
    expect(onDisk).toBe(configurationMarkdown());
  });

  it('describes every variable, with its default and the apps that read it', () => {
    const reference = variableReference();
    expect(reference.map((v) => v.name)).toEqual(envNames);
    expect(reference.filter((v) => !v.description).map((v) => v.name)).toEqual([]);
    expect(reference.filter((v) => v.readBy.length === 0).map((v) => v.name)).toEqual([]);
    const byName = new Map(reference.map((v) => [v.name, v]));
    expect(byName.get('REDIS_URL')).toMatchObject({
      default: '`redis://127.0.0.1:6379`',
      readBy: ['api', 'scraper', 'audio', 'uploader'],
    });
    expect(byName.get('ADMIN_API_KEY')).toMatchObject({ default: 'required', readBy: ['api'] });
    expect(byName.get('HEALTH_PORT')).toMatchObject({
      default: 'unset',
      readBy: ['scraper', 'audio', 'uploader'],
    });
    expect(byName.get('TTS_PROVIDER')?.description).toContain('(`espeak`, `elevenlabs`, `openai`)');
  });
});
