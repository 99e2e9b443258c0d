// Problems found while walking the bundled document, located by JSON pointer; index.ts turns them into Diagnostics.

export interface WalkProblem {
  severity: "error" | "warning";
  code: string;
  message: string;
  pointer: string;
}

export type Report = (problem: WalkProblem) => void;
