import * as path from 'path';

import { isDistributedRun } from '../distributed/env';
import { checkPlainName } from '../training/checkpoints';
import { DistributedTrainer } from '../training/distributed-trainer';
import { Trainer, TrainableModel } from '../training/trainer';
import { ParsedArgs } from './args';
import { mustRelaunch, recipeProcesses, relaunchAsWorkers } from './multi-process';
import { buildLoaders, buildModel, loadRecipeFromArgs } from './recipe-run';

/** `sg-optim train --config-name NAME [overrides]`: a whole recipe run. */
export async function trainCommand(args: ParsedArgs): Promise<number> {
  const run = loadRecipeFromArgs(args);
  // Without experiment_name, the recipe's own name: a --config-name given as a path
  // (`./my/recipe.yaml`, `training_hyperparams/x`) names its file, not a folder to create.
  // Checked before the model and the data are built, which can take long.
  const experimentName = (run.config.experiment_name as string | undefined) ?? path.basename(run.name).replace(/\.ya?ml$/, '');
  checkPlainName(`recipe ${run.name}: experiment_name`, experimentName, 'ckpt_root_dir');
  // multi_gpu: DDP with num_gpus N: this process becomes the launcher of N workers running this command.
  const processes = recipeProcesses(run.config, run.name);
  if (mustRelaunch(processes)) return relaunchAsWorkers(processes);
  const model = buildModel(run) as TrainableModel;
  const { trainLoader, validLoader } = buildLoaders(run);
  const ckptRootDir = (run.config.ckpt_root_dir as string | null | undefined) ?? null;
  // A launched worker (by the relaunch above, or by `sg-optim launch -- sg-optim train`) trains its shard.
  const distributed = processes > 1 || isDistributedRun();
  const trainer = distributed ? new DistributedTrainer({ experimentName, ckptRootDir }) : new Trainer({ experimentName, ckptRootDir });
  const say = (text: string) => (distributed && process.env.RANK !== '0' ? undefined : process.stdout.write(text));
  // The optimizer is named too: with --require it may be a user's class, worth confirming.
  const optimizer = run.trainingParams.optimizer ?? 'SGD';
  say(`Training ${String(run.config.architecture)} with ${typeof optimizer === 'string' ? optimizer : 'an optimizer instance'}, recipe ${run.name} (experiment ${experimentName})\n`);
  // The whole recipe goes to the run report (sg_logger_params.report), as SG logs additional_configs_to_log.
  const result = await trainer.train({ model, trainingParams: run.trainingParams, trainLoader, validLoader, additionalConfigsToLog: { recipe_config: run.config } });
  const metrics = Object.entries(result.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ');
  say(`Done: ${metrics}${result.bestMetric !== null ? ` (best ${result.bestMetric.toFixed(4)})` : ''}; checkpoints in ${trainer.experimentDir}\n`);
  return 0;
}
