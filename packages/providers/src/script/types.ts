import { z } from 'zod';
import {
  ProviderError,
  type ScriptDocument,
  type SourceDocument,
  type Style,
  sourceDocumentSchema,
  styleSchema,
} from '../types';
import { type SpeechRate, speechRate } from './speech-rate';
import { REFERENCE_PACE, type SpeechPace } from './spoken-duration';

export interface ScriptWriteRequest {
  documents: SourceDocument[];
  style: Style;
  /** How fast the fleet's engine speaks (the published pace); default the reference pace. */
  pace?: SpeechPace;
  signal?: AbortSignal;
}

export interface ScriptWriter {
  readonly provider: 'local' | 'anthropic' | 'openai';
  /** Languages (BCP 47) it writes; null: any the model knows. */
  readonly languages: readonly string[] | null;
  /** Resolves to a script valid under `scriptDocumentSchema`; rejects with ProviderError. */
  write(request: ScriptWriteRequest): Promise<ScriptDocument>;
}

/** A script is on target when its estimated duration is within ±15 % of the episode's. */
export const LENGTH_TOLERANCE = 0.15;

export interface LengthTarget {
  unit: SpeechRate['unit'];
  perMinute: number;
  target: number;
  low: number;
  high: number;
  targetSec: number;
  tolerance: number;
}

/**
 * The script's length target for a style at the fleet's pace: in seconds (what the length check
 * holds, see scriptSeconds) and in spoken words or characters (what the LLM prompts ask for: the
 * language's typical rate, scaled by how fast the engine speaks).
 */
export function lengthTarget(
  style: Pick<Style, 'targetMinutes' | 'language'>,
  pace: Pick<SpeechPace, 'speed'> = REFERENCE_PACE,
): LengthTarget {
  const rate = speechRate(style.language);
  const perMinute = Math.round(rate.perMinute * pace.speed);
  const target = Math.round(style.targetMinutes * perMinute);
  return {
    unit: rate.unit,
    perMinute,
    target,
    low: Math.round(target * (1 - LENGTH_TOLERANCE)),
    high: Math.round(target * (1 + LENGTH_TOLERANCE)),
    targetSec: style.targetMinutes * 60,
    tolerance: LENGTH_TOLERANCE,
  };
}

/**
 * A script's `length` record: its estimated duration against the target. Off target, the warning
 * says by how much, then `why` (what the writer knows of the cause).
 */
export function lengthRecord(
  { unit, target, targetSec, tolerance }: LengthTarget,
  pace: Pick<SpeechPace, 'speed'>,
  script: { spoken: number; seconds: number; followUps: number },
  why: () => string,
): NonNullable<ScriptDocument['length']> {
  const within = Math.abs(script.seconds - targetSec) <= targetSec * tolerance;
  return {
    unit,
    target,
    spoken: script.spoken,
    targetSec,
    estimatedSec: Math.round(script.seconds * 10) / 10,
    speed: pace.speed,
    within,
    followUps: script.followUps,
    ...(within
      ? {}
      : {
          warning: `the script would last about ${Math.round(script.seconds)} s for a target of ${Math.round(targetSec)} s${why()}`,
        }),
  };
}

const requestSchema = z.object({
  documents: z.array(sourceDocumentSchema).min(1, 'at least one source document is needed'),
  style: styleSchema.refine(
    (style) => new Set(style.hosts.map((h) => h.name.trim().toLowerCase())).size === style.hosts.length,
    'host names must be unique',
  ),
});

/** Validates what a writer was given; bad input is the caller's bug, so never retryable. */
export function parseWriteRequest(request: ScriptWriteRequest): {
  documents: SourceDocument[];
  style: Style;
} {
  const parsed = requestSchema.safeParse({ documents: request.documents, style: request.style });
  if (!parsed.success) {
    throw new ProviderError(
      'SCRIPT_FAILED',
      `invalid script request: ${z.prettifyError(parsed.error)}`,
      false,
    );
  }
  return parsed.data;
}
