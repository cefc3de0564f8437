/**
 * Compile-only: sg.recipes — loadRecipe with LoadRecipeOptions, listRecipes, deepMerge,
 * numpyArange, packageRecipesDir.
 */
import { recipes } from '../../lib';
import { expectType } from './helpers';

export function recipeApi(): void {
  const options: recipes.LoadRecipeOptions = { overrides: ['training_hyperparams.initial_lr=1e-3', 'epochs=2'], searchPath: ['./my_recipes'] };
  const cfg: Record<string, unknown> = recipes.loadRecipe('mnist_lenet', options);
  expectType<Record<string, unknown>>(recipes.loadRecipe('training_hyperparams/mnist_train_params'));
  expectType<string[]>(recipes.listRecipes());
  expectType<string[]>(recipes.listRecipes(['./my_recipes']));
  expectType<Record<string, unknown>>(recipes.deepMerge({ a: { x: 1 } }, { a: { y: 2 } }));
  expectType<number[]>(recipes.numpyArange(5));
  expectType<number[]>(recipes.numpyArange(2.4, 12, 2.4));
  expectType<string>(recipes.packageRecipesDir());
  void cfg;

  // @ts-expect-error overrides are a list of strings
  recipes.loadRecipe('mnist_lenet', { overrides: 'epochs=2' });
  // @ts-expect-error LoadRecipeOptions is closed: the key is searchPath
  recipes.loadRecipe('mnist_lenet', { search_path: ['.'] });
  // @ts-expect-error a recipe is named by a string
  recipes.loadRecipe({ name: 'mnist_lenet' });
  // @ts-expect-error deepMerge merges objects
  recipes.deepMerge([1], [2]);
  // @ts-expect-error the recipe is plain data: read it with a check, not as a typed object
  const epochs: number = cfg.training_hyperparams.max_epochs;
  void epochs;
}
