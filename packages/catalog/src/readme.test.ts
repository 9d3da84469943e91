import { readFileSync } from 'node:fs';
import { countParams, type ModelSpec } from '@ridgeline/model';
import { expect, test } from 'vitest';
import { models } from './index.ts';

function billions(params: number, digits?: number): string {
  const value = params / 1e9;
  return `${digits === undefined ? String(Number(value.toPrecision(6))) : value.toFixed(digits)}B`;
}

function features(model: ModelSpec): string {
  const parts: string[] = [];
  if (model.mla !== undefined) parts.push(`MLA (r_q ${model.mla.qLoraRank}, r_kv ${model.mla.kvLoraRank})`);
  if (model.moe !== undefined) {
    const { experts, activeExperts, sharedExperts, expertHiddenSize, denseLayers } = model.moe;
    const shared = sharedExperts === 0 ? '' : ` + ${sharedExperts} shared`;
    const dense = denseLayers === 0 ? '' : `, ${denseLayers} dense layers`;
    parts.push(`MoE ${experts} × ${expertHiddenSize}, top-${activeExperts}${shared}${dense}`);
  }
  if (model.slidingWindow !== undefined) {
    parts.push(`window ${model.slidingWindow.windowTokens} on ${model.slidingWindow.windowedLayers} layers`);
  }
  if (model.parallelAttentionFfn === true) parts.push('parallel attn/FFN');
  parts.push(model.gatedFfn ? 'gated FFN' : 'plain MLP');
  if (model.tiedEmbeddings) parts.push('tied');
  return parts.join(', ');
}

/** The README's model table, regenerated from the catalog. */
function modelTable(): string {
  const rows = models.map((model) => {
    const counts = countParams(model);
    const derived = model.moe === undefined
      ? billions(counts.total, 2)
      : `${billions(counts.total, 2)} / ${billions(counts.active, 2)}`;
    const published = model.published === undefined
      ? '–'
      : model.published.activeParams === undefined
        ? billions(model.published.totalParams)
        : `${billions(model.published.totalParams)} / ${billions(model.published.activeParams)}`;
    const cells = [
      `\`${model.id}\``,
      String(model.layers),
      String(model.hiddenSize),
      `${model.heads} / ${model.kvHeads} × ${model.headDim}`,
      String(model.ffnHiddenSize),
      String(model.vocabSize),
      derived,
      published,
      features(model),
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return [
    '| id | L | d | heads / KV × d_h | f | V | derived total / active | published total / active | |',
    '|---|--:|--:|---|--:|--:|--:|--:|---|',
    ...rows,
  ].join('\n');
}

test('the README model table matches the catalog', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const table = /<!-- models:start -->\n([\s\S]*?)\n<!-- models:end -->/.exec(readme)?.[1];
  if (table !== modelTable()) console.log(modelTable());
  expect(table).toBe(modelTable());
});
