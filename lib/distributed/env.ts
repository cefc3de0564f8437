/**
 * The environment of a process started by a launcher (`sg-optim launch`, torchrun): PyTorch's
 * `env://` initialisation reads RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT; launchers also
 * set LOCAL_RANK and LOCAL_WORLD_SIZE. No native code: the process group itself (c10d) is not
 * here yet.
 */
import { rangeError, requiredError, withErrorInfo } from '../errors';

/** What a launched process reads from its environment (PyTorch's env:// variables). */
export interface DistributedEnv {
  /** RANK: this process's global rank, in [0, worldSize). */
  rank: number;
  /** WORLD_SIZE: the number of processes of the run. */
  worldSize: number;
  /** LOCAL_RANK: the rank on this node (its GPU index); undefined when the launcher did not set it. */
  localRank: number | undefined;
  /** LOCAL_WORLD_SIZE: processes on this node; undefined when not set. */
  localWorldSize: number | undefined;
  /** MASTER_ADDR: host of rank 0, where the rendezvous store listens. */
  masterAddr: string;
  /** MASTER_PORT: its port, in [1, 65535]. */
  masterPort: number;
}

const HINT = "start the processes with 'sg-optim launch' (or torchrun), which sets RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT";

/**
 * True when this process was started by a launcher: RANK or WORLD_SIZE is set in the
 * environment. It does not validate them; readDistributedEnv does.
 *
 * @example
 * if (sg.distributed.isDistributedRun()) console.log(sg.distributed.readDistributedEnv().rank);
 */
export function isDistributedRun(env: Record<string, string | undefined> = process.env): boolean {
  return env.RANK !== undefined || env.WORLD_SIZE !== undefined;
}

function integerVar(env: Record<string, string | undefined>, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (!/^[+-]?\d+$/.test(text)) throw withErrorInfo(new TypeError(`environment variable ${name}='${raw}' is not an integer`), name, 'ERR_TYPE');
  const v = Number(text);
  if (v < min) throw rangeError(name, `environment variable ${name}=${raw} must be at least ${min}`);
  return v;
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw requiredError(name, ` (environment variable ${name} is not set; ${HINT})`);
  return value;
}

/** RANK and WORLD_SIZE of a launched process, validated (both set, integers, RANK < WORLD_SIZE). */
export function readRankAndWorldSize(env: Record<string, string | undefined>): { rank: number; worldSize: number } {
  const worldSize = required(integerVar(env, 'WORLD_SIZE', 1), 'WORLD_SIZE');
  const rank = required(integerVar(env, 'RANK', 0), 'RANK');
  if (rank >= worldSize) throw rangeError('RANK', `environment variable RANK=${rank} must be below WORLD_SIZE=${worldSize}`);
  return { rank, worldSize };
}

/**
 * Reads and validates the variables of PyTorch's env:// initialisation. Every missing or
 * inconsistent value is an error naming the variable (its `path` is the variable's name):
 * RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT are required; RANK must be below WORLD_SIZE;
 * LOCAL_RANK and LOCAL_WORLD_SIZE, when set, must satisfy LOCAL_RANK < LOCAL_WORLD_SIZE ≤
 * WORLD_SIZE and LOCAL_RANK ≤ RANK.
 *
 * @example
 * const { rank, worldSize, localRank } = sg.distributed.readDistributedEnv();
 */
export function readDistributedEnv(env: Record<string, string | undefined> = process.env): DistributedEnv {
  const { rank, worldSize } = readRankAndWorldSize(env);
  const localRank = integerVar(env, 'LOCAL_RANK', 0);
  const localWorldSize = integerVar(env, 'LOCAL_WORLD_SIZE', 1);
  if (localWorldSize !== undefined && localWorldSize > worldSize) {
    throw rangeError('LOCAL_WORLD_SIZE', `environment variable LOCAL_WORLD_SIZE=${localWorldSize} must not exceed WORLD_SIZE=${worldSize}`);
  }
  if (localRank !== undefined) {
    if (localWorldSize !== undefined && localRank >= localWorldSize) {
      throw rangeError('LOCAL_RANK', `environment variable LOCAL_RANK=${localRank} must be below LOCAL_WORLD_SIZE=${localWorldSize}`);
    }
    if (localRank > rank) throw rangeError('LOCAL_RANK', `environment variable LOCAL_RANK=${localRank} cannot exceed RANK=${rank}`);
  }
  const masterAddr = required(env.MASTER_ADDR, 'MASTER_ADDR').trim();
  if (masterAddr === '') throw rangeError('MASTER_ADDR', `environment variable MASTER_ADDR is empty; ${HINT}`);
  const masterPort = required(integerVar(env, 'MASTER_PORT', 1), 'MASTER_PORT');
  if (masterPort > 65535) throw rangeError('MASTER_PORT', `environment variable MASTER_PORT=${masterPort} is not a port (1 to 65535)`);
  return { rank, worldSize, localRank, localWorldSize, masterAddr, masterPort };
}
