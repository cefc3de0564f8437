import * as fs from 'fs';

import { buildOptimizer, ParamGroupsModel } from '../training/build-optimizer';
import { mergeTrainingParams } from '../training/params';
import { simulateLr } from '../training/simulate-lr';
import { ParsedArgs, stringFlag } from './args';
import { buildLoaders, buildModel, loadRecipeFromArgs } from './recipe-run';
import { lineChartSvg } from './svg-plot';

/** `sg-optim plot-lr --config-name NAME`: an SVG of every group's LR over the run. */
export function plotLrCommand(args: ParsedArgs): number {
  const run = loadRecipeFromArgs(args);
  const lenFlag = stringFlag(args, 'train-loader-len');
  const trainLoaderLen = lenFlag !== undefined ? Number(lenFlag) : buildLoaders(run).trainLoader.length;
  if (!Number.isInteger(trainLoaderLen) || trainLoaderLen < 1) throw new Error(`--train-loader-len must be a positive integer, got ${lenFlag}`);
  // The real param groups (names, per-group lr) come from building the optimizer on the model.
  const model = buildModel(run) as ParamGroupsModel;
  // Neither the merge nor buildOptimizer writes into the recipe's params, so no copy is needed
  // (structuredClone would read, and so throw, every unresolved value the run never uses).
  const params = mergeTrainingParams(run.trainingParams);
  const optimizer = buildOptimizer(model, params.initial_lr as number | Record<string, number>, params);
  const groups = optimizer.paramGroups.map(({ params: _p, ...rest }, i) => ({ ...rest, name: rest.name ?? `group_${i}` }));
  const net = typeof model.updateParamGroups === 'function' ? model : undefined;
  const sim = simulateLr(run.trainingParams, { trainLoaderLen, groups, net });
  const series = sim.groups.map((name: string) => ({ name, values: sim.lr[name].flat() as Array<number | null> }));
  const ticks = Array.from({ length: sim.epochs }, (_, e) => ({ at: e * sim.batchesPerEpoch, label: String(e) }));
  const svg = lineChartSvg(`Learning rate per step: ${run.name}`, 'epoch', 'learning rate', series, ticks);
  const out = stringFlag(args, 'out') ?? `${run.name}_lr.svg`;
  fs.writeFileSync(out, svg);
  process.stdout.write(`wrote ${out} (${sim.groups.length} group(s), ${sim.epochs} epochs × ${sim.batchesPerEpoch} batches)\n`);
  // No training runs here, so a metric-driven scheduler sees a stand-in value: say so, since the
  // plot then shows the earliest reductions the recipe allows, not a real run.
  if (sim.constantMetrics.length > 0) {
    process.stdout.write(
      `note: ${sim.constantMetrics.map((m) => `'${m}'`).join(', ')} held constant (never improving): the plot shows the earliest LR reductions the scheduler allows\n`,
    );
  }
  return 0;
}
