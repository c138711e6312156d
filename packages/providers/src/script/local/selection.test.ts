import { allocateBudget, scoreDocuments, selectSentences } from './selection';
import { extractSentences } from './sentences';

describe('allocateBudget', () => {
  it('splits evenly and hands a short source’s unused share to the others', () => {
    expect(allocateBudget([100, 1000, 1000], 900)).toEqual([100, 400, 400]);
    expect(allocateBudget([1000, 1000], 600)).toEqual([300, 300]);
    expect(allocateBudget([50, 60], 600)).toEqual([50, 60]);
    expect(allocateBudget([50, 60], 0)).toEqual([0, 0]);
  });
});

describe('selectSentences', () => {
  const text = [
    'The bridge opened in 1932 after six years of construction across the harbour.',
    'It carries eight lanes of traffic, two railway tracks, a footway and a cycleway.',
    'Engineers tested the bridge by parking 96 steam locomotives on it before opening.',
    'The weather that week was pleasant and many people went to the beach instead.',
    'The bridge is the widest long-span bridge in the world, at 48.8 metres across.',
    'Maintenance crews repaint the bridge continuously, using about 30,000 litres of paint per coat.',
  ].join(' ');
  const [doc] = scoreDocuments([{ title: 'Harbour Bridge', sentences: extractSentences(text) }]);

  it('fills the budget with the best sentences, in document order', () => {
    const picked = selectSentences(doc!, 40);
    const words = picked.reduce((sum, s) => sum + s.words, 0);
    expect(Math.abs(words - 40)).toBeLessThanOrEqual(8);
    expect(picked.map((s) => s.position)).toEqual([...picked.map((s) => s.position)].sort((a, b) => a - b));
    expect(picked[0]?.position).toBe(0); // the lead sentence wins
    expect(picked.some((s) => s.text.startsWith('The weather'))).toBe(false); // off-topic loses
  });

  it('takes one sentence even when the budget is smaller than any sentence', () => {
    expect(selectSentences(doc!, 3)).toHaveLength(1);
  });

  it('takes everything when the budget exceeds the source', () => {
    expect(selectSentences(doc!, 10_000)).toHaveLength(doc!.candidates.length);
  });
});
