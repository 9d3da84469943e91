import { defineCommand, type CommandDef } from 'citty';
import { commandTree } from '../command-tree.ts';
import { completionScript, SHELLS, type Shell } from '../completion.ts';
import { quoted, UserError } from '../errors.ts';
import { ioOf } from '../io.ts';
import { main } from '../run-cli.ts';

const args = {
  shell: { type: 'positional', required: true, valueHint: 'bash|zsh|fish', description: 'The shell to complete in' },
} as const;

/** `ridgeline completion <shell>`: a completion script generated from the command tree. */
const command: CommandDef<typeof args> = defineCommand({
  meta: { name: 'completion', description: 'Print a shell completion script (bash, zsh or fish) for every command and flag' },
  args,
  async run({ args: a, data }) {
    const io = ioOf(data);
    const shell = SHELLS.find((s) => s === a.shell.trim().toLowerCase());
    if (shell === undefined) throw new UserError(`<shell> must be one of ${SHELLS.join(', ')}, got ${quoted(a.shell)}`);
    io.stdout(completionScript(shell as Shell, await commandTree(main)));
  },
});

export default command;
