// Writes tour-gate.config.schema.json from the zod schema (run after changing config.ts;
// a test fails when the committed file is stale).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../src/config.ts';

const out = fileURLToPath(new URL('../tour-gate.config.schema.json', import.meta.url));
writeFileSync(out, `${JSON.stringify({ title: 'tour-gate config', ...configJsonSchema() }, null, 2)}\n`);
console.log(`wrote ${out}`);
