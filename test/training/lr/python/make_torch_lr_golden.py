"""Writes test/training/lr/torch-lr-golden.json: torch.optim.lr_scheduler's own numbers.

Run with PyTorch 2.x (scripts/torch-wheel.sh's venv):

    .venv-torch/bin/python test/training/lr/python/make_torch_lr_golden.py

For every case: the LR (and momentum / beta1) of every group after construction and after each
step, the scheduler's state_dict() after `state_at` steps, and the LRs of a scheduler built fresh
on a new optimizer (holding the saved optimizer groups) that loads that state and runs on: a
resume as a training script does it. For bad arguments: PyTorch's exception type and message.

JSON cannot hold every Python value: infinities become {"$float": "inf"} / "-inf", int dict keys
(MultiStepLR's Counter) become strings, tuples become lists, functions become {"$fn": name}.
Functions in `kwargs` are named; test/training/lr/torch-schedulers.test.ts defines the same
functions under the same names.
"""
import json
import math
import os
import sys
import warnings

import torch
from torch.optim import lr_scheduler as S

warnings.simplefilter('ignore')

FNS = {
    'pow95': lambda e: 0.95 ** e,
    'inv10': lambda e: 1 / (e + 10),
    'floor3': lambda e: e // 3,
    'const09': lambda e: 0.9,
    'half_after2': lambda e: 0.5 if e >= 2 else 1.0,
    'sqrt1': lambda e: 1 / math.sqrt(e + 1),
}


def make_optimizer(kind, groups):
    params = []
    out = []
    for g in groups:
        p = torch.zeros(1, requires_grad=True)
        params.append(p)
        out.append({'params': [p], **{k: (tuple(v) if isinstance(v, list) else v) for k, v in g.items()}})
    if kind == 'SGD':
        return torch.optim.SGD(out, lr=0.1, momentum=0.9)
    if kind == 'Adam':
        return torch.optim.Adam(out, lr=0.1)
    if kind == 'Adagrad':
        return torch.optim.Adagrad(out, lr=0.1)
    raise ValueError(kind)


def resolve(value, optimizer):
    """kwargs from JSON: {"$fn": name} -> function, [{Name: kwargs}] schedulers -> instances."""
    if isinstance(value, dict) and '$fn' in value:
        return FNS[value['$fn']]
    if isinstance(value, dict) and '$float' in value:
        return float(value['$float'])
    if isinstance(value, list):
        return [resolve(v, optimizer) for v in value]
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in S.__all__:
        name, kw = next(iter(value.items()))
        return build(name, kw, optimizer)
    return value


def build(name, kwargs, optimizer):
    kw = {k: resolve(v, optimizer) for k, v in kwargs.items()}
    cls = getattr(S, name)
    if name == 'ChainedScheduler':
        return cls(optimizer=optimizer, **kw)
    return cls(optimizer, **kw)


def enc(v):
    if isinstance(v, float) and math.isinf(v):
        return {'$float': 'inf' if v > 0 else '-inf'}
    if isinstance(v, float) and math.isnan(v):
        return {'$float': 'nan'}
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    if isinstance(v, dict):
        return {str(k): enc(x) for k, x in v.items()}
    if callable(v):
        return {'$fn': getattr(v, '__name__', '?')}
    if isinstance(v, torch.Tensor):
        return v.item()
    return v


def momentum_of(group):
    if 'betas' in group:
        return group['betas'][0]
    return group.get('momentum')


def snapshot(opt):
    return [g['lr'] for g in opt.param_groups], [momentum_of(g) for g in opt.param_groups]


