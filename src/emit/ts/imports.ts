// Imports are registered while code is printed and written in one final pass (sorted, deduped, `import type` when
// every use of a module is a type), so no emitter writes an import by hand.

export class ImportSet {
  /** module → name → value use seen */
  private readonly modules = new Map<string, Map<string, boolean>>();
  /** module → local name of `import * as <name>` */
  private readonly namespaces = new Map<string, string>();

  /** Registers `import * as <local> from module` and returns the local name to print. */
  namespace(module: string, local: string): string {
    this.namespaces.set(module, local);
    return local;
  }

  /** Registers `name` from `module` and returns the local name to print. */
  value(module: string, name: string): string {
    return this.add(module, name, true);
  }

  type(module: string, name: string): string {
    return this.add(module, name, false);
  }

  private add(module: string, name: string, isValue: boolean): string {
    let names = this.modules.get(module);
    if (names === undefined) this.modules.set(module, (names = new Map()));
    names.set(name, (names.get(name) ?? false) || isValue);
    return name;
  }

  /**
   * `body` with the import declarations before it: one per line, namespaces first, then named imports, each sorted
   * by module (`import type` when every name is a type), a blank line, then the body from its first non-blank line.
   * Text, not a syntax tree: the output is what ts-morph's insertImportDeclarations printed, without parsing the
   * file (twice) or loading a second TypeScript compiler.
   */
  prependTo(body: string): string {
    const lines: string[] = [];
    for (const module of [...this.namespaces.keys()].sort(compare)) lines.push(`import * as ${this.namespaces.get(module)!} from "${module}";`);
    for (const module of [...this.modules.keys()].sort(compare)) {
      const names = this.modules.get(module)!;
      const sorted = [...names.keys()].sort(compare);
      const allTypes = sorted.every((n) => names.get(n) === false);
      const list = sorted.map((name) => (!allTypes && names.get(name) === false ? `type ${name}` : name)).join(", ");
      lines.push(`import ${allTypes ? "type " : ""}{ ${list} } from "${module}";`);
    }
    return lines.length === 0 ? body : `${lines.join("\n")}\n\n${body.replace(/^\n+/, "")}`;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
