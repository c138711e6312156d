import { z } from 'zod';

/** Shared data shapes passed between pipeline stages (stored as artifacts, validated on read). */

// z.union, not z.discriminatedUnion: zod 4 refuses the nested congress union as a discriminated option.
export const sourceSpecSchema = z.union([
  z.object({
    kind: z.literal('text'),
    title: z.string().min(1).max(500),
    text: z.string().min(1).max(200_000),
  }),
  z.object({ kind: z.literal('url'), url: z.string().url().max(2048) }),
  z.object({
    kind: z.literal('rss'),
    url: z.string().url().max(2048),
    maxItems: z.number().int().min(1).max(50).default(5),
  }),
  z.union([
    z.object({
      kind: z.literal('congress'),
      congress: z.number().int().min(1).max(200),
      billType: z.enum(['hr', 's', 'hjres', 'sjres', 'hconres', 'sconres', 'hres', 'sres']),
      billNumber: z.number().int().min(1),
    }),
    z.object({ kind: z.literal('congress'), recent: z.number().int().min(1).max(50) }),
  ]),
]);
export type SourceSpec = z.infer<typeof sourceSpecSchema>;

/** One resolved source: clean text ready for a script writer. */
export const sourceDocumentSchema = z.object({
  kind: z.enum(['text', 'url', 'rss', 'congress']),
  title: z.string(),
  url: z.string().nullable(),
  publishedAt: z.string().nullable(), // ISO 8601 when known
  text: z.string().min(1),
  contentHash: z.string(), // sha256 hex of text
});
export type SourceDocument = z.infer<typeof sourceDocumentSchema>;

export const hostSchema = z.object({
  name: z.string().min(1).max(40),
  voice: z.string().min(1).max(100).optional(),
});
export type Host = z.infer<typeof hostSchema>;

const styleFields = {
  hosts: z.array(hostSchema).min(1).max(4),
  targetMinutes: z.number().min(0.5).max(60),
  tone: z.string().min(1).max(200),
  /** BCP 47 (`en`, `de`, `pt-BR`): the script is written in it and voiced by voices that speak it. */
  language: z
    .string()
    .max(35)
    .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'expected a BCP 47 language tag such as en or pt-BR'),
};

export const styleSchema = z.object({
  hosts: styleFields.hosts.default([{ name: 'Maya' }, { name: 'Theo' }]),
  targetMinutes: styleFields.targetMinutes.default(3),
  tone: styleFields.tone.default('conversational'),
  language: styleFields.language.default('en'),
});
/**
 * Some of a style's fields with nothing filled in (unlike `styleSchema.partial()`, which fills the
 * defaults): what a request sets over the user's saved style, the rest coming from it.
 */
export const stylePatchSchema = z.object(styleFields).partial();
export type StylePatch = z.infer<typeof stylePatchSchema>;
export type Style = z.infer<typeof styleSchema>;

export const scriptLineSchema = z.object({
  /**
   * Stable id of the line across script edits (GET/PUT /v1/episodes/:id/script); writers leave it
   * out and the edit API numbers such lines `l1`, `l2`… by position.
   */
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64')
    .optional(),
  speaker: z.string().min(1), // a host name from style.hosts
  text: z.string().min(1),
  chapter: z.number().int().min(0), // index into chapters
});
export type ScriptLine = z.infer<typeof scriptLineSchema>;

/** The dialogue script artifact (`script.json`). */
export const scriptDocumentSchema = z.object({
  title: z.string().min(1),
  description: z.string().min(1),
  hosts: z.array(hostSchema).min(1),
  /** The style's language (BCP 47) it is written in; absent in scripts written before it was recorded. */
  language: z.string().min(2).max(35).optional(),
  chapters: z.array(z.object({ title: z.string().min(1) })).min(1),
  lines: z.array(scriptLineSchema).min(1),
  wordCount: z.number().int().min(0),
  /** How the length check went: the estimated duration against the episode's (absent in older scripts). */
  length: z
    .object({
      unit: z.enum(['words', 'characters']),
      /** Spoken words (or characters) asked for, and written. */
      target: z.number().int().min(0),
      spoken: z.number().int().min(0),
      /** The episode's length, and the script's estimated duration at the fleet's pace (s). */
      targetSec: z.number().min(0).optional(),
      estimatedSec: z.number().min(0).optional(),
      /** The engine's pace the estimate used (1: the reference, espeak-ng at 170 wpm). */
      speed: z.number().positive().optional(),
      /** The estimate is within the tolerance (±15 %) of the target duration. */
      within: z.boolean(),
      /** Follow-up calls made to extend or trim (0 or 1). */
      followUps: z.number().int().min(0),
      /** Why the script is kept off target, when it is. */
      warning: z.string().optional(),
    })
    .optional(),
  usage: z
    .object({
      provider: z.string(),
      model: z.string().nullable(),
      inputTokens: z.number(),
      outputTokens: z.number(),
      costUsd: z.number(),
    })
    .nullable(),
});
export type ScriptDocument = z.infer<typeof scriptDocumentSchema>;

/** Errors providers throw: `retryable` tells the queue layer whether another attempt can help. */
export class ProviderError extends Error {
  constructor(
    readonly code:
      | 'SOURCE_UNREACHABLE'
      | 'SOURCE_EMPTY'
      | 'SOURCE_INVALID'
      | 'SOURCE_FORBIDDEN'
      | 'SCRIPT_INVALID'
      | 'SCRIPT_FAILED'
      | 'TTS_FAILED'
      | 'ASR_FAILED'
      | 'STORAGE_FAILED'
      | 'RATE_LIMITED'
      | 'TIMEOUT',
    message: string,
    readonly retryable: boolean,
    /** Milliseconds the provider asked us to wait (Retry-After), when it said. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderError';
  }
}
