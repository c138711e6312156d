import { extractSentences, splitSentences, splitSentencesAndFragments } from './sentences';

describe('splitSentences', () => {
  it('does not split after abbreviations, initials, acronyms or inside decimals', () => {
    expect(
      splitSentences(
        'Sen. Smith met Dr. Jones at the U.S. Capitol on Jan. 5 with John F. Kennedy in mind. The rocket made 7.5 million pounds of thrust. Done!',
      ),
    ).toEqual([
      'Sen. Smith met Dr. Jones at the U.S. Capitol on Jan. 5 with John F. Kennedy in mind.',
      'The rocket made 7.5 million pounds of thrust.',
      'Done!',
    ]);
  });

  it('keeps closing quotes with their sentence', () => {
    expect(
      splitSentences('He said, "That is one small step." Then he stepped down. Was it worth it? Yes.'),
    ).toEqual(['He said, "That is one small step."', 'Then he stepped down.', 'Was it worth it?', 'Yes.']);
  });
});

describe('splitSentencesAndFragments', () => {
  it('splits off text going on in lower case after a full stop, but not after an abbreviation', () => {
    expect(
      splitSentencesAndFragments(
        'The bill passed. an employer within section 10. Sen. smith, e.g. the chair, agreed.',
      ),
    ).toEqual(['The bill passed.', 'an employer within section 10.', 'Sen. smith, e.g. the chair, agreed.']);
  });
});

describe('extractSentences', () => {
  it('drops headings, boilerplate, URLs, reference marks and fragments; keeps positions', () => {
    const text = [
      'Local News',
      'The council approved a new budget for city parks on Tuesday evening.[3] Details are at https://example.com/budget today.',
      'Subscribe to our newsletter for more stories like this one.',
      'Photo: Getty Images',
      'Too short.',
      'Officials said the plan adds 12 % more money for playground repairs across the city.',
    ].join('\n');
    // Positions count every sentence, kept or not: 1 is "Details are at today." (a fragment once the
    // URL is gone), 2 the newsletter line, 3 "Too short."; "Photo: Getty Images" is a heading.
    expect(extractSentences(text)).toEqual([
      {
        text: 'The council approved a new budget for city parks on Tuesday evening.',
        position: 0,
        words: 12,
        whole: true,
      },
      {
        text: 'Officials said the plan adds 12 percent more money for playground repairs across the city.',
        position: 4,
        words: 15,
        whole: true,
      },
    ]);
  });

  it('ends every sentence with punctuation, and tells the ones that read whole on their own', () => {
    const [sentence, wrapped] = extractSentences(
      'A long line of prose without any final punctuation that still reads as a sentence\n' +
        'an employer or labor organization within the meaning of section 10.',
    );
    expect(sentence).toMatchObject({
      text: 'A long line of prose without any final punctuation that still reads as a sentence.',
      whole: false,
    });
    expect(wrapped).toMatchObject({ whole: false });
  });
});
