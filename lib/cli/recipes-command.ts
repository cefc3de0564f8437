import { listRecipes } from '../recipes';
import { ParsedArgs, stringFlag } from './args';

/** Prints the top-level recipe names, user folder first. */
export function recipesCommand(args: ParsedArgs): number {
  const dir = stringFlag(args, 'config-dir');
  const names = listRecipes(dir ? [dir] : []);
  if (names.length === 0) {
    process.stdout.write('no recipes found\n');
    return 0;
  }
  process.stdout.write(`${names.join('\n')}\n`);
  return 0;
}
