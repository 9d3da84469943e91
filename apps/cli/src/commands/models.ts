import { defineCommand, type CommandDef } from 'citty';

/** `ridgeline models`: the model catalog (`list`, the default, and `show <id>`). */
const command: CommandDef = defineCommand({
  meta: { name: 'models', description: 'List the catalog models, or show one model with derived parameter counts' },
  default: 'list',
  subCommands: {
    list: () => import('./models-list.ts').then((m) => m.default),
    show: () => import('./models-show.ts').then((m) => m.default),
  },
});

export default command;
