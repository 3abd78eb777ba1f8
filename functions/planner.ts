/**
 * TEMPORARY entry point so that the CDK app can synthesize and bundle (issue 11). The real planner handler
 * arrives with the sweep-pipeline branch and replaces this file at merge; the entry path stays
 * functions/planner.ts.
 */
export async function handler(_event: unknown): Promise<never> {
  throw new Error("functions/planner.ts: not wired yet (placeholder from the infra branch)");
}
