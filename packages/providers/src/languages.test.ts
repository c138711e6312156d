import { bestLanguageMatch, languageMatches } from './languages';

describe('language matching (style.language against what a writer or engine supports)', () => {
  it('matches the same language whatever the case and regions, and Mandarin’s cmn for zh', () => {
    expect(languageMatches('pt-BR', 'pt')).toBe(true);
    expect(languageMatches('de', 'de-de')).toBe(true);
    expect(languageMatches('en-AU', 'en-us')).toBe(true);
    expect(languageMatches('zh-CN', 'cmn')).toBe(true);
    expect(languageMatches('de', 'da')).toBe(false);
    expect(languageMatches('en', 'eo')).toBe(false);
  });

  it('picks the exact code, else the bare language, else its home variety, else the first of the language', () => {
    const espeak = ['cmn', 'cmn-latn-pinyin', 'en-gb', 'en-us', 'fr-be', 'fr-ch', 'fr-fr', 'pt', 'pt-br'];
    expect(bestLanguageMatch('pt-BR', espeak)).toBe('pt-br');
    expect(bestLanguageMatch('pt-PT', espeak)).toBe('pt');
    expect(bestLanguageMatch('fr', espeak)).toBe('fr-fr');
    expect(bestLanguageMatch('fr-CH', espeak)).toBe('fr-ch');
    expect(bestLanguageMatch('zh', espeak)).toBe('cmn');
    expect(bestLanguageMatch('en', espeak)).toBe('en-gb');
    expect(bestLanguageMatch('de', espeak)).toBeUndefined();
  });
});
