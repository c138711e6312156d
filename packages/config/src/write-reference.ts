// `npm run docs:config`: writes docs/configuration.md from the config schema.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configurationMarkdown } from './reference';

const target = join(__dirname, '../../../docs/configuration.md');
writeFileSync(target, configurationMarkdown());
console.log(`wrote ${target}`);
