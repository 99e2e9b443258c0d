// Watches a set of files for `gen --watch`. Each file is watched through its folder (fs.watch on the folder,
// filtered by name), not on its own: editors save by writing a new file and renaming it over the old one, and a
// watch on the old file's inode would go quiet after the first save. A file whose folder does not exist yet (a
// .proto import path looked for and not found) is watched through its nearest existing ancestor, by the name of
// the first missing folder: creating that folder wakes the loop, whose next run watches deeper.
import { statSync, watch } from "node:fs";
import type { FSWatcher } from "node:fs";
import path from "node:path";

interface Watched {
  watcher: FSWatcher;
  /** The folder's inode when the watch started: a folder deleted and created again needs a new watch. */
  ino: number;
  names: Set<string>;
}

export class WatchSet {
  readonly #folders = new Map<string, Watched>();

  /** `onChange` gets the path that changed (the folder itself when its watch failed). */
  constructor(private readonly onChange: (file: string) => void) {}

  /** Watches exactly `files` (absolute paths) from now on: keeps the folders still needed, opens and closes the rest. */
  update(files: Iterable<string>): void {
    const wanted = new Map<string, Set<string>>();
    for (const file of files) {
      const [folder, name] = watchPoint(file);
      const names = wanted.get(folder) ?? new Set<string>();
      names.add(name);
      wanted.set(folder, names);
    }
    for (const [folder, watched] of this.#folders) {
      if (!wanted.has(folder) || inode(folder) !== watched.ino) this.#drop(folder, watched);
    }
    for (const [folder, names] of wanted) {
      const watched = this.#folders.get(folder);
      if (watched !== undefined) watched.names = names;
      else this.#open(folder, names);
    }
  }

  /** The folders watched now, sorted. */
  get folders(): string[] {
    return [...this.#folders.keys()].sort();
  }

  close(): void {
    for (const [folder, watched] of this.#folders) this.#drop(folder, watched);
  }

  #open(folder: string, names: Set<string>): void {
    const ino = inode(folder);
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, { persistent: true });
    } catch {
      // Gone between the stat and the watch (or not watchable): its parent's watch, next run, will see it.
      return;
    }
    const watched: Watched = { watcher, ino: ino ?? -1, names };
    watcher.on("change", (_event, filename) => {
      // No name (some platforms, or an overflowed queue): anything may have changed.
      const name = typeof filename === "string" ? filename : undefined;
      if (name === undefined || watched.names.has(name)) this.onChange(path.join(folder, name ?? ""));
    });
    watcher.on("error", () => {
      // The folder went away (or the watch broke): forget it, and let a run re-derive where to watch.
      this.#drop(folder, watched);
      this.onChange(folder);
    });
    this.#folders.set(folder, watched);
  }

  #drop(folder: string, watched: Watched): void {
    watched.watcher.close();
    if (this.#folders.get(folder) === watched) this.#folders.delete(folder);
  }
}

/** The folder to watch for `file` and the name to look for in it. */
export function watchPoint(file: string): [folder: string, name: string] {
  let folder = path.dirname(file);
  let name = path.basename(file);
  while (inode(folder) === undefined) {
    const parent = path.dirname(folder);
    if (parent === folder) break;
    name = path.basename(folder);
    folder = parent;
  }
  return [folder, name];
}

/** The folder's inode, or undefined when there is no folder there. */
function inode(folder: string): number | undefined {
  try {
    const stat = statSync(folder);
    return stat.isDirectory() ? stat.ino : undefined;
  } catch {
    return undefined;
  }
}
