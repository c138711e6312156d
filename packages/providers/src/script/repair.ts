import { ProviderError, type ScriptDocument, type Style, scriptDocumentSchema } from '../types';
import { checkModelScript } from './output';
import { countWords } from './types';

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

export interface RepairLoopOptions {
  provider: 'anthropic' | 'openai';
  /** The model named in the usage when no answer names one. */
  model: string;
  style: Style;
  documentCount: number;
  /**
   * Asks the model: the first time without `repair`, the second time with the unusable answer
   * and what is wrong with it, to be added to the conversation before asking again.
   */
  ask(repair?: { answer: string; problem: string }): Promise<ModelAttempt>;
}

/** The user turn that asks for a corrected script after an unusable answer. */
export const repairRequest = (problem: string) =>
  `That answer cannot be used: ${problem}. Reply with the complete, corrected JSON object only.`;

/**
 * Asks an LLM writer for a script, and once more with what was wrong when the answer cannot be
 * used (cut off, empty, not the script's JSON): the script with the usage of both answers, or
 * SCRIPT_INVALID after the repair round fails too.
 */
export async function writeWithOneRepair(options: RepairLoopOptions): Promise<ScriptDocument> {
  const { style } = options;
  const hostNames = style.hosts.map((h) => h.name);
  const attempts: ModelAttempt[] = [];
  let repair: { answer: string; problem: string } | undefined;
  for (let round = 1; ; round++) {
    const attempt = await options.ask(repair);
    attempts.push(attempt);
    const check = attempt.truncated
      ? {
          ok: false as const,
          problem: 'the answer was cut off at the output token limit; keep the lines shorter',
        }
      : attempt.text.trim() === ''
        ? { ok: false as const, problem: 'the answer was empty' }
        : checkModelScript(attempt.text, hostNames, options.documentCount);
    if (check.ok) {
      const lines = check.script.lines.map((l) => ({ speaker: l.speaker, text: l.text, chapter: l.chapter }));
      return scriptDocumentSchema.parse({
        title: check.script.title,
        description: check.script.description,
        hosts: style.hosts,
        chapters: check.script.chapters,
        lines,
        wordCount: lines.reduce((sum, l) => sum + countWords(l.text), 0),
        usage: {
          provider: options.provider,
          model: attempts[0]?.model ?? options.model,
          inputTokens: attempts.reduce((sum, a) => sum + a.inputTokens, 0),
          outputTokens: attempts.reduce((sum, a) => sum + a.outputTokens, 0),
          costUsd: Math.round(attempts.reduce((sum, a) => sum + a.costUsd, 0) * 1e6) / 1e6,
        },
      });
    }
    if (round === 2) {
      throw new ProviderError(
        'SCRIPT_INVALID',
        `${options.provider}: invalid script after one repair: ${check.problem}`,
        false,
      );
    }
    repair = { answer: attempt.text.trim() || '(no text)', problem: check.problem };
  }
}
