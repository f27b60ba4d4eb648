// The production dependency closure of one workspace package, read from package-lock.json and
// resolved the way Node resolves (nearest node_modules first). Packages ship exactly these
// folders: no dev dependency, no other workspace's dependencies.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface LockEntry {
  readonly link?: boolean;
  readonly resolved?: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface Closure {
  /** Lock keys of the npm packages to ship, e.g. `node_modules/fastify`. */
  readonly modules: string[];
  /** Workspace folders the package depends on (itself included), e.g. `packages/config`. */
  readonly workspaces: string[];
}

/** The folder Node searches next after `from`'s own node_modules. */
function parentOf(from: string): string | undefined {
  if (from === '') return undefined;
  const cut = from.lastIndexOf('/node_modules/');
  return cut >= 0 ? from.slice(0, cut) : '';
}

export function productionClosure(root: string, workspace: string): Closure {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const modules = new Set<string>();
  const workspaces = new Set<string>();

  const resolve = (from: string, name: string): string | undefined => {
    for (let dir: string | undefined = from; dir !== undefined; dir = parentOf(dir)) {
      const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (lock.packages[candidate]) return candidate;
    }
    return undefined;
  };

  const visit = (key: string): void => {
    const entry = lock.packages[key];
    if (!entry) throw new Error(`package-lock.json has no entry ${key}`);
    if (entry.link) {
      const target = entry.resolved ?? '';
      if (!workspaces.has(target)) visitWorkspace(target);
      return;
    }
    if (modules.has(key)) return;
    // Type declarations (@types/*) that a package lists as a dependency are never loaded.
    if (/(^|\/)node_modules\/@types\//.test(key)) return;
    modules.add(key);
    walk(key, entry);
  };

  const visitWorkspace = (folder: string): void => {
    workspaces.add(folder);
    walk(folder, lock.packages[folder] ?? {});
  };

  const walk = (from: string, entry: LockEntry): void => {
    const optional = new Set([
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.entries(entry.peerDependenciesMeta ?? {})
        .filter(([, meta]) => meta.optional)
        .map(([name]) => name),
    ]);
    const names = new Set([
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}),
    ]);
    for (const name of names) {
      const key = resolve(from, name);
      // An optional dependency for another platform is in the lock but not installed here.
      if (optional.has(name) && (!key || !existsSync(path.join(root, key)))) continue;
      if (!key) throw new Error(`${from || 'the root'} needs ${name}, which is not installed`);
      visit(key);
    }
  };

  visitWorkspace(workspace);
  return { modules: [...modules].sort(), workspaces: [...workspaces].sort() };
}
