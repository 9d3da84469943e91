import { defineCommand, type CommandDef } from 'citty';

/** `ridgeline plugin`: tools for hardware-plugin authors (`init`). */
const command: CommandDef = defineCommand({
  meta: { name: 'plugin', description: 'Write your own hardware plugin: scaffold a package with "plugin init"' },
  subCommands: {
    init: () => import('./plugin-init.ts').then((m) => m.default),
  },
});

export default command;
