/** A saved SQL query over the result tables: an Athena named query and a `msor query --saved` name. */
export interface SavedQuery {
  /** Athena saved-query name and `msor query` name. */
  readonly name: string;
  readonly description: string;
  /** SQL with one `?` parameter: the run_id. */
  readonly sql: string;
}