def run_case(case):
    opt = make_optimizer(case.get('optimizer', 'SGD'), case['groups'])
    sched = build(case['scheduler'], case['kwargs'], opt)
    metrics = case.get('metrics')
    steps = len(metrics) if metrics is not None else case['steps']
    state_at = case.get('state_at', steps // 2)
    lrs, moms = [], []
    l, m = snapshot(opt)
    lrs.append(l)
    moms.append(m)
    state = None
    opt_groups = None
    for k in range(steps):
        if k == state_at:
            state = sched.state_dict()
            opt_groups = [{key: val for key, val in g.items() if key != 'params'} for g in opt.param_groups]
        if metrics is not None:
            sched.step(metrics[k])
        else:
            sched.step()
        l, m = snapshot(opt)
        lrs.append(l)
        moms.append(m)
    if state is None:
        state = sched.state_dict()
        opt_groups = [{key: val for key, val in g.items() if key != 'params'} for g in opt.param_groups]
    encoded_state = enc(state)
    # Resume: a new optimizer with the saved groups (as optimizer.load_state_dict restores them),
    # a new scheduler built with the same arguments, then load_state_dict, then the rest.
    opt2 = make_optimizer(case.get('optimizer', 'SGD'), case['groups'])
    sched2 = build(case['scheduler'], case['kwargs'], opt2)
    for g, saved in zip(opt2.param_groups, opt_groups):
        g.update(saved)
    sched2.load_state_dict(state)
    resumed = []
    for k in range(state_at, steps):
        if metrics is not None:
            sched2.step(metrics[k])
        else:
            sched2.step()
        resumed.append(snapshot(opt2)[0])
    out = dict(case)
    out.update({'steps': steps, 'state_at': state_at, 'lrs': lrs, 'state': encoded_state, 'resumed_lrs': resumed,
                'optimizer_groups_at_state': enc(opt_groups)})
    if any(x is not None for row in moms for x in row):
        out['momentums'] = moms
    return out


def run_error(case):
    opt = make_optimizer(case.get('optimizer', 'SGD'), case['groups'])
    try:
        sched = build(case['scheduler'], case['kwargs'], opt)
        for _ in range(case.get('steps', 0)):
            sched.step()
    except Exception as e:  # noqa: BLE001
        # KeyError's str() is the repr of its message; the message itself is what we compare.
        return dict(case, error=type(e).__name__, message=e.args[0] if isinstance(e, KeyError) else str(e))
    raise AssertionError(f'no error: {case}')


ONE = [{'lr': 0.1}]
TWO = [{'lr': 0.1}, {'lr': 0.02}]
TWO_M = [{'lr': 0.1, 'momentum': 0.9}, {'lr': 0.02, 'momentum': 0.5}]

CASES = [
    # LambdaLR / MultiplicativeLR
    {'name': 'LambdaLR one function', 'scheduler': 'LambdaLR', 'groups': TWO, 'kwargs': {'lr_lambda': {'$fn': 'pow95'}}, 'steps': 12},
    {'name': 'LambdaLR SG test 1/(e+10)', 'scheduler': 'LambdaLR', 'groups': ONE, 'kwargs': {'lr_lambda': {'$fn': 'inv10'}}, 'steps': 4},
    {'name': 'LambdaLR a function per group', 'scheduler': 'LambdaLR', 'groups': TWO, 'kwargs': {'lr_lambda': [{'$fn': 'floor3'}, {'$fn': 'sqrt1'}]}, 'steps': 10},
    {'name': 'MultiplicativeLR', 'scheduler': 'MultiplicativeLR', 'groups': TWO, 'kwargs': {'lr_lambda': {'$fn': 'const09'}}, 'steps': 8},
    {'name': 'MultiplicativeLR per group', 'scheduler': 'MultiplicativeLR', 'groups': TWO, 'kwargs': {'lr_lambda': [{'$fn': 'const09'}, {'$fn': 'half_after2'}]}, 'steps': 6},
    # Step schedules
    {'name': 'StepLR', 'scheduler': 'StepLR', 'groups': TWO, 'kwargs': {'step_size': 3, 'gamma': 0.5}, 'steps': 10},
    {'name': 'StepLR default gamma', 'scheduler': 'StepLR', 'groups': ONE, 'kwargs': {'step_size': 1}, 'steps': 4},
    {'name': 'MultiStepLR repeated milestone', 'scheduler': 'MultiStepLR', 'groups': TWO, 'kwargs': {'milestones': [2, 5, 5, 7], 'gamma': 0.3}, 'steps': 9},
    {'name': 'MultiStepLR milestone 0', 'scheduler': 'MultiStepLR', 'groups': ONE, 'kwargs': {'milestones': [0, 1]}, 'steps': 3},
    {'name': 'ConstantLR', 'scheduler': 'ConstantLR', 'groups': TWO, 'kwargs': {'factor': 0.5, 'total_iters': 4}, 'steps': 7},
    {'name': 'ConstantLR factor 1', 'scheduler': 'ConstantLR', 'groups': ONE, 'kwargs': {'factor': 1.0, 'total_iters': 2}, 'steps': 4},
    {'name': 'LinearLR start 1 end 0', 'scheduler': 'LinearLR', 'groups': ONE, 'kwargs': {'start_factor': 1.0, 'end_factor': 0.0, 'total_iters': 4}, 'steps': 4},
    {'name': 'ConstantLR defaults', 'scheduler': 'ConstantLR', 'groups': ONE, 'kwargs': {}, 'steps': 7},
    {'name': 'LinearLR defaults', 'scheduler': 'LinearLR', 'groups': TWO, 'kwargs': {}, 'steps': 8},
    {'name': 'LinearLR decay', 'scheduler': 'LinearLR', 'groups': TWO, 'kwargs': {'start_factor': 1.0, 'end_factor': 0.1, 'total_iters': 6}, 'steps': 9},
    {'name': 'ExponentialLR', 'scheduler': 'ExponentialLR', 'groups': TWO, 'kwargs': {'gamma': 0.9}, 'steps': 10},
    {'name': 'PolynomialLR defaults', 'scheduler': 'PolynomialLR', 'groups': TWO, 'kwargs': {}, 'steps': 8},
    {'name': 'PolynomialLR power 2', 'scheduler': 'PolynomialLR', 'groups': TWO, 'kwargs': {'total_iters': 6, 'power': 2.0}, 'steps': 8},
    {'name': 'StepLR from last_epoch 4', 'scheduler': 'StepLR', 'groups': [{'lr': 0.05, 'initial_lr': 0.1}], 'kwargs': {'step_size': 3, 'gamma': 0.5, 'last_epoch': 4}, 'steps': 5},
    {'name': 'ExponentialLR from last_epoch 2', 'scheduler': 'ExponentialLR', 'groups': [{'lr': 0.081, 'initial_lr': 0.1}], 'kwargs': {'gamma': 0.9, 'last_epoch': 2}, 'steps': 4},
    # Cosine
    {'name': 'CosineAnnealingLR from last_epoch 3', 'scheduler': 'CosineAnnealingLR', 'groups': [{'lr': 0.05, 'initial_lr': 0.1}, {'lr': 0.01, 'initial_lr': 0.02}],
     'kwargs': {'T_max': 8, 'eta_min': 0.001, 'last_epoch': 3}, 'steps': 7},
    {'name': 'CosineAnnealingWarmRestarts from last_epoch 4', 'scheduler': 'CosineAnnealingWarmRestarts', 'groups': [{'lr': 0.05, 'initial_lr': 0.1}],
     'kwargs': {'T_0': 3, 'last_epoch': 4}, 'steps': 6},
    {'name': 'CosineAnnealingLR past T_max', 'scheduler': 'CosineAnnealingLR', 'groups': TWO, 'kwargs': {'T_max': 5, 'eta_min': 0.001}, 'steps': 23},
    {'name': 'CosineAnnealingLR SG test', 'scheduler': 'CosineAnnealingLR', 'groups': ONE, 'kwargs': {'T_max': 3}, 'steps': 8},
    {'name': 'CosineAnnealingWarmRestarts', 'scheduler': 'CosineAnnealingWarmRestarts', 'groups': TWO, 'kwargs': {'T_0': 3, 'eta_min': 0.001}, 'steps': 10},
    {'name': 'CosineAnnealingWarmRestarts T_mult 2', 'scheduler': 'CosineAnnealingWarmRestarts', 'groups': TWO, 'kwargs': {'T_0': 2, 'T_mult': 2}, 'steps': 16, 'state_at': 5},
    # CyclicLR
    {'name': 'CyclicLR triangular', 'scheduler': 'CyclicLR', 'groups': TWO_M, 'kwargs': {'base_lr': 0.01, 'max_lr': 0.1, 'step_size_up': 3}, 'steps': 14},
    {'name': 'CyclicLR SG test', 'scheduler': 'CyclicLR', 'groups': [{'lr': 0.1}], 'kwargs': {'base_lr': 0.01, 'max_lr': 0.1}, 'steps': 4},
    {'name': 'CyclicLR triangular2 uneven', 'scheduler': 'CyclicLR', 'groups': TWO_M, 'kwargs': {'base_lr': 0.01, 'max_lr': 0.1, 'step_size_up': 2, 'step_size_down': 4, 'mode': 'triangular2'}, 'steps': 20},
    {'name': 'CyclicLR exp_range lists', 'scheduler': 'CyclicLR', 'groups': TWO_M,
     'kwargs': {'base_lr': [0.01, 0.001], 'max_lr': [0.1, 0.05], 'step_size_up': 3, 'mode': 'exp_range', 'gamma': 0.9,
                'base_momentum': [0.8, 0.7], 'max_momentum': [0.95, 0.9]}, 'steps': 15},
    {'name': 'CyclicLR no momentum cycling', 'scheduler': 'CyclicLR', 'groups': TWO_M, 'kwargs': {'base_lr': 0.01, 'max_lr': 0.1, 'step_size_up': 2, 'cycle_momentum': False}, 'steps': 6},
    {'name': 'CyclicLR Adam betas', 'scheduler': 'CyclicLR', 'optimizer': 'Adam', 'groups': [{'lr': 0.1, 'betas': [0.9, 0.99]}, {'lr': 0.1}],
     'kwargs': {'base_lr': 0.001, 'max_lr': 0.01, 'step_size_up': 2}, 'steps': 9},
    {'name': 'CyclicLR custom scale_fn by iterations', 'scheduler': 'CyclicLR', 'groups': TWO_M,
     'kwargs': {'base_lr': 0.01, 'max_lr': 0.1, 'step_size_up': 2, 'scale_fn': {'$fn': 'pow95'}, 'scale_mode': 'iterations'}, 'steps': 9},
    {'name': 'CyclicLR custom scale_fn by cycle', 'scheduler': 'CyclicLR', 'groups': TWO_M,
     'kwargs': {'base_lr': 0.01, 'max_lr': 0.1, 'step_size_up': 2, 'mode': 'not-a-mode', 'scale_fn': {'$fn': 'sqrt1'}}, 'steps': 9},
    {'name': 'CyclicLR triangular ignores gamma and scale_mode', 'scheduler': 'CyclicLR', 'groups': TWO_M,
     'kwargs': {'base_lr': 0.01, 'max_lr': 0.1, 'step_size_up': 2, 'gamma': 0.5, 'scale_mode': 'iterations'}, 'steps': 9},
    {'name': 'CyclicLR triangular2 ignores scale_mode', 'scheduler': 'CyclicLR', 'groups': TWO_M,
     'kwargs': {'base_lr': 0.01, 'max_lr': 0.1, 'step_size_up': 1, 'mode': 'triangular2', 'scale_mode': 'iterations'}, 'steps': 9},
    {'name': 'CyclicLR without momentum cycling needs no momentum', 'scheduler': 'CyclicLR', 'optimizer': 'Adagrad', 'groups': ONE,
     'kwargs': {'base_lr': 0.01, 'max_lr': 0.1, 'step_size_up': 2, 'cycle_momentum': False}, 'steps': 5},
    # OneCycleLR
    {'name': 'OneCycleLR without momentum cycling needs no momentum', 'scheduler': 'OneCycleLR', 'optimizer': 'Adagrad', 'groups': ONE,
     'kwargs': {'max_lr': 0.1, 'total_steps': 5, 'cycle_momentum': False}, 'steps': 5},
    {'name': 'OneCycleLR pct_start 0', 'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'total_steps': 6, 'pct_start': 0.0}, 'steps': 6},
    {'name': 'OneCycleLR pct_start 1', 'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'total_steps': 6, 'pct_start': 1.0, 'anneal_strategy': 'linear'}, 'steps': 5},
    {'name': 'OneCycleLR cos', 'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'total_steps': 10}, 'steps': 10},
    {'name': 'OneCycleLR linear epochs x steps lists', 'scheduler': 'OneCycleLR', 'groups': TWO_M,
     'kwargs': {'max_lr': [0.1, 0.05], 'epochs': 3, 'steps_per_epoch': 4, 'anneal_strategy': 'linear', 'pct_start': 0.25,
                'base_momentum': [0.8, 0.7], 'max_momentum': 0.9, 'div_factor': 10.0, 'final_div_factor': 100.0}, 'steps': 12},
    {'name': 'OneCycleLR three_phase', 'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.2, 'total_steps': 16, 'three_phase': True}, 'steps': 16},
    {'name': 'OneCycleLR three_phase linear', 'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.2, 'total_steps': 10, 'three_phase': True, 'anneal_strategy': 'linear', 'pct_start': 0.4}, 'steps': 10},
    {'name': 'OneCycleLR Adam betas', 'scheduler': 'OneCycleLR', 'optimizer': 'Adam', 'groups': [{'lr': 0.1}, {'lr': 0.1, 'betas': [0.8, 0.9]}], 'kwargs': {'max_lr': 0.01, 'total_steps': 8}, 'steps': 8},
    {'name': 'OneCycleLR no momentum cycling', 'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'total_steps': 6, 'cycle_momentum': False}, 'steps': 6},
    # Composites
    {'name': 'SequentialLR warm-up then cosine', 'scheduler': 'SequentialLR', 'groups': TWO,
     'kwargs': {'schedulers': [{'LinearLR': {'start_factor': 0.1, 'total_iters': 3}}, {'CosineAnnealingLR': {'T_max': 6}}], 'milestones': [3]}, 'steps': 12},
    {'name': 'SequentialLR three', 'scheduler': 'SequentialLR', 'groups': TWO,
     'kwargs': {'schedulers': [{'ConstantLR': {'factor': 0.5, 'total_iters': 2}}, {'ExponentialLR': {'gamma': 0.8}}, {'StepLR': {'step_size': 2, 'gamma': 0.5}}],
                'milestones': [2, 5]}, 'steps': 10},
    {'name': 'SequentialLR closed forms at the milestones', 'scheduler': 'SequentialLR', 'groups': TWO,
     'kwargs': {'schedulers': [{'ExponentialLR': {'gamma': 0.9}}, {'MultiStepLR': {'milestones': [0, 0, 2], 'gamma': 0.5}},
                               {'ConstantLR': {'factor': 0.5, 'total_iters': 0}}, {'LinearLR': {'start_factor': 0.25, 'total_iters': 2}},
                               {'PolynomialLR': {'total_iters': 4, 'power': 2.0}}, {'StepLR': {'step_size': 2, 'gamma': 0.5}}],
                'milestones': [2, 4, 6, 8, 10]}, 'steps': 14, 'state_at': 9},
    {'name': 'ChainedScheduler', 'scheduler': 'ChainedScheduler', 'groups': TWO,
     'kwargs': {'schedulers': [{'ConstantLR': {'factor': 0.1, 'total_iters': 2}}, {'ExponentialLR': {'gamma': 0.9}}]}, 'steps': 8},
    {'name': 'ChainedScheduler with MultiStepLR and LambdaLR', 'scheduler': 'ChainedScheduler', 'groups': TWO,
     'kwargs': {'schedulers': [{'MultiStepLR': {'milestones': [2, 4], 'gamma': 0.5}}, {'MultiplicativeLR': {'lr_lambda': {'$fn': 'const09'}}}]}, 'steps': 6},
    # ReduceLROnPlateau
    {'name': 'ReduceLROnPlateau min rel', 'scheduler': 'ReduceLROnPlateau', 'groups': TWO,
     'kwargs': {'patience': 1}, 'metrics': [1.0, 0.9, 0.95, 0.95, 0.89991, 0.8999, 0.8, 0.85, 0.9, 0.9, 0.9]},
    {'name': 'ReduceLROnPlateau max abs cooldown min_lr list', 'scheduler': 'ReduceLROnPlateau', 'groups': TWO,
     'kwargs': {'mode': 'max', 'threshold_mode': 'abs', 'threshold': 0.05, 'factor': 0.5, 'patience': 0, 'cooldown': 2, 'min_lr': [0.02, 0.005]},
     'metrics': [0.5, 0.52, 0.6, 0.6, 0.6, 0.6, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7], 'state_at': 4},
    {'name': 'ReduceLROnPlateau max rel', 'scheduler': 'ReduceLROnPlateau', 'groups': TWO,
     'kwargs': {'mode': 'max', 'threshold': 0.1, 'patience': 2, 'factor': 0.2}, 'metrics': [1.0, 1.05, 1.09, 1.11, 1.2, 1.2, 1.2, 1.2, 1.2, 1.4]},
    {'name': 'ReduceLROnPlateau min abs eps', 'scheduler': 'ReduceLROnPlateau', 'groups': TWO,
     'kwargs': {'threshold_mode': 'abs', 'threshold': 0.01, 'patience': 0, 'factor': 0.5, 'eps': 0.004, 'min_lr': 0.001},
     'metrics': [1.0, 1.0, 0.995, 1.0, 1.0, 1.0, 1.0, 1.0]},
    {'name': 'ReduceLROnPlateau min abs at the threshold, eps at the difference', 'scheduler': 'ReduceLROnPlateau', 'groups': TWO,
     'kwargs': {'threshold_mode': 'abs', 'threshold': 0.25, 'patience': 0, 'factor': 0.5, 'eps': 0.05},
     'metrics': [2.0, 1.75, 1.7, 1.6, 1.5, 1.0, 1.0]},
    {'name': 'ReduceLROnPlateau min rel at the threshold', 'scheduler': 'ReduceLROnPlateau', 'groups': TWO,
     'kwargs': {'threshold': 0.1, 'patience': 0, 'factor': 0.5}, 'metrics': [2.0, 1.8, 1.79, 1.6, 1.5]},
    {'name': 'ReduceLROnPlateau max abs at and under the threshold', 'scheduler': 'ReduceLROnPlateau', 'groups': TWO,
     'kwargs': {'mode': 'max', 'threshold_mode': 'abs', 'threshold': 0.25, 'patience': 0, 'factor': 0.5}, 'metrics': [0.5, 0.75, 0.7, 0.76, 1.2, 1.3]},
    {'name': 'ReduceLROnPlateau max rel at the threshold', 'scheduler': 'ReduceLROnPlateau', 'groups': TWO,
     'kwargs': {'mode': 'max', 'threshold': 0.1, 'patience': 0, 'factor': 0.5}, 'metrics': [1.0, 1.1, 1.2, 1.05, 1.4]},
]

ERRORS = [
    {'scheduler': 'ConstantLR', 'groups': ONE, 'kwargs': {'factor': 1.5}},
    {'scheduler': 'ConstantLR', 'groups': ONE, 'kwargs': {'factor': -0.5}},
    {'scheduler': 'ConstantLR', 'groups': ONE, 'kwargs': {'factor': 0.0, 'total_iters': 2}, 'steps': 2},
    {'scheduler': 'LinearLR', 'groups': ONE, 'kwargs': {'start_factor': 0}},
    {'scheduler': 'LinearLR', 'groups': ONE, 'kwargs': {'start_factor': 1.5}},
    {'scheduler': 'LinearLR', 'groups': ONE, 'kwargs': {'end_factor': 1.5}},
    {'scheduler': 'LinearLR', 'groups': ONE, 'kwargs': {'end_factor': -0.1}},
    {'scheduler': 'LambdaLR', 'groups': TWO, 'kwargs': {'lr_lambda': [{'$fn': 'pow95'}]}},
    {'scheduler': 'LambdaLR', 'groups': ONE, 'kwargs': {'lr_lambda': 0.5}},
    {'scheduler': 'MultiplicativeLR', 'groups': TWO, 'kwargs': {'lr_lambda': [{'$fn': 'pow95'}]}},
    {'scheduler': 'MultiplicativeLR', 'groups': ONE, 'kwargs': {'lr_lambda': 0.5}},
    {'scheduler': 'MultiplicativeLR', 'groups': ONE, 'kwargs': {'lr_lambda': 3}},
    {'scheduler': 'StepLR', 'groups': ONE, 'kwargs': {}},
    {'scheduler': 'CyclicLR', 'groups': ONE, 'kwargs': {}},
    {'scheduler': 'SequentialLR', 'groups': ONE, 'kwargs': {}},
    {'scheduler': 'MultiplicativeLR', 'groups': ONE, 'kwargs': {'lr_lambda': True}},
    {'scheduler': 'MultiplicativeLR', 'groups': ONE, 'kwargs': {'lr_lambda': 'x'}},
    {'scheduler': 'MultiplicativeLR', 'groups': ONE, 'kwargs': {'lr_lambda': {'a': 1}}},
    {'scheduler': 'LambdaLR', 'groups': ONE, 'kwargs': {'lr_lambda': None}},
    {'scheduler': 'LambdaLR', 'groups': TWO, 'kwargs': {'lr_lambda': [{'$fn': 'pow95'}, 'x']}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': 1e-05}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': 2.5e-07}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': 0.00012}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': {'$float': 'inf'}}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': {'$float': '-inf'}}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': {'$float': 'nan'}}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': 2, 'T_mult': -0.5}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': 2, 'eta_min': [0.1]}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': 2, 'eta_min': None}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': 2, 'eta_min': ['a', 1, 2.5]}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': 0.0001}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'total_steps': 10, 'pct_start': False}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'total_steps': 10, 'anneal_strategy': None}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'steps_per_epoch': 3}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'total_steps': 10, 'pct_start': True}},
    {'scheduler': 'ConstantLR', 'groups': ONE, 'kwargs': {'factor': 1.0000000000000002}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'total_steps': 6, 'pct_start': 1.0}, 'steps': 6},
    {'scheduler': 'LinearLR', 'groups': ONE, 'kwargs': {'end_factor': 1.0000000000000002}},
    {'scheduler': 'StepLR', 'groups': ONE, 'kwargs': {'step_size': 1, 'gama': 0.5}},
    {'scheduler': 'StepLR', 'groups': ONE, 'kwargs': {'step_size': 0}, 'steps': 1},
    {'scheduler': 'ExponentialLR', 'groups': ONE, 'kwargs': {}},
    {'scheduler': 'MultiStepLR', 'groups': ONE, 'kwargs': {}},
    {'scheduler': 'CosineAnnealingLR', 'groups': ONE, 'kwargs': {}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': 0}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': 2.5}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': 2, 'T_mult': 0}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': 2, 'T_mult': 1.5}},
    {'scheduler': 'CosineAnnealingWarmRestarts', 'groups': ONE, 'kwargs': {'T_0': 2, 'eta_min': 'x'}},
    {'scheduler': 'CyclicLR', 'groups': TWO_M, 'kwargs': {'base_lr': 0.01, 'max_lr': 0.1, 'mode': 'triangle'}},
    {'scheduler': 'CyclicLR', 'groups': TWO_M, 'kwargs': {'base_lr': [0.01], 'max_lr': 0.1}},
    {'scheduler': 'CyclicLR', 'groups': TWO_M, 'kwargs': {'base_lr': 0.01, 'max_lr': [0.1, 0.2, 0.3]}},
    {'scheduler': 'CyclicLR', 'groups': TWO_M, 'kwargs': {'base_lr': 0.01, 'max_lr': 0.1, 'base_momentum': [0.8]}},
    {'scheduler': 'CyclicLR', 'optimizer': 'Adagrad', 'groups': ONE, 'kwargs': {'base_lr': 0.01, 'max_lr': 0.1}},
    {'scheduler': 'CyclicLR', 'groups': ONE, 'kwargs': {'base_lr': 0.01}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'epochs': 2}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'total_steps': 0}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'total_steps': 2.5}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'epochs': 0, 'steps_per_epoch': 3}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'epochs': 2, 'steps_per_epoch': -3}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'total_steps': 10, 'pct_start': 1.5}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'total_steps': 10, 'pct_start': -0.25}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'total_steps': 10, 'anneal_strategy': 'cosine'}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': [0.1], 'total_steps': 10}},
    {'scheduler': 'OneCycleLR', 'optimizer': 'Adagrad', 'groups': ONE, 'kwargs': {'max_lr': 0.1, 'total_steps': 10}},
    {'scheduler': 'OneCycleLR', 'groups': TWO_M, 'kwargs': {'max_lr': 0.1, 'total_steps': 3}, 'steps': 4},
    {'scheduler': 'SequentialLR', 'groups': ONE, 'kwargs': {'schedulers': [], 'milestones': []}},
    {'scheduler': 'SequentialLR', 'groups': ONE, 'kwargs': {'schedulers': [{'ExponentialLR': {'gamma': 0.9}}, {'StepLR': {'step_size': 2}}], 'milestones': [2, 3]}},
    {'scheduler': 'SequentialLR', 'groups': ONE, 'kwargs': {'schedulers': [{'ExponentialLR': {'gamma': 0.9}}, {'ReduceLROnPlateau': {}}], 'milestones': [2]}},
    {'scheduler': 'ChainedScheduler', 'groups': ONE, 'kwargs': {'schedulers': []}},
    {'scheduler': 'ChainedScheduler', 'groups': ONE, 'kwargs': {'schedulers': [{'ReduceLROnPlateau': {}}]}},
    {'scheduler': 'ReduceLROnPlateau', 'groups': ONE, 'kwargs': {'factor': 1.0}},
    {'scheduler': 'StepLR', 'groups': TWO, 'kwargs': {'step_size': 2, 'last_epoch': 3}},
    {'scheduler': 'ReduceLROnPlateau', 'groups': ONE, 'kwargs': {'mode': 'maximum'}},
    {'scheduler': 'ReduceLROnPlateau', 'groups': ONE, 'kwargs': {'threshold_mode': 'relative'}},
    {'scheduler': 'ReduceLROnPlateau', 'groups': TWO, 'kwargs': {'min_lr': [0.1]}},
    {'scheduler': 'ReduceLROnPlateau', 'groups': ONE, 'kwargs': {'patience': 2, 'verbose': True}},
]


def main():
    out = {
        'generator': 'test/training/lr/python/make_torch_lr_golden.py',
        'torch_version': torch.__version__,
        'python_version': sys.version.split()[0],
        'cases': [run_case(c) for c in CASES],
        'errors': [run_error(e) for e in ERRORS],
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'torch-lr-golden.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=1, allow_nan=False)
        f.write('\n')
    print(f'wrote {os.path.normpath(path)}: {len(out["cases"])} cases, {len(out["errors"])} errors')


if __name__ == '__main__':
    main()
