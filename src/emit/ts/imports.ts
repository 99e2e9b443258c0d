// Imports are registered while code is printed and written in one final pass (sorted, deduped, `import type` when
// every use of a module is a type), so no emitter writes an import by hand.
import type { ImportDeclarationStructure, OptionalKind } from "ts-morph";

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

  structures(): OptionalKind<ImportDeclarationStructure>[] {
    const namespaces = [...this.namespaces.keys()].sort(compare).map((moduleSpecifier) => ({ moduleSpecifier, namespaceImport: this.namespaces.get(moduleSpecifier)! }));
    return [...namespaces, ...this.namedStructures()];
  }

  private namedStructures(): OptionalKind<ImportDeclarationStructure>[] {
    return [...this.modules.keys()].sort(compare).map((moduleSpecifier) => {
      const names = this.modules.get(moduleSpecifier)!;
      const sorted = [...names.keys()].sort(compare);
      const allTypes = sorted.every((n) => names.get(n) === false);
      return {
        moduleSpecifier,
        isTypeOnly: allTypes,
        namedImports: sorted.map((name) => ({ name, isTypeOnly: !allTypes && names.get(name) === false })),
      };
    });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
