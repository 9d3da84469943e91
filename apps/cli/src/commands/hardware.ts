import { defineCommand, type CommandDef } from 'citty';

/** `ridgeline hardware`: the chips Ridgeline knows (`list`, the default, and `show <id>`). */
const command: CommandDef = defineCommand({
  meta: { name: 'hardware', description: 'List the chips (built-in and from plugins), or show one chip with units and sources' },
  default: 'list',
  subCommands: {
    list: () => import('./hardware-list.ts').then((m) => m.default),
    show: () => import('./hardware-show.ts').then((m) => m.default),
  },
});

export default command;
