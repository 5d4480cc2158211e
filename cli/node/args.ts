import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * The command line of a Node shell, parsed the way every shell here does it: an unknown or
 * malformed flag prints the error and `usage` on stderr and exits with 2; `--help` / `-h` prints
 * `help` (the usage line by default) and exits with 0. `config` must declare the `help` flag.
 */
export function parseCli<T extends ParseArgsConfig & { options: { help: { type: "boolean"; short: "h"; default: false } } }>(
  config: T,
  usage: string,
  help = usage,
): ReturnType<typeof parseArgs<T>> {
  let args: ReturnType<typeof parseArgs<T>>;
  try {
    args = parseArgs(config);
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n${usage}`);
    process.exit(2);
  }
  if ((args.values as { help?: boolean }).help) {
    console.log(help);
    process.exit(0);
  }
  return args;
}
