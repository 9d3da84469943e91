import { defineCommand, type CommandDef } from 'citty';

/** `ridgeline plugin`: tools for hardware-plugin authors (`init`, `check`). */
const command: CommandDef = defineCommand({
  meta: { name: 'plugin', description: 'Write your own hardware plugin: scaffold a package with "plugin init", check it with "plugin check"' },
  subCommands: {
    init: () => import('./plugin-init.ts').then((m) => m.default),
    check: () => import('./plugin-check.ts').then((m) => m.default),
  },
});

export default command;
