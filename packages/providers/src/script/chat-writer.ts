import type { ScriptDocument, Style } from '../types';
import { sourcesMessage, systemPrompt } from './prompt';
import { type ModelAttempt, writeCheckedScript } from './repair';
import { parseWriteRequest, type ScriptWriteRequest, type ScriptWriter } from './types';

/** A turn of the conversation with the model, in the shape both chat APIs take. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** What a writer sends the model each time it asks. */
export interface ScriptPrompt {
  system: string;
  /** The sources, then any follow-ups: an answer of the model and what to do with it. */
  turns: ChatTurn[];
  hostNames: string[];
  maxTokens: number;
  signal: AbortSignal | undefined;
}

/** Characters per source sent to the model (default 20 000) and for all sources together (default 150 000). */
export interface SourceCharLimits {
  maxSourceChars?: number;
  maxTotalSourceChars?: number;
}

/**
 * A script writer over a chat model: builds the prompt from the sources and lets
 * writeCheckedScript ask the model (the repair round and the length follow-up). Each provider's
 * writer says only its output token limit and how to ask its model once.
 */
export abstract class ChatScriptWriter implements ScriptWriter {
  abstract readonly provider: 'anthropic' | 'openai';
  /** Whatever language the prompt names: the model writes it (how well depends on the model). */
  readonly languages = null;

  protected constructor(
    /** The model named in the usage when no answer names one. */
    protected readonly model: string,
    private readonly limits: SourceCharLimits,
  ) {}

  /** The output token limit for a script in this style. */
  protected abstract maxTokens(style: Style): number;

  /** Asks the model once. */
  protected abstract ask(prompt: ScriptPrompt): Promise<ModelAttempt>;

  async write(request: ScriptWriteRequest): Promise<ScriptDocument> {
    request.signal?.throwIfAborted();
    const { documents, style } = parseWriteRequest(request);
    const prompt: ScriptPrompt = {
      system: systemPrompt(style, documents.length, request.pace),
      turns: [
        {
          role: 'user',
          content: sourcesMessage(documents, {
            perSource: this.limits.maxSourceChars ?? 20_000,
            total: this.limits.maxTotalSourceChars ?? 150_000,
          }),
        },
      ],
      hostNames: style.hosts.map((h) => h.name),
      maxTokens: this.maxTokens(style),
      signal: request.signal,
    };
    return writeCheckedScript({
      provider: this.provider,
      model: this.model,
      style,
      ...(request.pace ? { pace: request.pace } : {}),
      documentCount: documents.length,
      ask: (followUp) => {
        if (followUp)
          prompt.turns.push(
            { role: 'assistant', content: followUp.answer },
            { role: 'user', content: followUp.request },
          );
        return this.ask(prompt);
      },
    });
  }
}
