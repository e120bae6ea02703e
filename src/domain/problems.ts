import { LaunchField, LaunchProblem, LaunchProblemCode, ProblemSeverity } from "./types";

const severityOf: Record<LaunchProblemCode, ProblemSeverity> = {
  [LaunchProblemCode.CLOUD_NOT_SUPPORTED]: ProblemSeverity.BLOCKING,
  [LaunchProblemCode.WRONG_CLOUD]: ProblemSeverity.BLOCKING,
  [LaunchProblemCode.ARCHITECTURE_MISMATCH]: ProblemSeverity.BLOCKING,
  [LaunchProblemCode.NO_MULTI_CLOUD_IMAGE]: ProblemSeverity.BLOCKING,
  [LaunchProblemCode.UNTESTED_COMBINATION]: ProblemSeverity.ADVISORY,
};

/** A problem with the severity the rules give its code, so no caller can pick another. */
export function launchProblem(code: LaunchProblemCode, field: LaunchField, message: string): LaunchProblem {
  return { code, severity: severityOf[code], message, field };
}

export function isBlocking(problem: LaunchProblem): boolean {
  return problem.severity === ProblemSeverity.BLOCKING;
}
