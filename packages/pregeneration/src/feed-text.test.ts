import { wholeSentences } from './feed-text';

describe('wholeSentences', () => {
  it('keeps whole sentences and drops fragments: a clause after a full stop, a tail without an end', () => {
    expect(
      wholeSentences(
        'Maya and Theo talk through H.R. 815. an employer within the meaning of section 10. The bill passed. It now goes to the',
        1000,
      ),
    ).toBe('Maya and Theo talk through H.R. 815. The bill passed.');
  });

  it('does not split after abbreviations or initials', () => {
    const text = 'Sen. Smith met Dr. Jones, e.g. at the U.S. Capitol. They agreed.';
    expect(wholeSentences(text, 1000)).toBe(text);
  });

  it('stops at the last whole sentence that fits the limit', () => {
    expect(wholeSentences('First one here. Second one here. Third one here.', 33)).toBe(
      'First one here. Second one here.',
    );
    expect(wholeSentences('A sentence far too long for the limit.', 10)).toBe('');
  });

  it('reads quoted and numbered sentences, and sentences over several lines', () => {
    expect(wholeSentences('"Quoted," she said.\n42 people came!\nthe rest', 1000)).toBe(
      '"Quoted," she said. 42 people came!',
    );
  });
});
