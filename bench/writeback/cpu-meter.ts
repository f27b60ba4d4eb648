import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) used by named processes and everything under them (tsx's node
 * child, Samba's workers), read from /proc. The trees are found once, when the meter is made:
 * reading every process's stat for each sample would cost more than what it measures.
 */
export class CpuMeter {
  readonly #trees: ReadonlyMap<string, readonly number[]>;

  constructor(roots: ReadonlyMap<string, number>) {
    const parents = new Map<number, number>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const fields = statFields(Number(name));
      if (fields) parents.set(Number(name), Number(fields[1]));
    }
    const trees = new Map<string, number[]>();
    for (const [name, root] of roots) {
      const tree = [root];
      for (let index = 0; index < tree.length; index += 1) {
        for (const [pid, parent] of parents) if (parent === tree[index]) tree.push(pid);
      }
      trees.set(name, tree);
    }
    this.#trees = trees;
  }

  /** CPU milliseconds each tree has used so far. */
  read(): Map<string, number> {
    const used = new Map<string, number>();
    for (const [name, tree] of this.#trees) {
      let ticks = 0;
      for (const pid of tree) {
        const fields = statFields(pid);
        // utime and stime, fields 14 and 15 of /proc/PID/stat (11 and 12 after the state).
        if (fields) ticks += Number(fields[11]) + Number(fields[12]);
      }
      used.set(name, (ticks * 1000) / TICKS_PER_SECOND);
    }
    return used;
  }
}

/** The fields of /proc/PID/stat after the command name (state first), or undefined when gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
