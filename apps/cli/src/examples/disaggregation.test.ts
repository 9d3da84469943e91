import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { disaggregationExampleLines } from './disaggregation.ts';

const README = fileURLToPath(new URL('../../../../README.md', import.meta.url));
const BEGIN = '<!-- disaggregation-example:begin -->';
const END = '<!-- disaggregation-example:end -->';

test("the README's disaggregation example is what its commands print (RIDGELINE_WRITE_README=1 rewrites it)", async () => {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  expect(start, `README.md needs ${BEGIN} … ${END}`).toBeGreaterThan(0);
  const block = `${BEGIN}\n${(await disaggregationExampleLines()).join('\n')}\n${END}`;
  if (process.env.RIDGELINE_WRITE_README === '1') writeFileSync(README, text.slice(0, start) + block + text.slice(end + END.length));
  else expect(text.slice(start, end + END.length)).toBe(block);
}, 240_000);
