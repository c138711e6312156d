import { z } from 'zod';

/** What the model must return (hosts, word count and usage are added by the writer). */
export const modelScriptSchema = z.object({
  title: z.string().trim().min(1).max(200),
  description: z.string().trim().min(1).max(2000),
  chapters: z.array(z.object({ title: z.string().trim().min(1).max(300) })).min(1),
  lines: z
    .array(
      z.object({ speaker: z.string(), text: z.string().trim().min(1), chapter: z.number().int().min(0) }),
    )
    .min(1),
});
export type ModelScript = z.infer<typeof modelScriptSchema>;

export type ScriptCheck = { ok: true; script: ModelScript } | { ok: false; problem: string };

/**
 * Tolerates a code fence or a sentence around the object, and a reasoning model's `<think>` block
 * before it (local servers often pass it through); structured outputs normally send bare JSON.
 */
function jsonText(text: string): string {
  const trimmed = text
    .replace(/<think>[\s\S]*?(<\/think>|$)/g, '')
    .trim()
    .replace(/^```(?:json)?\s*|\s*```$/g, '');
  const start = trimmed.indexOf('{');
  const end = trimmed.lastIndexOf('}');
  return start >= 0 && end > start ? trimmed.slice(start, end + 1) : trimmed;
}

/**
 * Parses and checks a model answer against the episode's shape: the chapter count, host names, chapter
 * indexes and order, every chapter and every host present. Returns the problems in words, so they can
 * be sent back to the model for one repair.
 */
export function checkModelScript(text: string, hostNames: string[], sourceCount: number): ScriptCheck {
  let raw: unknown;
  try {
    raw = JSON.parse(jsonText(text));
  } catch (err) {
    return { ok: false, problem: `the answer is not valid JSON (${(err as Error).message})` };
  }
  const parsed = modelScriptSchema.safeParse(raw);
  if (!parsed.success)
    return { ok: false, problem: `the JSON does not match the schema: ${z.prettifyError(parsed.error)}` };
  const script = parsed.data;
  const problems: string[] = [];
  const expectedChapters = sourceCount + 2;
  if (script.chapters.length !== expectedChapters) {
    problems.push(
      `expected ${expectedChapters} chapters (intro, one per source, outro), got ${script.chapters.length}`,
    );
  }
  script.lines.forEach((line, i) => {
    if (!hostNames.includes(line.speaker)) {
      problems.push(
        `line ${i}: speaker "${line.speaker}" is not one of ${hostNames.map((h) => `"${h}"`).join(', ')}`,
      );
    }
    if (line.chapter >= script.chapters.length)
      problems.push(`line ${i}: chapter ${line.chapter} does not exist`);
    const previous = script.lines[i - 1];
    if (previous && line.chapter < previous.chapter)
      problems.push(`line ${i}: lines are not in chapter order`);
  });
  script.chapters.forEach((_, c) => {
    if (!script.lines.some((l) => l.chapter === c)) problems.push(`chapter ${c} has no lines`);
  });
  if (hostNames.length > 1) {
    for (const host of hostNames)
      if (!script.lines.some((l) => l.speaker === host)) problems.push(`${host} never speaks`);
  }
  return problems.length === 0
    ? { ok: true, script }
    : { ok: false, problem: problems.slice(0, 8).join('; ') };
}
