// The operations' definitions a generated client module bakes in: its `JSON.parse` table, read with TypeScript's own
// parser (so the template literal's escapes are undone exactly as at run time).
import ts from "typescript";
import type { OperationDefinition } from "../../src/runtime/index.js";

export function definitionsOf(moduleText: string): OperationDefinition[] {
  let table: string | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText() === "JSON.parse" && ts.isNoSubstitutionTemplateLiteral(node.arguments[0]!)) {
      table = node.arguments[0].text;
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile("index.ts", moduleText, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS));
  if (table === undefined) throw new Error("no operationDefinitions table");
  return JSON.parse(table) as OperationDefinition[];
}
