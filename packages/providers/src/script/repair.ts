import { ProviderError, type ScriptDocument, type Style, scriptDocumentSchema } from '../types';
import { checkModelScript, type ModelScript } from './output';
import { countWords, spokenLength } from './speech-rate';
import { REFERENCE_PACE, type SpeechPace, scriptSeconds } from './spoken-duration';
import { lengthRecord, lengthTarget } from './types';

/** One answer of an LLM writer, with what it cost. */
export interface ModelAttempt {
  text: string;
  /** Stopped at the output token limit: the JSON is incomplete. */
  truncated: boolean;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** A turn added to the conversation before asking again: the model's last answer and what to do with it. */
export interface FollowUp {
  answer: string;
  request: string;
}

export interface RepairLoopOptions {
  provider: 'anthropic' | 'openai';
  /** The model named in the usage when no answer names one. */
  model: string;
  style: Style;
  /** The fleet's pace, which the length check estimates durations at. */
  pace?: SpeechPace;
  documentCount: number;
  /**
   * Asks the model: the first time without `followUp`; then, after an unusable answer, with it and
   * what is wrong; or, after a usable script of the wrong length, with it and the length wanted.
   * The writer adds the follow-up to the conversation before asking again.
   */
  ask(followUp?: FollowUp): Promise<ModelAttempt>;
}

/** The user turn that asks for a corrected script after an unusable answer. */
export const repairRequest = (problem: string) =>
  `That answer cannot be used: ${problem}. Reply with the complete, corrected JSON object only.`;

/**
 * The user turn that asks for the same script at the length the episode needs: in the unit the
 * model counts, scaled from what it wrote by how far its estimated duration is off.
 */
export function lengthRequest(style: Style, measured: { spoken: number; seconds: number }): string {
  // Seconds and tolerance are the style's; the unit is the language's: no pace needed.
  const { unit, targetSec, tolerance } = lengthTarget(style);
  const { spoken, seconds } = measured;
  const wanted = Math.round((spoken * targetSec) / Math.max(1, seconds));
  const low = Math.round(wanted * (1 - tolerance));
  const high = Math.round(wanted * (1 + tolerance));
  const change =
    wanted > spoken
      ? `Extend it: add about ${wanted - spoken} ${unit}, with more of what the sources say (facts, context, the hosts' questions and answers), in the existing chapters`
      : `Trim it: remove about ${spoken - wanted} ${unit}, keeping the facts that matter most and every chapter`;
  return `That script has ${spoken} spoken ${unit}, which take about ${Math.round(seconds)} seconds to say, but the episode must last ${style.targetMinutes} minutes: it needs about ${wanted} ${unit} (at least ${low}, at most ${high}). ${change}. Keep the title, chapters, hosts and language. Reply with the complete JSON object only.`;
}

type Check = { ok: true; script: ModelScript } | { ok: false; problem: string };

function checkAttempt(attempt: ModelAttempt, hostNames: string[], documentCount: number): Check {
  if (attempt.truncated)
    return { ok: false, problem: 'the answer was cut off at the output token limit; keep the lines shorter' };
  if (attempt.text.trim() === '') return { ok: false, problem: 'the answer was empty' };
  return checkModelScript(attempt.text, hostNames, documentCount);
}

const spokenOf = (script: ModelScript, language: string) =>
  script.lines.reduce((sum, l) => sum + spokenLength(l.text, language), 0);

/**
 * Asks an LLM writer for a script, and once more with what was wrong when the answer cannot be
 * used (cut off, empty, not the script's JSON): SCRIPT_INVALID after the repair round fails too.
 * Then the length: a script whose estimated duration at the fleet's pace (scriptSeconds) is off
 * the target by more than the tolerance gets one follow-up asking to extend or trim it;
 * the closer of the two is kept, and the `length` record says whether it holds. The usage counts
 * every answer.
 */
export async function writeCheckedScript(options: RepairLoopOptions): Promise<ScriptDocument> {
  const { style } = options;
  const hostNames = style.hosts.map((h) => h.name);
  const attempts: ModelAttempt[] = [];
  let followUp: FollowUp | undefined;
  let script: ModelScript | undefined;
  let answer = '';
  for (let round = 1; !script; round++) {
    const attempt = await options.ask(followUp);
    attempts.push(attempt);
    const check = checkAttempt(attempt, hostNames, options.documentCount);
    if (check.ok) {
      script = check.script;
      answer = attempt.text.trim();
    } else if (round === 2) {
      throw new ProviderError(
        'SCRIPT_INVALID',
        `${options.provider}: invalid script after one repair: ${check.problem}`,
        false,
      );
    } else {
      followUp = { answer: attempt.text.trim() || '(no text)', request: repairRequest(check.problem) };
    }
  }

  const pace = options.pace ?? REFERENCE_PACE;
  const length = lengthTarget(style, pace);
  const { targetSec, tolerance } = length;
  const secondsOf = (s: ModelScript) => scriptSeconds(s.lines, style.language, pace);
  const offBy = (seconds: number) => Math.abs(seconds - targetSec);
  let spoken = spokenOf(script, style.language);
  let seconds = secondsOf(script);
  let lengthFollowUps = 0;
  let lengthProblem: string | undefined;
  if (offBy(seconds) > targetSec * tolerance) {
    lengthFollowUps = 1;
    let check: Check;
    try {
      const attempt = await options.ask({ answer, request: lengthRequest(style, { spoken, seconds }) });
      attempts.push(attempt);
      check = checkAttempt(attempt, hostNames, options.documentCount);
    } catch (err) {
      // A usable script is already paid for: a failed resize (rate limit, refusal) keeps it.
      if (!(err instanceof ProviderError)) throw err;
      check = { ok: false, problem: err.message };
    }
    if (!check.ok) {
      lengthProblem = `the resized script could not be used (${check.problem})`;
    } else if (offBy(secondsOf(check.script)) < offBy(seconds)) {
      script = check.script;
      spoken = spokenOf(script, style.language);
      seconds = secondsOf(script);
    }
  }

  const lines = script.lines.map((l) => ({ speaker: l.speaker, text: l.text, chapter: l.chapter }));
  return scriptDocumentSchema.parse({
    title: script.title,
    description: script.description,
    hosts: style.hosts,
    language: style.language,
    chapters: script.chapters,
    lines,
    wordCount: lines.reduce((sum, l) => sum + countWords(l.text), 0),
    length: lengthRecord(
      length,
      pace,
      { spoken, seconds, followUps: lengthFollowUps },
      () =>
        ` (±${Math.round(length.tolerance * 100)} %; ${spoken} ${length.unit})${lengthProblem ? `; ${lengthProblem}` : ''}`,
    ),
    usage: {
      provider: options.provider,
      model: attempts[0]?.model ?? options.model,
      inputTokens: attempts.reduce((sum, a) => sum + a.inputTokens, 0),
      outputTokens: attempts.reduce((sum, a) => sum + a.outputTokens, 0),
      costUsd: Math.round(attempts.reduce((sum, a) => sum + a.costUsd, 0) * 1e6) / 1e6,
    },
  });
}
