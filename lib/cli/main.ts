#!/usr/bin/env node
/**
 * `sg-optim` command line: train from a recipe, list recipes or optimizers, plot a recipe's LR
 * schedule, build the native addon from source, launch worker processes (as torchrun).
 */
import { checkFlags, listFlag, parseArgs, ParsedArgs } from './args';
import { requireModules } from './require-modules';

const HELP: Record<string, string> = {
  main: `Usage: sg-optim <command> [options]

Commands:
  train      Train from a recipe:        sg-optim train --config-name mnist_lenet [key=value ...]
  recipes    List the recipes found:     sg-optim recipes [--config-dir DIR]
  optimizers List the optimizers:        sg-optim optimizers [--verbose]
  plot-lr    SVG of a recipe's LRs:      sg-optim plot-lr --config-name mnist_lenet [--out lr.svg]
  report     Rebuild a run's report.html: sg-optim report checkpoints/mnist_lenet
  build      Build the native addon from source (cmake-js; against an installed PyTorch, or LIBTORCH=/path/to/libtorch)
  launch     Start N worker processes, as torchrun: sg-optim launch --nproc-per-node 2 -- train.js

Run 'sg-optim <command> --help' for a command's options.`,
  train: `Usage: sg-optim train --config-name NAME [--config-dir DIR] [--require MODULE ...] [key=value | +key=value | ~key ...]

Composes the recipe NAME (its defaults:, interpolations and your overrides, as Hydra does),
builds the registered model (architecture, arch_params) and the data set (dataset_params), and
trains it with the Trainer. Overrides use dotted paths: training_hyperparams.max_epochs=2,
shortcuts (lr=0.05, epochs=2, batch_size=128), group swaps (training_hyperparams=other_file).

Options:
  --config-name NAME   recipe name or path to a .yaml file (required)
  --config-dir DIR     an extra folder searched before the package's recipes/
  --require MODULE     load a JavaScript module first (repeatable; ./file.js is relative to the
                       current folder), so that the models, optimizers, callbacks and data sets it
                       registers (sg.models.registerModel, sg.optim.registerOptimizer, ...) can be
                       named by the recipe
  --help               this text

Unknown flags are an error.`,
  recipes: `Usage: sg-optim recipes [--config-dir DIR]

Lists the top-level recipes of DIR (if given) and of the package's recipes/ folder.`,
  optimizers: `Usage: sg-optim optimizers [--verbose] [--require MODULE ...]

Lists the registered optimizer names, built-ins first. --verbose prints each one's record
(sg.optim.listOptimizers({verbose: true})): what it matches, a description, SuperGradients'
default optimizer_params, its flags and its options with their defaults. --require loads a
module first, as for train, so that the optimizers it registers are listed.`,
  'plot-lr': `Usage: sg-optim plot-lr --config-name NAME [--config-dir DIR] [--out FILE.svg] [--train-loader-len N] [--require MODULE ...] [key=value ...]

Writes an SVG with every param group's learning rate over the whole run, computed by
sg.training.simulateLr with the same callbacks the Trainer runs. The number of batches per epoch
comes from --train-loader-len, else from the recipe's data set. --require loads a module first,
as for train.`,
  report: `Usage: sg-optim report RUN_FOLDER

Writes RUN_FOLDER/report.html (one self-contained page: loss, metrics, the LR of every step,
epoch times, the recipe and the environment) from the folder's log.jsonl, lr_steps.jsonl and
run.json, as training does after each epoch with training_hyperparams.sg_logger_params.report=true.`,
  build: `Usage: sg-optim build

Compiles the native addon with cmake-js into build/Release/sg_optim.node against, in this order:
LIBTORCH or Torch_DIR when set; the LibTorch inside the PyTorch that python3 (or SG_OPTIM_PYTHON)
imports; Debian's libtorch-dev.`,
  launch: `Usage: sg-optim launch --nproc-per-node N [--nnodes M --node-rank R --master-addr HOST --master-port PORT] -- COMMAND [ARGS ...]

Starts N workers running COMMAND, as torchrun: each gets RANK, LOCAL_RANK, WORLD_SIZE,
LOCAL_WORLD_SIZE, GROUP_RANK (the node rank), MASTER_ADDR and MASTER_PORT (PyTorch's env://
variables), and OMP_NUM_THREADS=1 unless set. Their output lines are forwarded prefixed with
[rank<r>]:. As soon as one worker fails (non-zero exit or a signal) the others get SIGTERM, then
SIGKILL after a grace period, and launch exits with 1; SIGINT or SIGTERM to the launcher ends the
workers the same way. COMMAND is 'sg-optim ...' (this CLI), a .js/.cjs/.mjs script (run with this
Node.js), or any executable.

Options:
  --nproc-per-node N   workers on this node (required)
  --nnodes M           nodes of the run (default 1); start one launcher per node
  --node-rank R        this node's rank in [0, M) (default 0); its workers get ranks R*N .. R*N+N-1
  --master-addr HOST   host of rank 0 (default 127.0.0.1)
  --master-port PORT   port of the rendezvous on HOST: default a free port with one node, 29500
                       with several (as torchrun); 0 picks a free port (one node only). Node rank 0
                       checks that it is free.
  --help               this text

Example (two nodes on one machine): sg-optim launch --nproc-per-node 2 --nnodes 2 --node-rank 0 --master-port 29500 -- train.js
                                and: sg-optim launch --nproc-per-node 2 --nnodes 2 --node-rank 1 --master-port 29500 -- train.js`,
};

/** The flags each command accepts (besides --help); anything else is an error. */
const FLAGS: Record<string, readonly string[]> = {
  train: ['config-name', 'config-dir', 'require'],
  recipes: ['config-dir'],
  optimizers: ['verbose', 'require'],
  'plot-lr': ['config-name', 'config-dir', 'out', 'train-loader-len', 'require'],
  report: [],
  build: [],
  launch: ['nproc-per-node', 'nnodes', 'node-rank', 'master-addr', 'master-port'],
};

function printHelp(topic: string): void {
  process.stdout.write(`${HELP[topic] ?? HELP.main}\n`);
}

async function run(args: ParsedArgs): Promise<number> {
  const command = args.command;
  if (command === null) {
    printHelp('main');
    return args.help ? 0 : 1;
  }
  if (!(command in HELP) || command === 'main') {
    process.stderr.write(`sg-optim: unknown command '${command}'; known: train, recipes, plot-lr, build, optimizers, launch, report\n`);
    return 1;
  }
  if (args.help) {
    printHelp(command);
    return 0;
  }
  checkFlags(args, command, FLAGS[command]);
  if (args.passthrough !== undefined && command !== 'launch') throw new Error(`'--' (a command to run) is only for 'launch', not '${command}'`);
  // Before the recipe is composed, so that the names the modules register resolve.
  requireModules(listFlag(args, 'require'));
  switch (command) {
    case 'train':
      return (await import('./train-command')).trainCommand(args);
    case 'recipes':
      return (await import('./recipes-command')).recipesCommand(args);
    case 'optimizers':
      return (await import('./optimizers-command')).optimizersCommand(args);
    case 'plot-lr':
      return (await import('./plot-lr-command')).plotLrCommand(args);
    case 'report':
      return (await import('./report-command')).reportCommand(args);
    case 'build':
      return (await import('./build-command')).buildCommand();
    case 'launch':
      return (await import('./launch-command')).launchCommand(args);
  }
  return 1;
}

if (require.main === module) {
  run(parseArgs(process.argv.slice(2))).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`sg-optim: ${err.message}\n`);
      process.exit(1);
    },
  );
}

export { run };
