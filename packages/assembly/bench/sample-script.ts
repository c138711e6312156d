import type { Host, ScriptLine } from '@podfleet/providers';

/** A ~450-word, 40-line two-host script (≈3 minutes at 170 wpm): the product's reference episode. */
const SENTENCES = [
  'Welcome back to the show, where we read the bills for you.',
  'Today we look at a plan to expand rural broadband in twelve states.',
  'It sets aside four billion dollars over five years for fiber.',
  'That sounds like a lot, but it goes quickly across many counties.',
  'Right, and the money flows through state agencies, not directly to towns.',
  'Supporters say that keeps the paperwork manageable for small places.',
  'Critics worry large providers will capture most of the grants anyway.',
  'An open access clause lets smaller carriers rent the new lines.',
  'So what does this mean for a family far outside town?',
  'If the timelines hold, service could arrive within three years.',
  'The committee added reporting rules, with maps updated twice a year.',
  'Those maps matter, because the old ones counted whole blocks as served.',
  'One connected house could hide dozens of homes without real access.',
  'Exactly, and the new rules measure each individual address instead.',
  'Now the second part of the bill, which deals with affordability.',
  'It extends a monthly discount for low income households by two years.',
  'Who pays for that discount, the carriers or the federal fund?',
  'The federal fund, which is itself paid for by fees on phone bills.',
  'And the bill asks for a study on whether those fees are fair.',
  'Lastly, the House vote is expected sometime before the summer recess.',
  'Thanks for listening, and we will see you in the next episode.',
];

export function sampleScript(lineCount = 40): { hosts: Host[]; lines: ScriptLine[]; chapters: string[] } {
  const hosts: Host[] = [{ name: 'Maya' }, { name: 'Theo' }];
  const lines: ScriptLine[] = [];
  // 21 sentences and alternating hosts: no (speaker, text) pair repeats within 40 lines.
  for (let i = 0; i < lineCount; i++) {
    const text = SENTENCES[i % SENTENCES.length]!;
    lines.push({ speaker: hosts[i % 2]!.name, text, chapter: Math.floor((i * 3) / lineCount) });
  }
  return { hosts, lines, chapters: ['The bill', 'Who benefits', 'What next'] };
}
