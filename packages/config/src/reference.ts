import { z } from 'zod';
import { apiShape, audioShape, envNames, scraperShape, uploaderShape } from './schema';

/** The apps whose config reads each variable, in the order the table names them. */
const APP_SHAPES = { api: apiShape, scraper: scraperShape, audio: audioShape, uploader: uploaderShape };
type AppName = keyof typeof APP_SHAPES;
const APPS = Object.keys(APP_SHAPES) as AppName[];
const WORKERS: AppName[] = ['scraper', 'audio', 'uploader'];

/** One row of docs/configuration.md. */
export interface VariableReference {
  name: string;
  /** `` `value` ``, `unset` or `required`. */
  default: string;
  readBy: AppName[];
  description: string | undefined;
}

/** The wrappers a variable's schema is built from, outermost first (default, optional, pipe). */
function layers(schema: z.ZodType): z.ZodType[] {
  const found: z.ZodType[] = [schema];
  for (let current = schema; ; ) {
    const def = current.def as { innerType?: z.ZodType; in?: z.ZodType };
    const next = def.innerType ?? def.in;
    if (next === undefined) return found;
    found.push(next);
    current = next;
  }
}

function defaultOf(schema: z.ZodType): string {
  for (const layer of layers(schema)) {
    if (layer instanceof z.ZodDefault) return `\`${String(layer.def.defaultValue)}\``;
  }
  return schema.safeParse(undefined).success ? 'unset' : 'required';
}

/** Every variable a podfleet process reads, from the config schema. */
export function variableReference(): VariableReference[] {
  return envNames.map((name) => {
    const readBy = APPS.filter((app) => name in APP_SHAPES[app]);
    const schema = (APP_SHAPES[readBy[0] ?? 'api'] as Record<string, z.ZodType>)[name] as z.ZodType;
    const description = layers(schema).find((layer) => layer.description !== undefined)?.description;
    const values = layers(schema).find((layer): layer is z.ZodEnum => layer instanceof z.ZodEnum)?.options;
    return {
      name,
      default: defaultOf(schema),
      readBy,
      description:
        description === undefined || values === undefined
          ? description
          : `${description} (${values.map((v) => `\`${String(v)}\``).join(', ')})`,
    };
  });
}

function readByText(readBy: AppName[]): string {
  if (readBy.length === APPS.length) return 'all';
  if (readBy.length === WORKERS.length && WORKERS.every((app) => readBy.includes(app))) return 'workers';
  return readBy.join(', ');
}

/** A Markdown table laid out as Biome formats one, so the formatter leaves the file alone. */
function table(header: string[], rows: string[][]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const all = [header, ...rows].map((row) => row.map(cell));
  const widths = header.map((_, i) => Math.max(3, ...all.map((row) => [...(row[i] ?? '')].length)));
  const line = (row: string[]) => `| ${row.map((text, i) => text.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const [head = [], ...body] = all;
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)].join('\n');
}

const INTRO = `# Configuration

Every process validates its environment at start and lists every problem at once (then exits 1).
A \`.env\` file in the working directory or the repository root is read; real environment variables
win. [\`.env.example\`](../.env.example) is a template. \`npm run demo\` fills in the secrets left
unset: a new \`ADMIN_API_KEY\` each run (printed), and \`MEDIA_URL_SECRET\` and \`WEBHOOK_SECRET\`
generated once and kept in \`data/demo-secrets.env\`, so the links a demo hands out keep working in
the next run.

"read by" names the apps whose configuration holds the variable (\`workers\`: scraper, audio and
uploader); \`npm start\` and the CLI read them all. Give every process that reads a variable the same
value.`;

const FOOTER = `This file is generated from the descriptions in
[\`packages/config/src/schema.ts\`](../packages/config/src/schema.ts) by \`npm run docs:config\`;
\`packages/config/src/reference.test.ts\` fails when it differs from what the schema says.`;

/** docs/configuration.md, as the schema describes the variables. */
export function configurationMarkdown(): string {
  const rows = variableReference().map((v) => [
    `\`${v.name}\``,
    v.default,
    readByText(v.readBy),
    v.description ?? '',
  ]);
  return `${INTRO}\n\n${table(['variable', 'default', 'read by', 'meaning'], rows)}\n\n${FOOTER}\n`;
}
