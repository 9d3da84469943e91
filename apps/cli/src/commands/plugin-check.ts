import { defineCommand, type CommandDef } from 'citty';
import { checkHardware } from '@ridgeline/hardware';
import { UserError } from '../errors.ts';
import { ioOf } from '../io.ts';
import { firstPartyChips, loadPlugin } from '../registry.ts';

const args = {
  plugin: {
    type: 'positional',
    required: true,
    valueHint: 'plugin',
    description: 'The plugin to check: a .json file, a module (./dist/index.js) or an installed package',
  },
  json: { type: 'boolean', description: 'Print the plugin, its chip count and every warning as JSON' },
} as const;

/**
 * `ridgeline plugin check <plugin>`: validates a plugin as hosts do, then warns of what is valid
 * but probably unmeant: placeholder (TODO) names and sources, and figures far outside every
 * first-party chip's range, with the figure a unit slip suggests. Exits 2 when there is any warning,
 * so a release script can run it before publishing.
 */
const command: CommandDef<typeof args> = defineCommand({
  meta: { name: 'check', description: 'Validate a hardware plugin and flag placeholders and implausible figures before you publish it' },
  args,
  async run({ args: a, data }) {
    const io = ioOf(data);
    const plugin = await loadPlugin(a.plugin.trim(), io.cwd);
    const warnings = checkHardware(plugin, firstPartyChips());
    const label = `${plugin.meta.name}@${plugin.meta.version}`;
    const chips = `${plugin.chips.length} chip${plugin.chips.length === 1 ? '' : 's'}`;
    const count = `${warnings.length} warning${warnings.length === 1 ? '' : 's'}`;
    const out = a.json
      ? `${JSON.stringify({ plugin: plugin.meta.name, version: plugin.meta.version, chips: plugin.chips.length, warnings }, null, 2)}\n`
      : [`${label}: valid, ${chips}, ${warnings.length === 0 ? 'no warnings' : count}`, ...warnings.map((w) => `  ${w.path}: ${w.message}`)].join('\n') + '\n';
    if (warnings.length === 0) {
      io.stdout(out);
      return;
    }
    io.stdout(out);
    throw new UserError(`${label} has ${count}${a.json ? '' : ' (above)'}; fix them before you publish it`);
  },
});

export default command;
