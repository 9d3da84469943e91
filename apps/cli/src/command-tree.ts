import type { ArgDef, ArgsDef, CommandDef, Resolvable } from 'citty';

/** One command of the `ridgeline` tree with its flags, resolved (sub-commands load on first use). */
export interface CommandNode {
  /** `['ridgeline', 'hardware', 'show']`. */
  readonly path: readonly string[];
  readonly description: string;
  /** Flags and positional arguments, as the command defines them. */
  readonly args: Readonly<Record<string, ArgDef>>;
  readonly subCommands: readonly CommandNode[];
}

async function resolveValue<T>(value: Resolvable<T>): Promise<T> {
  return typeof value === 'function' ? await (value as () => T | Promise<T>)() : await value;
}

/**
 * The whole command tree under `root`, every sub-command loaded: what help and shell completion
 * are generated from, so they cannot drift from the commands.
 *
 * @example
 * (await commandTree(main)).subCommands.map((c) => c.path.at(-1)); // ['estimate', 'train', …]
 */
export async function commandTree(root: CommandDef, path: readonly string[] = ['ridgeline']): Promise<CommandNode> {
  const meta = root.meta === undefined ? {} : await resolveValue(root.meta);
  const args: ArgsDef = root.args === undefined ? {} : await resolveValue(root.args);
  const subs = root.subCommands === undefined ? {} : await resolveValue(root.subCommands);
  const subCommands: CommandNode[] = [];
  for (const [name, sub] of Object.entries(subs)) subCommands.push(await commandTree((await resolveValue(sub)) as CommandDef, [...path, name]));
  return { path, description: meta.description ?? '', args, subCommands };
}

/**
 * Every command of the tree, depth first, the root first.
 *
 * @example
 * allCommands(tree).map((c) => c.path.join(' ')); // ['ridgeline', 'ridgeline estimate', …]
 */
export function allCommands(node: CommandNode): CommandNode[] {
  return [node, ...node.subCommands.flatMap(allCommands)];
}
